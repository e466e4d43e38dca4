import Datasets
import Foundation
import Survival

/// How the interval of a predicted curve is made.
public enum SurvregIntervalScale: String, Sendable {
  /// S^exp(±z·se/|S log S|): the Wald interval of log(−log S), inside (0, 1).
  case logLog = "log-log"
  /// v·exp(±z·se/v): the Wald interval of log v, for positive values.
  case log
  /// v ± z·se.
  case plain
  /// The bootstrap's percentiles.
  case percentile
}

/// Curves of a survreg model for covariate profiles or their average:
/// `fit[r * times.count + j]` is profile r at `times[j]` (τ for rmst; one
/// column, no time, for mean).
public struct SurvregCurvePrediction: Sendable {
  public let type: SurvregCurveType
  /// The times (or the τ of rmst); empty for mean.
  public let times: [Double]
  /// Number of profiles (1 for the average).
  public let profiles: Int
  public let average: Bool
  public let fit: [Double]
  public let se: [Double]
  public let lower: [Double]
  public let upper: [Double]
  public let confidenceLevel: Double
  public let interval: SurvregIntervalScale
  /// Bootstrap replicates asked for and used (converged); 0 without bootstrap.
  public let replicates: Int
  public let replicatesUsed: Int
  public let warnings: [String]
}

/// What `predictCurves` is asked for.
public struct SurvregCurveRequest: Sendable {
  public var type: SurvregCurveType = .survival
  public var times: [Double] = []
  public var average = false
  public var confidenceLevel = 0.95
  /// B > 0: nonparametric bootstrap with B replicates (percentile intervals).
  public var bootstrap = 0
  public var seed: UInt64 = 20_240_601

  public init(type: SurvregCurveType = .survival, times: [Double] = []) {
    self.type = type
    self.times = times
  }
}

extension SurvregAnalysis {
  /// The curve `request.type` for each row of `newdata` (the fitted data when
  /// nil), or for their average, with delta-method standard errors in
  /// θ = (β, log σ) from the model's variance (the robust one when robust),
  /// or bootstrap ones. Intervals: survival on log(−log S), hazard, cumulative
  /// hazard and restricted mean on the log scale, the mean on the log scale
  /// for the log-time families and as it is otherwise (it may be negative);
  /// with the bootstrap, percentile intervals and the replicates' standard
  /// deviation as the standard error. A row of newdata with a missing value is an error.
  public func predictCurves(newdata: Dataset? = nil, _ request: SurvregCurveRequest) throws -> SurvregCurvePrediction {
    let type = request.type
    let times: [Double]
    switch type {
    case .mean:
      times = [0]
    case .rmst:
      guard let tau = request.times.first, request.times.count == 1 else {
        throw ModelFrameError("tau must be one number, got \(request.times.count) values")
      }
      guard tau > 0, tau.isFinite else {
        throw ModelFrameError("tau must be positive and finite, got \(RValueFormat.number(tau))")
      }
      times = [tau]
    default:
      guard !request.times.isEmpty else { throw ModelFrameError("times are needed for type = \"\(type)\"") }
      for t in request.times where !(t >= 0 && t.isFinite) {
        throw ModelFrameError("times must be >= 0 and finite, got \(RValueFormat.number(t))")
      }
      times = request.times
    }
    let rows = try profileRows(newdata ?? dataset)
    guard !rows.x.isEmpty else { throw ModelFrameError("newdata has no rows") }
    var profiles: [SurvregProfile] = []
    for r in rows.x.indices {
      if rows.x[r].contains(where: { $0.isNaN }) {
        throw ModelFrameError("newdata row \(r + 1) has a missing value in a covariate of the model")
      }
      profiles.append(SurvregProfile(x: rows.x[r], offset: rows.offset[r], stratum: rows.strata[r]))
    }
    let curves = SurvregCurves(fit)
    let groups: [[SurvregProfile]] = request.average ? [profiles] : profiles.map { [$0] }
    let q = parameterCount
    var fits: [Double] = [], ses: [Double] = []
    for group in groups {
      for (j, t) in times.enumerated() {
        if j % 64 == 63 { try Cancellation.check() }
        let v = curves.average(type, at: t, profiles: group)
        var variance = 0.0
        for a in 0..<q where v.gradient[a] != 0 {
          for b in 0..<q { variance += v.gradient[a] * self.variance[a * q + b] * v.gradient[b] }
        }
        fits.append(v.value)
        ses.append(variance.squareRoot())
      }
    }
    let crit = Normal.quantile(1 - (1 - request.confidenceLevel) / 2)
    let scale: SurvregIntervalScale
    switch type {
    case .survival: scale = .logLog
    case .hazard, .cumhaz, .rmst: scale = .log
    case .mean: scale = distribution.isLogTime ? .log : .plain
    }
    var lower: [Double] = [], upper: [Double] = []
    for (v, se) in zip(fits, ses) {
      let (lo, hi) = Self.interval(v, se, crit, scale)
      lower.append(lo)
      upper.append(hi)
    }
    var used = 0
    var warnings: [String] = []
    if request.bootstrap > 0 {
      let boot = try bootstrapCurves(request, times: times, groups: groups)
      used = boot.used
      ses = boot.se
      lower = boot.lower
      upper = boot.upper
      if used < request.bootstrap {
        warnings.append(
          "\(request.bootstrap - used) of \(request.bootstrap) bootstrap samples were left out "
            + "(their fit failed or did not converge)")
      }
    }
    return SurvregCurvePrediction(
      type: type, times: type == .mean ? [] : times, profiles: groups.count, average: request.average, fit: fits,
      se: ses, lower: lower, upper: upper, confidenceLevel: request.confidenceLevel,
      interval: request.bootstrap > 0 ? .percentile : scale, replicates: request.bootstrap,
      replicatesUsed: used, warnings: warnings)
  }

