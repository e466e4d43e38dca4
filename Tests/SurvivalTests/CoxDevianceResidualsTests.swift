import Foundation
import Testing
import TestSupport
@testable import Survival

/// Deviance residuals (`CoxDevianceResiduals`): R's formula on hand-picked
/// values (an event, a censored row, a zero residual, a summed count), and
/// the same numbers bit for bit on one worker and on two.
struct CoxDevianceResidualsTests {
  @Test func formulaOnHandPickedValues() {
    let m = [0.4, -0.3, 0, 1.9]
    let d = [1.0, 0, 0, 2]
    let r = CoxDevianceResiduals.compute(martingale: m, status: d)
    let rounding = 1e-15
    #expect(abs(r[0] - (-2 * (0.4 + log(0.6))).squareRoot()) < rounding)
    #expect(abs(r[1] + 0.6.squareRoot()) < rounding)
    #expect(r[2] == 0)
    #expect(abs(r[3] - (-2 * (1.9 + 2 * log(2 - 1.9))).squareRoot()) < rounding)
  }

  @Test func twoWorkersGiveOneWorkersNumbers() {
    let s = CoxFitMartingaleTests.sample(n: 5_001, tied: true, seed: 31)
    let m = s.time.enumerated().map { i, t in s.status[i] - Foundation.log(1 + t) / 3 }
    let one = CoxDevianceResiduals.compute(martingale: m, status: s.status, parallelThreshold: Int.max)
    let two = CoxDevianceResiduals.compute(martingale: m, status: s.status, parallelThreshold: 0)
    #expect(one.count == 5_001)
    #expect(zip(one, two).allSatisfy { $0.bitPattern == $1.bitPattern })
    // The frame's integer events give the doubles' numbers, bit for bit.
    let events = s.status.map { Int($0) }
    let fromEvents = CoxDevianceResiduals.compute(martingale: m, events: events, parallelThreshold: 0)
    #expect(zip(one, fromEvents).allSatisfy { $0.bitPattern == $1.bitPattern })
  }
}
