import Datasets
import Foundation
import Survival

/// What `m:predict` of a flexsurv model computes, as flexsurv's `summary(type =)`.
public enum FlexiblePredictionType: String, Sendable, CaseIterable {
  case survival, hazard, cumhaz, quantile, rmst, mean
}

/// Predictions with delta-method (or bootstrap) standard errors and intervals: one row per profile and time
/// (or p); one profile, the sample average, when `average`.
public struct FlexiblePredictionResult: Sendable {
  public let type: FlexiblePredictionType
  /// 1-based profile (newdata row) of each prediction.
  public let profile: [Int]
  /// The time, probability or horizon of each prediction (NaN for the mean).
  public let at: [Double]
  public let estimate: [Double]
  public let se: [Double]
  public let lower: [Double]
  public let upper: [Double]
  public let average: Bool
  /// Bootstrap replicates asked for and used (converged); 0 without bootstrap.
  public let replicates: Int
  public let replicatesUsed: Int
  public let warnings: [String]
}

/// What `FlexsurvAnalysis.predict` is asked for.
public struct FlexiblePredictionRequest: Sendable {
  public var type: FlexiblePredictionType
  public var at: [Double]
  /// The sample average over the rows of newdata (the fitted rows without newdata), as flexsurv's standsurv:
  /// mean S, Σf/ΣS, −log mean S, mean restricted means and means.
  public var average = false
  public var confidenceLevel: Double? = nil
  /// B > 0: nonparametric bootstrap with B replicates (percentile intervals, the replicates' SD as se).
  public var bootstrap = 0
  public var seed: UInt64 = 20_240_601

  public init(type: FlexiblePredictionType, at: [Double]) {
    self.type = type
    self.at = at
  }
}

extension FlexsurvAnalysis {
  /// The quantity of `type` for one profile at `at`, from θ.
  func quantity(_ type: FlexiblePredictionType, theta: [Double], covariates: [Double], at: Double) -> Double {
    let row = rowTheta(theta, covariates: covariates)
    return row.withUnsafeBufferPointer { th in
      switch type {
      case .survival: return family.survival(at, th)
      case .hazard: return family.hazard(at, th)
      case .cumhaz: return family.cumulativeHazard(at, th)
      case .quantile: return family.quantile(at, th)
      case .rmst: return family.restrictedMean(at, th)
      case .mean: return family.restrictedMean(.infinity, th)
      }
    }
  }

  /// The quantity of `type` averaged over profiles with counts (the mixture's, as flexsurv's standsurv):
  /// mean S, hazard Σc·f/Σc·S, cumulative hazard −log of mean S, mean restricted means and means.
  func averageQuantity(
    _ type: FlexiblePredictionType, theta: [Double], profiles: [(z: [Double], count: Double)], at: Double
  ) -> Double {
    var total = 0.0, sum = 0.0, density = 0.0
    for (z, c) in profiles {
      total += c
      switch type {
      case .hazard:
        let row = rowTheta(theta, covariates: z)
        row.withUnsafeBufferPointer { th in
          let s = family.survival(at, th)
          sum += c * s
          density += c * s * family.hazard(at, th)
        }
      case .cumhaz:
        sum += c * quantity(.survival, theta: theta, covariates: z, at: at)
      default:
        sum += c * quantity(type, theta: theta, covariates: z, at: at)
      }
    }
    switch type {
    case .hazard: return density / sum
    case .cumhaz: return -log(sum / total)
    default: return sum / total
    }
  }

  /// Predictions for the rows of `newdata` (nil: one profile at the design's average row, flexsurv's default
  /// of covariate means; with `average`, the fitted rows) at each of `at` (times; probabilities for
  /// quantile; horizons for rmst; ignored for mean). The standard error is the delta method with the
  /// gradient in θ by central differences; the interval is symmetric on log(−log S) for the survival and on
  /// the log scale for the other (positive) quantities. With `bootstrap`, the replicates' standard deviation
  /// and percentile interval instead.
  public func predict(
    newdata: Dataset? = nil, type: FlexiblePredictionType, at: [Double]
  ) throws -> FlexiblePredictionResult {
    try predict(newdata: newdata, FlexiblePredictionRequest(type: type, at: at))
  }

  /// What is wrong with a request's times (or probabilities, for quantiles):
  /// the option's name and the problem ("must be finite and >= 0, got NA"),
  /// or nil when they are usable.
  public static func pointProblem(_ request: FlexiblePredictionRequest) -> (option: String, problem: String)? {
    guard request.type != .mean else { return nil }
    for a in request.at {
      if request.type == .quantile {
        if !(a > 0 && a < 1) { return ("p", "must be between 0 and 1 (exclusive), got \(RValueFormat.number(a))") }
      } else if !(a >= 0 && a.isFinite) {
        return ("times", "must be finite and >= 0, got \(RValueFormat.number(a))")
      }
    }
    return nil
  }