  static func interval(_ v: Double, _ se: Double, _ crit: Double, _ scale: SurvregIntervalScale)
    -> (Double, Double)
  {
    switch scale {
    case .logLog:
      guard v > 0, v < 1 else { return (v, v) }
      let w = crit * se / abs(v * log(v))
      return (pow(v, exp(w)), pow(v, exp(-w)))
    case .log:
      guard v > 0, v.isFinite else { return (.nan, .nan) }
      let w = crit * se / v
      return (v * exp(-w), v * exp(w))
    case .plain, .percentile:
      return (v - crit * se, v + crit * se)
    }
  }

  /// Refits on B resamples of the fitted rows and recomputes the curves;
  /// se is the replicates' standard deviation, the interval their
  /// (α/2, 1 − α/2) quantiles (R's quantile type 7).
  func bootstrapCurves(_ request: SurvregCurveRequest, times: [Double], groups: [[SurvregProfile]]) throws
    -> (se: [Double], lower: [Double], upper: [Double], used: Int)
  {
    var options = SurvregOptions()
    options.maxIterations = self.options.maxIterations
    options.tolerance = self.options.tolerance
    options.fixedScale = self.options.scale
    let thetas = try SurvregBootstrap.estimates(
      fittedData, distribution: distribution, options: options, start: fit.coefficients + fit.logScales,
      replicates: request.bootstrap, seed: request.seed
    ).compactMap { $0 }
    let cells = groups.count * times.count
    var values = [[Double]](repeating: [], count: cells)
    for theta in thetas {
      try Cancellation.check()
      let curves = SurvregCurves(fit, theta: theta)
      for (g, group) in groups.enumerated() {
        for (j, t) in times.enumerated() {
          values[g * times.count + j].append(curves.average(request.type, at: t, profiles: group).value)
        }
      }
    }
    let alpha = 1 - request.confidenceLevel
    var se: [Double] = [], lower: [Double] = [], upper: [Double] = []
    for cell in values {
      let v = cell.filter { !$0.isNaN }.sorted()
      guard v.count >= 2 else {
        se.append(.nan); lower.append(.nan); upper.append(.nan)
        continue
      }
      let m = v.reduce(0, +) / Double(v.count)
      se.append((v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
      lower.append(Self.quantile7(v, alpha / 2))
      upper.append(Self.quantile7(v, 1 - alpha / 2))
    }
    return (se, lower, upper, thetas.count)
  }

  /// R's quantile(type = 7) of sorted values.
  static func quantile7(_ sorted: [Double], _ p: Double) -> Double {
    let h = Double(sorted.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }
}
