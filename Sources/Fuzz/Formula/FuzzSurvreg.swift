import Analysis
import Datasets
import Survival

/// A parsed formula fitted by `survreg()` with a distribution and options
/// chosen from the formula's own text (so a corpus entry keeps its choice):
/// every family, a fixed scale, weights and few iterations, on the response
/// forms survreg reads (right-, left- and interval-censored); then its
/// predictions, and one of its curves (survival ... mean).
func fuzzSurvreg(_ formula: Formula, dataset: Dataset) {
  let seed = formula.text.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }
  var options = SurvregAnalysisOptions()
  let all = SurvregDistribution.allCases
  options.distribution = all[seed % all.count]
  if seed & 8 != 0 { options.weights = "w" }
  if seed & 16 != 0 { options.scale = 0.5 }
  if seed & 32 != 0 { options.maxIterations = 1 }
  if seed & 64 != 0 { options.robust = true }
  guard let m = try? SurvregAnalysis(dataset: dataset, formula: formula, options: options) else { return }
  _ = try? m.predict(newdata: dataset, type: .quantile, probabilities: [0.1, 0.5])
  _ = m.proportionalHazards
  // The curves, at times and a horizon from the seed (a negative time or tau must be an error, not a trap).
  let types = SurvregCurveType.allCases
  var request = SurvregCurveRequest(type: types[(seed / 7) % types.count], times: [0, Double(seed % 50) - 5, 1e6])
  if request.type == .rmst { request.times = [Double(seed % 40) - 3] }
  request.average = seed & 128 != 0
  _ = try? m.predictCurves(newdata: dataset, request)
}
