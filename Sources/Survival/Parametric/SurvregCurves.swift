import Foundation

/// What a fitted location–scale model says about the time of a profile:
/// S(t), h(t), H(t) = −log S(t), the restricted mean ∫₀^τ S(t) dt and the mean.
public enum SurvregCurveType: String, Sendable, CaseIterable {
  case survival, hazard, cumhaz, rmst, mean
}

/// One covariate profile: its design row (intercept first), offset and stratum (its scale).
public struct SurvregProfile: Sendable, Equatable {
  public var x: [Double]
  public var offset: Double
  public var stratum: Int

  public init(x: [Double], offset: Double = 0, stratum: Int = 0) {
    self.x = x
    self.offset = offset
    self.stratum = stratum
  }
}

/// A value and its gradient in θ = (β, log σ₁, …, log σₖ).
public struct SurvregCurveValue: Sendable {
  public var value: Double
  public var gradient: [Double]
}

/// Survival, hazard, cumulative hazard, restricted mean and mean of a fitted
/// location–scale model as functions of θ, each with its exact gradient in θ
/// for the delta method.
///
/// With z = (y(t) − η)/σ, y = log t for the log-time families and t
/// otherwise, S = S₀(z), f = f₀(z)/(σ·y′(t)), h = f/S and H = −log S₀(z)
/// (Kalbfleisch & Prentice, *The Statistical Analysis of Failure Time Data*,
/// 2nd ed., §2.2). Every value depends on θ through η = xᵀβ + offset and
/// τ = log σ only, with ∂z/∂η = −1/σ and ∂z/∂τ = −z, so a gradient is
/// (∂g/∂η · x, ∂g/∂τ at the profile's log-scale).
///
/// The sample average of a curve (`average`) is the curve of the population
/// the profiles stand for, as flexsurv's `standsurv`: S̄ = mean Sᵢ,
/// H̄ = −log S̄, h̄ = Σfᵢ/ΣSᵢ (the hazard of the mixture), and the means of
/// the restricted means and of the means.
public struct SurvregCurves: Sendable {
  public let distribution: SurvregDistribution
  public let coefficients: [Double]
  /// log σ of each stratum.
  public let logScales: [Double]
  /// Whether the log-scales are parameters (else σ is fixed and has no gradient).
  public let scaleEstimated: Bool

  public var parameterCount: Int { coefficients.count + (scaleEstimated ? logScales.count : 0) }

  public init(distribution: SurvregDistribution, coefficients: [Double], logScales: [Double], scaleEstimated: Bool) {
    self.distribution = distribution
    self.coefficients = coefficients
    self.logScales = logScales
    self.scaleEstimated = scaleEstimated
  }

  /// The curves of a fit; `theta` replaces (β, log σ) (a bootstrap replicate).
  public init(_ fit: SurvregFit, theta: [Double]? = nil) {
    let p = fit.coefficients.count
    let theta = theta ?? (fit.coefficients + fit.logScales)
    self.distribution = fit.distribution
    self.coefficients = Array(theta[0..<p])
    self.scaleEstimated = !fit.logScales.isEmpty
    self.logScales = scaleEstimated ? Array(theta[p...]) : fit.scales.map { log($0) }
  }

  /// Relative tolerance of the restricted mean's adaptive quadrature (on the
  /// value and on each component of its gradient).
  public static let integrationTolerance = 1e-10

  /// One profile's η, τ and where τ sits in θ (nil when fixed).
  private func location(_ profile: SurvregProfile) -> (eta: Double, tau: Double, index: Int?) {
    var eta = profile.offset
    for j in coefficients.indices { eta += profile.x[j] * coefficients[j] }
    let s = min(max(profile.stratum, 0), logScales.count - 1)
    return (eta, logScales[s], scaleEstimated ? coefficients.count + s : nil)
  }

  private func gradient(
    _ profile: SurvregProfile, index: Int?, dEta: Double, dTau: Double, into g: inout [Double], weight: Double = 1
  ) {
    for j in coefficients.indices { g[j] += weight * dEta * profile.x[j] }
    if let index { g[index] += weight * dTau }
  }

