import Analysis
import Datasets
import Survival

/// A parsed formula fitted by `survreg()` with a distribution and options
/// chosen from the formula's own text (so a corpus entry keeps its choice):
/// every family, a fixed scale, weights and few iterations, on the response
/// forms survreg reads (right-, left- and interval-censored).
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
}
