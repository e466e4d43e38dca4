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
  static let fixtures = ["lung_efron", "lung_strata_breslow", "lung_weighted", "veteran", "heart"]

  static func data(_ name: String) throws -> Dataset {
    try BundledDatasets.load(name, stdlib: projectRoot.appendingPathComponent("stdlib").path)
  }

  /// The fixture's model, fitted by Kaplan, and the fixture.
  static func model(_ name: String) throws -> (CoxAnalysis, Dataset, [String: Any]) {
    guard let f = try loadFixture("cox_predict/\(name).json") as? [String: Any],
      let formula = f["formula"] as? String, let ties = f["ties"] as? String
    else { throw FixtureError("bad fixture \(name)") }
    let source = name.hasPrefix("lung") ? "lung" : name
    var d = try data(source)
    if source == "lung" {
      let age = try d.column(named: "age").asDoubles()
      d = try d.with("w", .double(age.map { 1 + $0.truncatingRemainder(dividingBy: 3) }))
    }
    var options = CoxAnalysisOptions()
    options.ties = ties == "breslow" ? .breslow : .efron
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
      for ref in [CoxPredictionReference.strata, .sample] {
        let r = pred["\(type.rawValue)_\(ref.rawValue)"] as? [String: Any] ?? [:]
        let own = try m.predict(type: type, reference: ref)
        Self.expectClose(own.fit, Self.numbers(r["fit"]), "\(name) \(type) \(ref) fit")
        Self.expectClose(own.se, Self.numbers(r["se"]), "\(name) \(type) \(ref) se")
        let new = try m.predict(newdata: newdata, type: type, reference: ref)
        Self.expectClose(new.fit, Self.numbers(r["new_fit"]), "\(name) \(type) \(ref) newdata fit")
        if !(m.isCountingProcess && (type == .expected || type == .survival)) {
          Self.expectClose(new.se, Self.numbers(r["new_se"]), "\(name) \(type) \(ref) newdata se")
        }
      }
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
    let adj = try m.adjustedCurves(data: d, by: "celltype")
    #expect(adj.labels == (f["levels"] as? [String] ?? []).map { "celltype=\($0)" })
    let got = try adj.at(Self.times, extend: true).flatMap(\.surv)
    Self.expectClose(got, Self.numbers(f["surv"]), "veteran adjusted curves")
    var o = CoxAdjustedCurvesOptions()
    o.bootstrap = 5
    o.seed = 7
    let b1 = try m.adjustedCurves(data: d, by: "celltype", options: o)
    let b2 = try m.adjustedCurves(data: d, by: "celltype", options: o)
    #expect(b1.curves.map(\.lower) == b2.curves.map(\.lower))
    #expect(b1.curves[0].lower.allSatisfy { !$0.isNaN })
  }
}
