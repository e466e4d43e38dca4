import RunControl
import Survival

/// The values of the `tt()` terms of `cox(d, "... + tt(x)", {tt = f})` at
/// each event time, for the risk-set fit (`CoxTimeVaryingModel`): the risk
/// sets of the model frame's subjects (`CoxTimeVaryingRiskSets`) and, per
/// `tt()` term, one value per (event time, subject at risk) pair: f(x, t)
/// called once per event time (and term) with the values of x of all the
/// subjects at risk, as R's `coxph(tt = f)` calls it on its expanded data.
/// The fixed covariates are not copied: the fit reads them from the design
/// matrix. The pair values are charged to the memory budget for as long
/// as they live.
struct CoxTimeTransformedValues {
  let riskSets: CoxTimeVaryingRiskSets
  /// The design columns of the `tt()` terms, ascending.
  let transformed: [Int]
  /// Term-major: column `transformed[k]` at pair r is `values[k * pairs + r]`.
  var values: [Double]
  private let reservation: MemoryReservation?

  init(
    frame: ModelFrame, design: DesignMatrix, transformed: [(column: Int, label: String)],
    transform: CoxTimeTransform
  ) throws {
    let n = frame.count
    let riskSets = try CoxTimeVaryingRiskSets(
      time: frame.time, start: frame.start, event: frame.event.map { $0 != 0 }, strata: frame.strata?.index)
    let terms = transformed.sorted { $0.column < $1.column }
    let pairs = riskSets.pairCount
    let reservation = try MemoryBudget.reserve(
      count: pairs, stride: MemoryLayout<Double>.stride * terms.count,
      for: "the tt() values (\(pairs) subjects at risk over the event times × \(terms.count) term"
        + (terms.count == 1 ? ")" : "s)"))
    var values = [Double](repeating: 0, count: pairs * terms.count)
    for (k, term) in terms.enumerated() {
      let base = term.column * n
      for s in 0..<riskSets.setCount {
        try Cancellation.check()
        let subjects = riskSets.subjects(of: s)
        let time = riskSets.times[s]
        let x = subjects.map { design.values[base + $0] }
        let result = try transform(term.label, x, time)
        guard result.count == x.count else {
          throw ModelFrameError(
            "the tt function returned \(result.count) value\(result.count == 1 ? "" : "s") for \(term.label) at "
              + "time \(RValueFormat.number(time)); it must return one per row at risk (\(x.count))")
        }
        let first = k * pairs + riskSets.pairStart[s]
        for (offset, value) in result.enumerated() {
          guard value.isFinite else {
            throw ModelFrameError(
              "the tt function gave \(RValueFormat.number(value)) for \(term.label) at time "
                + "\(RValueFormat.number(time)) (row \(frame.rows[subjects[offset]] + 1)); values must be finite")
          }
          values[first + offset] = value
        }
      }
    }
    self.riskSets = riskSets
    self.transformed = terms.map(\.column)
    self.values = values
    self.reservation = reservation
  }
}
