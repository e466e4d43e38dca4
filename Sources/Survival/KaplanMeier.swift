import Foundation

/// How the standard errors of a Kaplan–Meier curve were computed.
public enum KaplanMeierVariance: String, Sendable {
  /// Greenwood's formula for log S, Σ d/(n(n − d)); Aalen's Σ d/n² for the
  /// cumulative hazard. R's choice for unweighted or whole-number weights.
  case greenwood
  /// The infinitesimal-jackknife (robust) variance with each subject its own
  /// cluster. R `survfit` switches to it when any case weight is fractional.
  case robust
}

/// One Kaplan–Meier curve (one group): a row per distinct exit time of the
/// group, including times with only censorings, as R `survfit` keeps them.
public struct KaplanMeierCurve: Sendable, Equatable {
  /// Subjects (records) in the group, unweighted (R `fit$n`).
  public let n: Int
  /// Total (weighted) events, as `print.survfit` reports them.
  public let events: Double
  /// Distinct exit times, ascending.
  public let time: [Double]
  /// Weighted number at risk just before each time (entry < t ≤ exit).
  public let nRisk: [Double]
  /// Weighted number of events at each time.
  public let nEvent: [Double]
  /// Weighted number of censorings at each time.
  public let nCensor: [Double]
  /// Kaplan–Meier survival S(t) = Π (1 − d/n).
  public let surv: [Double]
  /// Standard error of S(t), as `summary.survfit` reports `std.err`.
  public let stdErr: [Double]
  /// Standard error of log S(t) (R `survfit`'s `std.err` with the Greenwood
  /// variance; for the robust variance R stores `stdErr` in that field).
  public let logStdErr: [Double]
  /// Pointwise lower confidence limit (NaN where R gives NA).
  public let lower: [Double]
  /// Pointwise upper confidence limit (NaN where R gives NA).
  public let upper: [Double]
  /// Nelson–Aalen cumulative hazard Σ d/n (R `cumhaz`).
  public let cumhaz: [Double]
  /// Standard error of the cumulative hazard (R `std.chaz`).
  public let stdChaz: [Double]
  /// The transformation of `lower`/`upper` (all NaN for `.none`).
  public let confType: ConfidenceType

  /// Number of rows.
  public var count: Int { time.count }
}

/// Kaplan–Meier estimates per group with confidence intervals and the
/// Nelson–Aalen cumulative hazard, identical to R survival 3.5.3
/// `survfit(Surv(time, event) ~ group, weights =, conf.type =, conf.int =)`
/// (`survfitKM`, C routine `survfitkm`).
///
/// For each distinct time t with weighted at-risk n and events d:
/// S(t) = Π (n − d)/n, Greenwood var log S = Σ d/(n(n − d)), Λ(t) = Σ d/n,
/// var Λ = Σ d/n² (R `ctype = 1`). With fractional case weights R (and this
/// type) use the robust infinitesimal-jackknife variance instead; see
/// `KaplanMeierVariance`. Limits follow R `survfit_confint`. Differences from
/// R: no `timefix` rounding of nearly-equal times (R's `aeqSurv`), so times
/// must already be distinct where they should be. Tolerance: 1e-10 relative.
public struct KaplanMeier: Sendable {
  /// One curve per group, in group-index order.
  public let curves: [KaplanMeierCurve]
  /// The confidence-interval transformation used.
  public let confType: ConfidenceType
  /// The confidence level, e.g. 0.95.
  public let confLevel: Double
  /// The variance used for `stdErr`/`stdChaz`.
  public let variance: KaplanMeierVariance
  /// Whether the data had delayed entry.
  public let hasDelayedEntry: Bool

  /// The horizon R uses for `print(fit, rmean = "common")` (its default
  /// when `survfit.print.rmean` is TRUE): the largest last time of any curve.
  public var commonRestrictionTime: Double {
    curves.compactMap(\.time.last).max() ?? 0
  }

