import Foundation

/// Adds one block of tied deaths to the score and information, and returns
/// the amount to subtract from the log-likelihood (Σ_D w · log S0, or its
/// Efron form). On entry `denom`, `a`, `cmat` hold the risk-set sums
/// without the deaths and `denom2`, `a2`, `cmat2` the deaths' own sums; on
/// exit the risk-set sums include the deaths. `cmat`/`cmat2` hold the lower
/// triangle packed by rows (entry (i, j), j ≤ i, at i(i+1)/2 + j);
/// `information` is row-major p × p, lower triangle written.
///
/// `rows` (default: all p) limits the work to the information rows i in
/// `rows` (their packed `cmat` entries, score entries and information
/// rows) and the sums `a[0..<rows.upperBound]` those rows read. Every entry
/// is computed by the same expression whatever the range, so a sweep split
/// by rows between workers gives, entry by entry, the bits of one sweep
/// (`CoxRightCensoredKernel`'s sum split).
enum CoxTiedDeaths {
  /// sum += risk·x, squares += risk·x xᵀ (packed lower triangle).
  @inline(__always)
  static func accumulate(
    _ x: UnsafePointer<Double>, risk: Double, p: Int, sum: UnsafeMutableBufferPointer<Double>,
    squares: UnsafeMutableBufferPointer<Double>
  ) {
    accumulate(x, risk: risk, p: p, rows: 0..<p, sum: sum, squares: squares)
  }

  /// sum[0..<rows.upperBound] += risk·x; the packed rows `rows` of
  /// squares += risk·x xᵀ.
  @inline(__always)
  static func accumulate(
    _ x: UnsafePointer<Double>, risk: Double, p: Int, rows: Range<Int>, sum: UnsafeMutableBufferPointer<Double>,
    squares: UnsafeMutableBufferPointer<Double>
  ) {
    let s = squares.baseAddress.unsafelyUnwrapped
    let sumBase = sum.baseAddress.unsafelyUnwrapped
    let lo = rows.lowerBound, hi = rows.upperBound
    if p <= 8 {
      // The row in registers: the stores below cannot alias it, so each
      // covariate is loaded once (with p a constant the loops unroll).
      var xv = SIMD8<Double>.zero
      for i in 0..<hi { xv[i] = x[i] }
      for i in 0..<lo { sumBase[i] += risk * xv[i] }
      var m = lo &* (lo &+ 1) / 2
      for i in lo..<hi {
        let rx = risk * xv[i]
        sumBase[i] += rx
        for j in 0..<(i &+ 1) { s[m &+ j] += rx * xv[j] }
        m = m &+ i &+ 1
      }
      return
    }
    for i in 0..<lo { sumBase[i] += risk * x[i] }
    var m = lo &* (lo &+ 1) / 2
    for i in lo..<hi {
      let rx = risk * x[i]
      sumBase[i] += rx
      for j in 0..<(i &+ 1) { s[m &+ j] += rx * x[j] }
      m = m &+ i &+ 1
    }
  }

  @inline(__always)
  static func add(
    deaths: Int, deadWeight: Double, deathRisk: Double, efron: Bool, p: Int,
    denom: inout Double, a: UnsafeMutableBufferPointer<Double>,
    cmat: UnsafeMutableBufferPointer<Double>, a2: UnsafeMutableBufferPointer<Double>,
    cmat2: UnsafeMutableBufferPointer<Double>, score u: UnsafeMutableBufferPointer<Double>,
    information imat: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    add(
      deaths: deaths, deadWeight: deadWeight, deathRisk: deathRisk, efron: efron, p: p, rows: 0..<p,
      penalty: true, denom: &denom, a: a, cmat: cmat, a2: a2, cmat2: cmat2, score: u, information: imat)
  }

  /// With `penalty` false the log-likelihood term is not computed (0 is
  /// returned): a worker of the sum split that does not keep ℓ skips the logs.
  // swiftlint:disable:next function_parameter_count
  @inline(__always)
  static func add(
    deaths: Int, deadWeight: Double, deathRisk: Double, efron: Bool, p: Int, rows: Range<Int>,
    penalty wantsPenalty: Bool, denom: inout Double, a: UnsafeMutableBufferPointer<Double>,
    cmat: UnsafeMutableBufferPointer<Double>, a2: UnsafeMutableBufferPointer<Double>,
    cmat2: UnsafeMutableBufferPointer<Double>, score u: UnsafeMutableBufferPointer<Double>,
    information imat: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    var unused = 0.0
    return add(
      deaths: deaths, deadWeight: deadWeight, deathRisk: deathRisk, efron: efron, p: p, rows: rows,
      penalty: wantsPenalty, denom: &denom, a: a, cmat: cmat, a2: a2, cmat2: cmat2, score: u, information: imat,
      cmatWeight: &unused)
  }