  public func predict(newdata: Dataset? = nil, _ request: FlexiblePredictionRequest) throws
    -> FlexiblePredictionResult
  {
    let type = request.type
    if let bad = Self.pointProblem(request) { throw ModelFrameError("\(bad.option) \(bad.problem)") }
    let points = type == .mean ? [Double.nan] : request.at
    if request.average && type == .quantile {
      throw ModelFrameError("average is not for type = \"quantile\" (the quantile of a mixture is not an average)")
    }
    let rows: [[Double]]
    if let newdata {
      rows = try profileRows(newdata)
    } else {
      rows = request.average ? try profileRows(dataset) : [meanCovariates]
    }
    guard !rows.isEmpty else { throw ModelFrameError("newdata has no rows") }
    // The groups of profiles each prediction is made for: one per row, or all rows (by distinct row) at once.
    var groups: [[(z: [Double], count: Double)]] = []
    if request.average {
      if let r = rows.firstIndex(where: { $0.first?.isNaN ?? false }) {
        throw ModelFrameError("newdata row \(r + 1) has a missing value in a covariate of the model")
      }
      var counts: [[Double]: Double] = [:], order: [[Double]] = []
      for z in rows {
        if counts[z] == nil { order.append(z) }
        counts[z, default: 0] += 1
      }
      groups = [order.map { ($0, counts[$0] ?? 0) }]
    } else {
      groups = rows.map { [($0, 1)] }
    }
    let level = request.confidenceLevel ?? options.confidenceLevel
    let crit = Normal.quantile(1 - (1 - level) / 2)
    let q = fit.parameterCount
    var profileOut: [Int] = [], atOut: [Double] = [], est: [Double] = [], ses: [Double] = []
    var lower: [Double] = [], upper: [Double] = []
    var theta = fit.theta
    var gradient = [Double](repeating: 0, count: q)
    func value(_ th: [Double], _ group: [(z: [Double], count: Double)], _ a: Double) -> Double {
      request.average
        ? averageQuantity(type, theta: th, profiles: group, at: a)
        : quantity(type, theta: th, covariates: group[0].z, at: a)
    }
    for (r, group) in groups.enumerated() {
      try Cancellation.check()
      for a in points {
        profileOut.append(r + 1)
        atOut.append(a)
        if group[0].z.first?.isNaN ?? false {
          est.append(.nan); ses.append(.nan); lower.append(.nan); upper.append(.nan)
          continue
        }
        let v = value(fit.theta, group, a)
        for j in 0..<q {
          let h = 1e-5 * max(1, abs(fit.theta[j]))
          theta[j] = fit.theta[j] + h
          let up = value(theta, group, a)
          theta[j] = fit.theta[j] - h
          let down = value(theta, group, a)
          theta[j] = fit.theta[j]
          gradient[j] = (up - down) / (2 * h)
        }
        var variance = 0.0
        for j in 0..<q { for k in 0..<q { variance += gradient[j] * fit.variance[j * q + k] * gradient[k] } }
        let se = v.isFinite ? variance.squareRoot() : .nan
        est.append(v)
        ses.append(se)
        let (lo, hi) = SurvregAnalysis.interval(v, se, crit, type == .survival ? .logLog : .log)
        lower.append(lo)
        upper.append(hi)
      }
    }
    var used = 0
    var warnings: [String] = []
    if request.bootstrap > 0 {
      let thetas = try FlexibleBootstrap.estimates(
        family, fittedData, start: fit.theta, maxIterations: options.maxIterations, replicates: request.bootstrap,
        seed: request.seed
      ).compactMap { $0 }
      used = thetas.count
      var cells = [[Double]](repeating: [], count: est.count)
      for th in thetas {
        try Cancellation.check()
        var k = 0
        for group in groups {
          for a in points {
            if !(group[0].z.first?.isNaN ?? false) { cells[k].append(value(th, group, a)) }
            k += 1
          }
        }
      }
      let alpha = 1 - level
      for (k, cell) in cells.enumerated() {
        let v = cell.filter { !$0.isNaN }.sorted()
        guard v.count >= 2 else {
          (ses[k], lower[k], upper[k]) = (.nan, .nan, .nan)
          continue
        }
        let m = v.reduce(0, +) / Double(v.count)
        ses[k] = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        lower[k] = SurvregAnalysis.quantile7(v, alpha / 2)
        upper[k] = SurvregAnalysis.quantile7(v, 1 - alpha / 2)
      }
      if used < request.bootstrap {
        warnings.append(
          "\(request.bootstrap - used) of \(request.bootstrap) bootstrap samples were left out "
            + "(their fit failed or did not converge)")
      }
    }
    return FlexiblePredictionResult(
      type: type, profile: profileOut, at: atOut, estimate: est, se: ses, lower: lower, upper: upper,
      average: request.average, replicates: request.bootstrap, replicatesUsed: used, warnings: warnings)
  }

  /// The covariate rows of `data` (location columns, then ancillary columns); NaN rows where a value is missing.
  func profileRows(_ data: Dataset) throws -> [[Double]] {
    let profiles = [profile] + ancillaryProfiles.map(\.profile)
    var needed: [String] = []
    for pr in profiles { for v in pr.variables where !needed.contains(v) { needed.append(v) } }
    for name in needed where data[name] == nil {
      throw ModelFrameError("newdata has no column '\(name)' (the model needs: \(needed.joined(separator: ", ")))")
    }
    let width = profiles.reduce(0) { $0 + $1.columnNames.count }
    var rows: [[Double]] = []
    for r in 0..<data.rowCount {
      if r % 4096 == 4095 { try Cancellation.check() }
      var values: [String: ProfileValue] = [:]
      var missing = false
      for name in needed {
        guard let column = data[name] else { continue }
        if column.isMissing(r) { missing = true; break }
        values[name] = ProfileValue(column, row: r)
      }
      if missing {
        rows.append([Double](repeating: .nan, count: max(1, width)))
        continue
      }
      var row: [Double] = []
      do {
        for pr in profiles {
          let own = values.filter { pr.variables.contains($0.key) }
          row += try pr.row(own)
        }
      } catch let error as ModelFrameError {
        throw ModelFrameError("newdata row \(r + 1): " + error.message)
      }
      rows.append(row)
    }
    return rows
  }
}
