/// The (start, stop] data of a tmerge in progress: its columns, each row's
/// subject (dense, in row order; a subject's rows are adjacent and in time
/// order) and the interval columns as doubles.
struct MergeFrame {
  var names: [String]
  var columns: [Column]
  let idName: String, startName: String, stopName: String
  var starts: [Double]
  var stops: [Double]
  var subjectOfRow: [Int]
  /// The first row of each subject, and one past the last row at the end.
  var firstRow: [Int]
  var subject: [IdKeys.Key: Int]

  init(_ d: Dataset, id: String, tstart: String, tstop: String) throws {
    names = d.names
    columns = d.columns
    idName = id
    startName = tstart
    stopName = tstop
    starts = try SurvivalColumns.times(d, tstart, option: "tstart")
    stops = try SurvivalColumns.times(d, tstop, option: "tstop")
    let keys = try IdKeys.keys(d, id, option: "id", what: "data1 (argument #1)")
    subjectOfRow = []
    subjectOfRow.reserveCapacity(keys.count)
    firstRow = []
    subject = [:]
    for (r, k) in keys.enumerated() {
      guard let k else { throw SurvivalDataError.data("row \(r + 1): id '\(id)' is NA") }
      if r == 0 || keys[r - 1] != k {
        guard subject[k] == nil else {
          throw SurvivalDataError.data("the rows of id \(k) are not together; was the tmerge result sorted?")
        }
        subject[k] = firstRow.count
        firstRow.append(r)
      }
      subjectOfRow.append(firstRow.count - 1)
    }
    firstRow.append(keys.count)
  }

  func column(_ name: String) -> Column? { names.firstIndex(of: name).map { columns[$0] } }

  mutating func set(_ name: String, _ column: Column) {
    if let i = names.firstIndex(of: name) { columns[i] = column } else {
      names.append(name)
      columns.append(column)
    }
  }

  func dataset() throws -> Dataset { try Dataset(names: names, columns: columns) }

  /// R's neardate(best = "prior") and (best = "after") within the subject,
  /// and the kind of each time (see `TimeDependentMerge.Placed.type`).
  func place(_ events: inout [TimeDependentMerge.Placed]) {
    for e in events.indices {
      let s = events[e].subject, t = events[e].time
      let a = firstRow[s], b = firstRow[s + 1]
      var lo = a, hi = b
      while lo < hi {  // first row starting after t
        let mid = (lo + hi) >> 1
        if starts[mid] <= t { lo = mid + 1 } else { hi = mid }
      }
      let prior: Int? = lo > a ? lo - 1 : nil
      lo = a
      hi = b
      while lo < hi {  // first row ending at or after t
        let mid = (lo + hi) >> 1
        if stops[mid] < t { lo = mid + 1 } else { hi = mid }
      }
      let after: Int? = lo < b ? lo : nil
      events[e].prior = prior
      events[e].after = after
      guard let p = prior else {
        events[e].type = 1
        continue
      }
      guard let q = after else {
        events[e].type = 2
        continue
      }
      if q > p {
        events[e].type = 3
      } else if t == starts[p] || t == stops[q] {
        events[e].type = p == q + 1 ? 6 : (t == starts[p] ? 7 : 8)
      } else {
        events[e].type = 4
      }
    }
  }

  /// Splits rows at the times strictly inside them (`within`, sorted by
  /// subject and time); every piece but the last gets each event
  /// variable's censoring value.
  mutating func split(at within: [TimeDependentMerge.Placed], censoring: [(String, Scalar)]) throws {
    var cutsOfRow = [Int: [Double]]()
    for e in within {
      guard let r = e.prior else { continue }
      if cutsOfRow[r]?.last != e.time { cutsOfRow[r, default: []].append(e.time) }
    }
    var offsets = [Int](repeating: 0, count: starts.count + 1)
    for r in 0..<starts.count { offsets[r + 1] = offsets[r] + 1 + (cutsOfRow[r]?.count ?? 0) }
    columns = columns.map { SurvivalColumns.repeated($0, offsets: offsets) }
    var newStarts = SurvivalColumns.repeated(starts, offsets: offsets)
    var newStops = SurvivalColumns.repeated(stops, offsets: offsets)
    var notLast: [Int] = []
    for (r, cuts) in cutsOfRow {
      let base = offsets[r]
      for (j, c) in cuts.enumerated() {
        newStops[base + j] = c
        newStarts[base + j + 1] = c
        notLast.append(base + j)
      }
    }
    starts = newStarts
    stops = newStops
    subjectOfRow = SurvivalColumns.repeated(subjectOfRow, offsets: offsets)
    firstRow = firstRow.map { offsets[$0] }
    set(startName, .double(starts))
    set(stopName, .double(stops))
    for (name, censor) in censoring {
      guard let c = column(name) else { continue }
      set(name, try TermColumns.setting(c, rows: notLast, to: censor, name: name))
    }
  }
}
