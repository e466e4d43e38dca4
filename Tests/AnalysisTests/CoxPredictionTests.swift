import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// `Tests/Fixtures/cox_predict/*.json`, written by `scripts/fixtures/cox_predict.R`
/// (R survival 3.5 `predict.coxph`, `survfit.coxph`, `basehaz`, `AIC`, `BIC`).
@Suite struct CoxPredictionTests {
  static let tolerance = Tolerance.iterative
  static let fixtures = [
    "lung_efron", "lung_strata_breslow", "lung_weighted", "veteran", "heart", "lung_offset",
    "lung_offset_strata_weighted", "heart_strata", "lung_exact", "colon_cluster", "colon_exact",
  ]

  static func data(_ name: String) throws -> Dataset {
    try BundledDatasets.load(name, stdlib: projectRoot.appendingPathComponent("stdlib").path)
  }

  /// The fixture's model, fitted by Kaplan, and the fixture.
  static func model(_ name: String) throws -> (CoxAnalysis, Dataset, [String: Any]) {
    guard let f = try loadFixture("cox_predict/\(name).json") as? [String: Any],
      let formula = f["formula"] as? String, let ties = f["ties"] as? String
    else { throw FixtureError("bad fixture \(name)") }
    let source = ["lung", "heart", "colon"].first { name.hasPrefix($0) } ?? name
    var d = try data(source)
    if source == "lung" {
      // The R script's columns: w <- 1 + (age %% 3); off <- 0.2 * (age %% 4) - 0.3.
      let age = try d.column(named: "age").asDoubles()
      d = try d.with("w", .double(age.map { 1 + $0.truncatingRemainder(dividingBy: 3) }))
      d = try d.with("off", .double(age.map { 0.2 * $0.truncatingRemainder(dividingBy: 4) - 0.3 }))
    }
    var options = CoxAnalysisOptions()
    options.ties = CoxTies(rawValue: ties) ?? .efron
    options.weights = f["weights"] as? String
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: formula), options: options)
    return (m, d, f)
  }

  static func numbers(_ x: Any?) -> [Double] {
    (x as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  static func expectClose(_ a: [Double], _ b: [Double], _ what: String, floor: Double = 1e-12) {
    #expect(a.count == b.count, "\(what): \(a.count) values, R has \(b.count)")
    for (i, (x, y)) in zip(a, b).enumerated() where !approxEqual(x, y, relative: tolerance, absoluteFloor: floor) {
      Issue.record("\(what)[\(i + 1)]: Kaplan \(x), R \(y)")
      return
    }
  }

  @Test(arguments: fixtures) func coefficientsMatch(name: String) throws {
    let (m, _, f) = try Self.model(name)
    Self.expectClose(m.fit.coefficients, Self.numbers(f["coef"]), "\(name) coef")
  }

  @Test(arguments: fixtures) func predictionsMatch(name: String) throws {
    let (m, d, f) = try Self.model(name)
    let rows = (f["newrows"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    let newdata = try d.rows(rows)
    let pred = f["prediction"] as? [String: Any] ?? [:]
    for type in CoxPredictionType.allCases {
      for ref in CoxPredictionReference.allCases {
        let r = pred["\(type.rawValue)_\(ref.rawValue)"] as? [String: Any] ?? [:]
        let own = try m.predict(type: type, reference: ref)
        Self.expectClose(own.fit, Self.numbers(r["fit"]), "\(name) \(type) \(ref) fit")
        Self.expectClose(own.se, Self.numbers(r["se"]), "\(name) \(type) \(ref) se")
        let new = try m.predict(newdata: newdata, type: type, reference: ref)
        // predict.coxph's expected events for new data with an offset use exp(lp) + offset, and its se for
        // (start, stop] new data reads the wrong times: those are checked against survfit below.
        let byCurve = type == .expected || type == .survival
        let offset = !m.formula.offsets.isEmpty
        if !(byCurve && offset) {
          Self.expectClose(new.fit, Self.numbers(r["new_fit"]), "\(name) \(type) \(ref) newdata fit")
        }
        if !(byCurve && (offset || m.isCountingProcess)) {
          Self.expectClose(new.se, Self.numbers(r["new_se"]), "\(name) \(type) \(ref) newdata se")
        }
      }
    }
  }

  /// Expected events (and survival) of new rows equal the cumulative hazard
  /// of the row's survfit.coxph curve at its time (exit minus entry for
  /// (start, stop] rows), with offsets, strata and (start, stop] data.
  @Test(arguments: fixtures) func expectedEventsOfNewRowsAreReadOffTheirCurves(name: String) throws {
    let (m, d, f) = try Self.model(name)
    let rows = (f["newrows"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    let r = f["expected_by_curve"] as? [String: Any] ?? [:]
    let fit = Self.numbers(r["fit"])
    let se = Self.numbers(r["se"])
    let expected = try m.predict(newdata: try d.rows(rows), type: .expected)
    Self.expectClose(expected.fit, fit, "\(name) expected by curve")
    Self.expectClose(expected.se, se, "\(name) expected se by curve")
    let survival = try m.predict(newdata: try d.rows(rows), type: .survival)
    Self.expectClose(survival.fit, fit.map { Foundation.exp(-$0) }, "\(name) survival by curve")
    Self.expectClose(survival.se, zip(se, fit).map { $0 * Foundation.exp(-$1) }, "\(name) survival se by curve")
  }

  /// (start, stop] new rows that are fitted rows get R's se of the fitted rows.
  @Test(arguments: ["heart", "heart_strata"]) func countingProcessNewRowsHaveTheFittedRowsSe(name: String) throws {
    let (m, d, f) = try Self.model(name)
    let rows = (f["newrows"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    let pred = (f["prediction"] as? [String: Any])?["expected_strata"] as? [String: Any] ?? [:]
    let fitted = Self.numbers(pred["se"])
    let new = try m.predict(newdata: try d.rows(rows), type: .expected)
    Self.expectClose(new.se, rows.map { fitted[$0] }, "\(name) (start, stop] newdata se vs R's fitted se")
  }

  @Test(arguments: fixtures) func termsMatch(name: String) throws {
    let (m, d, f) = try Self.model(name)
    let rows = (f["newrows"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    let terms = f["terms"] as? [String: Any] ?? [:]
    for ref in CoxPredictionReference.allCases {
      let r = terms[ref.rawValue] as? [String: Any] ?? [:]
      let own = try m.predictTerms(reference: ref)
      #expect(own.terms == (r["names"] as? [String] ?? (r["names"] as? String).map { [$0] } ?? []))
      Self.expectClose(own.fit.flatMap { $0 }, Self.numbers(r["fit"]), "\(name) terms \(ref) fit")
      Self.expectClose(own.se.flatMap { $0 }, Self.numbers(r["se"]), "\(name) terms \(ref) se")
      let new = try m.predictTerms(newdata: try d.rows(rows), reference: ref)
      Self.expectClose(new.fit.flatMap { $0 }, Self.numbers(r["new_fit"]), "\(name) terms \(ref) newdata fit")
      Self.expectClose(new.se.flatMap { $0 }, Self.numbers(r["new_se"]), "\(name) terms \(ref) newdata se")
    }
  }

  /// Property: the terms add up to the linear predictor without its offset (same reference).
  @Test func termsAddUpToTheLinearPredictor() throws {
    let (m, d, _) = try Self.model("lung_strata_breslow")
    for ref in CoxPredictionReference.allCases {
      let terms = try m.predictTerms(newdata: try d.rows([0, 5, 9]), reference: ref)
      let lp = try m.predict(newdata: try d.rows([0, 5, 9]), type: .lp, reference: ref)
      let sums = (0..<3).map { i in terms.fit.reduce(0) { $0 + $1[i] } }
      Self.expectClose(sums, lp.fit, "terms sum (\(ref))")
    }
  }

  static let times: [Double] = [30, 100, 180, 365, 500]

  static func flatten(_ rows: [SurvivalAtTimes]) -> (surv: [Double], se: [Double], lower: [Double], upper: [Double]) {
    (rows.flatMap(\.surv), rows.flatMap(\.stdErr), rows.flatMap(\.lower), rows.flatMap(\.upper))
  }

  @Test(arguments: fixtures) func curvesMatch(name: String) throws {
    let (m, d, f) = try Self.model(name)
    let rows = (f["newrows"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    let curves = try m.survfit(newdata: try d.rows(rows))
    let got = Self.flatten(try curves.at(Self.times, extend: true))
    let r = f["curves"] as? [String: Any] ?? [:]
    Self.expectClose(got.surv, Self.numbers(r["surv"]), "\(name) curve surv")
    Self.expectClose(got.se, Self.numbers(r["std_err"]), "\(name) curve std.err")
    Self.expectClose(got.lower, Self.numbers(r["lower"]), "\(name) curve lower")
    Self.expectClose(got.upper, Self.numbers(r["upper"]), "\(name) curve upper")
  }

  /// Property: the curve at the mean profile is R's survfit(m) (the curve without newdata).
  @Test(arguments: fixtures) func meanCurveIsSurvfitOfTheModel(name: String) throws {
    let (m, _, f) = try Self.model(name)
    let got = Self.flatten(try m.survfit().at(Self.times, extend: true))
    let r = f["mean_curve"] as? [String: Any] ?? [:]
    Self.expectClose(got.surv, Self.numbers(r["surv"]), "\(name) mean curve surv")
    Self.expectClose(got.se, Self.numbers(r["std_err"]), "\(name) mean curve std.err")
    Self.expectClose(got.lower, Self.numbers(r["lower"]), "\(name) mean curve lower")
  }

  @Test(arguments: fixtures) func baselineMatchesBasehaz(name: String) throws {
    let (m, _, f) = try Self.model(name)
    let r = f["basehaz"] as? [String: Any] ?? [:]
    let centred = try m.baseline(centered: true)
    Self.expectClose(centred.time, Self.numbers(r["time"]), "\(name) basehaz time")
    Self.expectClose(centred.hazard, Self.numbers(r["hazard"]), "\(name) basehaz")
    Self.expectClose(try m.baseline(centered: false).hazard, Self.numbers(r["hazard_uncentered"]),
                     "\(name) basehaz uncentred")
    if let strata = r["strata"] as? [String] { #expect(centred.strata == strata) }
  }

  @Test(arguments: fixtures) func informationCriteriaMatch(name: String) throws {
    let (m, _, f) = try Self.model(name)
    Self.expectClose([m.aic, m.bic], [Self.numbers(f["aic"]).first ?? .nan, Self.numbers(f["bic"]).first ?? .nan],
                     "\(name) AIC, BIC")
  }

  @Test func contrastMatchesWaldTest() throws {
    let (m, _, f) = try Self.model("veteran")
    let c = f["contrast"] as? [String: Any] ?? [:]
    let names = c["names"] as? [String] ?? []
    let all = m.coefficients.map(\.name)
    let L = names.map { n in all.map { $0 == n ? 1.0 : 0.0 } }
    let w = try m.contrast(L)
    Self.expectClose([w.statistic, w.p], [Self.numbers(c["statistic"]).first ?? .nan,
                                         Self.numbers(c["p"]).first ?? .nan],
                     "veteran contrast")
    #expect(w.df == 2)
  }

  @Test func badProfilesNameRowAndColumn() throws {
    let (m, d, _) = try Self.model("lung_strata_breslow")
    let noAge = try d.rows([0, 1]).drop(["age"])
    #expect(throws: ModelFrameError.self) { try m.survfit(newdata: noAge) }
    do {
      _ = try m.survfit(newdata: noAge)
    } catch let e as ModelFrameError {
      #expect(e.message.contains("'age'"))
    }
    let newStratum = try d.rows([0, 1]).with("sex", .double([1, 3]))
    do {
      _ = try m.survfit(newdata: newStratum)
      Issue.record("a new stratum was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message.contains("row 2") && e.message.contains("sex=3") && e.message.contains("'sex'"))
    }
    let (v, vd, _) = try Self.model("veteran")
    let badLevel = try vd.rows([0]).with("celltype", .factor(codes: [0], levels: ["huge"]))
    do {
      _ = try v.predict(newdata: badLevel)
      Issue.record("an unknown level was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message.contains("row 1") && e.message.contains("celltype") && e.message.contains("huge"))
    }
  }

  @Test func adjustedCurvesAreTheMeanPredictedCurves() throws {
    guard let f = try loadFixture("cox_predict/veteran_adjusted.json") as? [String: Any] else {
      throw FixtureError("bad veteran_adjusted.json")
    }
    let d = try Self.data("veteran")
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ celltype + karno + age"))
    var none = CoxAdjustedCurvesOptions()
    none.interval = .none
    let adj = try m.adjustedCurves(data: d, by: "celltype", options: none)
    #expect(adj.labels == (f["levels"] as? [String] ?? []).map { "celltype=\($0)" })
    let got = try adj.at(Self.times, extend: true).flatMap(\.surv)
    Self.expectClose(got, Self.numbers(f["surv"]), "veteran adjusted curves")
  }

  /// `Tests/Fixtures/cox_predict/veteran_adjusted_*.json`: point estimates
  /// (checked in R against the mean of survfit's curves), delta-method
  /// standard errors computed by hand in R (checked there against survfit's
  /// for one row) and log-log limits, for a model without strata, one with
  /// strata(prior) and one standardised over its stratum variable.
  @Test(arguments: ["veteran_adjusted_delta", "veteran_adjusted_strata", "veteran_adjusted_by_stratum"])
  func adjustedCurvesDeltaMethodMatchesR(name: String) throws {
    guard let f = try loadFixture("cox_predict/\(name).json") as? [String: Any],
      let formula = f["formula"] as? String, let by = f["by"] as? String
    else { throw FixtureError("bad \(name).json") }
    let d = try Self.data("veteran")
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: formula))
    let adj = try m.adjustedCurves(data: d, by: by)
    let at = try adj.at(Self.times, extend: true)
    Self.expectClose(at.flatMap(\.surv), Self.numbers(f["surv"]), "\(name) surv")
    Self.expectClose(at.flatMap(\.stdErr), Self.numbers(f["se"]), "\(name) delta se")
    Self.expectClose(at.flatMap(\.lower), Self.numbers(f["lower"]), "\(name) lower")
    Self.expectClose(at.flatMap(\.upper), Self.numbers(f["upper"]), "\(name) upper")
  }

  /// Property: the "adjusted" curve of a one-row sample is that row's predicted curve, standard error included.
  @Test func adjustedCurveOfOneRowIsItsPredictedCurve() throws {
    let d = try Self.data("veteran")
    let m = try CoxAnalysis(
      dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ celltype + karno + age + strata(prior)"))
    let one = try d.rows([4])
    let adj = try m.adjustedCurves(data: one, by: "celltype")
    let level = try one.column(named: "celltype")
    guard case .factor(let codes, let levels) = level else { throw FixtureError("celltype is not a string column") }
    let l = adj.labels.firstIndex(of: "celltype=\(levels[Int(codes[0])])") ?? -1
    let curve = try m.survfit(newdata: one)
    let a = try adj.at(Self.times, extend: true)[l]
    let b = try curve.at(Self.times, extend: true)[0]
    Self.expectClose(a.surv, b.surv, "one-row adjusted surv")
    Self.expectClose(a.stdErr, b.stdErr, "one-row adjusted se")
  }

  @Test func adjustedCurvesBootstrapIsSeededAndNearTheDeltaMethod() throws {
    let d = try Self.data("veteran")
    let m = try CoxAnalysis(
      dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ celltype + karno + strata(prior)"))
    var o = CoxAdjustedCurvesOptions()
    o.interval = .bootstrap
    o.reps = 100
    o.seed = 7
    let b1 = try m.adjustedCurves(data: d, by: "celltype", options: o)
    let b2 = try m.adjustedCurves(data: d, by: "celltype", options: o)
    #expect(b1.curves.map(\.lower) == b2.curves.map(\.lower))
    o.seed = 8
    let b3 = try m.adjustedCurves(data: d, by: "celltype", options: o)
    #expect(b1.curves.map(\.lower) != b3.curves.map(\.lower))
    // The percentile interval's width against the delta method's at 100 days (squamous): the same
    // uncertainty measured two ways, so within a factor the bootstrap's noise (100 resamples) allows.
    let delta = try m.adjustedCurves(data: d, by: "celltype")
    let wb = try b1.at([100], extend: true)[0]
    let wd = try delta.at([100], extend: true)[0]
    let ratio = (wb.upper[0] - wb.lower[0]) / (wd.upper[0] - wd.lower[0])
    #expect(ratio > Self.bootstrapWidthRatio.lowerBound && ratio < Self.bootstrapWidthRatio.upperBound,
            "bootstrap / delta interval width \(ratio)")
  }

  /// Bootstrap and delta-method 95% intervals of a survival probability near 0.5 with ~130 rows agree in width
  /// to well within this range; a wrong variance (a factor of √2 or more) falls outside.
  static let bootstrapWidthRatio = 0.7...1.4

  @Test func adjustedCurvesRiskTableCountsTheObservedRowsOfEachGroup() throws {
    let d = try Self.data("veteran")
    let m = try CoxAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, status) ~ celltype + karno"))
    let adj = try m.adjustedCurves(data: d, by: "celltype")
    let times = try d.column(named: "time").asDoubles()
    guard case .factor(let codes, let levels) = try d.column(named: "celltype") else {
      throw FixtureError("celltype is not a string column")
    }
    for (l, curve) in adj.curves.enumerated() {
      let level = adj.labels[l].replacingOccurrences(of: "celltype=", with: "")
      let rows = (0..<d.rowCount).filter { levels[Int(codes[$0])] == level }
      #expect(curve.n == rows.count)
      for (k, t) in curve.time.enumerated() {
        #expect(curve.nRisk[k] == Double(rows.filter { times[$0] >= t }.count))
      }
    }
  }

  @Test func badProfilesOfOffsetsAndTermsNameRowAndColumn() throws {
    let (m, d, _) = try Self.model("lung_offset")
    do {
      _ = try m.predict(newdata: try d.rows([0, 1]).drop(["off"]))
      Issue.record("a profile without the offset column was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message == "newdata has no column 'off' (the model's offset(off))")
    }
    do {
      _ = try m.survfit(newdata: try d.rows([0, 1]).with("off", .double([0.1, .nan])))
      Issue.record("a missing offset was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message == "newdata row 2: column 'off' is missing")
    }
    // predict pads a row with a missing value with NA, as R's na.pass.
    let padded = try m.predict(newdata: try d.rows([0, 1]).with("off", .double([0.1, .nan])))
    #expect(padded.fit[0].isFinite && padded.fit[1].isNaN)
    do {
      _ = try m.predictTerms(newdata: try d.rows([0]).drop(["sex"]))
      Issue.record("a terms profile without a covariate was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message.contains("newdata has no column 'sex'"))
    }
    let (s, sd, _) = try Self.model("lung_strata_breslow")
    do {
      _ = try s.predictTerms(newdata: try sd.rows([0, 1]).with("sex", .double([1, 5])), reference: .strata)
      Issue.record("a new stratum was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message.contains("row 2") && e.message.contains("sex=5"))
    }
    do {
      _ = try s.survfit(newdata: try sd.rows([0, 1]).with("age", .double([60, .nan])))
      Issue.record("a missing covariate in a survfit profile was accepted")
    } catch let e as ModelFrameError {
      #expect(e.message == "newdata row 2: column 'age' is missing")
    }
  }
}
