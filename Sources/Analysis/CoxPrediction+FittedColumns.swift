import Foundation
import Survival

/// `m:predict()` of type lp or risk on the fitted rows without the
/// column-major design matrix: the design is read as column arrays
/// (`CoxAnalysis.fittedFrameAndColumns`: the dataset's own numeric columns,
/// kept by the model), the fit's own linear predictor is returned as it is
/// where R returns it (lp centred on the fit's means, no offset), and the
/// standard errors come from `CoxFittedLinear` on two workers. The values
/// are those of `CoxPredictionContext.fittedLinear`, by the same operations
/// in the same order (the fixtures of `scripts/fixtures/cox_predict.R`).
extension CoxAnalysis {
  /// nil for a model that kept no frame (tt() terms): the general path prepares it again.
  func predictFittedLinear(type: CoxPredictionType, reference: CoxPredictionReference) throws -> CoxPrediction? {
    guard diagnosticsCache.frame != nil, type == .lp || type == .risk else { return nil }
    let (frame, design) = try fittedFrameAndColumns()
    let n = frame.count
    let p = design.columnCount
    let means = fit.means
    let strataIndex = reference == .strata ? frame.strata?.index : nil
    let centres: [[Double]]
    if let strataIndex, let labels = frame.strata?.labels {
      centres = Self.strataMeans(design, index: strataIndex, strata: labels.count, weights: frame.weights)
    } else {
      centres = [reference == .zero ? [Double](repeating: 0, count: p) : means]
    }
    let offset = frame.offset
    let offsetMean = offset.map { $0.reduce(0, +) / Double(n) } ?? 0
    // R returns the fit's own linear predictors when it needs no design (lp without strata reference); with an
    // offset it builds them (se.fit = TRUE), centring the offset on its mean.
    let ownLinear = strataIndex == nil && !(reference == .zero && means.contains { $0 != 0 }) && offset == nil
    let (values, se) = CoxFittedLinear.compute(
      covariates: design.covariateColumns, n: n, p: p, beta: fit.coefficients.map { $0.isNaN ? 0 : $0 },
      variance: fit.variance.map { $0.isNaN ? 0 : $0 }, centres: centres, strata: strataIndex, offset: offset,
      offsetMean: offsetMean, linearPredictor: ownLinear ? fit.linearPredictor : nil, risk: type == .risk)
    return CoxPrediction(
      type: type, fit: Self.pad(values, frame: frame, count: dataset.rowCount),
      se: Self.pad(se, frame: frame, count: dataset.rowCount))
  }

  /// The weighted means of the design's columns per stratum (`CoxPredictionContext.strataMeans`, read by column).
  static func strataMeans(_ design: DesignMatrix, index: [Int], strata: Int, weights: [Double]?) -> [[Double]] {
    let n = design.rowCount, p = design.columnCount
    let columns = (0..<p).map { design.column($0) }
    var sums = [[Double]](repeating: [Double](repeating: 0, count: p), count: strata)
    var wsum = [Double](repeating: 0, count: strata)
    for i in 0..<n {
      let w = weights?[i] ?? 1
      let s = index[i]
      wsum[s] += w
      for j in 0..<p { sums[s][j] += w * columns[j][columns[j].startIndex + i] }
    }
    return sums.enumerated().map { s, row in row.map { $0 / wsum[s] } }
  }
}
