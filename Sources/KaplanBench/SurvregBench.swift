import Analysis
import Datasets
import Foundation
import Survival

/// `KaplanBench survreg FILE.csv [--reps N] [--dist D]`: on scripts/bench/gen_data.py's `surv_N.csv`, times
/// `SurvregAnalysis` (model frame, design, fit, labels) for `Surv(time, status) ~ x1 + … + x5` next to
/// `SurvregModel.fit` alone on the analysis's own fitted data (the kernel floor), and the fit started at its own
/// estimate (what one likelihood evaluation and its Newton step cost), best of N (default 3), wall clock and
/// thread CPU time, with the number of Newton–Raphson iterations. No Lua.
func benchSurvreg(_ args: [String]) {
  guard let path = args.first else {
    FileHandle.standardError.write(Data("usage: KaplanBench survreg FILE.csv [--reps N] [--dist D]\n".utf8))
    exit(2)
  }
  let reps = args.firstIndex(of: "--reps").flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil } ?? 3
  let distName = args.firstIndex(of: "--dist").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } ?? "weibull"
  guard let dist = SurvregDistribution(rawValue: distName) else {
    FileHandle.standardError.write(Data("unknown distribution '\(distName)'\n".utf8))
    exit(2)
  }
  let d: Dataset
  do {
    d = try CSVReader.read(path: path)
  } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
  }
  var options = SurvregAnalysisOptions()
  options.distribution = dist
  var sink = 0.0
  func run(_ name: String, _ body: () throws -> Double) {
    let best = bestOfRuns(name, reps: reps, sink: &sink, body)
    print(String(format: "%-16@ wall %.4f cpu %.4f", name as NSString, best.wall, best.cpu))
  }
  let formula = "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5"
  var analysis: SurvregAnalysis?
  run("analysis_survreg") {
    let a = try SurvregAnalysis(dataset: d, formula: Formula(parsing: formula), options: options)
    analysis = a
    return a.fit.loglik
  }
  guard let a = analysis else { exit(1) }
  print("iterations \(a.fit.iterations) loglik \(a.fit.loglik)")
  run("fit_survreg") { try SurvregModel.fit(a.fittedData, distribution: dist).loglik }
  var atEstimate = SurvregOptions()
  atEstimate.initial = a.fit.coefficients + a.fit.logScales
  run("fit_at_estimate") { try SurvregModel.fit(a.fittedData, distribution: dist, options: atEstimate).loglik }
  if sink.isNaN { print("(nan)") }
}
