import Foundation
import Testing
import TestSupport
@testable import Survival

/// R `survival::pspline` bases and `coxph(... ~ pspline(x, ...))` fits,
/// written by scripts/fixtures/pspline.R (Tests/Fixtures/cox/pspline.json).
struct CoxPenalisedSplineTests {
  static func root() -> [String: Any] { (try? loadFixture("cox/pspline.json") as? [String: Any]) ?? [:] }
  static var fits: [[String: Any]] { root()["fits"] as? [[String: Any]] ?? [] }
  static let fitNames = [
    "lung_theta", "lung_df4_sex", "lung_df2", "lung_df3_breslow", "lung_df4_weights", "lung_ecog_strata",
    "veteran_df4_strata", "veteran_two", "veteran_theta_nterm",
  ]
  static var bases: [[String: Any]] { root()["bases"] as? [[String: Any]] ?? [] }

  static func doubles(_ value: Any?) -> [Double] { CoxFixture.doubles(value) ?? [] }
  static func optional(_ value: Any?) -> [Double]? {
    value == nil || value is NSNull ? nil : CoxFixture.doubles(value)
  }
  static func columns(_ value: Any?) -> [[Double]] { (value as? [Any] ?? []).map { doubles($0) } }

  /// Entries R reports as 0 (none here) compare absolutely below this floor.
  static let zeroFloor = 1e-12

