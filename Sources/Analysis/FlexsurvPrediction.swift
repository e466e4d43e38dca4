import Datasets
import Foundation
import Survival

/// What `m:predict` of a flexsurv model computes, as flexsurv's `summary(type =)`.
public enum FlexiblePredictionType: String, Sendable, CaseIterable {
  case survival, hazard, cumhaz, quantile, rmst, mean
}

/// Predictions with delta-method standard errors and Wald intervals: one row per profile and time (or p).
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

  /// Predictions for the rows of `newdata` (nil: one profile at the design's average row, flexsurv's default
  /// of covariate means) at each of `at` (times; probabilities for quantile; horizons for rmst; ignored for
  /// mean). The standard error is the delta method with the gradient in θ by central differences; the
  /// interval is symmetric on log(−log S) for the survival and on the log scale for the other (positive)
  /// quantities.
  public func predict(
    newdata: Dataset? = nil, type: FlexiblePredictionType, at: [Double]
  ) throws -> FlexiblePredictionResult {
    let profiles = try newdata.map { try profileRows($0) } ?? [meanCovariates]
    let points = type == .mean ? [Double.nan] : at
    for a in points {
      switch type {
      case .quantile where !(a > 0 && a < 1):
        throw ModelFrameError("p must be between 0 and 1 (exclusive), got \(RValueFormat.number(a))")
      case .survival, .hazard, .cumhaz, .rmst:
        if !(a >= 0 && a.isFinite) {
          throw ModelFrameError("times must be finite and >= 0, got \(RValueFormat.number(a))")
        }
      default: break
      }
    }
    let crit = Normal.quantile(1 - (1 - options.confidenceLevel) / 2)
    let q = fit.parameterCount
    var profileOut: [Int] = [], atOut: [Double] = [], est: [Double] = [], ses: [Double] = []
    var lower: [Double] = [], upper: [Double] = []
    var theta = fit.theta
    var gradient = [Double](repeating: 0, count: q)
    for (r, z) in profiles.enumerated() {
      try Cancellation.check()
      for a in points {
        profileOut.append(r + 1)
        atOut.append(a)
        if z.first?.isNaN ?? false {
          est.append(.nan); ses.append(.nan); lower.append(.nan); upper.append(.nan)
          continue
        }
        let value = quantity(type, theta: fit.theta, covariates: z, at: a)
        for j in 0..<q {
          let h = 1e-5 * max(1, abs(fit.theta[j]))
          theta[j] = fit.theta[j] + h
          let up = quantity(type, theta: theta, covariates: z, at: a)
          theta[j] = fit.theta[j] - h
          let down = quantity(type, theta: theta, covariates: z, at: a)
          theta[j] = fit.theta[j]
          gradient[j] = (up - down) / (2 * h)
        }
        var v = 0.0
        for j in 0..<q { for k in 0..<q { v += gradient[j] * fit.variance[j * q + k] * gradient[k] } }
        let se = value.isFinite ? v.squareRoot() : .nan
        est.append(value)
        ses.append(se)
        if type == .survival {
          // log(−log S) ± z·se/(S·|log S|); S^{exp(∓...)} keeps the bounds in (0, 1).
          let l = log(value)
          let w = crit * se / (value * abs(l))
          lower.append(pow(value, exp(w)))
          upper.append(pow(value, exp(-w)))
        } else {
          let w = crit * se / value
          lower.append(value * exp(-w))
          upper.append(value * exp(w))
        }
      }
    }
    return FlexiblePredictionResult(
      type: type, profile: profileOut, at: atOut, estimate: est, se: ses, lower: lower, upper: upper)
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
