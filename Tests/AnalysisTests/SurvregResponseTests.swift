import Analysis
import Datasets
import Foundation
import Survival
import Testing
import TestSupport

/// The `Surv(..., type = ...)` forms survreg reads.
@Suite struct SurvregResponseTests {
  @Test func survTypesParse() throws {
    let f = try Formula(parsing: "Surv(lo, hi, type = \"interval2\") ~ x")
    #expect(f.response.type == "interval2" && f.response.stop == "lo" && f.response.event == "hi")
    let left = try Formula(parsing: "Surv(t, t > 0, type = \"left\") ~ 1")
    #expect(left.response.type == "left" && left.response.eventCondition?.text != nil)
    #expect(try Formula(parsing: "Surv(t, e) ~ x").response.type == nil)
    #expect(throws: FormulaError.self) { try Formula(parsing: "Surv(a, b, c, type = \"interval2\") ~ x") }
    #expect(throws: FormulaError.self) { try Formula(parsing: "Surv(a, b, type = \"mstate\") ~ x") }
    #expect(throws: FormulaError.self) { try Formula(parsing: "Surv(a, b, type = interval2) ~ x") }
  }

  @Test func interval2EndsBecomeRightLeftExactAndIntervalRows() throws {
    // lo NA: left-censored at hi; hi NA: right-censored at lo; equal: exact; else an interval.
    let d = try Dataset(names: ["lo", "hi", "x"], columns: [
      .double([.nan, 2, 3, 4, 1, 2, .nan]), .double([5, .nan, 3, 6, 2, 7, .nan]), .double([0, 1, 0, 1, 1, 0, 1]),
    ])
    var options = SurvregAnalysisOptions()
    options.distribution = .lognormal
    let m = try SurvregAnalysis(
      dataset: d, formula: try Formula(parsing: "Surv(lo, hi, type = \"interval2\") ~ x"), options: options)
    // The last row has neither end: dropped, as R's na.omit.
    #expect(m.n == 6 && m.droppedCount == 1 && m.events == 1)
    let bad = try Dataset(names: ["lo", "hi"], columns: [.double([3, 1]), .double([2, 4])])
    #expect(throws: ModelFrameError.self) {
      try SurvregAnalysis(dataset: bad, formula: try Formula(parsing: "Surv(lo, hi, type = \"interval2\") ~ 1"))
    }
  }

  /// R's `Surv(lo, hi, type = "interval2")` reads Inf and -Inf as absent ends: the fit with them equals the fit
  /// with NA in their place, and a row whose two ends are absent is dropped.
  @Test func interval2ReadsInfiniteEndsAsAbsent() throws {
    let lo: [Double] = [1, 2, 3, 4, 1, 2, 5, 3]
    let hi: [Double] = [2, .infinity, 3, 6, 2, 7, .infinity, 4]
    let x: [Double] = [0, 1, 0, 1, 1, 0, 1, 0]
    func fit(_ lo: [Double], _ hi: [Double]) throws -> SurvregAnalysis {
      let x = Array((x + x).prefix(lo.count))
      let d = try Dataset(names: ["lo", "hi", "x"], columns: [.double(lo), .double(hi), .double(x)])
      return try SurvregAnalysis(
        dataset: d, formula: try Formula(parsing: "Surv(lo, hi, type = \"interval2\") ~ x"))
    }
    let withInf = try fit(lo, hi)
    let withNA = try fit(lo, hi.map { $0.isFinite ? $0 : .nan })
    #expect(withInf.fit.loglik == withNA.fit.loglik && withInf.fit.coefficients == withNA.fit.coefficients)
    let left = try fit([-.infinity] + lo.dropFirst(), hi)
    let leftNA = try fit([.nan] + lo.dropFirst(), hi)
    #expect(left.fit.loglik == leftNA.fit.loglik)
    let neither = try fit(lo + [-.infinity], hi + [.infinity])
    #expect(neither.droppedCount == 1 && neither.fit.loglik == withInf.fit.loglik)
  }
}
