import Datasets
import Foundation
import RunControl

/// Per-term contributions to the linear predictor, as R survival 3.5
/// `predict(fit, type = "terms", se.fit = TRUE)`: one column per term of the
/// model (strata, cluster and offset are not terms), each Σⱼ zⱼβⱼ over the
/// term's design columns j, with standard error √(z_Tᵀ V_TT z_T) from the
/// term's block of the variance. z is the design row centred as R centres
/// it: on the fit's means (`reference = "sample"`, R's default for terms),
/// on the row's stratum's weighted means (`"strata"`, in a model with
/// strata), or not at all (`"zero"`). Coefficients that are NA (singular)
/// are left out of their term, as R does. The terms add up to the linear
/// predictor without its offset.
public struct CoxTermPrediction: Sendable {
  /// R's term labels (`age`, `factor(ph.ecog)`, `rx:age`), in model order.
  public let terms: [String]
  /// fit[k][i] and se[k][i]: term k, row i (NaN for rows dropped for missing values).
  public let fit: [[Double]]
  public let se: [[Double]]
}

extension CoxAnalysis {
  /// Term predictions for `newdata` (a profile dataset) or, without it, for
  /// every row of the fitted dataset (NaN for rows dropped for missing values).
  public func predictTerms(newdata: Dataset? = nil, reference: CoxPredictionReference = .sample) throws
    -> CoxTermPrediction
  {
    let c = try CoxPredictionContext(self)
    let p = c.p
    let useStrata = c.frame.strata != nil && reference == .strata
    let centres = useStrata ? c.strataMeans() : [reference == .zero ? [Double](repeating: 0, count: p) : c.means]
    let blocks = c.design.termColumns.map { range in range.filter { !fit.coefficients[$0].isNaN } }
    let variance = fit.variance
    let k = blocks.count
    // Term-major flat output (term t of output row r at t·rowCount + r), written in place: one pass per row.
    let rowCount = newdata?.rowCount ?? dataset.rowCount
    var fitValues = [Double](repeating: .nan, count: k * rowCount)
    var seValues = fitValues
    func fill(
      _ r: Int, _ x: UnsafeBufferPointer<Double>, _ xOffset: Int, _ xStride: Int, _ centre: [Double],
      _ fitOut: inout [Double], _ seOut: inout [Double]
    ) {
      for (t, block) in blocks.enumerated() {
        var lp = 0.0, q = 0.0
        for a in block {
          let za = x[xOffset + a * xStride] - centre[a]
          lp += za * c.beta[a]
          for b in block { q += za * variance[a * p + b] * (x[xOffset + b * xStride] - centre[b]) }
        }
        fitOut[t * rowCount + r] = lp
        seOut[t * rowCount + r] = q.squareRoot()
      }
    }
    if let newdata {
      let prof = try c.profiles(newdata, needStrata: useStrata, allowMissing: true)
      for (r, x) in prof.x.enumerated() {
        x.withUnsafeBufferPointer {
          fill(r, $0, 0, 1, centres[useStrata ? prof.strata[r] : 0], &fitValues, &seValues)
        }
      }
    } else {
      let n = c.design.rowCount
      // Both are built on each access: read once.
      let rows = c.frame.rows
      let strataIndex = c.frame.strata?.index
      try c.design.values.withUnsafeBufferPointer { values in
        for i in 0..<n {
          if i & 0xFFFF == 0 { try Cancellation.check() }
          let centre = centres[useStrata ? (strataIndex?[i] ?? 0) : 0]
          fill(rows[i], values, i, n, centre, &fitValues, &seValues)
        }
      }
    }
    let fitColumns = (0..<k).map { t in Array(fitValues[t * rowCount..<(t + 1) * rowCount]) }
    let seColumns = (0..<k).map { t in Array(seValues[t * rowCount..<(t + 1) * rowCount]) }
    return CoxTermPrediction(terms: c.design.termLabels, fit: fitColumns, se: seColumns)
  }
}
