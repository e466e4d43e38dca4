import Datasets
import Foundation
import Testing
import TestSupport

@testable import Analysis

/// Formula transforms against R (`Tests/Fixtures/formulas/formula_transforms.json`,
/// written by `scripts/fixtures/formula_transforms.R`): the ns/bs/poly basis
/// matrices over whole bundled columns and at new values (R's `predict`),
/// and `coxph` fits with transforms, bases, `tt()`, event comparisons and
/// `~ .` (coefficients, standard errors and log-likelihoods to 1e-6).
@Suite struct FormulaTransformFixtureTests {
  /// The fixture, read at each use (`[String: Any]` is not `Sendable`, so
  /// it is not kept in a static).
  static func root() -> [String: Any] {
    ((try? loadFixture("formulas/formula_transforms.json")) as? [String: Any]) ?? [:]
  }

  static var bases: [[String: Any]] { (root()["bases"] as? [[String: Any]]) ?? [] }
  static var fits: [[String: Any]] { (root()["fits"] as? [[String: Any]]) ?? [] }
  static var basisCalls: [String] { bases.compactMap { $0["call"] as? String } }
  static var fitFormulas: [String] { fits.compactMap { $0["formula"] as? String } }

  static let stdlib = projectRoot.appendingPathComponent("stdlib").path

  /// The bundled dataset, or lung with R's `lung[, c(time, status, age, sex, ph.ecog, wt.loss)]`.
  static func dataset(_ name: String) throws -> Dataset {
    if name == "lung_small" {
      let lung = try BundledDatasets.load("lung", stdlib: stdlib)
      let names = ["time", "status", "age", "sex", "ph.ecog", "wt.loss"]
      return try lung.select(names)
    }
    return try BundledDatasets.load(name, stdlib: stdlib)
  }

