import Analysis
import Survival

// The Swift values behind the results of result methods (`fit:at`,
// `fit:quantile`, `fit:rmst`, `ci:at`, `m:predict`): the analysis the
// method was called on and what it computed, so that `tidy()` reads the
// method's numbers from the handle, as every tidier does, never from the
// (editable) result table.

/// `fit:at(times)`: the rows of each curve at the times.
struct KaplanMeierAtResult {
  let analysis: KaplanMeierAnalysis
  let rows: [SurvivalAtTimes]
}

/// `fit:quantile(probs)`: the quantiles of each curve.
struct KaplanMeierQuantileResult {
  let analysis: KaplanMeierAnalysis
  let quantiles: [SurvivalQuantiles]
}

/// `fit:rmst(tau)`: the restricted means and, with two curves, their difference.
struct KaplanMeierRMSTResult {
  let analysis: KaplanMeierAnalysis
  let summary: RestrictedMeanSummary
}

/// `ci:at(times)`: the curves at the sorted, unique times.
struct CumulativeIncidenceAtResult {
  let analysis: CompetingRisksAnalysis
  let times: [Double]
  let curves: [CompetingRisksAnalysis.CurveAtTimes]
}

/// `m:predict(profiles)`: the predicted incidence of each profile at the
/// model's failure times.
struct FineGrayPredictionResult {
  let model: FineGrayAnalysis
  let labels: [String]
  let incidence: [[Double]]
}