  /// The transformed time y(t) and log y′(t).
  private func transformed(_ t: Double) -> (y: Double, logJacobian: Double) {
    distribution.isLogTime ? (log(t), log(t)) : (t, 0)
  }

  /// S, f (the density of the time) and their (η, τ) derivatives at t.
  private func survivalAndDensity(_ t: Double, eta: Double, tau: Double)
    -> (s: Double, sEta: Double, sTau: Double, f: Double, fEta: Double, fTau: Double)
  {
    let base = distribution.base
    let sigma = exp(tau)
    let (y, logJ) = transformed(t)
    let z = (y - eta) / sigma
    if z == -.infinity { return (1, 0, 0, 0, 0, 0) }
    if z == .infinity { return (0, 0, 0, 0, 0, 0) }
    let logF = base.logDensity(z)
    let f0 = exp(logF.value)
    let s = exp(base.logSurvival(z).value)
    let f = exp(logF.value - tau - logJ)
    return (s, f0 / sigma, f0 * z, f, -f * logF.first / sigma, f * (-z * logF.first - 1))
  }

  /// One profile's curve at t (t ≥ 0) with its gradient.
  public func value(_ type: SurvregCurveType, at t: Double, profile: SurvregProfile) -> SurvregCurveValue {
    average(type, at: t, profiles: [profile])
  }

  /// The sample-average curve at t (or τ for rmst; t is ignored for mean).
  public func average(_ type: SurvregCurveType, at t: Double, profiles: [SurvregProfile]) -> SurvregCurveValue {
    var g = [Double](repeating: 0, count: parameterCount)
    let m = Double(profiles.count)
    guard !profiles.isEmpty else { return SurvregCurveValue(value: .nan, gradient: g) }
    switch type {
    case .rmst, .mean:
      var total = 0.0
      for profile in profiles {
        let (eta, tau, index) = location(profile)
        let r = type == .mean ? mean(eta: eta, tau: tau) : restrictedMean(t, eta: eta, tau: tau)
        total += r.value
        gradient(profile, index: index, dEta: r.eta, dTau: r.tau, into: &g, weight: 1 / m)
      }
      return SurvregCurveValue(value: total / m, gradient: g)
    case .survival, .cumhaz, .hazard:
      if profiles.count == 1, type != .survival, let single = singleLog(type, t, profiles[0]) { return single }
      var s = 0.0, f = 0.0
      var gs = g, gf = g
      for profile in profiles {
        let (eta, tau, index) = location(profile)
        let r = survivalAndDensity(t, eta: eta, tau: tau)
        s += r.s / m
        f += r.f / m
        gradient(profile, index: index, dEta: r.sEta, dTau: r.sTau, into: &gs, weight: 1 / m)
        gradient(profile, index: index, dEta: r.fEta, dTau: r.fTau, into: &gf, weight: 1 / m)
      }
      switch type {
      case .survival:
        return SurvregCurveValue(value: s, gradient: gs)
      case .cumhaz:
        return SurvregCurveValue(value: -log(s), gradient: gs.map { -$0 / s })
      default:
        let h = f / s
        return SurvregCurveValue(value: h, gradient: zip(gf, gs).map { ($0 - h * $1) / s })
      }
    }
  }

  /// H and h of one profile from the log-terms, which keep their precision
  /// where S underflows (H = −log S₀(z) is e^z for the extreme-value law).
  private func singleLog(_ type: SurvregCurveType, _ t: Double, _ profile: SurvregProfile) -> SurvregCurveValue? {
    let (eta, tau, index) = location(profile)
    let base = distribution.base
    let sigma = exp(tau)
    let (y, logJ) = transformed(t)
    let z = (y - eta) / sigma
    guard z.isFinite else { return nil }
    var g = [Double](repeating: 0, count: parameterCount)
    let logS = base.logSurvival(z)
    if type == .cumhaz {
      let h = -logS.value
      gradient(profile, index: index, dEta: -logS.first / sigma, dTau: -z * logS.first, into: &g)
      return SurvregCurveValue(value: h, gradient: g)
    }
    let logF = base.logDensity(z)
    let h = exp(logF.value - logS.value - tau - logJ)
    let d = logF.first - logS.first
    gradient(profile, index: index, dEta: -h * d / sigma, dTau: h * (-z * d - 1), into: &g)
    return SurvregCurveValue(value: h, gradient: g)
  }

