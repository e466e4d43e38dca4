import RunControl
import Testing

@testable import Scripting

/// The one rule for drawing a fitted curve that stops being finite
/// (flexsurv's and survreg's plots), with the warning's wording.
struct FiniteCurvePrefixTests {
  func drawn(_ values: [Double]) -> (Int?, [String]) {
    var warnings: [String] = []
    let times = (0..<values.count).map { Double($0) * 0.5 }
    let n = RunWarnings.withSink({ warnings.append($0) }) {
      FiniteCurvePrefix.drawnCount(label: "Weibull", times: times, count: values.count) { values[$0].isFinite }
    }
    return (n, warnings)
  }

  @Test func aFiniteCurveIsDrawnWhole() {
    let (n, warnings) = drawn([1, 0.9, 0.8])
    #expect(n == 3 && warnings.isEmpty)
  }

  @Test func aCurveStopsAtItsFirstNonFiniteValue() {
    let (n, warnings) = drawn([1, 0.9, 0.8, .infinity, 0.5])
    #expect(n == 3)
    #expect(warnings == ["plot: the Weibull curve is not finite beyond t = 1.0; drawn up to there"])
  }

  @Test func aCurveWithFewerThanTwoFinitePointsIsLeftOut() {
    #expect(drawn([1, .nan, 1]).0 == nil)
    let (n, warnings) = drawn([.nan, 1])
    #expect(n == nil)
    #expect(warnings == ["plot: the Weibull curve is not finite beyond t = 0.0; drawn up to there"])
  }
}
