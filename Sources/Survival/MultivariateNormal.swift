import Foundation

/// Box probabilities of a standard multivariate normal with correlation R:
/// P(aᵢ < Zᵢ < bᵢ for every i), for MaxCombo p-values.
///
/// Method: Genz (1992), "Numerical computation of multivariate normal
/// probabilities", J. Comput. Graph. Stat. 1, 141–149. With R = LLᵀ
/// (Cholesky), Z = LY and the sequential transformation yᵢ =
/// Φ⁻¹(dᵢ + wᵢ(eᵢ − dᵢ)), dᵢ = Φ((aᵢ − Σⱼ<ᵢ Lᵢⱼyⱼ)/Lᵢᵢ), eᵢ likewise with bᵢ,
/// the probability is the integral over w ∈ [0, 1]^(m−1) of Π (eᵢ − dᵢ), a
/// smooth integrand. It is estimated by randomised quasi-Monte Carlo (Genz
/// and Bretz 2009, *Computation of Multivariate Normal and t
/// Probabilities*, §4.2): a Richtmyer lattice kₖ·√pⱼ (pⱼ the first primes)
/// shifted by M = 12 independent uniform shifts, with the baker's
/// (tent) transform and antithetic points. The 12 shifted-lattice means are
/// independent unbiased estimates, so `error` = 3 × their standard error
/// (a 99% bound, as R mvtnorm's `GenzBretz` reports); the lattice doubles
/// until `error` is below the asked absolute error or the point budget is
/// spent. The shifts come from a fixed seed, so a result is reproducible.
/// One free dimension is Φ(b) − Φ(a) exactly (error 0). Two or three free
/// dimensions (MaxCombo's four statistics have rank 3) are integrated
/// deterministically instead, by nested adaptive Gauss–Kronrod quadrature
/// of the same sequential form (`Factor.quadrature`), with its error estimate.
public enum MultivariateNormal {
  public struct BoxProbability: Sendable, Equatable {
    public let value: Double
    /// Three standard errors of the randomised estimate (0 when exact).
    public let error: Double
    /// Integrand evaluations used.
    public let evaluations: Int
  }

  /// `correlation` is row-major m × m, positive semi-definite (a row that
  /// is a combination of earlier ones, as FH(0,0) = FH(0,1) + FH(1,0) in
  /// MaxCombo, folds its limits into the last variable it depends on: Genz
  /// and Bretz 2009 §2.3); `lower`/`upper` may be ±infinity. NaN when the
  /// matrix is not a correlation matrix.
  public static func box(
    lower: [Double], upper: [Double], correlation: [Double], absoluteError: Double = 1e-6,
    maxEvaluations: Int = 4_000_000, seed: UInt64 = 0x6765_6E7A_3139_3932
  ) -> BoxProbability {
    let m = lower.count
    guard m >= 1, upper.count == m, correlation.count == m * m,
      let factor = Factor(correlation, m, lower: lower, upper: upper)
    else { return BoxProbability(value: .nan, error: .nan, evaluations: 0) }
    let dims = factor.free.count - 1
    var y = [Double](repeating: 0, count: m)
    if dims == 0 {
      return BoxProbability(value: factor.integrand([], &y), error: 0, evaluations: 1)
    }
    if dims <= 2 { return factor.quadrature(absoluteError: absoluteError) }
    let primes: [Double] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
    var generator = [Double](repeating: 0, count: dims)
    for j in 0..<dims { generator[j] = primes[j % primes.count].squareRoot() + Double(j / primes.count) }
    let shifts = 12
    var points = 499
    var evaluations = 0
    var w = [Double](repeating: 0, count: dims)
    while true {
      var rng = SplitMix(state: seed)
      var means = [Double](repeating: 0, count: shifts)
      for s in 0..<shifts {
        var shift = [Double](repeating: 0, count: dims)
        for j in 0..<dims { shift[j] = rng.uniform() }
        var sum = 0.0
        for k in 1...points {
          for j in 0..<dims {
            let x = Double(k) * generator[j] + shift[j]
            w[j] = abs(2 * (x - x.rounded(.down)) - 1)
          }
          var pair = factor.integrand(w, &y)
          for j in 0..<dims { w[j] = 1 - w[j] }
          pair += factor.integrand(w, &y)
          sum += 0.5 * pair
        }
        means[s] = sum / Double(points)
      }
      evaluations += 2 * shifts * points
      let mean = means.reduce(0, +) / Double(shifts)
      var ss = 0.0
      for v in means { ss += (v - mean) * (v - mean) }
      let se = (ss / Double(shifts * (shifts - 1))).squareRoot()
      let best = BoxProbability(value: min(1, max(0, mean)), error: 3 * se, evaluations: evaluations)
      if best.error <= absoluteError || evaluations + 4 * shifts * points > maxEvaluations { return best }
      points *= 2
    }
  }