  func expectClose(
    _ actual: [Double], _ expected: [Double], _ what: String, relative: Double = Tolerance.iterative,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, "\(what): count \(actual.count) vs R \(expected.count)",
            sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
      #expect(
        approxEqual(a, e, relative: relative, absoluteFloor: Self.zeroFloor),
        "\(what)[\(i)]: \(a) vs R \(e)", sourceLocation: sourceLocation)
    }
  }

  // MARK: Basis and penalty

  /// Order-2 differences of 6 coefficients (nterm 3, cubic), first dropped:
  /// DᵀD worked by hand.
  @Test func penaltyOfFiveColumnsByHand() throws {
    let basis = try PenalisedSplineBasis(lower: 0, upper: 4, nterm: 3)
    #expect(basis.columns == 5)
    let expected: [Double] = [
      5, -4, 1, 0, 0,
      -4, 6, -4, 1, 0,
      1, -4, 6, -4, 1,
      0, 1, -4, 5, -2,
      0, 0, 1, -2, 1,
    ]
    #expect(basis.penalty == expected)
  }

  /// At a knot the cubic B-splines are 1/6, 2/3, 1/6; at x = lo the first
  /// (1/6) is the dropped column; every full row sums to 1.
  @Test func basisAtTheLowerKnotByHand() throws {
    let basis = try PenalisedSplineBasis(lower: 0, upper: 4, nterm: 4)
    let x: [Double] = [0, 1, 2.5, 4]
    let design = try basis.design(x)
    let k = basis.columns
    #expect(abs(design[0 * 4 + 0] - 2.0 / 3) < 1e-15)
    #expect(abs(design[1 * 4 + 0] - 1.0 / 6) < 1e-15)
    #expect(design[2 * 4 + 0] == 0)
    for r in 0..<x.count {
      let sum = (0..<k).reduce(0.0) { $0 + design[$1 * 4 + r] }
      // The dropped first column is 1/6 at lo, 0 elsewhere.
      #expect(abs(sum - (r == 0 ? 5.0 / 6 : 1)) < 1e-14, "row \(r) sums to \(sum)")
    }
    #expect(basis.knots.count == 4 + 2 * 3 + 1)
    #expect(basis.knots[3] == 0 && basis.knots[7] == 4)
  }

  @Test func basesMatchR() throws {
    #expect(Self.bases.count == 5)
    for b in Self.bases {
      let call = b["call"] as? String ?? ""
      let x = Self.doubles(b["x"])
      let boundary = Self.doubles(b["boundary"])
      let nterm = Self.doubles(b["nterm"]).first ?? 0
      let basis = try PenalisedSplineBasis(lower: boundary[0], upper: boundary[1], nterm: Int(nterm))
      #expect(basis.lower == x.min() && basis.upper == x.max())
      let columns = Self.columns(b["columns"])
      #expect(columns.count == basis.columns, "\(call)")
      let design = try basis.design(x)
      expectClose(design, columns.flatMap { $0 }, "\(call) basis", relative: Tolerance.closedForm)
      let penalty = Self.columns(b["penalty"]).flatMap { $0 }  // symmetric: by column = by row
      #expect(basis.penalty == penalty, "\(call) penalty")
    }
  }

  @Test func basisRefusesBadInput() {
    #expect(throws: CoxInputError.self) { try PenalisedSplineBasis(lower: 1, upper: 1, nterm: 10) }
    #expect(throws: CoxInputError.self) { try PenalisedSplineBasis(lower: 0, upper: 1, nterm: 2) }
    #expect(throws: CoxInputError.self) { try PenalisedSplineBasis(lower: 0, upper: .nan, nterm: 5) }
    // A range wider than the largest double would give infinite knots.
    #expect(throws: CoxInputError.self) { try PenalisedSplineBasis(lower: -1e308, upper: 1e308, nterm: 5) }
    #expect(throws: CoxInputError.self) {
      try PenalisedSplineBasis(lower: 0, upper: 1, nterm: 5).design([0.5, 1.5])
    }
    #expect(PenalisedSplineBasis.defaultNterm(df: 3) == 8)  // 7.5 rounds to even
    #expect(PenalisedSplineBasis.defaultNterm(df: 4) == 10)
  }

  // MARK: Fits

  /// The design (pspline columns from the range of each smooth variable,
  /// ordinary columns as given) in R's column order, read from the names.
  static func model(
    _ f: [String: Any]
  ) throws -> (x: [Double], p: Int, terms: [[Int]], penalties: [CoxPenaltyTerm], bases: [PenalisedSplineBasis]) {
    let names = f["names"] as? [String] ?? []
    let smooth = columns(f["smooth"])
    let linear = columns(f["linear"])
    let specs = f["spec"] as? [[String: Any]] ?? []
    var x: [Double] = []
    var terms: [[Int]] = []
    var penalties: [CoxPenaltyTerm] = []
    var bases: [PenalisedSplineBasis] = []
    var nextSmooth = 0
    var nextLinear = 0
    var i = 0
    while i < names.count {
      let start = terms.reduce(0) { $0 + $1.count }
      if names[i].hasPrefix("ps(") {
        let v = smooth[nextSmooth]
        let spec = specs[nextSmooth]
        nextSmooth += 1
        let df = doubles(spec["df"]).first ?? 4
        let nterm = doubles(spec["nterm"]).first ?? PenalisedSplineBasis.defaultNterm(df: df)
        let basis = try PenalisedSplineBasis(
          lower: v.min() ?? 0, upper: v.max() ?? 0, nterm: Int(nterm.rounded(.toNearestOrEven)))
        x += try basis.design(v)
        let cols = start..<(start + basis.columns)
        terms.append(Array(cols))
        let rule: CoxThetaSearch.Rule
        if let theta = doubles(spec["theta"]).first {
          rule = .fixed(theta: theta)
        } else {
          rule = .degreesOfFreedom(target: df, nterm: nterm, eps: 0.1)
        }
        penalties.append(CoxPenaltyTerm(columns: cols, penalty: basis.penalty, rule: rule))
        bases.append(basis)
        i += basis.columns
      } else {
        x += linear[nextLinear]
        nextLinear += 1
        terms.append([start])
        i += 1
      }
    }
    return (x, terms.reduce(0) { $0 + $1.count }, terms, penalties, bases)
  }

  @Test func fixtureHasTheCases() {
    #expect(Self.fits.compactMap { $0["name"] as? String } == Self.fitNames)
  }

  @Test(arguments: fitNames)
  func fitMatchesR(_ name: String) throws {
    let f = try #require(Self.fits.first { $0["name"] as? String == name })
    let model = try Self.model(f)
    var options = CoxOptions()
    options.ties = CoxTies(rawValue: f["ties"] as? String ?? "efron") ?? .efron
    let strata = Self.optional(f["strata"])?.map { Int($0) }
    let fit = try CoxPenalisedModel.fit(
      time: Self.doubles(f["time"]), status: Self.doubles(f["status"]), covariates: model.x, columns: model.p,
      weights: Self.optional(f["weights"]), strata: strata, terms: model.terms,
      penalties: model.penalties, options: options)
    let iter = Self.doubles(f["iter"])
    #expect(Double(fit.outerIterations) == iter[0], "\(name) outer iterations")
    #expect(Double(fit.newtonIterations) == iter[1], "\(name) Newton iterations")
    expectClose(fit.coefficients, Self.doubles(f["coef"]), "\(name) coef")
    expectClose(fit.variance, Self.columns(f["var"]).flatMap { $0 }, "\(name) var")
    expectClose(fit.variance2, Self.columns(f["var2"]).flatMap { $0 }, "\(name) var2")
    expectClose(fit.df, Self.doubles(f["df"]), "\(name) df")
    expectClose([fit.loglikInitial, fit.loglik], Self.doubles(f["loglik"]), "\(name) loglik")
    expectClose([fit.penaltyFirst, fit.penalty], Self.doubles(f["penalty"]), "\(name) penalty")
    expectClose(fit.theta, Self.doubles(f["theta"]), "\(name) theta")
    expectClose(fit.thetaNext, Self.doubles(f["theta_next"]), "\(name) theta next")
    #expect(fit.innerFailures.isEmpty)

    // The printed table: per pspline term its linear and non-linear rows,
    // per ordinary covariate coef, se, se2, Chisq, 1, p.
    let table = Self.columns(f["table"])
    var rows: [[Double]] = []
    for (index, cols) in model.terms.enumerated() {
      if let which = model.penalties.firstIndex(where: { Array($0.columns) == cols }) {
        let tests = try #require(
          fit.splineTests(columns: model.penalties[which].columns, base: model.bases[which].linearBase,
                          df: fit.df[index]))
        rows.append([tests.linear, tests.linearSE, tests.linearSE2, tests.linearChisq, 1, tests.linearP])
        rows.append([.nan, .nan, .nan, tests.nonlinearChisq, tests.nonlinearDF, tests.nonlinearP])
      } else {
        let j = cols[0]
        let v = fit.variance[j * model.p + j]
        let b = fit.coefficients[j]
        rows.append([b, v.squareRoot(), fit.variance2[j * model.p + j].squareRoot(), b * b / v, 1,
                     ChiSquare.upperTail(b * b / v, df: 1)])
      }
    }
    #expect(rows.count == table.first?.count ?? 0, "\(name) table rows")
    for c in 0..<6 {
      expectClose(rows.map { $0[c] }, table[c], "\(name) table column \(c)")
    }
  }

  @Test func fitRefusesBadInput() throws {
    let basis = try PenalisedSplineBasis(lower: 0, upper: 4, nterm: 3)
    let x = try basis.design([0, 1, 2, 3, 4, 0.5])
    let pen = CoxPenaltyTerm(columns: 0..<5, penalty: basis.penalty, rule: .fixed(theta: 0.5))
    let time: [Double] = [1, 2, 3, 4, 5, 6]
    let status: [Double] = [1, 0, 1, 1, 0, 1]
    #expect(throws: CoxInputError.self) {
      var options = CoxOptions()
      options.ties = .exact
      _ = try CoxPenalisedModel.fit(
        time: time, status: status, covariates: x, columns: 5, terms: [Array(0..<5)], penalties: [pen],
        options: options)
    }
    #expect(throws: CoxInputError.self) {
      _ = try CoxPenalisedModel.fit(
        time: time, status: status, covariates: x, columns: 5, terms: [[0, 1], [2, 3, 4]], penalties: [pen])
    }
    #expect(throws: CoxInputError.self) {
      _ = try CoxPenalisedModel.fit(
        time: time, status: status, covariates: x, columns: 5, weights: [1, 1, 0, 1, 1, 1],
        terms: [Array(0..<5)], penalties: [pen])
    }
  }

  /// The df search's first steps for lung, df = 4 (R's history): the guess
  /// 1 − 4/10, then the power-curve step from the three points.
  @Test func thetaSearchFollowsR() {
    var search = CoxThetaSearch(.degreesOfFreedom(target: 4, nterm: 10, eps: 0.1))
    #expect(abs(search.theta - 0.6) < 1e-15)
    search.update(iteration: 1, df: 5.011091233)
    #expect(!search.done)
    #expect(abs(search.theta - 0.7039487016) < 1e-8)
    var fixed = CoxThetaSearch(.fixed(theta: 0.3))
    #expect(fixed.done && fixed.theta == 0.3)
    fixed.update(iteration: 1, df: 3)
    #expect(fixed.done && fixed.theta == 0.3)
  }
}
