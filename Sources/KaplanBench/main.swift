// kaplan-bench AREA [ARGS...]: times one area's kernels on generated or given
// data and prints one line per measurement. scripts/bench.sh drives it next
// to R and lifelines and prints the ratios.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard let area = arguments.first else {
  let usage = "usage: KaplanBench host|csv|km|cox|cuminc|frame|survreg [ARGS...]\n"
  FileHandle.standardError.write(usage.data(using: .utf8)!)
  exit(2)
}
let rest = Array(arguments.dropFirst())
switch area {
case "host": benchHost(rest)
case "csv": benchCSV(rest)
case "km": benchKaplanMeier(rest)
case "cox": benchCox(rest)
case "cuminc": benchCompetingRisks(rest)
case "frame": benchFrame(rest)
case "survreg": benchSurvreg(rest)
default:
  FileHandle.standardError.write("unknown area '\(area)'\n".data(using: .utf8)!)
  exit(2)
}