  /// ∫₀^τ S(t) dt and its (η, τ) derivatives, by adaptive Gauss–Kronrod
  /// quadrature: on u = log t over [min(log τ, η) − 40, log τ] for the
  /// log-time families (the integrand S·eᵘ is smooth there, and the part
  /// below is under e^{η−40}, a 4e-18 share of the mass near the location η),
  /// started from panels one unit of log time wide so that the mass is seen
  /// however far τ lies beyond it; on t over [0, τ] otherwise.
  private func restrictedMean(_ tauTime: Double, eta: Double, tau: Double)
    -> (value: Double, eta: Double, tau: Double)
  {
    let logTime = distribution.isLogTime
    let (lo, hi) = logTime ? (min(log(tauTime), eta) - 40, log(tauTime)) : (0, tauTime)
    let r = GaussKronrod.integrate3(
      from: lo, to: hi, tolerance: Self.integrationTolerance, panelWidth: logTime ? 1 : .infinity
    ) { u in
      let t = logTime ? exp(u) : u
      let w = logTime ? t : 1
      let s = survivalAndDensity(t, eta: eta, tau: tau)
      return (s.s * w, s.sEta * w, s.sTau * w)
    }
    return r
  }

  /// E[T] and its (η, τ) derivatives. Log-time families: E[T] = e^η·E[e^{σW}],
  /// Γ(1 + σ) for the extreme-value law, πσ/sin(πσ) for the logistic (infinite
  /// from σ ≥ 1), e^{σ²/2} for the normal; the others: η + σ·E[W], E[W] = −γ
  /// (Euler's constant) for the extreme-value (minimum) law, 0 otherwise.
  private func mean(eta: Double, tau: Double) -> (value: Double, eta: Double, tau: Double) {
    let sigma = exp(tau)
    guard distribution.isLogTime else {
      let ew = distribution.base == .extremeValue ? -Self.eulerGamma : 0
      return (eta + sigma * ew, 1, sigma * ew)
    }
    let logM: Double, dLogM: Double
    switch distribution.base {
    case .extremeValue:
      logM = lgamma(1 + sigma)
      dLogM = sigma * Self.digamma(1 + sigma)
    case .logistic:
      guard sigma < 1 else { return (.infinity, .nan, .nan) }
      logM = log(Double.pi * sigma) - log(sin(Double.pi * sigma))
      dLogM = 1 - Double.pi * sigma / tan(Double.pi * sigma)
    case .normal:
      logM = sigma * sigma / 2
      dLogM = sigma * sigma
    }
    let value = exp(eta + logM)
    return (value, value, value * dLogM)
  }

  static let eulerGamma = 0.577_215_664_901_532_860_6

  /// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then
  /// the asymptotic series (Abramowitz & Stegun 6.3.18), error under 1e-15.
  static func digamma(_ x: Double) -> Double {
    var x = x, shift = 0.0
    while x < 6 {
      shift -= 1 / x
      x += 1
    }
    let r = 1 / (x * x)
    let series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132)))))
    return shift + log(x) - 0.5 / x - series
  }
}

/// Adaptive Gauss–Kronrod (7, 15) quadrature of three integrands at once:
/// the interval with the largest error estimate is halved until every
/// component's error estimate is under `tolerance` relative to its integral
/// or to the first component's (the three share the time unit: a restricted
/// mean and its derivatives), or 2000 intervals are in use (Piessens et al.,
/// *QUADPACK*, 1983, the QAG scheme).
enum GaussKronrod {
  static let nodes: [Double] = [
    0.991_455_371_120_812_639_2, 0.949_107_912_342_758_524_5, 0.864_864_423_359_769_072_8,
    0.741_531_185_599_394_439_9, 0.586_087_235_467_691_130_3, 0.405_845_151_377_397_166_9,
    0.207_784_955_007_898_467_6, 0,
  ]
  static let kronrod: [Double] = [
    0.022_935_322_010_529_224_96, 0.063_092_092_629_978_553_29, 0.104_790_010_322_250_183_8,
    0.140_653_259_715_525_918_7, 0.169_004_726_639_267_902_8, 0.190_350_578_064_785_409_9,
    0.204_432_940_075_298_892_4, 0.209_482_141_084_727_828_0,
  ]
  /// Gauss weights of the odd-indexed nodes (1, 3, 5) and the centre.
  static let gauss: [Double] = [
    0.129_484_966_168_869_693_3, 0.279_705_391_489_276_667_9, 0.381_830_050_505_118_944_9,
    0.417_959_183_673_469_387_8,
  ]

