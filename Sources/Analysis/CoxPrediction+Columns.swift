import Datasets
import Foundation

/// `profiles(_:needStrata:allowMissing: true)` for a whole dataset, column by
/// column (`DesignProfile.columns(of:)`): the centred covariates, the risk
/// exp(zᵀβ + offset) and the stratum of each complete row, without an array
/// per row. nil when the model has transformed variables (the caller then
/// codes row by row). The errors are `profiles`' (a missing offset column,
/// a missing stratum value, a stratum the model lacks).
extension CoxPredictionContext {
  struct ProfileColumns {
    /// Complete rows only, in data order.
    var stratum: [Int]
    var risk: [Double]
    /// Row-major rows × p, centred on the fit's means.
    var z: [Double]
  }

  func profileColumns(_ newdata: Dataset, needStrata: Bool) throws -> ProfileColumns? {
    let offsets = analysis.formula.offsets
    var needed = profile.variables + offsets.filter { !profile.variables.contains($0) }
    if needStrata { needed += analysis.formula.strata }
    for name in needed where newdata[name] == nil {
      let role =
        offsets.contains(name)
        ? "the model's offset(\(name))" : "the model needs: " + needed.joined(separator: ", ")
      throw ModelFrameError("newdata has no column '\(name)' (\(role))")
    }
    guard let design = try profile.columns(of: newdata) else { return nil }
    let n = newdata.rowCount
    var missing = design.missing
    var offset = [Double](repeating: 0, count: n)
    for name in offsets {
      guard let column = newdata[name] else { continue }
      switch column {
      case .double, .int, .bool:
        let x = column.asDoubles()
        for r in 0..<n {
          if column.isMissing(r) || !x[r].isFinite { missing[r] = true } else { offset[r] += x[r] }
        }
      default:
        throw ModelFrameError(
          "newdata column '\(name)' (the model's offset) must be numeric, got \(column.kind.rawValue)")
      }
    }
    let strata = needStrata ? try stratumIndex(newdata) : [Int](repeating: 0, count: n)
    var out = ProfileColumns(stratum: [], risk: [], z: [])
    out.stratum.reserveCapacity(n)
    out.risk.reserveCapacity(n)
    out.z.reserveCapacity(n * p)
    design.values.withUnsafeBufferPointer { x in
      for r in 0..<n where !missing[r] {
        var lp = offset[r]
        for j in 0..<p {
          let zj = x[j * n + r] - means[j]
          lp += zj * beta[j]
          out.z.append(zj)
        }
        out.stratum.append(strata[r])
        out.risk.append(Foundation.exp(lp))
      }
    }
    return out
  }

  /// Each row's stratum of the fit, from its strata columns (coded once per column, not per row).
  func stratumIndex(_ newdata: Dataset) throws -> [Int] {
    let n = newdata.rowCount
    guard let s = frame.strata else { return [Int](repeating: 0, count: n) }
    let names = analysis.formula.strata
    var codings: [Categorical] = []
    for name in names {
      guard let column = newdata[name] else { throw ModelFrameError("newdata has no column '\(name)'") }
      if let r = (0..<n).first(where: { column.isMissing($0) }) {
        throw ModelFrameError("newdata row \(r + 1): strata column '\(name)' is missing")
      }
      let all = Array(0..<n)
      codings.append(Categorical.coding(column, rows: all, levelRows: all, keepDeclaredLevels: false))
    }
    var known: [Int: Int] = [:]
    var out = [Int](repeating: 0, count: n)
    for r in 0..<n {
      var key = 0
      for c in codings { key = key &* (c.levels.count + 1) &+ Int(c.codes[r]) }
      if let k = known[key] {
        out[r] = k
        continue
      }
      let label = zip(names, codings).map { "\($0)=\($1.levels[Int($1.codes[r])])" }.joined(separator: ", ")
      guard let k = s.labels.firstIndex(of: label) else {
        throw ModelFrameError(
          "newdata row \(r + 1): stratum '\(label)' (column '\(names.joined(separator: ", "))') "
            + "is not a stratum of the model (strata: \(s.labels.joined(separator: "; ")))")
      }
      known[key] = k
      out[r] = k
    }
    return out
  }
}
