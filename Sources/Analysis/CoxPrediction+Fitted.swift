import Foundation
import Survival

/// `predict` on the fitted rows (no `newdata`) in one pass over the
/// column-major design, with no array per row and no centred copy of the
/// design: each row's centred covariates z are formed in a scratch buffer
/// of p values, from which the linear predictor zᵀβ, its standard error
/// √(zᵀVz) and, for `expected`, the Tsiatis standard error of the hazard up
/// to the row's time are taken. Every value is computed by the operations,
/// in the order, of the per-row forms (`quadratic`, `CoxCurveKernel.expected`),
/// so the numbers are those of R's fixtures bit for bit. At 10⁶ rows these
/// passes are what `m:predict()` costs (issue 16's 10 × R).
extension CoxPredictionContext {
  /// The fit's variance with NaN (a singular column) read as 0, as `quadratic` reads it.
  var cleanVariance: [Double] { analysis.fit.variance.map { $0.isNaN ? 0 : $0 } }

  /// lp = (x − centre)ᵀβ + offset − mean offset and √((x − centre)ᵀV(x − centre))
  /// per fitted row (frame order); `centres` per stratum when `useStrata`.
  func fittedLinear(centres: [[Double]], useStrata: Bool) -> (fit: [Double], se: [Double]) {
    let n = design.rowCount
    let p = self.p
    let v = cleanVariance
    let beta = self.beta
    let offset = frame.offset
    let meanOffset = offset.map { $0.reduce(0, +) / Double(n) } ?? 0
    let strataIndex = useStrata ? frame.strata?.index : nil
    var fit = [Double](repeating: 0, count: n)
    var se = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: p)
    design.values.withUnsafeBufferPointer { x in
      v.withUnsafeBufferPointer { v in
        z.withUnsafeMutableBufferPointer { z in
          fit.withUnsafeMutableBufferPointer { fit in
            se.withUnsafeMutableBufferPointer { se in
              for i in 0..<n {
                let centre = centres[strataIndex?[i] ?? 0]
                for j in 0..<p { z[j] = x[j * n + i] - centre[j] }
                var lp = 0.0
                for j in 0..<p { lp += z[j] * beta[j] }
                fit[i] = lp + (offset?[i] ?? 0) - meanOffset
                se[i] = Self.quadratic(v, z, p).squareRoot()
              }
            }
          }
        }
      }
    }
    return (fit, se)
  }

  /// zᵀVz, skipping nothing (V's NaN already read as 0), in `quadratic`'s order.
  @inline(__always)
  static func quadratic(
    _ v: UnsafeBufferPointer<Double>, _ z: UnsafeMutableBufferPointer<Double>, _ p: Int
  ) -> Double {
    var q = 0.0
    for a in 0..<p {
      var s = 0.0
      for b in 0..<p { s += v[a * p + b] * z[b] }
      q += z[a] * s
    }
    return q
  }

  /// The expected events of each fitted row up to its time (status − martingale
  /// residual: a death takes its own tie share) and the standard error of the
  /// profile's hazard over (entry, exit] (`CoxCurveKernel.expected`), frame order.
  /// The rows are taken stratum by stratum (one counting pass groups them), so
  /// that each stratum's baseline is read through its buffers.
  func fittedExpected(kernels: [CoxCurveKernel]) -> (fit: [Double], se: [Double]) {
    let n = design.rowCount
    let p = self.p
    let risk = fittedRisk
    let variance = cleanVariance
    var fit = [Double](repeating: 0, count: n)
    var se = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: p)
    var d = [Double](repeating: 0, count: p)
    let means = self.means
    let event = frame.event, start = frame.start
    // The rows of each stratum, in frame order.
    var groupStart = [0, n]
    var rows: [Int] = []
    if let index = frame.strata?.index, kernels.count > 1 {
      groupStart = [Int](repeating: 0, count: kernels.count + 1)
      for s in index { groupStart[s + 1] += 1 }
      for s in 0..<kernels.count { groupStart[s + 1] += groupStart[s] }
      var fill = groupStart
      rows = [Int](repeating: 0, count: n)
      for (i, s) in index.enumerated() {
        rows[fill[s]] = i
        fill[s] += 1
      }
    }
    for (s, kernel) in kernels.enumerated() where s + 1 < groupStart.count {
      let b = kernel.baseline
      let rowTime = b.rowTimeIndex
      design.values.withUnsafeBufferPointer { x in
      variance.withUnsafeBufferPointer { v in
      b.cumhaz.withUnsafeBufferPointer { cumhaz in
      b.xbar.withUnsafeBufferPointer { xbar in
      b.varhaz.withUnsafeBufferPointer { varhaz in
      z.withUnsafeMutableBufferPointer { z in
      d.withUnsafeMutableBufferPointer { d in
        // The variance at time index k, as CoxCurveKernel.expected's `parts`.
        func varianceAt(_ k: Int) -> Double {
          let hk = cumhaz[k]
          for j in 0..<p { d[j] = hk * z[j] - xbar[k * p + j] }
          var q = 0.0
          for a in 0..<p {
            var sum = 0.0
            for c in 0..<p { sum += v[a * p + c] * d[c] }
            q += d[a] * sum
          }
          return varhaz[k] + q
        }
        for position in groupStart[s]..<groupStart[s + 1] {
          let i = rows.isEmpty ? position : rows[position]
          for j in 0..<p { z[j] = means[j] != 0 ? x[j * n + i] - means[j] : x[j * n + i] }
          // The row's own exit time (index(atOrBefore: time[i]), found by the baseline's sort).
          let k = Int(rowTime[position - groupStart[s]])
          var h = k > 0 ? cumhaz[k - 1] : 0
          if k >= 0 { h += event[i] == 1 ? b.deathHazard[k] : b.hazard[k] }
          var k0 = -1
          if let start {
            k0 = b.index(atOrBefore: start[i])
            if k0 >= 0 { h -= cumhaz[k0] }
          }
          fit[i] = h * risk[i]
          let out = k >= 0 ? varianceAt(k) : 0
          if start == nil {
            se[i] = out.squareRoot() * risk[i]
          } else {
            let inn = k0 >= 0 ? varianceAt(k0) : 0
            se[i] = (out - inn).squareRoot() * risk[i]
          }
        }
      }}}}}}}
    }
    return (fit, se)
  }
}
