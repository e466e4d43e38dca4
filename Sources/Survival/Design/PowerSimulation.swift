import Foundation

/// A built-in analysis of simulated trials, run in Swift on every core.
public enum SimulatedAnalysis: Sendable, Equatable {
  /// Two-sided log-rank test (Fleming–Harrington G(ρ, γ) weights; 0, 0 is the log-rank).
  case logRank(rho: Double, gamma: Double)
  /// Wald test of the arm in a Cox model (Efron ties).
  case coxWald
  /// Difference in restricted mean survival time at tau, over its standard error.
  case rmst(tau: Double)
  /// MaxCombo: the largest |Z| of FH(0,0), FH(0,1), FH(1,0), FH(1,1), multivariate-normal p-value.
  case maxCombo
}

/// Power by simulation: `reps` trials of a design, each analysed, and the
/// share rejecting at level alpha with its Monte Carlo standard error
/// √(p(1 − p)/reps).
///
/// Replicate i (1-based) draws from `TrialDesign.replicateSeed(master:
/// index: i)`, and replicates are handed to workers by index, so the result
/// is the same for any number of threads. Rejections and events are whole
/// numbers, summed exactly. Each worker keeps its own `SimulatedTrial` and
/// log-rank scratch, so after the first replicate nothing is allocated.
public struct PowerSimulation: Sendable {
  public let reps: Int
  public let rejections: Int
  public let totalEvents: Int
  public let totalPatients: Int
  /// Replicates whose event-driven cut-off was never reached.
  public let shortReplicates: Int
  public let alpha: Double

  public var power: Double { Double(rejections) / Double(reps) }
  public var monteCarloSE: Double { (power * (1 - power) / Double(reps)).squareRoot() }
  public var meanEvents: Double { Double(totalEvents) / Double(reps) }
  public var meanPatients: Double { Double(totalPatients) / Double(reps) }

  public init(reps: Int, rejections: Int, totalEvents: Int, totalPatients: Int, shortReplicates: Int, alpha: Double) {
    self.reps = reps
    self.rejections = rejections
    self.totalEvents = totalEvents
    self.totalPatients = totalPatients
    self.shortReplicates = shortReplicates
    self.alpha = alpha
  }

  /// Runs the simulation on `workers` threads (1: on the caller's thread).
  /// `progress`, when given, is called from one worker with an estimate of
  /// the replicates done (worker 0's share times the workers), about every 1%.
  public static func run(
    design: TrialDesign, analysis: SimulatedAnalysis, reps: Int, seed: UInt64, alpha: Double,
    workers requested: Int = ProcessInfo.processInfo.activeProcessorCount,
    progress: (@Sendable (Int) -> Void)? = nil
  ) throws -> PowerSimulation {
    let workers = max(1, min(requested, reps))
    let poll = KernelPoll()
    // Per replicate: rejected (0/1), events, patients, short (0/1), packed in 4 ints.
    var outcome = [Int](repeating: 0, count: 4 * reps)
    let step = max(1, reps / (100 * workers)) * workers
    outcome.withUnsafeMutableBufferPointer { buffer in
      let out = DisjointWrites(buffer)
      let body: @Sendable (Int) -> Void = { w in
        var trial = SimulatedTrial()
        var kernel = TwoSampleLogRank()
        var index = w
        while index < reps {
          if poll.stopRequested() { return }
          let s = TrialDesign.replicateSeed(master: seed, index: index + 1)
          TrialSimulator.simulate(design, seed: s, into: &trial)
          let (p, events) = trial.time.withUnsafeBufferPointer { t in
            trial.event.withUnsafeBufferPointer { e in
              trial.arm.withUnsafeBufferPointer { g in
                analyse(analysis, &kernel, time: t, event: e, group: g, alpha: alpha)
              }
            }
          }
          out[4 * index] = p < alpha ? 1 : 0
          out[4 * index + 1] = events
          out[4 * index + 2] = trial.count
          out[4 * index + 3] = trial.eventsShort > 0 ? 1 : 0
          if w == 0, let progress, index % step == 0 { progress(min(reps, (index + 1) * workers)) }
          index += workers
        }
      }
      if workers == 1 {
        body(0)
      } else {
        DispatchQueue.concurrentPerform(iterations: workers, execute: body)
      }
    }
    try poll.check()
    try poll.throwIfStopped()
    var sums = [0, 0, 0, 0]
    for i in 0..<reps {
      for k in 0..<4 { sums[k] += outcome[4 * i + k] }
    }
    return PowerSimulation(
      reps: reps, rejections: sums[0], totalEvents: sums[1], totalPatients: sums[2], shortReplicates: sums[3],
      alpha: alpha)
  }

  /// One replicate's p-value and events under a built-in analysis.
  static func analyse(
    _ analysis: SimulatedAnalysis, _ kernel: inout TwoSampleLogRank, time t: UnsafeBufferPointer<Double>,
    event e: UnsafeBufferPointer<Int32>, group g: UnsafeBufferPointer<Int32>, alpha: Double
  ) -> (Double, Int) {
    switch analysis {
    case .logRank(let rho, let gamma):
      let r = kernel.test(time: t, event: e, group: g, rho: rho, gamma: gamma)
      return (r.p, r.events)
    case .coxWald:
      let r = kernel.coxWald(time: t, event: e, group: g)
      return (r.p, r.events)
    case .rmst(let tau):
      let r = kernel.rmstDifference(time: t, event: e, group: g, tau: tau).outcome
      return (r.p, r.events)
    case .maxCombo:
      let r = kernel.maxCombo(time: t, event: e, group: g, alpha: alpha)
      return (r.p, r.events)
    }
  }
}