  typealias Triple = (Double, Double, Double)

  static func rule(_ a: Double, _ b: Double, _ f: (Double) -> Triple) -> (value: [Double], error: [Double]) {
    let c = (a + b) / 2, h = (b - a) / 2
    var k = [0.0, 0.0, 0.0], g = [0.0, 0.0, 0.0]
    func add(_ v: Triple, _ wk: Double, _ wg: Double) {
      k[0] += wk * v.0; k[1] += wk * v.1; k[2] += wk * v.2
      g[0] += wg * v.0; g[1] += wg * v.1; g[2] += wg * v.2
    }
    for i in 0..<7 {
      let wg = i % 2 == 1 ? gauss[i / 2] : 0
      add(f(c - h * nodes[i]), kronrod[i], wg)
      add(f(c + h * nodes[i]), kronrod[i], wg)
    }
    add(f(c), kronrod[7], gauss[3])
    return ([k[0] * h, k[1] * h, k[2] * h], [abs(k[0] - g[0]) * h, abs(k[1] - g[1]) * h, abs(k[2] - g[2]) * h])
  }

  /// The adaptive integral of f's three components on [a, b], started from
  /// panels no wider than `panelWidth`, so that a peak narrower than [a, b]
  /// is seen by the first rules.
  static func integrate3(
    from a: Double, to b: Double, tolerance: Double, panelWidth: Double = .infinity, _ f: (Double) -> Triple
  ) -> (value: Double, eta: Double, tau: Double) {
    guard b > a else { return (0, 0, 0) }
    var intervals: [(a: Double, b: Double, value: [Double], error: [Double])] = []
    let panels = panelWidth.isFinite && panelWidth > 0 ? max(1, min(1000, Int(((b - a) / panelWidth).rounded(.up)))) : 1
    var total = [0.0, 0.0, 0.0], error = [0.0, 0.0, 0.0]
    for i in 0..<panels {
      let pa = a + (b - a) * Double(i) / Double(panels)
      let pb = i == panels - 1 ? b : a + (b - a) * Double(i + 1) / Double(panels)
      let piece = rule(pa, pb, f)
      intervals.append((pa, pb, piece.value, piece.error))
      for c in 0..<3 {
        total[c] += piece.value[c]
        error[c] += piece.error[c]
      }
    }
    func done() -> Bool {
      (0..<3).allSatisfy { error[$0] <= max(tolerance * max(abs(total[$0]), abs(total[0])), 1e-300) }
    }
    while !done() && intervals.count < 2000 + panels {
      // The interval whose largest component error is the largest, relative to the totals.
      var worst = 0, worstScore = -1.0
      for (i, iv) in intervals.enumerated() {
        var score = 0.0
        for c in 0..<3 { score = max(score, iv.error[c] / max(abs(total[c]), abs(total[0]), 1e-300)) }
        if score > worstScore { worst = i; worstScore = score }
      }
      let iv = intervals.remove(at: worst)
      let mid = (iv.a + iv.b) / 2
      let left = rule(iv.a, mid, f), right = rule(mid, iv.b, f)
      for c in 0..<3 {
        total[c] += left.value[c] + right.value[c] - iv.value[c]
        error[c] += left.error[c] + right.error[c] - iv.error[c]
      }
      intervals.append((iv.a, mid, left.value, left.error))
      intervals.append((mid, iv.b, right.value, right.error))
    }
    // Re-add the pieces so the total carries no drift from the updates.
    var sum = [0.0, 0.0, 0.0]
    for iv in intervals { for c in 0..<3 { sum[c] += iv.value[c] } }
    return (sum[0], sum[1], sum[2])
  }
}
