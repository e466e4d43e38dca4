import Analysis
import Datasets
import Survival

/// A parsed formula fitted by `flexsurv()` with a family chosen from the
/// formula's own text (Gompertz, generalised gamma, splines on each scale
/// with 0–3 knots), weights and few iterations, then predicted; and the
/// comparison of two families. Errors are fine; traps are not.
func fuzzFlexsurv(_ formula: Formula, dataset: Dataset) {
  let seed = formula.text.utf8.reduce(7) { ($0 &* 37 &+ Int($1)) & 0xFFFF }
  var options = FlexsurvAnalysisOptions()
  let scales = RoystonParmarFamily.Scale.allCases
  switch seed % 3 {
  case 0: options.distribution = .gompertz
  case 1: options.distribution = .gengamma
  default: options.distribution = .spline(knots: (seed >> 2) % 4, scale: scales[(seed >> 4) % scales.count])
  }
  if seed & 64 != 0 { options.weights = "w" }
  options.maxIterations = seed & 128 != 0 ? 2 : 20
  if let m = try? FlexsurvAnalysis(dataset: dataset, formula: formula, options: options) {
    for type in FlexiblePredictionType.allCases {
      _ = try? m.predict(newdata: dataset, type: type, at: type == .quantile ? [0.5] : [1, 1e300])
    }
  }
  if seed & 256 != 0 {
    _ = try? ParametricComparison(
      dataset: dataset, formula: formula, distributions: [.locationScale(.weibull), .flexible(.gompertz)])
  }
}
