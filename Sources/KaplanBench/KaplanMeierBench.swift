import Foundation
import Survival

/// `KaplanBench km [--rows N] [--csv PATH]`: Kaplan–Meier (log-log limits)
/// and the log-rank test on N generated rows (default 1,000,000) in 3 groups,
/// best of 3 runs each, timing from the buffers to the result (validation and
/// sorting included). `--csv` also writes the data for R
/// (the `--rows` floor of scripts/bench/harness.py), in a form R reads back to the same doubles.
func benchKaplanMeier(_ args: [String]) {
  var rows = 1_000_000
  var csvPath: String?
  var i = 0
  while i < args.count {
    switch args[i] {
    case "--rows" where i + 1 < args.count:
      rows = Int(args[i + 1]) ?? rows
      i += 2
    case "--csv" where i + 1 < args.count:
      csvPath = args[i + 1]
      i += 2
    default:
      FileHandle.standardError.write("usage: KaplanBench km [--rows N] [--csv PATH]\n".data(using: .utf8) ?? Data())
      exit(2)
    }
  }
  let data = KaplanMeierBenchData(rows: rows)
  if let path = csvPath { data.writeCSV(path) }

  let km = bestOf(3) {
    do {
      let fit = try KaplanMeier.fit(
        time: data.time, event: data.event, group: data.group, groupCount: 3, confType: .logLog)
      return fit.curves.count
    } catch {
      fatalError("benchmark data rejected: \(error)")
    }
  }
  let logRank = bestOf(3) {
    do {
      let test = try LogRankTest.test(time: data.time, event: data.event, group: data.group, groupCount: 3)
      return test.df
    } catch {
      fatalError("benchmark data rejected: \(error)")
    }
  }
  let sampleOnly = bestOf(3) {
    (try? SurvivalSample(time: data.time, event: data.event, group: data.group, groupCount: 3))?.count ?? 0
  }
  print(String(format: "validate_and_sort_seconds %.6f", sampleOnly))
  print("rows \(rows) groups 3")
  print(String(format: "kaplan_meier_seconds %.6f", km))
  print(String(format: "logrank_seconds %.6f", logRank))
}

/// Best wall-clock time of `runs` runs; the result is consumed so the work is kept.
private func bestOf(_ runs: Int, _ body: () -> Int) -> Double {
  var best = Double.infinity
  var sink = 0
  for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    sink &+= body()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = min(best, elapsed)
  }
  if sink == Int.min { print(sink) }
  return best
}

/// Deterministic trial-like data: exponential event times with a hazard per
/// group, uniform administrative censoring, times rounded to 1/1000 so that
/// ties occur as in real follow-up data.
private struct KaplanMeierBenchData {
  var time: [Double]
  var event: [Double]
  var group: [Int]

  init(rows: Int) {
    var rng = SplitMix64(seed: 20_261_127)
    time = [Double](repeating: 0, count: rows)
    event = [Double](repeating: 0, count: rows)
    group = [Int](repeating: 0, count: rows)
    let hazard = [0.10, 0.08, 0.06]
    for i in 0..<rows {
      let g = Int(rng.next() % 3)
      let eventTime = -log(rng.nextUnit()) / hazard[g]
      let censorTime = 60 * rng.nextUnit()
      let observed = min(eventTime, censorTime)
      time[i] = (observed * 1000).rounded() / 1000
      event[i] = eventTime <= censorTime ? 1 : 0
      group[i] = g
    }
  }

  /// `time,status,group` with Swift's shortest round-trip decimal for times.
  func writeCSV(_ path: String) {
    var text = "time,status,group\n"
    text.reserveCapacity(time.count * 16)
    for i in time.indices {
      text += "\(time[i]),\(Int(event[i])),\(group[i])\n"
    }
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      FileHandle.standardError.write("cannot write \(path): \(error)\n".data(using: .utf8) ?? Data())
      exit(1)
    }
  }
}
