import Foundation

/// A value with its derivatives in w = (log t − μ)/σ and in Q (forward-mode
/// differentiation, Griewank & Walther, *Evaluating Derivatives*, 2008, ch. 3):
/// each operation carries the chain rule, so the generalised gamma's log f and
/// log S, written once, give their exact gradient (to rounding), series and
/// continued fractions included.
struct WQDual {
  var v: Double
  var dw: Double
  var dq: Double

  @inline(__always) init(_ v: Double, _ dw: Double = 0, _ dq: Double = 0) {
    self.v = v
    self.dw = dw
    self.dq = dq
  }

  @inline(__always) static func + (a: WQDual, b: WQDual) -> WQDual { WQDual(a.v + b.v, a.dw + b.dw, a.dq + b.dq) }
  @inline(__always) static func - (a: WQDual, b: WQDual) -> WQDual { WQDual(a.v - b.v, a.dw - b.dw, a.dq - b.dq) }
  @inline(__always) static prefix func - (a: WQDual) -> WQDual { WQDual(-a.v, -a.dw, -a.dq) }
  @inline(__always) static func * (a: WQDual, b: WQDual) -> WQDual {
    WQDual(a.v * b.v, a.dw * b.v + a.v * b.dw, a.dq * b.v + a.v * b.dq)
  }
  @inline(__always) static func / (a: WQDual, b: WQDual) -> WQDual {
    let r = a.v / b.v
    return WQDual(r, (a.dw - r * b.dw) / b.v, (a.dq - r * b.dq) / b.v)
  }
  @inline(__always) static func + (a: WQDual, c: Double) -> WQDual { WQDual(a.v + c, a.dw, a.dq) }
  @inline(__always) static func - (a: WQDual, c: Double) -> WQDual { WQDual(a.v - c, a.dw, a.dq) }
  @inline(__always) static func * (a: WQDual, c: Double) -> WQDual { WQDual(a.v * c, a.dw * c, a.dq * c) }
  @inline(__always) static func * (c: Double, a: WQDual) -> WQDual { WQDual(a.v * c, a.dw * c, a.dq * c) }

  /// g(a) with g′ = `slope`.
  @inline(__always) func map(_ value: Double, slope: Double) -> WQDual { WQDual(value, dw * slope, dq * slope) }
  @inline(__always) var exp: WQDual {
    let e = Foundation.exp(v)
    return map(e, slope: e)
  }
  @inline(__always) var log: WQDual { map(Foundation.log(v), slope: 1 / v) }
  @inline(__always) var sqrt: WQDual {
    let r = v.squareRoot()
    return map(r, slope: 0.5 / r)
  }
  @inline(__always) var log1p: WQDual { map(Foundation.log1p(v), slope: 1 / (1 + v)) }
  @inline(__always) var expm1: WQDual { map(Foundation.expm1(v), slope: Foundation.exp(v)) }
}

/// The pieces of the generalised gamma (Prentice 1974; flexsurv's
/// `dgengamma`/`pgengamma`) as functions of w and Q, written so that every
/// one is finite and accurate as Q → 0 (the log-normal limit):
///
///   log f(t) = −log σ − log t − ½ log 2π − L(Q⁻²) − w²·h(Q·w),
///
/// with h(y) = (eʸ − 1 − y)/y² and L(a) = log Γ(a) − (a − ½) log a + a − ½ log 2π
/// Stirling's remainder (from a·log u − u − log Γ(a) with u = a·e^{Qw}, a = Q⁻²);
/// at Q = 0 this is the log-normal density. S(t) is Q(a, u) (upper regularised
/// incomplete gamma) for Q > 0 and P(a, u) for Q < 0, computed by the series or
/// the continued fraction for |Q| ≥ `seriesLimit`, and below it by Temme's
/// uniform expansion (DLMF 8.12.3–8.12.12; Temme, *Special Functions*, 1996, §11.2),
///
///   S = Φ̄(z) + Q·φ(z)·(c₀(η) + Q²·c₁(η)),  η = y·√(2h(y)),  z = η/Q = w·√(2h(y)),  y = Q·w,
///
/// c₀ = 1/(λ − 1) − 1/η, c₁ = 1/η³ − 1/(λ − 1)³ − 1/(λ − 1)² − 1/(12(λ − 1)), λ = eʸ (one formula for
/// both signs of Q, since 1/√a = |Q| and S = 1 − Q(a, u) for Q < 0). Its error is O(Q⁵φ(z)): checked
/// against 40-digit values (mpmath) at Q = ±0.02, |w| ≤ 5 below 1e-10 relative.
enum GeneralizedGammaTerms {
  /// |Q| below which log S is Temme's expansion (a = Q⁻² > 2500), and from which the series and
  /// the continued fraction (which need O(1/|Q|) terms) are used.
  static let seriesLimit = 0.02
  /// The relative change below which the continued fraction stops (4 ulps of 1).
  static let lentzTolerance = 4 * Double.ulpOfOne

