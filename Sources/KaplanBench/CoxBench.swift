// kaplan-bench cox [--n N] [--repeats R] [--csv PATH] [--no-strata] [--phases]
//
// Times CoxModel.fit (Efron ties) on generated data: N rows (default
// 1,000,000), 5 standard-normal covariates, a 3-level factor (2 dummy
// columns), 4 strata, exponential event times with a true log-hazard
// 0.3·x1 − 0.2·x2 + 0.1·x3 + 0.5·[f=2] − 0.4·[f=3] and uniform censoring,
// rounded to 0.001 so that there are tied deaths. The generator is a fixed
// SplitMix64 stream, so every run (and the R comparison, through --csv)
// sees the same data. Prints the best of R runs, the iterations, and an
// estimate of the floor (see `benchCox`). --no-strata fits without the
// strata; --phases also prints the best of R timings of each phase
// (preparation, one likelihood evaluation, the concordance).
import Foundation
@_spi(Benchmark) import Survival

/// Draws of the Cox benchmark's generator: RunControl's SplitMix64.
extension SplitMix64 {
  mutating func normal() -> Double {
    (-2 * log(nextUnit())).squareRoot() * cos(2 * Double.pi * nextUnit())
  }
}

struct CoxBenchData {
  let n: Int
  var time: [Double]
  var status: [Double]
  var covariates: [Double]  // column-major n × 7
  var factor: [Int]
  var strata: [Int]

  init(n: Int, seed: UInt64 = 20_240_605) {
    self.n = n
    var rng = SplitMix64(seed: seed)
    time = [Double](repeating: 0, count: n)
    status = [Double](repeating: 0, count: n)
    covariates = [Double](repeating: 0, count: n * 7)
    factor = [Int](repeating: 0, count: n)
    strata = [Int](repeating: 0, count: n)
    for i in 0..<n {
      var x = [Double](repeating: 0, count: 5)
      for j in 0..<5 { x[j] = rng.normal() }
      let f = Int(rng.next() % 3)
      let s = Int(rng.next() % 4)
      var lp = 0.3 * x[0] - 0.2 * x[1] + 0.1 * x[2]
      if f == 1 { lp += 0.5 } else if f == 2 { lp -= 0.4 }
      let baseline = 0.1 * Double(s + 1)
      let eventTime = -log(rng.nextUnit()) / (baseline * exp(lp))
      let censorTime = 20 * rng.nextUnit()
      time[i] = (min(eventTime, censorTime) * 1000).rounded(.up) / 1000
      status[i] = eventTime <= censorTime ? 1 : 0
      for j in 0..<5 { covariates[j * n + i] = x[j] }
      covariates[5 * n + i] = f == 1 ? 1 : 0
      covariates[6 * n + i] = f == 2 ? 1 : 0
      factor[i] = f
      strata[i] = s
    }
  }