  /// Fits one curve per group of `sample`.
  public static func fit(
    _ sample: SurvivalSample, confType: ConfidenceType = .logLog, confLevel: Double = 0.95
  ) throws -> KaplanMeier {
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalInputError.invalidOption("conf_level must be strictly between 0 and 1, got \(confLevel)")
    }
    let variance: KaplanMeierVariance = sample.hasFractionalWeights ? .robust : .greenwood
    let z = ConfidenceType.zValue(level: confLevel)
    var curves: [KaplanMeierCurve] = []
    curves.reserveCapacity(sample.groupCount)
    for g in 0..<sample.groupCount {
      curves.append(
        fitGroup(sample, range: sample.groupStart[g]..<sample.groupStart[g + 1],
                 variance: variance, confType: confType, z: z))
    }
    return KaplanMeier(
      curves: curves, confType: confType, confLevel: confLevel, variance: variance,
      hasDelayedEntry: sample.entry != nil)
  }

  /// Convenience: right-censored data in buffers (see `SurvivalSample`).
  public static func fit(
    time: [Double], event: [Double], weights: [Double]? = nil, group: [Int]? = nil, groupCount: Int = 1,
    confType: ConfidenceType = .logLog, confLevel: Double = 0.95
  ) throws -> KaplanMeier {
    let sample = try SurvivalSample(time: time, event: event, weights: weights, group: group, groupCount: groupCount)
    return try fit(sample, confType: confType, confLevel: confLevel)
  }

  /// Counts per distinct time of one group, accumulated backwards from the
  /// last time as R's `survfitkm` does, so weighted sums round identically.
  struct Table {
    var time: [Double]
    var nRisk: [Double]
    var nEvent: [Double]
    var nCensor: [Double]
    /// Unweighted number of events (R requires it > 0 besides the weighted one).
    var rawEvents: [Int]
  }

  static func table(_ sample: SurvivalSample, range: Range<Int>) -> Table {
    let time = sample.sortedTime
    var distinct = 0
    var last = -Double.infinity
    time.withUnsafeBufferPointer { tp in
      for p in range {
        let t = tp[p]
        if t != last { distinct += 1; last = t }
      }
    }
    var table = Table(
      time: [Double](repeating: 0, count: distinct), nRisk: [Double](repeating: 0, count: distinct),
      nEvent: [Double](repeating: 0, count: distinct), nCensor: [Double](repeating: 0, count: distinct),
      rawEvents: [Int](repeating: 0, count: distinct))
    if distinct == 0 { return table }
    let weights = sample.weights
    let order = sample.order
    let entry = sample.entry
    let entryOrder = sample.entryOrder
    var atRisk = 0.0
    var person2 = range.upperBound - 1
    var person1 = range.upperBound - 1
    time.withUnsafeBufferPointer { tp in
      sample.sortedEvent.withUnsafeBufferPointer { ep in
        for k in stride(from: distinct - 1, through: 0, by: -1) {
          let t = tp[person2]
          var d = 0
          var dw = 0.0
          var cw = 0.0
          if let weights = weights {
            while person2 >= range.lowerBound && tp[person2] == t {
              let w = weights[Int(order[person2])]
              atRisk += w
              if ep[person2] == 1 { d += 1; dw += w } else { cw += w }
              person2 -= 1
            }
          } else {
            // Unweighted: counts are small integers, exact in any order.
            var rows = 0
            while person2 >= range.lowerBound && tp[person2] == t {
              d += Int(ep[person2])
              rows += 1
              person2 -= 1
            }
            atRisk += Double(rows)
            dw = Double(d)
            cw = Double(rows - d)
          }
          if let entry = entry, let entryOrder = entryOrder {
            while person1 >= range.lowerBound {
              let row = Int(entryOrder[person1])
              if entry[row] < t { break }
              atRisk -= weights?[row] ?? 1
              person1 -= 1
            }
          }
          table.time[k] = t
          table.nRisk[k] = atRisk
          table.nEvent[k] = dw
          table.nCensor[k] = cw
          table.rawEvents[k] = d
        }
      }
    }
    return table
  }

  static func fitGroup(
    _ sample: SurvivalSample, range: Range<Int>, variance: KaplanMeierVariance,
    confType: ConfidenceType, z: Double
  ) -> KaplanMeierCurve {
    let table = table(sample, range: range)
    let m = table.time.count
    var surv = [Double](repeating: 0, count: m)
    var stdErr = [Double](repeating: 0, count: m)
    var logStdErr = [Double](repeating: 0, count: m)
    var lower = [Double](repeating: .nan, count: m)
    var upper = [Double](repeating: .nan, count: m)
    var cumhaz = [Double](repeating: 0, count: m)
    var stdChaz = [Double](repeating: 0, count: m)
    var events = 0.0
    switch variance {
    case .greenwood:
      var km = 1.0, nelson = 0.0, v1 = 0.0, v2 = 0.0
      for i in 0..<m {
        let n = table.nRisk[i], d = table.nEvent[i]
        if table.rawEvents[i] > 0 && d > 0 {
          nelson += d / n
          v2 += d / (n * n)
          km *= (n - d) / n
          v1 += d / (n * (n - d))
        }
        events += d
        surv[i] = km
        cumhaz[i] = nelson
        stdChaz[i] = v2.squareRoot()
        let se = v1.squareRoot()
        logStdErr[i] = se
        stdErr[i] = se * km
      }
    case .robust:
      var jackknife = RobustKaplanMeier()
      jackknife.run(sample, range: range, table: table, surv: &surv, cumhaz: &cumhaz, seSurv: &stdErr, seChaz: &stdChaz)
      for i in 0..<m {
        events += table.nEvent[i]
        // R's survfit_confint: se of log S is se(S)/S, and 0 stays 0.
        logStdErr[i] = stdErr[i] == 0 ? 0 : stdErr[i] / surv[i]
      }
    }
    if confType != .none {
      for i in 0..<m {
        let band = confType.limits(p: surv[i], logSE: logStdErr[i], z: z)
        lower[i] = band.lower
        upper[i] = band.upper
      }
    }
    return KaplanMeierCurve(
      n: range.count, events: events, time: table.time, nRisk: table.nRisk, nEvent: table.nEvent,
      nCensor: table.nCensor, surv: surv, stdErr: stdErr, logStdErr: logStdErr, lower: lower, upper: upper,
      cumhaz: cumhaz, stdChaz: stdChaz, confType: confType)
  }
}

