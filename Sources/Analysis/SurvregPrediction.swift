import Datasets
import Foundation
import Survival

/// What `m:predict` computes, as R `predict.survreg`'s `type`.
public enum SurvregPredictionType: String, Sendable, CaseIterable {
  /// η = xᵀβ + offset, on the y scale (log time for the log-time families).
  case lp
  /// η on the time scale: exp(η) for the log-time families, η otherwise.
  case response
  /// The p-quantiles of the time: itrans(η + σ·w_p), w_p the quantile of the standard law.
  case quantile
}

/// Predictions for the rows of a dataset, with delta-method standard errors.
public struct SurvregPredictionResult: Sendable {
  public let type: SurvregPredictionType
  /// The probabilities of `quantile` (one column each); empty otherwise.
  public let probabilities: [Double]
  /// One column of predictions per probability (one column for lp and response); NaN for a row with a missing value.
  public let fit: [[Double]]
  public let se: [[Double]]
}

extension SurvregAnalysis {
  /// Predictions as R `predict(fit, newdata, type, p, se.fit = TRUE)`:
  /// `lp` with se √(xᵀV_ββx); `response` = itrans(η) with se·|itrans′|;
  /// `quantile` = itrans(η + w_p σ) with the variance of η + w_p σ from the
  /// full variance in (β, log σ) (the gradient is (x, w_p σ)), times itrans′.
  /// Rows of `newdata` are coded with the fit's factor levels and bases; a
  /// model with strata needs the strata columns, a model with an offset the
  /// offset columns. Unlike R 3.5, whose predictions for new data leave out
  /// the offset (`predict.survreg` sets it to 0), the offset is part of η.
  public func predict(
    newdata: Dataset? = nil, type: SurvregPredictionType = .lp, probabilities: [Double] = [0.5]
  ) throws -> SurvregPredictionResult {
    let data = newdata ?? dataset
    let rows = try profileRows(data)
    let p = fit.coefficients.count
    let q = parameterCount
    let logTime = distribution.isLogTime
    let fixed = fit.logScales.isEmpty
    let ps = type == .quantile ? probabilities : []
    for x in ps where !(x > 0 && x < 1) {
      throw ModelFrameError("p must be between 0 and 1 (exclusive), got \(RValueFormat.number(x))")
    }
    let columns = type == .quantile ? ps.count : 1
    var fits = [[Double]](repeating: [Double](repeating: .nan, count: rows.x.count), count: columns)
    var ses = fits
    let quantiles = ps.map { distribution.base.quantile($0) }
    var gradient = [Double](repeating: 0, count: q)
    for r in rows.x.indices {
      let x = rows.x[r]
      if x.first?.isNaN ?? true { continue }
      var eta = rows.offset[r]
      for j in 0..<p { eta += x[j] * fit.coefficients[j] }
      let stratum = rows.strata[r]
      let sigma = fit.scales[min(stratum, fit.scales.count - 1)]
      for c in 0..<columns {
        for j in 0..<q { gradient[j] = j < p ? x[j] : 0 }
        var y = eta
        if type == .quantile {
          y += quantiles[c] * sigma
          if !fixed { gradient[p + stratum] = quantiles[c] * sigma }
        }
        // lp and response use the coefficients' block only (R's vv).
        let size = type == .quantile ? q : p
        var v = 0.0
        for j in 0..<size where gradient[j] != 0 {
          for k in 0..<size { v += gradient[j] * variance[j * q + k] * gradient[k] }
        }
        var se = v.squareRoot()
        if type != .lp && logTime {
          y = exp(y)
          se *= y
        }
        fits[c][r] = y
        ses[c][r] = se
      }
    }
    return SurvregPredictionResult(type: type, probabilities: ps, fit: fits, se: ses)
  }

  /// Design rows (with the intercept), strata and offsets of `data`'s rows.
  func profileRows(_ data: Dataset) throws -> (x: [[Double]], strata: [Int], offset: [Double]) {
    let offsets = formula.offsets
    var needed = profile.variables + offsets.filter { !profile.variables.contains($0) }
    needed += formula.strata.filter { !needed.contains($0) }
    for name in needed where data[name] == nil {
      throw ModelFrameError("newdata has no column '\(name)' (the model needs: \(needed.joined(separator: ", ")))")
    }
    let p = fit.coefficients.count
    var offsetColumns: [(Column, [Double])] = []
    for name in offsets {
      guard let column = data[name] else { continue }
      switch column {
      case .double, .int, .bool: offsetColumns.append((column, column.asDoubles()))
      default: throw ModelFrameError("newdata column '\(name)' (the model's offset) must be numeric")
      }
    }
    var rows: [[Double]] = []
    var strataOut: [Int] = []
    var offsetOut: [Double] = []
    rows.reserveCapacity(data.rowCount)
    for r in 0..<data.rowCount {
      if r % 4096 == 4095 { try Cancellation.check() }
      var values: [String: ProfileValue] = [:]
      var missing = false
      for name in profile.variables {
        guard let column = data[name] else { continue }
        if column.isMissing(r) { missing = true; continue }
        values[name] = ProfileValue(column, row: r)
      }
      var offset = 0.0
      for (column, values) in offsetColumns {
        if column.isMissing(r) { missing = true } else { offset += values[r] }
      }
      var stratum = 0
      if let grouping = strataGrouping {
        var parts: [String] = []
        for name in formula.strata {
          guard let column = data[name], !column.isMissing(r) else { missing = true; break }
          let coding = Categorical.coding(column, rows: [r], levelRows: [r], keepDeclaredLevels: false)
          parts.append("\(name)=\(coding.levels.first ?? "NA")")
        }
        if !missing {
          let label = parts.joined(separator: ", ")
          guard let k = grouping.labels.firstIndex(of: label) else {
            throw ModelFrameError(
              "newdata row \(r + 1): stratum '\(label)' is not a stratum of the model (strata: "
                + grouping.labels.joined(separator: "; ") + ")")
          }
          stratum = k
        }
      }
      strataOut.append(stratum)
      offsetOut.append(offset)
      if missing {
        rows.append([Double](repeating: .nan, count: p))
        continue
      }
      do {
        rows.append([1] + (try profile.row(values)))
      } catch let error as ModelFrameError {
        throw ModelFrameError("newdata row \(r + 1): " + error.message)
      }
    }
    return (rows, strataOut, offsetOut)
  }
}