  func writeCSV(_ path: String) throws {
    var text = "time,status,x1,x2,x3,x4,x5,f,s\n"
    text.reserveCapacity(n * 120)
    for i in 0..<n {
      text += "\(time[i]),\(Int(status[i]))"
      for j in 0..<5 { text += ",\(covariates[j * n + i])" }
      text += ",f\(factor[i] + 1),s\(strata[i] + 1)\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}

func benchCox(_ args: [String]) {
  var n = 1_000_000
  var repeats = 3
  var csv: String? = nil
  var dump: String? = nil
  var stratified = true
  var phases = false
  var k = 0
  while k < args.count {
    switch args[k] {
    case "--n": n = Int(args[k + 1]) ?? n; k += 1
    case "--repeats": repeats = Int(args[k + 1]) ?? repeats; k += 1
    case "--csv": csv = args[k + 1]; k += 1
    case "--dump": dump = args[k + 1]; k += 1
    case "--no-strata": stratified = false
    case "--phases": phases = true
    default: break
    }
    k += 1
  }
  let data = CoxBenchData(n: n)
  if let csv = csv {
    do { try data.writeCSV(csv) } catch {
      FileHandle.standardError.write("cannot write \(csv): \(error)\n".data(using: .utf8) ?? Data())
      exit(1)
    }
  }
  func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

  var best = Double.infinity
  var fit: CoxFit? = nil
  for _ in 0..<repeats {
    let t0 = now()
    do {
      fit = try CoxModel.fit(
        time: data.time, status: data.status, covariates: data.covariates, columns: 7,
        strata: stratified ? data.strata : nil)
    } catch {
      print("cox fit failed: \(error)")
      exit(1)
    }
    best = min(best, now() - t0)
  }
  guard let fit = fit else { return }
  if let dump = dump {
    // Every number of the fit at full precision, one per line, to compare builds.
    var lines: [String] = []
    func add(_ name: String, _ values: [Double]) {
      for (i, v) in values.enumerated() { lines.append("\(name)[\(i)] \(String(format: "%.17g", v))") }
    }
    add("coef", fit.coefficients)
    add("se", fit.standardErrors)
    add("var", fit.variance)
    add("score", fit.score)
    add("loglik", [fit.loglikInitial, fit.loglik, fit.scoreTest.statistic, fit.waldTest.statistic])
    let c = fit.concordance
    add("concordance", [c.concordant, c.discordant, c.tiedX, c.tiedY, c.tiedXY, c.concordance, c.standardError])
    add("lp", stride(from: 0, to: n, by: max(1, n / 1000)).map { fit.linearPredictor[$0] })
    try? lines.joined(separator: "\n").write(toFile: dump, atomically: true, encoding: .utf8)
  }

  // The floor: what any fit must do, each part on two cores as the fit
  // runs it. (1) Sort the rows by (stratum, time): the project's radix
  // sort. (2) Per likelihood evaluation (iterations + 1 of them), one
  // streaming pass over a sorted row-major copy that computes each row's
  // risk score exp(xᵀβ) and adds its 7 + 28 weighted sums and products.
  // (3) The concordance: a second sort, of the linear predictor (its ranks).
  var rowMajor = [Double](repeating: 0, count: n * 7)
  for i in 0..<n { for j in 0..<7 { rowMajor[i * 7 + j] = data.covariates[j * n + i] } }
  let beta = fit.coefficients
  var passBest = Double.infinity
  var sink = 0.0
  for _ in 0..<3 {
    let t0 = now()
    var partial = [Double](repeating: 0, count: 2 * 35)
    rowMajor.withUnsafeBufferPointer { x in
      partial.withUnsafeMutableBufferPointer { out in
        // The kernels' rule (Survival's WorkerBuffers.swift): both workers
        // only read x, and worker w writes only its own 35 slots of out.
        struct Shared: @unchecked Sendable {
          let x: UnsafeBufferPointer<Double>, out: UnsafeMutableBufferPointer<Double>
        }
        let shared = Shared(x: x, out: out), n = n
        DispatchQueue.concurrentPerform(iterations: 2) { w in
          let x = shared.x, out = shared.out
          var sums = [Double](repeating: 0, count: 35)
          for i in (w * n / 2)..<((w + 1) * n / 2) {
            var eta = 0.0
            for j in 0..<7 { eta += beta[j] * x[i * 7 + j] }
            let r = exp(eta)
            var m = 0
            for a in 0..<7 {
              let ra = r * x[i * 7 + a]
              sums[m] += ra
              m += 1
              for b in 0...a {
                sums[m] += ra * x[i * 7 + b]
                m += 1
              }
            }
          }
          for m in 0..<35 { out[w * 35 + m] = sums[m] }
        }
      }
    }
    sink += partial[0]
    passBest = min(passBest, now() - t0)
  }
  /// The best of three timed sorts of the rows by (stratum, key).
  func bestSort(_ key: [Double]) -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
      let t0 = now()
      let order = RowOrder.order(strata: stratified ? data.strata : nil, key: key, descending: false)
      sink += Double(order[0])
      best = min(best, now() - t0)
    }
    return best
  }
  let sortBest = bestSort(data.time)
  let rankBest = bestSort(fit.linearPredictor)
  let passes = fit.iterations + 1
  let floor = sortBest + Double(passes) * passBest + rankBest
  print(String(format: "cox efron n=%d p=7 strata=%d: best of %d = %.3f s, iterations = %d",
               n, stratified ? 4 : 1, repeats, best, fit.iterations))
  print(String(format: "  floor ≈ sort %.3f s + %d passes × %.4f s + rank sort %.3f s = %.3f s (fit/floor = %.1f)",
               sortBest, passes, passBest, rankBest, floor, best / floor))
  print(String(format: "  coef = %@", fit.coefficients.map { String(format: "%.6f", $0) }.joined(separator: " ")))
  print(String(format: "  loglik = %.6f, concordance = %.6f%@", fit.loglik,
               fit.concordance.concordance, sink.isNaN ? " " : ""))
  if phases {
    var prepare = Double.infinity, evaluation = Double.infinity, concordance = Double.infinity
    var workers = 0
    var cpu = [Double](repeating: .infinity, count: 4)
    var evaluationOne = Double.infinity, concordanceOne = Double.infinity
    var sumSplit: (wall: Double, cpu: Double)? = nil
    for _ in 0..<repeats {
      let t = CoxPhaseTimes.measure(
        time: data.time, status: data.status, covariates: data.covariates, columns: 7,
        strata: stratified ? data.strata : nil)
      prepare = min(prepare, t.prepare)
      evaluation = min(evaluation, t.evaluation)
      concordance = min(concordance, t.concordance)
      workers = t.sweepWorkers
      evaluationOne = min(evaluationOne, t.evaluationOneWorker)
      concordanceOne = min(concordanceOne, t.concordanceOneWorker)
      for i in 0..<4 { cpu[i] = min(cpu[i], t.cpu[i]) }
      if let s = t.evaluationSumSplit {
        sumSplit = (min(sumSplit?.wall ?? .infinity, s.wall), min(sumSplit?.cpu ?? .infinity, s.cpu))
      }
    }
    print(String(format: "  phases (best of %d): prepare %.3f s, one evaluation %.4f s (%d workers), "
                   + "concordance %.3f s", repeats, prepare, evaluation, workers, concordance))
    print(String(format: "  on one worker: one evaluation %.4f s, concordance %.3f s", evaluationOne, concordanceOne))
    print(String(format: "  CPU time (all threads): one evaluation %.4f s, concordance %.3f s; "
                   + "on one worker %.4f s, %.3f s", cpu[0], cpu[1], cpu[2], cpu[3]))
    if let s = sumSplit {
      print(String(format: "  one evaluation shared by sums instead of by time: %.4f s (CPU %.4f s)", s.wall, s.cpu))
    }
  }
}
