import Foundation
import Testing
import TestSupport
@testable import Survival

/// The zph first call's passes: the risk-set walk on two workers
/// (`CoxRiskSetWalk`) and the events' pass (`CoxZphEventPass`) give one
/// worker's numbers bit for bit; the blocked gather (`CoxRiskSetGather`) is
/// the plain column-by-column gather; a model without case weights (no
/// array of ones) gives the numbers of all-ones weights bit for bit; the
/// terms' residuals made in the events' pass equal the Schoenfeld residuals
/// times the term matrix added column after column.
struct CoxZphFirstCallTests {
  static func input(
    _ s: CoxFitMartingaleTests.Sample, strata: [Int]?, weights: [Double]?, ties: CoxTies = .efron
  ) throws -> CoxDiagnosticsInput {
    var options = CoxOptions()
    options.ties = ties
    let fit = try CoxModel.fit(
      time: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights, strata: strata,
      options: options)
    return CoxDiagnosticsInput(
      start: nil, stop: s.time, status: s.status, covariates: s.covariates, columns: 2, weights: weights,
      strata: strata, offset: nil, coefficients: fit.coefficients, ties: ties)
  }

  @Test(arguments: [true, false]) func walkOnTwoWorkersIsOneWorkersWalk(tied: Bool) throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: tied, seed: tied ? 41 : 43)
    for (strata, weights) in [(nil, nil), (s.strata, s.weights), (nil, s.weights)] as [([Int]?, [Double]?)] {
      let t = try CoxRiskSets(try Self.input(s, strata: strata, weights: weights)).table
      let stops = t.order.map { s.time[$0] }
      let blockStart: [Int]
      if strata == nil {
        blockStart = [0, t.n]
      } else {
        var starts = [0]
        for k in 1..<t.n where t.stratumOfRow[k] != t.stratumOfRow[k - 1] { starts.append(k) }
        blockStart = starts + [t.n]
      }
      let one = CoxRiskSetWalk.walk(
        stops: stops, isEvent: t.isEvent, weight: t.rowWeight, stratum: t.rowStratum, blockStart: blockStart,
        parallelThreshold: Int.max)
      let two = CoxRiskSetWalk.walk(
        stops: stops, isEvent: t.isEvent, weight: t.rowWeight, stratum: t.rowStratum, blockStart: blockStart,
        parallelThreshold: 0)
      #expect(one.events == two.events && one.hi == two.hi)
      #expect(one.deathTime == two.deathTime && one.deathStratum == two.deathStratum)
      #expect(one.deathCount == two.deathCount && one.deathWeight == two.deathWeight)
      // And the table's own.
      #expect(one.hi == t.hi && one.events == t.eventPositions && one.deathWeight == t.deathWeight)
      // hi: the death times of the row's stratum up to its stop (a hand count on the first rows).
      for k in stride(from: 0, to: t.n, by: 97) {
        let st = t.stratumOfRow[k]
        let count = (0..<t.deathTime.count).filter {
          t.deathStratum[$0] < st || (t.deathStratum[$0] == st && t.deathTime[$0] <= stops[k])
        }.count
        #expect(t.hi[k] == count)
      }
    }
  }

  @Test func blockedGatherIsThePlainGather() throws {
    let s = CoxFitMartingaleTests.sample(n: 5_000, tied: true, seed: 47)
    var input = try Self.input(s, strata: s.strata, weights: nil)
    input.offset = s.offset
    let t = try CoxRiskSets(input).table
    let n = input.n, p = 2
    let beta = input.coefficients
    let got = CoxRiskSetGather.centred(input, sortedRows: t.order, beta: beta, parallelThreshold: 0)
    var means = [Double](repeating: 0, count: p)
    for j in 0..<p {
      var m = 0.0
      for i in 0..<n { m += s.covariates[j * n + i] }
      means[j] = m / Double(n)
    }
    var eta = [Double](repeating: 0, count: n)
    for k in 0..<n {
      let row = t.order[k]
      var v = s.offset[row]
      for j in 0..<p {
        let x = s.covariates[j * n + row] - means[j]
        #expect(got.x[k * p + j].bitPattern == x.bitPattern)
        if beta[j] != 0 { v += beta[j] * x }
      }
      eta[k] = v
      #expect(got.isEvent[k] == (s.status[row] == 1))
    }
    var total = 0.0
    for v in eta { total += v }
    for k in 0..<n { #expect(got.risk[k].bitPattern == exp(eta[k] - total / Double(n)).bitPattern) }
  }

  @Test(arguments: [CoxTies.efron, .breslow]) func noWeightsAreAllOnesWeights(ties: CoxTies) throws {
    let s = CoxFitMartingaleTests.sample(n: 3_000, tied: true, seed: 53)
    for strata in [nil, s.strata] as [[Int]?] {
      let without = try Self.input(s, strata: strata, weights: nil, ties: ties)
      var ones = without
      ones.weights = [Double](repeating: 1, count: without.n)
      let a = try CoxRiskSets(without).table, b = try CoxRiskSets(ones).table
      #expect(a.rowWeight == nil && b.rowWeight != nil)
      #expect(strata != nil || (a.rowLo == nil && a.rowStratum == nil))
      #expect(a.hazard == b.hazard && a.deadHazard == b.deadHazard && a.xHazard == b.xHazard)
      #expect(a.deadXHazard == b.deadXHazard && a.deadMean == b.deadMean && a.deathWeight == b.deathWeight)
      #expect(a.riskSum == b.riskSum && a.xSum == b.xSum && a.deathXSum == b.deathXSum)
      let ra = try CoxResidualKernel.compute(without, score: true, schoenfeld: true)
      let rb = try CoxResidualKernel.compute(ones, score: true, schoenfeld: true)
      #expect(ra.martingale == rb.martingale && ra.score == rb.score && ra.schoenfeld == rb.schoenfeld)
      let za = try CoxZph.test(without, transform: .km, terms: [[0], [1]], termNames: ["x1", "x2"])
      let zb = try CoxZph.test(ones, transform: .km, terms: [[0], [1]], termNames: ["x1", "x2"])
      #expect(za.chisq == zb.chisq && za.y.map(\.bitPattern) == zb.y.map(\.bitPattern) && za.x == zb.x)
    }
  }

  @Test func eventPassTermsAreSchoenfeldTimesTerms() throws {
    let s = CoxFitMartingaleTests.sample(n: 4_000, tied: true, seed: 59)
    for weights in [nil, s.weights] as [[Double]?] {
      let input = try Self.input(s, strata: nil, weights: weights)
      let t = try CoxRiskSets(input).table
      let g = (0..<t.deathTime.count).map { Double($0 % 7) - 3 }
      let beta = input.coefficients
      // One term of both columns (weights β̂) and one of x2 alone.
      let nterm = 2
      let tmat = [beta[0], 0, beta[1], 1]
      let plain = CoxZphEventPass.run(
        table: t, ordered: t.eventPositions, g: g, termWeights: nil, parallelThreshold: Int.max)
      let split = CoxZphEventPass.run(table: t, ordered: t.eventPositions, g: g, termWeights: nil, parallelThreshold: 0)
      let terms = CoxZphEventPass.run(
        table: t, ordered: t.eventPositions, g: g, termWeights: (tmat, nterm), parallelThreshold: 0)
      #expect(plain.u == split.u && plain.schoenfeld == split.schoenfeld && plain.u == terms.u)
      let e = t.eventPositions.count
      for k in 0..<e {
        for c in 0..<nterm {
          var v = 0.0
          for j in 0..<2 where tmat[j * nterm + c] != 0 { v += plain.schoenfeld[j * e + k] * tmat[j * nterm + c] }
          #expect(terms.termResiduals[c * e + k].bitPattern == v.bitPattern)
        }
      }
      // U_g by hand on the first events' order.
      var u = [0.0, 0.0]
      for (k, i) in t.eventPositions.enumerated() {
        let d = t.hi[i] - 1
        for j in 0..<2 { u[j] += (weights.map { $0[t.order[i]] * g[d] } ?? g[d]) * plain.schoenfeld[j * e + k] }
      }
      #expect(u == plain.u)
    }
  }
}