  /// The Cholesky factor with the dependent rows folded into the free variables' limits.
  struct Factor {
    let m: Int
    let l: [Double]
    let lower: [Double]
    let upper: [Double]
    /// Rows with a positive pivot (the integration variables), in order.
    let free: [Int]
    /// Per free row: the dependent rows whose last non-zero column it is.
    let folded: [[Int]]

    init?(_ r: [Double], _ m: Int, lower: [Double], upper: [Double]) {
      var l = [Double](repeating: 0, count: m * m)
      var free = [Int]()
      var lastColumn = [Int](repeating: -1, count: m)
      for i in 0..<m {
        guard r[i * m + i] > 0 else { return nil }
        for j in 0...i {
          var s = r[i * m + j]
          for k in 0..<j { s -= l[i * m + k] * l[j * m + k] }
          if i == j {
            if s > 1e-10 * r[i * m + i] {
              l[i * m + i] = s.squareRoot()
              free.append(i)
            } else {
              // Dependent row: its last non-zero column carries its limits.
              guard let last = (0..<i).last(where: { l[i * m + $0] != 0 }) else { return nil }
              lastColumn[i] = last
            }
          } else if l[j * m + j] > 0 {
            l[i * m + j] = s / l[j * m + j]
          }
        }
      }
      self.m = m
      self.l = l
      self.lower = lower
      self.upper = upper
      self.free = free
      folded = free.map { f in (0..<m).filter { lastColumn[$0] == f } }
    }

    /// The limits of free variable `step` given the earlier y (its own row and the rows folded into it),
    /// cut to ±`far` for the quadrature.
    @inline(__always)
    func limits(_ step: Int, _ y: [Double]) -> (Double, Double) {
      let (lo, hi) = exactLimits(step, y)
      return (max(lo, -Self.far), min(hi, Self.far))
    }

    /// The limits of free variable `step` given the earlier y, uncut (infinite limits stay infinite).
    @inline(__always)
    func exactLimits(_ step: Int, _ y: [Double]) -> (Double, Double) {
      let i = free[step]
      var s = 0.0
      for j in 0..<i { s += l[i * m + j] * y[j] }
      let lii = l[i * m + i]
      var lo = (lower[i] - s) / lii
      var hi = (upper[i] - s) / lii
      for r in folded[step] {
        var sr = 0.0
        for j in 0..<i { sr += l[r * m + j] * y[j] }
        let c = l[r * m + i]
        let a = (lower[r] - sr) / c, b = (upper[r] - sr) / c
        lo = max(lo, min(a, b))
        hi = min(hi, max(a, b))
      }
      return (lo, hi)
    }

    /// |y| beyond which φ(y) < 1e-19: the integration range of an infinite limit.
    static let far = 9.5

