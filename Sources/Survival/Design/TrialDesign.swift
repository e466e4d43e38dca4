import Foundation

/// One arm of a simulated trial.
public struct TrialArm: Sendable, Equatable {
  public let name: String
  public let hazard: PiecewiseHazard
  /// Fraction of the arm's patients who never have the event (mixture cure).
  public let cure: Double
  /// Allocation weight (1:1 = equal weights).
  public let weight: Double

  public init(name: String, hazard: PiecewiseHazard, cure: Double = 0, weight: Double = 1) {
    self.name = name
    self.hazard = hazard
    self.cure = cure
    self.weight = weight
  }
}

/// When the data are cut for analysis.
public enum TrialCutoff: Sendable, Equatable {
  /// At calendar time accrual duration + follow-up.
  case followUp(Double)
  /// At the calendar time of the given event (event-driven analysis).
  case events(Int)
}

/// A trial to simulate: n patients over the arms (fixed sizes by their
/// weights, largest remainders), entry from the accrual pattern, event times
/// from each arm's piecewise hazard with an optional cure fraction,
/// exponential dropout, and a cut-off.
public struct TrialDesign: Sendable, Equatable {
  public let n: Int
  public let arms: [TrialArm]
  public let accrual: TrialAccrual
  public let dropout: Double
  public let cutoff: TrialCutoff

  public init(n: Int, arms: [TrialArm], accrual: TrialAccrual, dropout: Double, cutoff: TrialCutoff) {
    self.n = n
    self.arms = arms
    self.accrual = accrual
    self.dropout = dropout
    self.cutoff = cutoff
  }

  /// Patients per arm: n·wⱼ/Σw rounded down, the rest to the largest
  /// remainders (earlier arms first on ties).
  public var armSizes: [Int] {
    let total = arms.reduce(0) { $0 + $1.weight }
    let shares = arms.map { Double(n) * $0.weight / total }
    var sizes = shares.map { Int($0.rounded(.down)) }
    var left = n - sizes.reduce(0, +)
    let order = shares.indices.sorted { a, b in
      let ra = shares[a] - Double(sizes[a])
      let rb = shares[b] - Double(sizes[b])
      return ra != rb ? ra > rb : a < b
    }
    var k = 0
    while left > 0 && !order.isEmpty {
      sizes[order[k % order.count]] += 1
      left -= 1
      k += 1
    }
    return sizes
  }

  /// The seed of replicate `index` (1-based) of a simulation with master
  /// seed `seed`: one SplitMix64 output from a state that mixes the master
  /// seed with the index, so replicates are independent of each other, of
  /// their order and of the number of threads. Replicate 1 is what
  /// `simulate_trial{seed = seed}` draws.
  public static func replicateSeed(master: UInt64, index: Int) -> UInt64 {
    var mixer = SplitMix64(seed: master ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
    return mixer.next()
  }
}

/// One simulated trial in contiguous buffers (reused between replicates).
public struct SimulatedTrial: Sendable {
  /// Arm index per patient (0-based, into `TrialDesign.arms`).
  public var arm: [Int32] = []
  /// Calendar entry time.
  public var entry: [Double] = []
  /// Time from entry to event or censoring at the cut-off (or dropout).
  public var time: [Double] = []
  /// 1 event, 0 censored.
  public var event: [Int32] = []
  /// Calendar time of the analysis.
  public var cutoffTime = 0.0
  /// Events asked for by an event-driven cut-off that never happened (0 when reached).
  public var eventsShort = 0
  /// Scratch: calendar event times, for an event-driven cut-off.
  var calendar: [Double] = []

  public init() {}

  public var count: Int { time.count }
  public var events: Int { event.reduce(0) { $0 + Int($1) } }
}
