import Foundation

/// Predicted survival curves of a Cox model for covariate profiles, as R
/// survival 3.5 `survfit.coxph(fit, newdata)` (`coxsurv.fit`): for a profile
/// with centred covariates z and relative risk r, Λ(t) = Λ₀(t)·r, S = exp(−Λ)
/// and the Tsiatis variance of Λ(t)
///   Var = r²·(Σ varhaz(t) + dᵀ V d),  d = Λ₀(t)·z − x̄(t),
/// with V the fit's variance. dᵀVd is expanded as Λ₀² zᵀVz − 2Λ₀ zᵀV x̄ + x̄ᵀV x̄,
/// so the quadratic form x̄ᵀV x̄ is computed once per time for all profiles
/// (p² per time) and each profile then costs p per time.
public struct CoxCurveKernel: Sendable {
  public let baseline: CoxBaselineHazard
  /// Row-major p × p variance (NaN entries, from singular columns, read as 0).
  let variance: [Double]
  /// x̄(t)ᵀ V x̄(t) per time.
  let quadratic: [Double]

  public init(baseline: CoxBaselineHazard, variance: [Double]) {
    let p = baseline.columns
    let v = variance.map { $0.isNaN ? 0 : $0 }
    var quadratic = [Double](repeating: 0, count: baseline.time.count)
    baseline.xbar.withUnsafeBufferPointer { xb in
      for k in 0..<baseline.time.count {
        var s = 0.0
        for a in 0..<p {
          var row = 0.0
          for b in 0..<p { row += v[a * p + b] * xb[k * p + b] }
          s += xb[k * p + a] * row
        }
        quadratic[k] = s
      }
    }
    self.baseline = baseline
    self.variance = v
    self.quadratic = quadratic
  }

  /// The curve of a profile with centred covariates `z` and risk `r`, with
  /// pointwise intervals of `confType` at `confLevel`; `n` and `events`
  /// describe the stratum (R's `n` and `sum(n.event)`).
  public func curve(
    z: [Double], risk r: Double, n: Int, confType: ConfidenceType, confLevel: Double
  ) -> KaplanMeierCurve {
    let p = baseline.columns
    let m = baseline.time.count
    var a = [Double](repeating: 0, count: p)
    var c0 = 0.0
    for i in 0..<p {
      var s = 0.0
      for j in 0..<p { s += variance[i * p + j] * z[j] }
      a[i] = s
      c0 += z[i] * s
    }
    let zValue = ConfidenceType.zValue(level: confLevel)
    var surv = [Double](repeating: 0, count: m)
    var cumhaz = [Double](repeating: 0, count: m)
    var seChaz = [Double](repeating: 0, count: m)
    var seSurv = [Double](repeating: 0, count: m)
    var lower = [Double](repeating: .nan, count: m)
    var upper = [Double](repeating: .nan, count: m)
    let r2 = r * r
    baseline.xbar.withUnsafeBufferPointer { xb in
      for k in 0..<m {
        let h = baseline.cumhaz[k]
        var ax = 0.0
        for j in 0..<p { ax += a[j] * xb[k * p + j] }
        let quad = h * h * c0 - 2 * h * ax + quadratic[k]
        let se = ((baseline.varhaz[k] + quad) * r2).squareRoot()
        let ch = h * r
        let s = Foundation.exp(-ch)
        surv[k] = s
        cumhaz[k] = ch
        seChaz[k] = se
        seSurv[k] = se * s
        let limits = confType.limits(p: s, logSE: se, z: zValue)
        lower[k] = limits.lower
        upper[k] = limits.upper
      }
    }
    let events = baseline.nEvent.reduce(0, +)
    return KaplanMeierCurve(
      n: n, events: events, time: baseline.time, nRisk: baseline.nRisk, nEvent: baseline.nEvent,
      nCensor: baseline.nCensor, surv: surv, stdErr: seSurv, logStdErr: seChaz, lower: lower, upper: upper,
      cumhaz: cumhaz, stdChaz: seChaz, confType: confType)
  }

  /// The expected number of events Λ(t) for a profile over (entry, exit]
  /// (R `predict(type = "expected", newdata)`) and its standard error.
  public func expected(z: [Double], risk r: Double, entry: Double?, exit: Double) -> (fit: Double, se: Double) {
    func parts(_ t: Double) -> (h: Double, v: Double) {
      let k = baseline.index(atOrBefore: t)
      guard k >= 0 else { return (0, 0) }
      let p = baseline.columns
      let h = baseline.cumhaz[k]
      var d = [Double](repeating: 0, count: p)
      for j in 0..<p { d[j] = h * z[j] - baseline.xbar[k * p + j] }
      var q = 0.0
      for i in 0..<p {
        var s = 0.0
        for j in 0..<p { s += variance[i * p + j] * d[j] }
        q += d[i] * s
      }
      return (h, baseline.varhaz[k] + q)
    }
    let out = parts(exit)
    guard let entry else { return (out.h * r, out.v.squareRoot() * r) }
    let inn = parts(entry)
    return ((out.h - inn.h) * r, (out.v - inn.v).squareRoot() * r)
  }
}

extension KaplanMeier {
  /// Predicted Cox curves held as a Kaplan–Meier fit, so that every reader
  /// of a km result (`at`, `quantiles`, printing, plots) reads them unchanged.
  public init(predicted curves: [KaplanMeierCurve], confType: ConfidenceType, confLevel: Double) {
    self.init(curves: curves, confType: confType, confLevel: confLevel, variance: .greenwood, hasDelayedEntry: false)
  }
}

extension KaplanMeierCurve {
  /// A covariate-adjusted (standardised) curve: survival, its standard error
  /// (NaN when not computed) and limits on the given times. The counts are
  /// those of the group's observed rows (for the risk table; NaN when the
  /// data have no response), since an average of curves has none of its own.
  public static func adjusted(
    n: Int, events: Double, time: [Double], surv: [Double], stdErr: [Double], lower: [Double], upper: [Double],
    nRisk: [Double], nEvent: [Double], nCensor: [Double], confType: ConfidenceType
  ) -> KaplanMeierCurve {
    let logSE = zip(stdErr, surv).map { $0 / $1 }
    return KaplanMeierCurve(
      n: n, events: events, time: time, nRisk: nRisk, nEvent: nEvent, nCensor: nCensor, surv: surv,
      stdErr: stdErr, logStdErr: logSE, lower: lower, upper: upper, cumhaz: surv.map { -Foundation.log($0) },
      stdChaz: logSE, confType: confType)
  }
}
