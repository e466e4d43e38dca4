/// Where a sweep of counting-process data `(start, stop]` stands as it goes
/// down the death times, shared by the Breslow/Efron and the exact kernels.
///
/// The rows taking part are listed twice: by (stratum, stop descending) —
/// the order in which they join the risk set — and by (stratum, start
/// descending) — the order in which they leave it. At each death time t of
/// a stratum, the rows with start ≥ t leave, then the rows with stop ≥ t
/// join (those with stop = t and an event are its deaths), so each row
/// joins and leaves once per sweep (R `survival` `agfit4`, `agexact`).
struct CoxCountingProcessWalk {
  /// Next position in the stop-ordered list to join the risk set.
  private(set) var person = 0
  /// Next position in the start-ordered list to leave it.
  private(set) var removal = 0
  /// The stratum being swept.
  private(set) var stratum: Int

  init(firstStratum: Int) { stratum = firstStratum }

  /// The next death time at or after `person` in stop order, or nil when
  /// none is left. Crossing into a new stratum moves both positions to its
  /// first row and calls `newStratum`, for the caller to empty its risk set.
  @inline(__always)
  mutating func nextDeathTime<
    Rows: RandomAccessCollection, Strata: RandomAccessCollection, Values: RandomAccessCollection
  >(
    stopOrder rows: Rows, strata: Strata, status: Values, stop: Values, newStratum: () -> Void
  ) -> Double?
  where Rows.Element == Int, Rows.Index == Int, Strata.Element == Int, Strata.Index == Int,
    Values.Element == Double, Values.Index == Int
  {
    var k = person
    while k < rows.count {
      let q = rows[k]
      if strata[q] != stratum {
        stratum = strata[q]
        newStratum()
        person = k
        removal = k
      }
      if status[q] == 1 { return stop[q] }
      k += 1
    }
    return nil
  }

  /// The next row that leaves before the death time `t` (its start is at or
  /// after t), or nil.
  @inline(__always)
  mutating func nextLeaving<
    Rows: RandomAccessCollection, Strata: RandomAccessCollection, Values: RandomAccessCollection
  >(
    startOrder rows: Rows, strata: Strata, start: Values, before t: Double
  ) -> Int?
  where Rows.Element == Int, Rows.Index == Int, Strata.Element == Int, Strata.Index == Int,
    Values.Element == Double, Values.Index == Int
  {
    guard removal < rows.count else { return nil }
    let q = rows[removal]
    if start[q] < t || strata[q] != stratum { return nil }
    removal += 1
    return q
  }

  /// The next row that joins at the death time `t` (its stop is at or after
  /// t), or nil.
  @inline(__always)
  mutating func nextJoining<
    Rows: RandomAccessCollection, Strata: RandomAccessCollection, Values: RandomAccessCollection
  >(
    stopOrder rows: Rows, strata: Strata, stop: Values, at t: Double
  ) -> Int?
  where Rows.Element == Int, Rows.Index == Int, Strata.Element == Int, Strata.Index == Int,
    Values.Element == Double, Values.Index == Int
  {
    guard person < rows.count else { return nil }
    let q = rows[person]
    if strata[q] != stratum || stop[q] < t { return nil }
    person += 1
    return q
  }
}
