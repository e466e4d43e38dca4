import Datasets
import Foundation
import Survival

/// One family of a `parametric_compare()`: a survreg location–scale family or a flexible one.
public enum ComparedDistribution: Sendable, Hashable {
  case locationScale(SurvregDistribution)
  case flexible(FlexibleDistribution)

  public var label: String {
    switch self {
    case .locationScale(let d):
      switch d {
      case .weibull: return "Weibull"
      case .exponential: return "Exponential"
      case .lognormal: return "Log-normal"
      case .loglogistic: return "Log-logistic"
      default: return d.displayName
      }
    case .flexible(let f): return f.label
    }
  }

  /// The default comparison of NICE DSU TSD 14.
  public static let defaults: [ComparedDistribution] = [
    .locationScale(.exponential), .locationScale(.weibull), .flexible(.gompertz), .locationScale(.lognormal),
    .locationScale(.loglogistic), .flexible(.gengamma),
  ]
}

/// A fitted model of a comparison.
public enum ComparedModel: @unchecked Sendable {
  case survreg(SurvregAnalysis)
  case flexsurv(FlexsurvAnalysis)

  /// The fit as the comparison reads it (log-likelihood, parameters, AIC, BIC, convergence, warnings).
  public var summary: any ParametricModelSummary {
    switch self {
    case .survreg(let a): return a
    case .flexsurv(let a): return a
    }
  }
  public var loglik: Double { summary.maximisedLoglik }
  public var parameterCount: Int { summary.parameterCount }
  public var aic: Double { summary.aic }
  public var bic: Double { summary.bic }
  public var converged: Bool { summary.converged }
  public var warnings: [String] { summary.warnings }
}

/// The HTA model comparison (NICE DSU TSD 14, Latimer 2011): every family
/// fitted to the same rows, ranked by AIC, with the average fitted survival
/// and hazard curves over the sample for plotting against the Kaplan–Meier
/// curve. The location–scale families are `SurvregAnalysis` fits, the others
/// `FlexsurvAnalysis` fits.
public struct ParametricComparison: @unchecked Sendable {
  public struct Entry: @unchecked Sendable {
    public let distribution: ComparedDistribution
    public let model: ComparedModel
  }

  public let formula: Formula
  public let dataset: Dataset
  /// The fits, sorted by AIC (smallest first).
  public let entries: [Entry]
  public let n: Int

  public init(
    dataset: Dataset, formula: Formula, distributions: [ComparedDistribution] = ComparedDistribution.defaults,
    weights: String? = nil
  ) throws {
    if distributions.isEmpty { throw ModelFrameError("dists must name at least one distribution") }
    try Cancellation.check()
    // One fit per family, on two workers (`ParametricWorkers`): each fit is sequential, so the results
    // are those of fitting the families one after the other.
    let entries = try ParametricWorkers.map(distributions.count) { i -> Entry in
      let d = distributions[i]
      switch d {
      case .locationScale(let dist):
        var o = SurvregAnalysisOptions()
        o.distribution = dist
        o.weights = weights
        return Entry(
          distribution: d, model: .survreg(try SurvregAnalysis(dataset: dataset, formula: formula, options: o)))
      case .flexible(let dist):
        var o = FlexsurvAnalysisOptions()
        o.distribution = dist
        o.weights = weights
        return Entry(
          distribution: d, model: .flexsurv(try FlexsurvAnalysis(dataset: dataset, formula: formula, options: o)))
      }
    }
    let n = entries.last.map { e -> Int in
      switch e.model {
      case .survreg(let a): return a.n
      case .flexsurv(let a): return a.n
      }
    } ?? 0
    self.formula = formula
    self.dataset = dataset
    self.entries = entries.enumerated().sorted {
      ($0.element.model.aic, $0.offset) < ($1.element.model.aic, $1.offset)
    }.map(\.element)
    self.n = n
  }

  /// The sample-average survival (or the population hazard Σ S·h / Σ S) of entry `index` at `times`,
  /// averaged over the distinct covariate rows of the fitted data, weighted by their counts.
  ///
  /// The hazard's weights S are summed relative to the largest log S at each
  /// time (a running log-sum-exp), so that far beyond follow-up, where every
  /// S underflows, the average is still that of the longest-lived profiles.
  public func curve(_ index: Int, times: [Double], hazard: Bool) throws -> [Double] {
    let model = entries[index].model
    var s = [Double](repeating: 0, count: times.count)
    var hazards = HazardAverage(count: times.count)
    var total = 0.0
    switch model {
    case .survreg(let a):
      let rows = try a.profileRows(dataset)
      var counts: [[Double]: Double] = [:]
      for (r, x) in rows.x.enumerated() where !(x.first?.isNaN ?? false) {
        counts[x + [Double(rows.strata[r]), rows.offset[r]], default: 0] += 1
        total += 1
      }
      let p = a.fit.coefficients.count
      for (key, c) in counts {
        var eta = key[p + 1]
        for j in 0..<p { eta += key[j] * a.fit.coefficients[j] }
        let sigma = a.fit.scales[min(Int(key[p]), a.fit.scales.count - 1)]
        for (k, t) in times.enumerated() {
          let logS = a.distribution.logSurvival(t, eta: eta, sigma: sigma)
          s[k] += c * exp(logS)
          if hazard { hazards.add(k, weight: c, logS: logS, a.distribution.hazard(t, eta: eta, sigma: sigma)) }
        }
      }
    case .flexsurv(let a):
      let rows = try a.profileRows(dataset)
      var counts: [[Double]: Double] = [:]
      for z in rows where !(z.first?.isNaN ?? false) {
        counts[z, default: 0] += 1
        total += 1
      }
      for (z, c) in counts {
        let theta = a.rowTheta(a.fit.theta, covariates: z)
        theta.withUnsafeBufferPointer { th in
          for (k, t) in times.enumerated() {
            let logS = t <= 0 ? 0 : a.family.logSurvival(t, th)
            s[k] += c * exp(logS)
            if hazard && t > 0 { hazards.add(k, weight: c, logS: logS, a.family.hazard(t, th)) }
          }
        }
      }
    }
    if hazard { return hazards.values }
    return s.map { $0 / total }
  }
}

/// Σ c·S·h / Σ c·S at each time, with S = e^{log S} taken relative to the
/// largest log S seen so far (rescaled when a larger one comes).
struct HazardAverage {
  private var top: [Double]
  private var numerator: [Double]
  private var denominator: [Double]

  init(count: Int) {
    top = [Double](repeating: -.infinity, count: count)
    numerator = [Double](repeating: 0, count: count)
    denominator = numerator
  }

  mutating func add(_ k: Int, weight c: Double, logS: Double, _ h: Double) {
    guard !logS.isNaN, logS > -.infinity else { return }
    if logS > top[k] {
      let shrink = top[k] == -.infinity ? 0 : exp(top[k] - logS)
      numerator[k] *= shrink
      denominator[k] *= shrink
      top[k] = logS
    }
    let w = c * exp(logS - top[k])
    numerator[k] += w * h
    denominator[k] += w
  }

  var values: [Double] { zip(numerator, denominator).map { $1 > 0 ? $0 / $1 : .nan } }
}
