import Foundation

/// zph's `km` and `rank` transformed times read off the risk-set table
/// (`CoxRiskSetTable`) of a model without strata on Surv(time, event) data,
/// at the event rows only (the test reads no other row): no gather of the n
/// times into sorted order and no walk over every row, which
/// `CoxZph.transformedTimes` needs without a table.
///
/// Without strata the table's death times are the pooled distinct event
/// times t_1 < … < t_D and, in its sorted order, a row's `hi` is the number
/// of death times up to its time, so the first sorted position with
/// hi ≥ d + 1 is the first row with time ≥ t_d: the at-risk count there is
/// n minus that position. `km` is 1 − S(t_d−) of the pooled, unweighted
/// Kaplan–Meier, S multiplied by 1 − deaths/at risk in time order; `rank` is
/// the average rank (k + 1 + e)/2 of the rows k..<e tied at t_d. The same
/// operations in the same order as `transformedTimes`, so the same numbers.
enum CoxZphEventTimes {
  /// The transformed time of each event row (other rows 0); nil when the
  /// table has strata or the data have start times (then `transformedTimes`).
  static func values(_ table: CoxRiskSetTable, input: CoxDiagnosticsInput, rank: Bool) -> [Double]? {
    guard let values = eventValues(table, input: input, rank: rank) else { return nil }
    var out = [Double](repeating: 0, count: table.n)
    for (k, row) in table.eventRows.enumerated() { out[row] = values[k] }
    return out
  }

  /// The transformed time of each event in the table's order of the events (`eventRows`, which is R's
  /// for Surv(time, event) data), read off in order: no array of n and no random reads or writes by
  /// input row (what zph's test takes, `CoxZphKernel.EventTimes.perEvent`); nil as `values`.
  static func eventValues(_ table: CoxRiskSetTable, input: CoxDiagnosticsInput, rank: Bool) -> [Double]? {
    guard input.start == nil, input.strata == nil, table.stratumStart.count == 2, table.n == input.n else {
      return nil
    }
    let n = table.n
    let deaths = table.deathTime.count
    // First sorted position of each death time's rows (one pass over hi).
    var first = [Int](repeating: n, count: deaths)
    var next = 0
    table.hi.withUnsafeBufferPointer { hi in
      for k in 0..<n {
        if next == deaths { break }
        while next < deaths && hi[k] >= next + 1 {
          first[next] = k
          next += 1
        }
      }
    }
    var value = [Double](repeating: 0, count: deaths)
    if rank {
      let stop = input.stop
      for d in 0..<deaths {
        let k = first[d], t = table.deathTime[d]
        var e = k
        while e < n && stop[table.order[e]] == t { e += 1 }
        value[d] = Double(k + 1 + e) / 2
      }
    } else {
      var survival = 1.0
      for d in 0..<deaths {
        value[d] = 1 - survival
        survival *= 1 - Double(table.deathCount[d]) / Double(n - first[d])
      }
    }
    return table.eventPositions.map { value[table.hi[$0] - 1] }
  }
}