    /// With two or three free variables, the probability as the nested
    /// integral ∫ φ(y₀) ∫ φ(y₁) [Φ(hi₂) − Φ(lo₂)] dy₁ dy₀ (limits from
    /// `limits`), both levels by adaptive Gauss–Kronrod: deterministic, and
    /// the limits' kinks (where a folded row takes over) are found by the
    /// bisection. Error: the outer estimate plus the largest inner one.
    func quadrature(absoluteError: Double) -> BoxProbability {
      var y = [Double](repeating: 0, count: m)
      let (lo0, hi0) = limits(0, y)
      guard hi0 > lo0 else { return BoxProbability(value: 0, error: 0, evaluations: 1) }
      let i0 = free[0], i1 = free[1]
      var innerError = 0.0
      var evaluations = 0
      let tol = max(absoluteError, 1e-14) / 4
      let outer = MultivariateNormal.gaussKronrod({ y0 in
        y[i0] = y0
        let (lo1, hi1) = limits(1, y)
        guard hi1 > lo1 else { return 0 }
        let density = Normal.pdf(y0)
        if free.count == 2 { return density * (Normal.cdf(hi1) - Normal.cdf(lo1)) }
        let inner = MultivariateNormal.gaussKronrod({ y1 in
          y[i1] = y1
          let (lo2, hi2) = limits(2, y)
          return hi2 > lo2 ? Normal.pdf(y1) * (Normal.cdf(hi2) - Normal.cdf(lo2)) : 0
        }, lo1, hi1, tol: tol)
        innerError = max(innerError, inner.error)
        evaluations += inner.evaluations
        return density * inner.value
      }, lo0, hi0, tol: tol)
      evaluations += outer.evaluations
      return BoxProbability(value: min(1, max(0, outer.value)), error: outer.error + innerError,
                            evaluations: evaluations)
    }

    /// Π (eᵢ − dᵢ) at one point w of the unit cube (one coordinate per free variable but the last).
    @inline(__always)
    func integrand(_ w: [Double], _ y: inout [Double]) -> Double {
      var product = 1.0
      for (step, i) in free.enumerated() {
        let (lo, hi) = exactLimits(step, y)
        if !(hi > lo) { return 0 }
        let d = Normal.cdf(lo), e = Normal.cdf(hi)
        product *= max(0, e - d)
        if product == 0 { return 0 }
        if step < free.count - 1 {
          y[i] = Normal.quantile(min(max(d + w[step] * (e - d), 1e-300), 1 - 1e-16))
        }
      }
      return product
    }
  }

  /// Adaptive Gauss–Kronrod (7, 15) on [a, b] to an absolute error `tol`:
  /// a panel is accepted when |K15 − G7| ≤ its share of tol, else halved
  /// (at most `depth` times). Returns the integral and the sum of the
  /// accepted panels' |K15 − G7| (a conservative error estimate: Piessens
  /// et al. 1983, QUADPACK §2.2.1).
  static func gaussKronrod(
    _ f: (Double) -> Double, _ a: Double, _ b: Double, tol: Double, depth: Int = 30
  ) -> (value: Double, error: Double, evaluations: Int) {
    let half = 0.5 * (b - a), mid = 0.5 * (a + b)
    var k = kronrodWeights[7] * f(mid)
    var g = gaussWeights[3] * f(mid)
    for i in 0..<7 {
      let dx = half * kronrodNodes[i]
      let pair = f(mid - dx) + f(mid + dx)
      k += kronrodWeights[i] * pair
      if i % 2 == 1 { g += gaussWeights[i / 2] * pair }
    }
    let value = k * half
    let error = abs((k - g) * half)
    if error <= tol || depth == 0 || half < 1e-12 { return (value, error, 15) }
    let left = gaussKronrod(f, a, mid, tol: tol / 2, depth: depth - 1)
    let right = gaussKronrod(f, mid, b, tol: tol / 2, depth: depth - 1)
    return (left.value + right.value, left.error + right.error, 15 + left.evaluations + right.evaluations)
  }

  /// Kronrod nodes (positive, descending to 0) and weights of the 15-point
  /// rule, and the weights of its embedded 7-point Gauss rule (nodes
  /// kronrodNodes[1], [3], [5] and 0).
  static let kronrodNodes: [Double] = [
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245,
  ]
  static let kronrodWeights: [Double] = [
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
  ]
  static let gaussWeights: [Double] = [
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
  ]

  /// SplitMix64 (Steele, Lea and Flood 2014): the lattice shifts.
  struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
  }
}