  /// As above, and sets `cmatWeight` to the factor c with which the block
  /// adds the risk-set sums `cmat` (S2 without the deaths) to the
  /// information: w/S0 (Breslow, or one death), Σₖ w̄/S0ₖ (Efron). The
  /// information is linear in S2, so a sweep that starts without the later
  /// rows' S2 (`CoxTimeSplit`) adds (Σ c) · T2 afterwards.
  // swiftlint:disable:next function_parameter_count
  @inline(__always)
  static func add(
    deaths: Int, deadWeight: Double, deathRisk: Double, efron: Bool, p: Int, rows: Range<Int>,
    penalty wantsPenalty: Bool, denom: inout Double, a: UnsafeMutableBufferPointer<Double>,
    cmat: UnsafeMutableBufferPointer<Double>, a2: UnsafeMutableBufferPointer<Double>,
    cmat2: UnsafeMutableBufferPointer<Double>, score u: UnsafeMutableBufferPointer<Double>,
    information imat: UnsafeMutableBufferPointer<Double>, cmatWeight: inout Double
  ) -> Double {
    let lo = rows.lowerBound, hi = rows.upperBound
    var penalty = 0.0
    if !efron || deaths == 1 {
      denom += deathRisk
      if wantsPenalty { penalty += deadWeight * log(denom) }
      let inverse = 1 / denom
      let factor = deadWeight * inverse
      cmatWeight = factor
      for i in 0..<lo { a[i] += a2[i] }
      var m = lo &* (lo &+ 1) / 2
      for i in lo..<hi {
        a[i] += a2[i]
        let mean = a[i] * inverse
        u[i] -= deadWeight * mean
        let row = imat.baseAddress.unsafelyUnwrapped + i * p
        for j in 0..<(i + 1) {
          cmat[m + j] += cmat2[m + j]
          row[j] += factor * (cmat[m + j] - mean * a[j])
        }
        m += i + 1
      }
    } else {
      // Efron: d successive events, the k-th (k = 1 … d) with the deaths'
      // sums counted at a fraction f_k = k/d (the order of the k does not
      // matter). With q_k = w̄/S0_k the d steps add up in closed form:
      //   U −= (Σq) a + (Σq f) a2,
      //   I += (Σq) C + (Σq f) C2 − Σ(q/S0)(a + f a2)(a + f a2)ᵀ,
      // the last expanded in the powers of f, so a block of tied deaths
      // costs O(p²) however many deaths it has.
      let d = Double(deaths)
      let meanWeight = deadWeight / d
      let base = denom
      var q0 = 0.0, q1 = 0.0, r0 = 0.0, r1 = 0.0, r2 = 0.0
      for k in 1...deaths {
        let f = Double(k) / d
        let s0 = base + f * deathRisk
        if wantsPenalty { penalty += meanWeight * log(s0) }
        let q = meanWeight / s0
        let r = q / s0
        q0 += q
        q1 += q * f
        r0 += r
        r1 += r * f
        r2 += r * f * f
      }
      denom = base + deathRisk
      cmatWeight = q0
      var m = lo &* (lo &+ 1) / 2
      for i in lo..<hi {
        let ai = a[i]
        let a2i = a2[i]
        u[i] -= q0 * ai + q1 * a2i
        let row = imat.baseAddress.unsafelyUnwrapped + i * p
        let c0 = r0 * ai + r1 * a2i
        let c1 = r1 * ai + r2 * a2i
        for j in 0..<(i + 1) {
          row[j] += q0 * cmat[m + j] + q1 * cmat2[m + j] - (c0 * a[j] + c1 * a2[j])
          cmat[m + j] += cmat2[m + j]
        }
        m += i + 1
      }
      for i in 0..<hi { a[i] += a2[i] }
    }
    return penalty
  }
}
