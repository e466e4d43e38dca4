import Foundation

/// The sums a direct-standardised curve needs over one stratum's rows, at a
/// cumulative baseline hazard h:
///   T(h) = Σᵢ exp(−h·rᵢ),  A(h) = Σᵢ exp(−h·rᵢ)·rᵢ,  Bⱼ(h) = Σᵢ exp(−h·rᵢ)·rᵢ·zᵢⱼ
/// (A and B only for the delta-method variance).
///
/// Summed row by row (`direct`), a curve on m times costs n·m exponentials,
/// 2·10¹⁰ for 10⁶ rows and 2·10⁴ times. `expansion` groups the rows by their
/// relative risk instead: bins of width δ = 1/H, H the stratum's largest
/// cumulative hazard, centred at c, and exp(−h·r) = exp(−h·c)·exp(−h·d) with
/// d = r − c, |h·d| ≤ ½ for every h ≤ H, expanded as a Taylor series in h·d.
/// Each bin keeps the power sums Σ dᵠ·(1, r, r·zⱼ) for q < 16 (one pass over
/// the rows), and a hazard costs per bin one exponential and 16·(p + 2)
/// products. The series is cut after the term of degree 15: the remainder is
/// below 0.5¹⁶/16!·e^½ ≈ 10⁻¹⁸ of each row's term, and every term of the
/// series is bounded by e^½ times the sum (no cancellation), so the sums
/// agree with `direct` to rounding (`StandardisedRiskSumsTests`).
/// `automatic` takes the expansion when its bins are fewer than n/(4·16).
/// Reference: the same expansion of exp about a centre is the "Taylor
/// binning" of fast Gauss transforms (Greengard and Strain, 1991).
struct StandardisedRiskSums {
  enum Method: Sendable { case automatic, direct, expansion }

  /// Terms of the series kept per bin.
  static let terms = 16

  let width: Int
  let p: Int
  // Direct: the rows and the inputs.
  private let rows: [Int]
  private let risk: [Double]
  private let z: [Double]
  // Expansion: non-empty bins' centres and power sums, [(bin·terms + q)·width + c].
  private let centres: [Double]
  private let moments: [Double]
  let expanded: Bool

  /// `rows` index `risk` and row-major n × p `z`; `gradient` adds A and B.
  init(
    rows: [Int], risk: [Double], z: [Double], p: Int, gradient: Bool, maxHazard: Double,
    method: Method = .automatic
  ) {
    self.p = p
    self.width = gradient ? p + 2 : 1
    self.rows = rows
    self.risk = risk
    self.z = z
    var low = Double.infinity
    var high = -Double.infinity
    for i in rows {
      low = min(low, risk[i])
      high = max(high, risk[i])
    }
    let q = Self.terms
    let delta = maxHazard > 0 && maxHazard.isFinite ? 1 / maxHazard : .infinity
    let span = high - low
    // Bins needed; the expansion pays when they are few compared with the rows.
    let binCount: Double = span.isFinite && delta.isFinite ? (span / delta).rounded(.down) + 1 : .infinity
    let useExpansion: Bool
    switch method {
    case .direct: useExpansion = false
    case .expansion: useExpansion = binCount.isFinite && binCount <= Double(max(rows.count, 1))
    case .automatic: useExpansion = binCount.isFinite && binCount * Double(4 * q) < Double(rows.count)
    }
    guard useExpansion, !rows.isEmpty else {
      expanded = false
      centres = []
      moments = []
      return
    }
    expanded = true
    let bins = Int(binCount)
    let width = self.width
    var sums = [Double](repeating: 0, count: bins * q * width)
    var used = [Bool](repeating: false, count: bins)
    sums.withUnsafeMutableBufferPointer { m in
      for i in rows {
        let r = risk[i]
        let bin = min(bins - 1, max(0, Int((r - low) / delta)))
        used[bin] = true
        let d = r - (low + (Double(bin) + 0.5) * delta)
        var power = 1.0
        var at = bin * q * width
        for _ in 0..<q {
          m[at] += power
          if width > 1 {
            let pr = power * r
            m[at + 1] += pr
            for j in 0..<p { m[at + 2 + j] += pr * z[i * p + j] }
          }
          power *= d
          at += width
        }
      }
    }
    var keptCentres: [Double] = []
    var kept: [Double] = []
    for bin in 0..<bins where used[bin] {
      keptCentres.append(low + (Double(bin) + 0.5) * delta)
      kept += sums[(bin * q * width)..<((bin + 1) * q * width)]
    }
    centres = keptCentres
    moments = kept
  }

  /// Adds T(h) (and A(h), B(h)) to `out[0]` (`out[1]`, `out[2...]`); `coef` is scratch of `terms` values.
  func add(h: Double, into out: UnsafeMutableBufferPointer<Double>, coef: UnsafeMutableBufferPointer<Double>) {
    if !expanded {
      for i in rows {
        let r = risk[i]
        let s = Foundation.exp(-h * r)
        out[0] += s
        guard width > 1 else { continue }
        let w = s * r
        out[1] += w
        for j in 0..<p { out[2 + j] += w * z[i * p + j] }
      }
      return
    }
    let q = Self.terms
    var c = 1.0
    for k in 0..<q {
      coef[k] = c
      c *= -h / Double(k + 1)
    }
    moments.withUnsafeBufferPointer { m in
      for (bin, centre) in centres.enumerated() {
        let e = Foundation.exp(-h * centre)
        let base = bin * q * width
        for col in 0..<width {
          var s = 0.0
          for k in 0..<q { s += coef[k] * m[base + k * width + col] }
          out[col] += e * s
        }
      }
    }
  }
}
