import Analysis
import Datasets
import Foundation
import Survival

/// `KaplanBench frame FILE.csv [--reps N] [--only TASK]` (TASK: km, logrank,
/// cuminc or finegray): on one of scripts/bench/gen_data.py's `surv_N.csv`
/// files, times each analysis a script calls (`KaplanMeierAnalysis`,
/// `LogRankAnalysis`, `CompetingRisksAnalysis`, `FineGrayAnalysis`: model
/// frame, kernel, labels)
/// next to its kernel alone on buffers taken from the same dataset (the
/// floor of the call on these very data), best of N (default 5), wall clock,
/// this thread's CPU time and the process's (all threads: the kernels'
/// workers too). The difference is what the model frame costs; no Lua.
/// `kernel_cuminc_table` is the entry a script's `cuminc` runs (curves, Gray's
/// tests and the risk table from the factor's codes) and `kernel_finegray`
/// the Fine–Gray fit of `finegray(d, "Surv(time, cr_status) ~ x1 + x2 + x3")`
/// (scripts/bench/task.lua's tasks): scripts/bench/harness.py's floors of
/// those tasks.
func benchFrame(_ args: [String]) {
  guard let path = args.first else {
    FileHandle.standardError.write(Data("usage: KaplanBench frame FILE.csv [--reps N] [--only TASK]\n".utf8))
    exit(2)
  }
  let only = args.firstIndex(of: "--only").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
  let reps = args.firstIndex(of: "--reps").flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil } ?? 5
  let d: Dataset
  do {
    d = try CSVReader.read(path: path)
  } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
  }
  guard case .double(let time)? = d["time"], case .int(let status)? = d["status"],
    case .factor(let armCodes, _)? = d["arm"], case .int(let crStatus)? = d["cr_status"],
    case .double(let x1)? = d["x1"], case .double(let x2)? = d["x2"], case .double(let x3)? = d["x3"]
  else {
    FileHandle.standardError.write(Data("\(path): expected gen_data.py's surv columns\n".utf8))
    exit(1)
  }
  let group = armCodes.map { Int($0) }
  let km = "Surv(time, status) ~ arm", cr = "Surv(time, cr_status) ~ arm"
  var sink = 0.0
  func run(_ name: String, _ body: () throws -> Double) {
    if let only, name != only, !name.contains("_" + only) { return }
    let best = bestOfRuns(name, reps: reps, sink: &sink, body)
    let line = String(
      format: "%-20@ wall %.4f cpu %.4f process %.4f", name as NSString, best.wall, best.cpu, best.process)
    print(line)
  }
  run("frame_km") { Double(try ModelFrame(dataset: d, formula: Formula(parsing: km)).curves?.count ?? 0) }
  // The kernel entries a script's km and logrank run: the status column's Int codes and the factor's own
  // 32-bit codes, read as they are (ModelFrame's clean path hands them over without a copy).
  run("kernel_km") {
    let sample = try SurvivalSample(time: time, eventCodes: status, groupCodes: armCodes, groupCount: 3)
    return try KaplanMeier.fit(sample).curves[0].surv.last ?? 0
  }
  run("analysis_km") {
    try KaplanMeierAnalysis(dataset: d, formula: Formula(parsing: km)).curves[0].surv.last ?? 0
  }
  run("kernel_logrank") {
    try LogRankTest.test(time: time, event: status, groupCodes: armCodes, groupCount: 3).chiSquare
  }
  run("analysis_logrank") { try LogRankAnalysis(dataset: d, formula: Formula(parsing: km)).test.chiSquare }
  run("frame_cuminc") {
    let options = ModelFrameOptions(eventCoding: .competingRisks(censor: nil))
    return Double(try ModelFrame(dataset: d, formula: Formula(parsing: cr), options: options).groups?.count ?? 0)
  }
  run("kernel_cuminc") {
    try CumulativeIncidence.fitWithTests(
      time: time, status: crStatus, group: group, groupCount: 3, causeCount: 2
    ).tests[0].statistic
  }
  run("kernel_cuminc_table") {
    try CumulativeIncidence.fitWithTestsAndRiskTable(
      time: time, status: crStatus, groupCodes: armCodes, groupCount: 3, causeCount: 2, testCauses: [1, 2],
      curveCauses: [1, 2], tableCauses: [1, 2]
    ).tests[0].statistic
  }
  run("analysis_cuminc") {
    try CompetingRisksAnalysis(dataset: d, formula: Formula(parsing: cr)).tests?[0].statistic ?? 0
  }
  let covariates = x1 + x2 + x3
  run("kernel_finegray") {
    try FineGray.fit(time: time, status: crStatus, covariates: covariates, p: 3).coefficients[0]
  }
  run("analysis_finegray") {
    var options = FineGrayOptions()
    options.cause = .code(1)
    return try FineGrayAnalysis(
      dataset: d, formula: Formula(parsing: "Surv(time, cr_status) ~ x1 + x2 + x3"), options: options
    ).fit.coefficients[0]
  }
  if sink.isNaN { print("(nan)") }
}
