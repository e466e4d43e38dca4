import Foundation

/// Draws one trial of a `TrialDesign` from a seed.
///
/// Per patient, in order: entry (accrual inversion), an Exp(1) draw E turned
/// into the event time Λ⁻¹(E) of its arm's hazard, a cure draw (only when the
/// arm has a cure fraction) and an exponential dropout time (only with a
/// dropout rate), all from one SplitMix64 stream. Then the cut-off: the
/// calendar time accrual + follow-up, or that of the k-th event (entry +
/// event time, among patients whose event precedes their dropout); with
/// fewer events than asked, every patient is followed to event or dropout
/// and `eventsShort` says how many were missing. Patients entering at or
/// after the cut-off are not in the data (not yet enrolled). Arms come in
/// blocks (all of arm 1, then arm 2, ...): with independent entry times this
/// is a randomised allocation of fixed size.
public enum TrialSimulator {
  public static func simulate(_ design: TrialDesign, seed: UInt64, into trial: inout SimulatedTrial) {
    var rng = SplitMix64(seed: seed)
    let n = design.n
    trial.arm.removeAll(keepingCapacity: true)
    trial.entry.removeAll(keepingCapacity: true)
    trial.time.removeAll(keepingCapacity: true)
    trial.event.removeAll(keepingCapacity: true)
    trial.calendar.removeAll(keepingCapacity: true)
    trial.arm.reserveCapacity(n)
    trial.entry.reserveCapacity(n)
    trial.time.reserveCapacity(n)
    trial.event.reserveCapacity(n)
    let eta = design.dropout
    let sizes = design.armSizes
    // Raw draws: event time (∞ if cured) and dropout time; kept in time/entry.
    var raw: [Double] = []
    raw.reserveCapacity(2 * n)
    for (a, arm) in design.arms.enumerated() {
      for _ in 0..<sizes[a] {
        let entry = design.accrual.entry(rng.nextUnit())
        var t = arm.hazard.inverse(cumulative: -log(rng.nextUnit()))
        if arm.cure > 0 && rng.nextUnit() < arm.cure { t = .infinity }
        let drop = eta > 0 ? -log(rng.nextUnit()) / eta : Double.infinity
        trial.arm.append(Int32(a))
        trial.entry.append(entry)
        raw.append(t)
        raw.append(drop)
        if t < drop { trial.calendar.append(entry + t) }
      }
    }
    var cut: Double
    trial.eventsShort = 0
    switch design.cutoff {
    case .followUp(let f):
      cut = design.accrual.duration + f
    case .events(let k):
      if trial.calendar.count >= k && k > 0 {
        cut = SmallSorts.select(&trial.calendar, k - 1)
      } else {
        trial.eventsShort = max(0, k - trial.calendar.count)
        cut = .infinity
      }
    }
    if cut.isInfinite {
      // The event cut-off is never reached: the analysis comes when the last
      // patient's data are in, the latest finite event or dropout in calendar
      // time (or the last entry), so that a cured patient who never drops out
      // is censored there rather than given an infinite time.
      cut = trial.entry.max() ?? 0
      for i in 0..<trial.entry.count {
        let end = trial.entry[i] + min(raw[2 * i], raw[2 * i + 1])
        if end.isFinite && end > cut { cut = end }
      }
      cut = cut.nextUp
    }
    var kept = 0
    for i in 0..<trial.entry.count {
      let entry = trial.entry[i]
      guard entry < cut else { continue }
      let t = raw[2 * i]
      let drop = raw[2 * i + 1]
      // An event counts when it happens by the cut-off in calendar time (entry + t, the sum the event-driven
      // cut-off was chosen from, so the k-th event is never lost to rounding in cut − entry).
      let isEvent = t.isFinite && t <= drop && entry + t <= cut
      trial.arm[kept] = trial.arm[i]
      trial.entry[kept] = entry
      trial.time.append(isEvent ? t : min(drop, cut - entry))
      trial.event.append(isEvent ? 1 : 0)
      kept += 1
    }
    trial.arm.removeLast(trial.arm.count - kept)
    trial.entry.removeLast(trial.entry.count - kept)
    trial.cutoffTime = cut
  }
}
