import Foundation
import Survival

/// kaplan-bench cuminc [--rows N] [--fg-rows N] [--csv PATH] [--fg-csv PATH] [--parts] [--cuminc-only]
/// (`--parts` also times the curves and the Gray tests separately)
///
/// Times `CumulativeIncidence.fitWithTests` (curves and Gray's tests: what one
/// `cmprsk::cuminc` call computes; `cuminc_N`) and `fitWithTestsAndRiskTable`
/// (that and the risk table, what a script's `cuminc` runs; `cuminc_table_N`) on N rows (default 1,000,000; 3 groups,
/// 2 causes, times rounded to 0.01 so there are ties), and
/// `FineGray.fit` with 3 covariates on N rows and on `--fg-rows` (default
/// 10,000, where `cmprsk::crr` still runs). Data come from a fixed-seed
/// SplitMix64 generator; `--csv`/`--fg-csv` write them for the R side
/// (the floor of scripts/bench/harness.py). Best of 3; one `name seconds` line each.
func benchCompetingRisks(_ args: [String]) {
  func value(_ flag: String) -> String? {
    guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
    return args[i + 1]
  }
  let rows = value("--rows").flatMap(Int.init) ?? 1_000_000
  let fgRows = value("--fg-rows").flatMap(Int.init) ?? 10_000

  let data = CompetingRisksBenchData(rows: rows, seed: 20_240_611)
  if let path = value("--csv") { data.writeCSV(path) }
  let small = CompetingRisksBenchData(rows: fgRows, seed: 7)
  if let path = value("--fg-csv") { small.writeCSV(path) }

  var sink = 0.0
  // The generated data are valid and nothing cancels a benchmark: `try?`
  // only satisfies the signatures.
  if args.contains("--parts") {
    print("fit", bestOfThree {
      let fit = try? CumulativeIncidence.fit(time: data.time, status: data.status, group: data.group)
      sink += fit?.curves[0].estimate.last ?? 0
    })
    print("gray", bestOfThree {
      sink += (try? GrayTest.testAll(time: data.time, status: data.status, group: data.group))?[0].statistic ?? 0
    })
  }
  let cuminc = bestOfThree {
    guard let (fit, tests) = try? CumulativeIncidence.fitWithTests(
      time: data.time, status: data.status, group: data.group, groupCount: 3, causeCount: 2)
    else { return }
    sink += fit.curve(group: 0, cause: 1).estimate.last ?? 0
    sink += tests[0].statistic
  }
  print("cuminc_\(rows) \(cuminc)")
  // What a script's `cuminc` call runs (`CompetingRisksAnalysis`, Aalen's
  // variance): the same, plus every curve laid out on its group's distinct
  // times with the risk table, from a factor's 32-bit codes. The floor of
  // scripts/bench/harness.py.
  let codes = data.group.map { Int32($0) }
  let withTable = bestOfThree {
    guard let fitted = try? CumulativeIncidence.fitWithTestsAndRiskTable(
      time: data.time, status: data.status, groupCodes: codes, groupCount: 3, causeCount: 2, testCauses: [1, 2],
      curveCauses: [1, 2], tableCauses: [1, 2])
    else { return }
    sink += fitted.steps[0][0].estimate.last ?? 0
    sink += fitted.tests[0].statistic
  }
  print("cuminc_table_\(rows) \(withTable)")
  if args.contains("--cuminc-only") { return }
  let fgSmall = bestOfThree {
    guard let fit = try? FineGray.fit(time: small.time, status: small.status, covariates: small.covariates, p: 3)
    else { return }
    sink += fit.coefficients[0]
  }
  print("finegray_\(fgRows) \(fgSmall)")
  let fg = bestOfThree {
    guard let fit = try? FineGray.fit(time: data.time, status: data.status, covariates: data.covariates, p: 3)
    else { return }
    sink += fit.coefficients[0]
  }
  print("finegray_\(rows) \(fg)")
  if sink.isNaN { print("(nan)") }
}

/// Seconds of the fastest of three runs.
private func bestOfThree(_ body: () -> Void) -> Double {
  var best = Double.infinity
  for _ in 0..<3 {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return best
}

/// Generated competing-risks data: group 0..2; covariates x1 ~ N(0,1),
/// x2 ~ Bernoulli(0.4), x3 = group; cause-specific exponential hazards
/// depending on them; uniform censoring; times rounded to 0.01.
struct CompetingRisksBenchData {
  var time: [Double] = []
  var status: [Int] = []
  var group: [Int] = []
  /// Column-major n × 3.
  var covariates: [Double] = []

  init(rows n: Int, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    func next() -> Double { rng.nextUnit() }
    time.reserveCapacity(n)
    status.reserveCapacity(n)
    group.reserveCapacity(n)
    covariates = [Double](repeating: 0, count: 3 * n)
    for i in 0..<n {
      let g = min(Int(next() * 3), 2)
      let x1 = (-2 * log(next())).squareRoot() * cos(2 * Double.pi * next())
      let x2: Double = next() < 0.4 ? 1 : 0
      let t1 = -log(next()) / (0.10 * exp(0.3 * Double(g) + 0.5 * x1))
      let t2 = -log(next()) / (0.07 * exp(-0.2 * Double(g) + 0.4 * x2))
      let tc = next() * 25
      let t = min(t1, t2, tc)
      time.append((t * 100).rounded() / 100)
      status.append(t == tc ? 0 : (t == t1 ? 1 : 2))
      group.append(g)
      covariates[i] = x1
      covariates[n + i] = x2
      covariates[2 * n + i] = Double(g)
    }
  }

  /// time,status,group,x1,x2,x3 with full precision.
  func writeCSV(_ path: String) {
    var text = "time,status,group,x1,x2,x3\n"
    let n = time.count
    text.reserveCapacity(n * 48)
    for i in 0..<n {
      text += "\(time[i]),\(status[i]),\(group[i]),\(covariates[i]),\(covariates[n + i]),\(covariates[2 * n + i])\n"
    }
    _ = FileManager.default.createFile(atPath: path, contents: text.data(using: .utf8))
  }
}
