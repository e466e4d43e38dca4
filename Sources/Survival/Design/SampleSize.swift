import Foundation

/// The assumptions of a two-arm time-to-event design: hazards per arm,
/// accrual, follow-up after the end of accrual, exponential dropout, the
/// test's error rates and the allocation ratio.
public struct SurvivalDesignAssumptions: Sendable {
  public var control: PiecewiseHazard
  public var treatment: PiecewiseHazard
  /// The hazard ratio the events formula uses (treatment / control).
  public var hazardRatio: Double
  public var accrual: TrialAccrual
  public var followUp: Double
  /// Exponential dropout rate (per time unit), the same in both arms.
  public var dropout: Double
  public var alpha: Double
  public var sides: Int
  /// Treatment : control allocation.
  public var ratio: Double
  public var method: LogRankEventsMethod

  public init(
    control: PiecewiseHazard, treatment: PiecewiseHazard, hazardRatio: Double, accrual: TrialAccrual,
    followUp: Double, dropout: Double = 0, alpha: Double = 0.05, sides: Int = 2, ratio: Double = 1,
    method: LogRankEventsMethod = .schoenfeld
  ) {
    self.control = control
    self.treatment = treatment
    self.hazardRatio = hazardRatio
    self.accrual = accrual
    self.followUp = followUp
    self.dropout = dropout
    self.alpha = alpha
    self.sides = sides
    self.ratio = ratio
    self.method = method
  }

  /// The share of patients on treatment, r / (1 + r).
  public var treatmentShare: Double { ratio / (1 + ratio) }

  /// P(a patient of the arm has an event by the analysis), averaged over
  /// accrual (Lachin and Foulkes 1986, Statistics in Medicine 42:311–327,
  /// with piecewise-exponential hazards and exponential dropout).
  public func eventProbability(_ hazard: PiecewiseHazard) -> Double {
    accrual.average(followUp: followUp, kinks: hazard.cuts) { s in
      hazard.eventProbability(by: s, dropout: dropout, cure: 0)
    }
  }

  /// Lakatos's sums for this design.
  public var lakatosTerms: LakatosMethod.Terms {
    LakatosMethod.terms(control: control, treatment: treatment, accrual: accrual, followUp: followUp,
                        dropout: dropout, ratio: ratio)
  }

  /// The pooled probability: (1 − p)·P_control + p·P_treatment.
  public var pooledEventProbability: Double {
    let p = treatmentShare
    return (1 - p) * eventProbability(control) + p * eventProbability(treatment)
  }
}

/// The sample size of a design: events from the log-rank formula (rounded
/// up), then patients = events / P(event), rounded up per arm.
///
/// Per arm: n_control = ⌈N/(1 + r)⌉ and n_treatment = ⌈N·r/(1 + r)⌉ with
/// N = events / P̄, so each arm is whole and the total is at least N (as
/// Stata's `power logrank` and PROC POWER round per group).
public struct SampleSizeResult: Sendable {
  public let assumptions: SurvivalDesignAssumptions
  public let power: Double
  public let exactEvents: Double
  public let events: Int
  public let controlEventProbability: Double
  public let treatmentEventProbability: Double
  public let pooledEventProbability: Double
  public let exactPatients: Double
  public let nControl: Int
  public let nTreatment: Int
  public var n: Int { nControl + nTreatment }

  public init(assumptions a: SurvivalDesignAssumptions, power: Double) {
    assumptions = a
    self.power = power
    controlEventProbability = a.eventProbability(a.control)
    treatmentEventProbability = a.eventProbability(a.treatment)
    let p = a.treatmentShare
    pooledEventProbability = (1 - p) * controlEventProbability + p * treatmentEventProbability
    if a.method == .lakatos {
      // Patients from the whole design; events are those expected of them.
      exactPatients = LakatosMethod.patients(a.lakatosTerms, alpha: a.alpha, power: power, sides: a.sides)
      exactEvents = exactPatients * pooledEventProbability
      events = LogRankEvents.roundUp(exactEvents)
    } else {
      exactEvents = LogRankEvents.events(
        hazardRatio: a.hazardRatio, alpha: a.alpha, power: power, ratio: a.ratio, sides: a.sides, method: a.method)
      events = LogRankEvents.roundUp(exactEvents)
      exactPatients = Double(events) / pooledEventProbability
    }
    nControl = LogRankEvents.roundUp(exactPatients / (1 + a.ratio))
    nTreatment = LogRankEvents.roundUp(exactPatients * a.ratio / (1 + a.ratio))
  }
}

/// The power of a design with `n` patients (or a given number of events):
/// the expected events n·P̄, then the log-rank formula's power.
public struct PowerResult: Sendable {
  public let assumptions: SurvivalDesignAssumptions?
  public let hazardRatio: Double
  public let alpha: Double
  public let sides: Int
  public let ratio: Double
  public let method: LogRankEventsMethod
  public let n: Int?
  public let pooledEventProbability: Double?
  public let expectedEvents: Double
  public let power: Double

  /// From a number of events alone.
  public init(
    events: Double, hazardRatio: Double, alpha: Double, ratio: Double, sides: Int, method: LogRankEventsMethod
  ) {
    assumptions = nil
    self.hazardRatio = hazardRatio
    self.alpha = alpha
    self.sides = sides
    self.ratio = ratio
    self.method = method
    n = nil
    pooledEventProbability = nil
    expectedEvents = events
    power = LogRankEvents.power(
      events: events, hazardRatio: hazardRatio, alpha: alpha, ratio: ratio, sides: sides, method: method)
  }

  /// From a sample size and the design's event probability.
  public init(n: Int, assumptions a: SurvivalDesignAssumptions) {
    assumptions = a
    hazardRatio = a.hazardRatio
    alpha = a.alpha
    sides = a.sides
    ratio = a.ratio
    method = a.method
    self.n = n
    let pooled = a.pooledEventProbability
    pooledEventProbability = pooled
    expectedEvents = Double(n) * pooled
    if a.method == .lakatos {
      power = LakatosMethod.power(a.lakatosTerms, n: Double(n), alpha: a.alpha, sides: a.sides)
    } else {
      power = LogRankEvents.power(
        events: expectedEvents, hazardRatio: a.hazardRatio, alpha: a.alpha, ratio: a.ratio, sides: a.sides,
        method: a.method)
    }
  }
}