  static let logRootTwoPi = 0.5 * Foundation.log(2 * Double.pi)

  /// h(y) = (eʸ − 1 − y)/y²: its Taylor series Σ yᵏ/(k + 2)! for |y| < 0.1 (nine terms, remainder
  /// below 3e-17), else from expm1.
  @inline(__always)
  static func h(_ y: WQDual) -> WQDual {
    if abs(y.v) < 0.1 {
      // Horner from y⁸/10! down to 1/2.
      let c: [Double] = [
        1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362_880,
        1.0 / 3_628_800,
      ]
      var r = WQDual(c[8])
      for k in stride(from: 7, through: 0, by: -1) { r = r * y + c[k] }
      return r
    }
    return (y.expm1 - y) / (y * y)
  }

  /// Stirling's remainder L(a) as a function of Q (a = Q⁻²): the asymptotic series
  /// 1/(12a) − 1/(360a³) + 1/(1260a⁵) − 1/(1680a⁷) + 1/(1188a⁹) for a ≥ 10 (error below 3e-14;
  /// it is exact 0 at Q = 0), else from lgamma with L′(a) = ψ(a) − log a + 1/(2a).
  @inline(__always)
  static func stirlingRemainder(_ q: WQDual) -> WQDual {
    let q2 = q * q
    if q2.v <= 0.1 {
      let c: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188]
      // Σ cₖ·(Q²)^{2k+1}: Horner in Q⁴.
      let q4 = q2 * q2
      var r = WQDual(c[4])
      for k in stride(from: 3, through: 0, by: -1) { r = r * q4 + c[k] }
      return r * q2
    }
    let a = 1 / q2.v
    let value = lgamma(a) - (a - 0.5) * Foundation.log(a) + a - logRootTwoPi
    let slope = SurvregCurves.digamma(a) - Foundation.log(a) + 0.5 / a
    // dL/dQ = L′(a)·da/dQ, da/dQ = −2/Q³ (w does not enter).
    return WQDual(value, 0, slope * (-2 / (q.v * q2.v)) * q.dq)
  }

  /// log f(t) + log σ + log t (the part that depends on w and Q).
  @inline(__always)
  static func logDensity(w: WQDual, q: WQDual) -> WQDual {
    let y = q * w
    // eʸ overflows: the density is 0 there (u = a·eʸ is beyond any double).
    if y.v > 700 { return WQDual(-.infinity) }
    return -(w * w) * h(y) - stirlingRemainder(q) - logRootTwoPi
  }

  /// log S(t) as a function of w and Q.
  static func logSurvival(w: WQDual, q: WQDual) -> WQDual {
    if abs(q.v) < seriesLimit { return temme(w: w, q: q) }
    let y = q * w
    let q2 = q * q
    let a = WQDual(1) / q2
    let x = a * y.exp
    if !x.v.isFinite { return q.v > 0 ? WQDual(-.infinity) : WQDual(0) }
    if x.v <= 0 { return q.v > 0 ? WQDual(0) : WQDual(-.infinity) }
    // log(xᵃe⁻ˣ/Γ(a)) = ½ log a − ½ log 2π − L(a) − w²·h(y), with ½ log a = −log|Q|.
    let logPrefix = -WQDual(abs(q.v), 0, q.v > 0 ? q.dq : -q.dq).log - logRootTwoPi - stirlingRemainder(q)
      - (w * w) * h(y)
    if x.v < a.v + 1 {
      let logP = logPrefix + series(a: a, x: x).log
      return q.v > 0 ? complement(logP) : logP
    }
    let logQ = logPrefix + continuedFraction(a: a, x: x).log
    return q.v > 0 ? logQ : complement(logQ)
  }

  /// log(1 − e^ℓ).
  @inline(__always)
  static func complement(_ l: WQDual) -> WQDual {
    let p = Foundation.exp(l.v)
    // d log(1 − eˡ) = −eˡ/(1 − eˡ) dℓ.
    return l.map(Foundation.log(-Foundation.expm1(l.v)), slope: -p / (1 - p))
  }

  /// Σₙ xⁿ/(a(a + 1)…(a + n)), so that P(a, x) = xᵃe⁻ˣ/Γ(a) · the sum (Numerical Recipes §6.2);
  /// stops when a term and its derivatives are below 1e-17 of the sum's.
  static func series(a: WQDual, x: WQDual) -> WQDual {
    var term = WQDual(1) / a
    var sum = term
    var ap = a
    for _ in 0..<20_000 {
      ap = ap + 1
      term = term * x / ap
      sum = sum + term
      if abs(term.v) < abs(sum.v) * 1e-17 && abs(term.dw) <= abs(sum.dw) * 1e-17 + 1e-300
        && abs(term.dq) <= abs(sum.dq) * 1e-17 + 1e-300
      {
        break
      }
    }
    return sum
  }

  /// The continued fraction of Q(a, x)·Γ(a)/(xᵃe⁻ˣ), 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − …)), by the
  /// modified Lentz method, differentiated step by step. It stops when a step changes the value and its
  /// derivatives by under `lentzTolerance` (a few ulps: a bound below one ulp is never met once the steps
  /// round to 1 ± 1 ulp, and each evaluation then ran all its iterations, which made a restricted mean's
  /// integral of the survival curve take minutes: the formula fuzzer's hang).
  static func continuedFraction(a: WQDual, x: WQDual) -> WQDual {
    let tiny = 1e-300
    var b = x + 1 - a
    var c = WQDual(1 / tiny)
    var d = WQDual(1) / b
    var h = d
    for i in 1...20_000 {
      let fi = Double(i)
      // aₙ = −i(i − a).
      let an = WQDual(-fi * (fi - a.v), fi * a.dw, fi * a.dq)
      b = b + 2
      d = an * d + b
      if abs(d.v) < tiny { d = WQDual(tiny) }
      c = b + an / c
      if abs(c.v) < tiny { c = WQDual(tiny) }
      d = WQDual(1) / d
      let delta = d * c
      h = h * delta
      if abs(delta.v - 1) < lentzTolerance && abs(delta.dw) <= lentzTolerance * abs(h.dw / h.v) + 1e-300
        && abs(delta.dq) <= lentzTolerance * abs(h.dq / h.v) + 1e-300
      {
        break
      }
    }
    return h
  }

  /// Temme's expansion of log S for |Q| < `seriesLimit` (Q = 0: the log-normal's log Φ̄(w)).
  static func temme(w: WQDual, q: WQDual) -> WQDual {
    let y = q * w
    let g = (2 * h(y)).sqrt
    let z = w * g
    let (logUpper, hazard) = SurvregDistribution.Base.normalUpper(z.v)
    // d log Φ̄(z)/dz = −r, dr/dz = r(r − z), r = φ/Φ̄.
    let logPhiBar = z.map(logUpper, slope: -hazard)
    let r = z.map(hazard, slope: hazard * (hazard - z.v))
    let coefficient = c0(y: y, g: g) + (q * q) * c1(y: y, g: g)
    return logPhiBar + (q * coefficient * r).log1p
  }

  /// c₀ = 1/(eʸ − 1) − 1/η: its series in y for |y| < 1e-3 (where the difference of the two terms,
  /// each about 1/y, would lose digits).
  @inline(__always)
  static func c0(y: WQDual, g: WQDual) -> WQDual {
    if abs(y.v) < 1e-3 {
      let c: [Double] = [-1.0 / 3, 1.0 / 12, -1.0 / 1080, -19.0 / 12960, 1.0 / 181_440]
      var r = WQDual(c[4])
      for k in stride(from: 3, through: 0, by: -1) { r = r * y + c[k] }
      return r
    }
    return WQDual(1) / y.expm1 - WQDual(1) / (y * g)
  }

  /// c₁ = 1/η³ − 1/(λ − 1)³ − 1/(λ − 1)² − 1/(12(λ − 1)): its series in y for |y| < 0.01.
  @inline(__always)
  static func c1(y: WQDual, g: WQDual) -> WQDual {
    if abs(y.v) < 0.01 {
      let c: [Double] = [-1.0 / 540, -1.0 / 288, 25.0 / 12096, -223.0 / 1_088_640, -89.0 / 1_088_640]
      var r = WQDual(c[4])
      for k in stride(from: 3, through: 0, by: -1) { r = r * y + c[k] }
      return r
    }
    let eta = y * g
    let l = y.expm1
    let one = WQDual(1)
    return one / (eta * eta * eta) - one / (l * l * l) - one / (l * l) - one / (12 * l)
  }
}
