import Foundation

/// Tick placement and labelling for the plot axes.
enum Ticks {
  /// A tick step for the time axis over `[lower, upper]`.
  ///
  /// Ranges of 24–480 (months over years, the usual trial follow-up) prefer
  /// multiples of 12 (or 6) when that gives 4–10 intervals, so ticks fall on
  /// years; otherwise the step is 1, 2, 2.5 or 5 × 10^k giving 4–10 intervals.
  static func timeStep(lower: Double, upper: Double) -> Double {
    let span = upper - lower
    guard span > 0 else { return 1 }
    if span >= 24 && span <= 480 {
      for step in [6.0, 12, 24, 36, 48, 60] {
        let n = span / step
        if n >= 4 - 1e-9 && n <= 10 + 1e-9 { return step }
      }
    }
    return niceStep(span: span, maxIntervals: 10, minIntervals: 4)
  }

  /// The smallest 1/2/2.5/5 × 10^k step giving at most `maxIntervals`
  /// intervals over `span`, preferring at least `minIntervals`.
  ///
  /// A span too small for a 10^k step to be a normal double (times of
  /// 4.9e-324, the smallest subnormal) gives the span itself, one interval;
  /// a span that is not a positive finite number gives 1.
  static func niceStep(span: Double, maxIntervals: Double, minIntervals: Double) -> Double {
    guard span.isFinite, span > 0 else { return 1 }
    let base = pow(10, floor(log10(span) - log10(maxIntervals)))
    for m in [1.0, 2, 2.5, 5, 10, 20, 25, 50] {
      let step = m * base
      guard step.isNormal else { return span }
      if span / step <= maxIntervals + 1e-9 { return step }
    }
    return (100 * base).isFinite ? 100 * base : span
  }

  /// Ticks `multiples` will place at most; a step that would give more
  /// (or whose multiples are not exact integers times the step) gives none.
  static let maxMultiples = 10_000.0

  /// Multiples of `step` in `[lower, upper]` (with a little slack for
  /// rounding), computed as `k · step` so there is no accumulated error.
  ///
  /// The indices k are checked before they become integers: a zero,
  /// subnormal or non-finite step, or bounds far from it (1e300 with a step
  /// of 1), give no ticks rather than a trap in `Int(_:)`.
  static func multiples(of step: Double, in lower: Double, _ upper: Double) -> [Double] {
    guard step.isFinite, step > 0, lower.isFinite, upper.isFinite else { return [] }
    let eps = step * 1e-9
    let firstK = (lower / step - 1e-9).rounded(.up)
    let lastK = (upper / step + 1e-9).rounded(.down)
    guard firstK.isFinite, lastK.isFinite, abs(firstK) < 0x1p53, abs(lastK) < 0x1p53,
      lastK - firstK <= maxMultiples
    else { return [] }
    let first = Int(firstK), last = Int(lastK)
    guard first <= last else { return [] }
    return (first...last).map { Double($0) * step }.filter { $0 >= lower - eps && $0 <= upper + eps }
  }

  /// The decimals needed to print every multiple of `step` exactly
  /// (12 → 0, 0.25 → 2, 2.5 → 1), at most 6.
  static func decimals(for step: Double) -> Int {
    for d in 0...6 {
      let scaled = step * pow(10, Double(d))
      if abs(scaled - scaled.rounded()) < 1e-6 * max(1, abs(scaled)) { return d }
    }
    return 6
  }

  /// `x` with exactly `decimals` decimals, without a locale; "-0" becomes "0".
  static func format(_ x: Double, decimals: Int) -> String {
    let factor = pow(10, Double(decimals))
    let scaled = (abs(x) * factor).rounded(.toNearestOrAwayFromZero)
    guard scaled.isFinite, scaled < 9e15 else { return String(x) }
    let n = Int64(scaled)
    let p = Int64(factor)
    var s = (x < 0 && n != 0) ? "-" : ""
    s += String(n / p)
    if decimals > 0 {
      var frac = String(n % p)
      while frac.count < decimals { frac = "0" + frac }
      s += "." + frac
    }
    return s
  }

  /// `x` with at most `maxDecimals` decimals and no trailing zeros (0.5, 2, 0.25).
  static func formatTrimmed(_ x: Double, maxDecimals: Int) -> String {
    var s = format(x, decimals: maxDecimals)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
  }

  /// Ticks for a positive log axis over `[lower, upper]`: powers of two
  /// when 4 to 9 of them fall in range, else the coarsest of 1, 1-2-5,
  /// 1-1.5-2-3-5-7 and finer per-decade sets that gives at least 4 ticks
  /// (and at most 9, thinning whole decades when the range is wide).
  /// Bounds that are not positive, finite and increasing give no ticks.
  /// `doublings: false` keeps to the decimal sets (a log time axis).
  static func logTicks(lower: Double, upper: Double, doublings allowDoublings: Bool = true) -> [Double] {
    guard lower > 0, upper.isFinite, lower < upper else { return [] }
    let sets: [[Double]] = [
      [1], [1, 2, 5], [1, 1.5, 2, 3, 5, 7], [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8],
      [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9],
    ]
    let k0 = Int(floor(log10(lower))) - 1
    let k1 = Int(ceil(log10(upper))) + 1
    var best: [Double] = []
    // Doublings around 1 (0.25, 0.5, 1, 2, 4) read best on a ratio axis
    // when they give enough ticks; otherwise decimal sets, coarse to fine.
    let doublings = (-12...12).map { pow(2, Double($0)) }.filter {
      $0 >= lower * (1 - 1e-9) && $0 <= upper * (1 + 1e-9)
    }
    if allowDoublings && doublings.count >= 4 && doublings.count <= 9 { return doublings }
    for set in sets {
      var ticks: [Double] = []
      for k in k0...k1 {
        for m in set {
          let v = (m * pow(10, Double(k)) * 1e6).rounded() / 1e6
          if v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) { ticks.append(v) }
        }
      }
      best = ticks
      if ticks.count >= 4 { break }
    }
    if best.count > 9 {
      // Wide range with decades only: keep every n-th decade.
      let stride = Int((Double(best.count) / 7).rounded(.up))
      best = best.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
    }
    return best
  }
}
