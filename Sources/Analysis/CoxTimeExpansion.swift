import RunControl

/// The time-transform function of `cox(d, "... + tt(x)", {tt = f})`: given
/// the term's label, the values of `x` of the rows at risk at an event time
/// and that time, the values of the transformed covariate for those rows.
/// Called once per event time (and term), with all the rows at risk, so
/// that a script's function works on whole columns, as R's `tt` does.
public typealias CoxTimeTransform = (_ label: String, _ x: [Double], _ time: Double) throws -> [Double]

/// The data R's `coxph(..., tt = f)` fits: one row per subject per event
/// time at which the subject is at risk (in its stratum), each event time
/// its own stratum, the `tt()` columns replaced by `f(x, t)` (R expands the
/// data with `survival:::coxcount1`/`coxcount2` and calls `tt` on the
/// expanded columns). The partial likelihood of these data is that of the
/// model whose covariate `f(x, t)` changes with time. Case weights, offsets
/// and clusters follow their rows.
struct CoxTimeExpansion {
  let time: [Double]
  let status: [Double]
  /// Column-major, `count × columns`.
  let covariates: [Double]
  let weights: [Double]?
  let offset: [Double]?
  let cluster: [Int]?
  /// The risk set (event time within stratum) of each row.
  let strata: [Int]
  /// The expansion's share of the run's memory budget, given back with it.
  private let reservation: MemoryReservation?
  var count: Int { time.count }

  init(
    frame: ModelFrame, design: DesignMatrix, transformed: [(column: Int, label: String)],
    cluster: [Int]?, transform: CoxTimeTransform
  ) throws {
    let n = frame.count
    let p = design.columnCount
    let stratum = frame.strata?.index ?? [Int](repeating: 0, count: n)
    let order = (0..<n).sorted { (stratum[$0], frame.time[$0]) < (stratum[$1], frame.time[$1]) }
    // The rows at risk at each event time, as a flat list with offsets.
    var members: [Int] = []
    var setStarts: [Int] = [0]
    var setTimes: [Double] = []
    var blockStart = 0
    while blockStart < n {
      var blockEnd = blockStart
      while blockEnd < n, stratum[order[blockEnd]] == stratum[order[blockStart]] { blockEnd += 1 }
      var k = blockStart
      var first = blockStart  // first row (in time order) with time >= the event time
      while k < blockEnd {
        let t = frame.time[order[k]]
        var hasEvent = false
        var j = k
        while j < blockEnd, frame.time[order[j]] == t {
          if frame.event[order[j]] != 0 { hasEvent = true }
          j += 1
        }
        if hasEvent {
          while frame.time[order[first]] < t { first += 1 }
          try Cancellation.check()
          for r in first..<blockEnd {
            let i = order[r]
            if let start = frame.start, !(start[i] < t) { continue }
            members.append(i)
          }
          try MemoryBudget.require(
            count: members.count, stride: MemoryLayout<Double>.stride * (p + 4),
            for: "the tt() expansion (\(members.count) rows at risk so far)")
          setStarts.append(members.count)
          setTimes.append(t)
        }
        k = j
      }
      blockStart = blockEnd
    }
    let rows = members.count
    let reservation = try MemoryBudget.reserve(
      count: rows, stride: MemoryLayout<Double>.stride * (p + 4),
      for: "the tt() expansion of \(rows) rows × \(p) columns")
    var time = [Double](repeating: 0, count: rows)
    var status = [Double](repeating: 0, count: rows)
    var strata = [Int](repeating: 0, count: rows)
    for s in setTimes.indices {
      for r in setStarts[s]..<setStarts[s + 1] {
        let i = members[r]
        time[r] = setTimes[s]
        status[r] = frame.event[i] != 0 && frame.time[i] == setTimes[s] ? 1 : 0
        strata[r] = s
      }
    }
    var covariates = [Double](repeating: 0, count: rows * p)
    let ttColumns = Dictionary(uniqueKeysWithValues: transformed.map { ($0.column, $0.label) })
    for j in 0..<p {
      let base = j * n
      if let label = ttColumns[j] {
        for s in setTimes.indices {
          try Cancellation.check()
          let range = setStarts[s]..<setStarts[s + 1]
          let x = range.map { design.values[base + members[$0]] }
          let values = try transform(label, x, setTimes[s])
          guard values.count == x.count else {
            throw ModelFrameError(
              "the tt function returned \(values.count) value\(values.count == 1 ? "" : "s") for \(label) at "
                + "time \(RValueFormat.number(setTimes[s])); it must return one per row at risk (\(x.count))")
          }
          for (offset, r) in range.enumerated() {
            guard values[offset].isFinite else {
              throw ModelFrameError(
                "the tt function gave \(RValueFormat.number(values[offset])) for \(label) at time "
                  + "\(RValueFormat.number(setTimes[s])) (row \(frame.rows[members[r]] + 1)); values must be finite")
            }
            covariates[j * rows + r] = values[offset]
          }
        }
      } else {
        for r in 0..<rows { covariates[j * rows + r] = design.values[base + members[r]] }
      }
    }
    self.reservation = reservation
    self.time = time
    self.status = status
    self.covariates = covariates
    self.strata = strata
    self.weights = frame.weights.map { w in members.map { w[$0] } }
    self.offset = frame.offset.map { o in members.map { o[$0] } }
    self.cluster = cluster.map { c in members.map { c[$0] } }
  }
}