/// The infinitesimal-jackknife variance of R `survfitkm` (type 1, one cluster
/// per subject) in O(n): each subject's influence on S(t) is S(t)·bₖ(t) with
/// bₖ = wₖ(G(t) − G(entryₖ)) while at risk, G = Σ d/(n(n − d)), minus
/// wₖ/(n − d) at its own event and frozen after it leaves; on Λ(t) it is
/// −wₖ(C(t) − C(entryₖ)) (+ wₖ/n at its event), C = Σ d/n². The variance is
/// the sum of squared influences, kept as running sums over the risk set.
struct RobustKaplanMeier {
  mutating func run(
    _ sample: SurvivalSample, range: Range<Int>, table: KaplanMeier.Table,
    surv: inout [Double], cumhaz: inout [Double], seSurv: inout [Double], seChaz: inout [Double]
  ) {
    let time = sample.time
    let order = sample.order
    let weights = sample.weights
    let entry = sample.entry
    let entryOrder = sample.entryOrder
    // Running sums over the risk set of w², w²·g, w²·g², w²·c, w²·c².
    var a = 0.0, b1 = 0.0, d1 = 0.0, b2 = 0.0, d2 = 0.0
    // Sums of squared influences of subjects who have left.
    var gone1 = 0.0, gone2 = 0.0
    var greenwood = 0.0, aalen = 0.0
    var km = 1.0, nelson = 0.0, v1 = 0.0, v2 = 0.0
    var survivalIsZero = false
    // The sums G and C as they stood when each subject entered (delayed entry).
    var entryGreenwood = [Double](repeating: 0, count: entry == nil ? 0 : sample.count)
    var entryAalen = [Double](repeating: 0, count: entry == nil ? 0 : sample.count)
    var person1 = range.lowerBound
    var person2 = range.lowerBound
    if entry == nil {
      for p in range {
        let w = weights?[Int(order[p])] ?? 1
        a += w * w
      }
    }
    for i in 0..<table.time.count {
      let t = table.time[i]
      if let entry = entry, let entryOrder = entryOrder {
        while person1 < range.upperBound {
          let row = Int(entryOrder[person1])
          if entry[row] >= t { break }
          let w = weights?[row] ?? 1
          let w2 = w * w
          a += w2
          entryGreenwood[row] = greenwood
          entryAalen[row] = aalen
          b1 += w2 * greenwood; d1 += w2 * greenwood * greenwood
          b2 += w2 * aalen; d2 += w2 * aalen * aalen
          person1 += 1
        }
      }
      let n = table.nRisk[i], d = table.nEvent[i]
      let isEventTime = table.rawEvents[i] > 0 && d > 0
      if isEventTime {
        let hazard = d / n
        greenwood += d / (n * (n - d))
        aalen += d / (n * n)
        km *= (1 - hazard)
        nelson += hazard
        if km == 0 { survivalIsZero = true }
      }
      while person2 < range.upperBound {
        let row = Int(order[person2])
        if time[row] > t { break }
        let w = weights?[row] ?? 1
        let w2 = w * w
        var g = 0.0, c = 0.0
        if entry == nil {
          a -= w2
        } else {
          // Recover this subject's entry-time sums from its entry time.
          g = entryGreenwood[row]
          c = entryAalen[row]
          a -= w2
          b1 -= w2 * g; d1 -= w2 * g * g
          b2 -= w2 * c; d2 -= w2 * c * c
        }
        let died = isEventTime && sample.event[row] == 1
        let influenceSurv = w * (greenwood - g) - (died ? w / (n - d) : 0)
        let influenceChaz = -w * (aalen - c) + (died ? w / n : 0)
        if !survivalIsZero { gone1 += influenceSurv * influenceSurv }
        gone2 += influenceChaz * influenceChaz
        person2 += 1
      }
      if isEventTime {
        if survivalIsZero {
          v1 = 0
        } else {
          let atRisk1 = greenwood * greenwood * a - 2 * greenwood * b1 + d1
          v1 = km * km * (gone1 + max(0, atRisk1))
        }
        let atRisk2 = aalen * aalen * a - 2 * aalen * b2 + d2
        v2 = gone2 + max(0, atRisk2)
      }
      surv[i] = km
      cumhaz[i] = nelson
      seSurv[i] = v1.squareRoot()
      seChaz[i] = v2.squareRoot()
    }
  }
}
