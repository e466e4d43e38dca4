import Foundation

/// A piecewise-constant hazard: `rates[j]` on [cuts[j−1], cuts[j]) with
/// cuts[−1] = 0 and the last rate continuing for ever. One rate and no cuts
/// is the exponential distribution. Used by the sample-size formulas (event
/// probabilities) and by the trial simulator (event times by inversion).
public struct PiecewiseHazard: Sendable, Equatable {
  public let rates: [Double]
  public let cuts: [Double]

  /// The checks a caller words for its user: rates ≥ 0 and finite, the last
  /// rate positive (every patient eventually has an event unless cured),
  /// cuts positive, increasing, one fewer than the rates.
  public static func problem(rates: [Double], cuts: [Double]) -> String? {
    if rates.isEmpty { return "needs at least one rate" }
    if cuts.count != rates.count - 1 {
      return "needs one cut fewer than rates (\(rates.count) rates, \(cuts.count) cuts)"
    }
    for (j, r) in rates.enumerated() where !(r.isFinite && r >= 0) {
      return "rates must be finite and ≥ 0, got \(r) at position \(j + 1)"
    }
    if let last = rates.last, !(last > 0) { return "the last rate must be positive, got \(last)" }
    var previous = 0.0
    for (j, c) in cuts.enumerated() {
      if !(c.isFinite && c > previous) {
        return "cuts must be positive and increasing, got \(c) at position \(j + 1)"
      }
      previous = c
    }
    return nil
  }

  /// A hazard from checked pieces (see `problem`).
  public init(rates: [Double], cuts: [Double] = []) {
    self.rates = rates
    self.cuts = cuts
  }

  /// The exponential hazard with median `median`: log 2 / median.
  public static func exponential(median: Double) -> PiecewiseHazard {
    PiecewiseHazard(rates: [log(2) / median])
  }

  /// The same pieces with every rate multiplied by `factor` (proportional hazards).
  public func scaled(by factor: Double) -> PiecewiseHazard {
    PiecewiseHazard(rates: rates.map { $0 * factor }, cuts: cuts)
  }

  /// Start of piece j.
  @inline(__always) func start(_ j: Int) -> Double { j == 0 ? 0 : cuts[j - 1] }

  /// Λ(t) = ∫₀ᵗ λ.
  public func cumulative(at t: Double) -> Double {
    var total = 0.0
    for j in rates.indices {
      let a = start(j)
      if t <= a { break }
      let b = j < cuts.count ? min(cuts[j], t) : t
      total += rates[j] * (b - a)
    }
    return total
  }

  /// The time t with Λ(t) = `target` (inversion of an Exp(1) draw).
  @inline(__always) public func inverse(cumulative target: Double) -> Double {
    if cuts.isEmpty { return target / rates[0] }
    var remaining = target
    for j in rates.indices {
      let a = start(j)
      let rate = rates[j]
      if j == cuts.count { return a + remaining / rate }
      let width = cuts[j] - a
      let mass = rate * width
      if remaining < mass { return a + remaining / rate }
      remaining -= mass
    }
    return .infinity
  }

  /// P(event by time s) when a competing exponential dropout of rate `dropout`
  /// also removes patients, and a fraction `cure` never has the event:
  /// (1 − cure) ∫₀ˢ λ(t) S(t) e^{−ηt} dt, exact piece by piece
  /// (∫ over a piece of rate λ from a: S(a)e^{−ηa}·λ/(λ+η)·(1 − e^{−(λ+η)w})).
  public func eventProbability(by s: Double, dropout eta: Double, cure: Double) -> Double {
    guard s > 0 else { return 0 }
    var total = 0.0
    var logSurvival = 0.0  // log(S(a) e^{−ηa}) at the start of the piece
    for j in rates.indices {
      let a = start(j)
      if s <= a { break }
      let b = j < cuts.count ? min(cuts[j], s) : s
      let w = b - a
      let both = rates[j] + eta
      if both > 0 {
        total += exp(logSurvival) * rates[j] / both * -expm1(-both * w)
      }
      logSurvival -= both * w
    }
    return (1 - cure) * total
  }
}