  static func doubles(_ value: Any?) -> [Double] {
    ((value as? [Any]) ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  /// A count, written by R as a number or a one-element array.
  static func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue ?? doubles(value).first
  }

  static func matrix(_ value: Any?) -> [[Double]] { ((value as? [Any]) ?? []).map(doubles) }

  @Test func fixtureHasCases() {
    #expect(Self.bases.count == 13)
    #expect(Self.fits.count == 24)
  }

  @Test(arguments: basisCalls)
  func basisMatchesR(call: String) throws {
    let case_ = try #require(Self.bases.first { $0["call"] as? String == call })
    let data = try Self.dataset(try #require(case_["dataset"] as? String))
    let formula = try Formula(parsing: "Surv(time, status) ~ " + call)
    let variable = try #require(formula.variables.first)
    #expect(variable.label == call)
    let t = try TransformedVariable(try #require(variable.transform), formula: formula, dataset: data)
    let expected = Self.matrix(case_["columns"])
    try Self.expectMatrix(t.columns, expected, what: call)
    #expect(t.suffixes == (1...expected.count).map(String.init))
    let newx = Self.doubles(case_["newx"])
    if !newx.isEmpty {
      try Self.expectMatrix(t.basis.design(newx).0, Self.matrix(case_["predicted"]), what: "predict \(call)")
    }
  }

  static func expectMatrix(_ got: [[Double]], _ expected: [[Double]], what: String) throws {
    try #require(got.count == expected.count, "\(what): \(got.count) columns, R has \(expected.count)")
    for (j, (g, e)) in zip(got, expected).enumerated() {
      try #require(g.count == e.count)
      let bad = zip(g, e).enumerated().filter {
        !approxEqual($1.0, $1.1, relative: Tolerance.closedForm, absoluteFloor: 1e-13)
      }
      #expect(bad.isEmpty, "\(what) column \(j + 1): \(bad.prefix(3).map { "row \($0.offset + 1): \($0.element)" })")
    }
  }

  /// The fixture's tt functions, by the name the R script gives them.
  static func timeTransform(_ name: String) -> CoxTimeTransform? {
    switch name {
    case "x*log(t)": return { _, x, t in x.map { $0 * Foundation.log(t) } }
    case "x*log(t+20)": return { _, x, t in x.map { $0 * Foundation.log(t + 20) } }
    case "x*(t>100)": return { _, x, t in x.map { $0 * (t > 100 ? 1 : 0) } }
    case "x*log(t+1)": return { _, x, t in x.map { $0 * Foundation.log(t + 1) } }
    default: return nil
    }
  }

  @Test(arguments: fitFormulas)
  func coxMatchesR(formulaText: String) throws {
    let case_ = try #require(Self.fits.first { $0["formula"] as? String == formulaText })
    let data = try Self.dataset(try #require(case_["dataset"] as? String))
    let lungState: Dataset
    if formulaText.contains("state") {
      // R's ifelse(status == 2, "Dead", "Alive"), written out.
      let status = try #require(data["status"]).asDoubles()
      let state = Column.factor(codes: status.map { $0 == 2 ? 1 : 0 }, levels: ["Alive", "Dead"])
      lungState = try Dataset(names: data.names + ["state"], columns: data.columns + [state])
    } else {
      lungState = data
    }
    let ttName = case_["tt"] as? String ?? ""
    let tt = ttName.isEmpty ? nil : Self.timeTransform(ttName)
    if !ttName.isEmpty { try #require(tt != nil, "unknown tt function \(ttName)") }
    let m = try CoxAnalysis(dataset: lungState, formula: try Formula(parsing: formulaText), timeTransform: tt)
    #expect(m.coefficients.map(\.name) == (case_["names"] as? [String]))
    let tolerance = Tolerance.iterative
    for (what, got, expected) in [
      ("coef", m.fit.coefficients, Self.doubles(case_["coef"])),
      ("se", m.fit.robustStandardErrors ?? m.fit.standardErrors, Self.doubles(case_["se"])),
      ("loglik", [m.fit.loglikInitial, m.fit.loglik], Self.doubles(case_["loglik"])),
    ] {
      #expect(got.count == expected.count)
      for (g, e) in zip(got, expected) {
        #expect(approxEqual(g, e, relative: tolerance, absoluteFloor: 1e-9), "\(what): \(g) vs R \(e)")
      }
    }
    #expect(m.isRobust == (case_["robust"] as? Bool))
    #expect(Double(m.n) == Self.number(case_["n"]))
    #expect(Double(m.events) == Self.number(case_["nevent"]))
  }
}

/// Prediction profiles of models with transforms evaluate the basis fitted
/// to the data (R's `makepredictcall`): a profile with a data row's values
/// gives that row of the design matrix.
@Suite struct TransformProfileTests {
  @Test func profileOfADataRowIsItsDesignRow() throws {
    let lung = try FormulaTransformFixtureTests.dataset("lung")
    let formula = try Formula(
      parsing: "Surv(time, status) ~ ns(age, df = 3) + poly(time, 2) + I(wt.loss^2):sex + bs(age, knots = 60)")
    let frame = try ModelFrame(dataset: lung, formula: formula)
    let design = try DesignMatrix(frame: frame)
    let profile = DesignProfile(frame: frame, design: design)
    #expect(profile.variables == ["age", "time", "wt.loss", "sex"])
    let ages = try #require(lung["age"]).asDoubles(), times = try #require(lung["time"]).asDoubles()
    let loss = try #require(lung["wt.loss"]).asDoubles(), sex = try #require(lung["sex"]).asDoubles()
    for i in [0, 5, 17, frame.count - 1] {
      let row = frame.rows[i]
      let got = try profile.row([
        "age": .number(ages[row]), "time": .number(times[row]), "wt.loss": .number(loss[row]),
        "sex": .number(sex[row]),
      ])
      let expected = (0..<design.columnCount).map { design.values[$0 * design.rowCount + i] }
      #expect(zip(got, expected).allSatisfy {
        approxEqual($0, $1, relative: Tolerance.closedForm, absoluteFloor: 1e-14)
      })
    }
  }

  @Test func profileOfATimeTransformIsRefused() throws {
    let lung = try FormulaTransformFixtureTests.dataset("lung")
    let frame = try ModelFrame(dataset: lung, formula: try Formula(parsing: "Surv(time, status) ~ tt(age)"))
    let profile = DesignProfile(frame: frame, design: try DesignMatrix(frame: frame))
    #expect(throws: ModelFrameError("a model with tt(age) has no covariate profile: its value changes with time")) {
      try profile.row(["age": .number(60)])
    }
  }
}

/// Fine–Gray models with transforms against `cmprsk::crr` on R's
/// `model.matrix` (the fixture's `finegray` cases): lung with death as
/// cause 1 for men and 2 for women (`ifelse(status == 2, sex, 0)`).
@Suite struct FineGrayTransformTests {
  static var cases: [[String: Any]] {
    (FormulaTransformFixtureTests.root()["finegray"] as? [[String: Any]]) ?? []
  }
  static var formulas: [String] { cases.compactMap { $0["formula"] as? String } }

  @Test func fixtureHasCases() { #expect(Self.cases.count == 2) }

  @Test(arguments: formulas)
  func matchesCrr(rhs: String) throws {
    let case_ = try #require(Self.cases.first { $0["formula"] as? String == rhs })
    let lung = try FormulaTransformFixtureTests.dataset("lung")
    let status = try #require(lung["status"]).asDoubles(), sex = try #require(lung["sex"]).asDoubles()
    let cause = Column.double(zip(status, sex).map { $0 == 2 ? $1 : 0 })
    let d = try Dataset(names: lung.names + ["cause"], columns: lung.columns + [cause])
    let m = try FineGrayAnalysis(dataset: d, formula: try Formula(parsing: "Surv(time, cause) ~ " + rhs))
    #expect(m.terms.map(\.name) == (case_["names"] as? [String]))
    for (what, got, expected) in [
      ("coef", m.fit.coefficients, FormulaTransformFixtureTests.doubles(case_["coef"])),
      ("se", m.fit.standardErrors, FormulaTransformFixtureTests.doubles(case_["se"])),
    ] {
      #expect(got.count == expected.count)
      for (g, e) in zip(got, expected) {
        #expect(approxEqual(g, e, relative: Tolerance.iterative, absoluteFloor: 1e-9), "\(what): \(g) vs R \(e)")
      }
    }
  }
}
