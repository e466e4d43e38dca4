/// Building (start, stop] data from a baseline table plus time-stamped
/// events and time-dependent covariates, as R's `survival::tmerge`
/// (survival 3.5-3; Therneau, Crowson and Atkinson, "Using time dependent
/// covariates and time dependent coefficients in the Cox model", the
/// `timedep` vignette).
///
/// The first call (no `state`) sets each subject's follow-up: from `tstop`
/// (a column of `data2`, with `tstart` or 0) or from the first term, which
/// must then be an `event` whose time ends the follow-up. Each term then
/// adds one variable from `data2`'s (id, time[, value]) rows, R's rules:
/// - an event time inside an interval splits it there (pieces before the
///   split get the censoring value of every event variable so far);
/// - `tdc`: the value of the subject's last time ≤ an interval's start
///   (covariates take effect at the start of an interval), else `tdcstart`
///   (NA); without a value, 0 before the first time and 1 from it;
/// - `event`: the value (1 without one) on the interval ending at the time;
///   times at a first start, before follow-up, after it, or in a gap set
///   nothing; with ties the last row wins;
/// - `cumtdc`: the running sum of the values (1 each) up to the start;
/// - `cumevent`: the running count (or sum) at each interval's end.
/// Rows of `data2` with an NA time (or, with `naRm`, an NA value) are left
/// out; ids missing from the data so far are counted (`missid`) and left
/// out. `tcount` has R's counts of the times per term: early, late, gap,
/// within, boundary, leading, trailing, tied, missid.
public struct TimeDependentMerge: Sendable {
  public enum Kind: String, Sendable, CaseIterable { case tdc, cumtdc, event, cumevent }

  /// One term: `name = kind(time [, value])`.
  public struct Term: Sendable, Equatable {
    public var name: String
    public var kind: Kind
    public var time: String
    public var value: String?
    public init(name: String, kind: Kind, time: String, value: String? = nil) {
      self.name = name
      self.kind = kind
      self.time = time
      self.value = value
    }
  }

  /// What a tmerge result remembers for the next call (R's `tm.retain`).
  public struct State: Sendable, Equatable {
    public var id: String
    public var tstart: String
    public var tstop: String
    /// Event variables and their censoring values, in order.
    public var events: [(String, Scalar)]
    public var tdcs: [String]
    public var tcount: [(String, [Int])]
    public static func == (a: State, b: State) -> Bool {
      a.id == b.id && a.tstart == b.tstart && a.tstop == b.tstop && a.tdcs == b.tdcs
        && a.events.map(\.0) == b.events.map(\.0) && a.events.map(\.1) == b.events.map(\.1)
        && a.tcount.map(\.0) == b.tcount.map(\.0) && a.tcount.map(\.1) == b.tcount.map(\.1)
    }
  }

  public static let tcountNames = ["early", "late", "gap", "within", "boundary", "leading", "trailing", "tied",
                                   "missid"]

  public var id: String
  public var terms: [Term]
  /// First call only: columns of data2 giving each subject's follow-up.
  public var tstart: String?
  public var tstop: String?
  public var tstartName = "tstart"
  public var tstopName = "tstop"
  public var delay = 0.0
  public var naRm = true
  public var tdcstart = Double.nan

  public init(id: String, terms: [Term]) {
    self.id = id
    self.terms = terms
  }

  typealias Fail = SurvivalDataError

  /// The merged data and its state for the next call.
  public func apply(data1: Dataset, state: State?, data2: Dataset) throws -> (Dataset, State) {
    var frame: MergeFrame
    var st: State
    var missing = 0
    var keepRow: [Bool]
    let ids2 = try IdKeys.keys(data2, id, option: "id", what: "data2 (argument #2)")
    if let state {
      if tstart != nil || tstop != nil {
        throw Fail.option(tstart != nil ? "tstart" : "tstop", "applies only to the first call, which sets the "
          + "follow-up; this dataset comes from tmerge already")
      }
      guard state.id == id else {
        throw Fail.option("id", "this dataset was built with id = \"\(state.id)\", got \"\(id)\"")
      }
      st = state
      frame = try MergeFrame(data1, id: state.id, tstart: state.tstart, tstop: state.tstop)
      let idsHere = try IdKeys.keys(data1, state.id, option: "id", what: "data1 (argument #1)")
      try IdKeys.sameKind(idsHere, ids2, id)
      if let i = ids2.firstIndex(where: { $0 == nil }) {
        throw Fail.argument(2, "row \(i + 1): id '\(id)' is NA (R: id variable cannot have missing values)")
      }
      let known = Set(idsHere.compactMap { $0 })
      keepRow = ids2.map { $0.map(known.contains) ?? false }
      missing = keepRow.filter { !$0 }.count
    } else {
      st = State(id: id, tstart: tstartName, tstop: tstopName, events: [], tdcs: [], tcount: [])
      frame = try firstFrame(data1, data2, ids2)
      keepRow = [Bool](repeating: true, count: data2.rowCount)
    }
    for term in terms {
      try add(term, to: &frame, state: &st, data2: data2, ids2: ids2, keepRow: keepRow, missing: missing)
    }
    return (try frame.dataset(), st)
  }

  // MARK: first call

  func firstFrame(_ data1: Dataset, _ data2: Dataset, _ ids2: [IdKeys.Key?]) throws -> MergeFrame {
    let ids1 = try IdKeys.keys(data1, id, option: "id", what: "data1 (argument #1)")
    try IdKeys.sameKind(ids1, ids2, id)
    var row1: [IdKeys.Key: Int] = [:]
    for (i, k) in ids1.enumerated() {
      guard let k else { throw Fail.data("row \(i + 1): id '\(id)' is NA") }
      if row1.updateValue(i, forKey: k) != nil {
        throw Fail.data("id \(k) appears twice in data1; the first call (which sets the follow-up) needs one row "
          + "per subject")
      }
    }
    if let i = ids2.firstIndex(where: { $0 == nil }) {
      throw Fail.argument(2, "row \(i + 1): id '\(id)' is NA")
    }
    let keys2 = ids2.compactMap { $0 }
    for k in keys2 where row1[k] == nil {
      throw Fail.argument(2, "setting the follow-up, data2 has id \(k), which data1 does not")
    }
    let in2 = Set(keys2)
    if let k = ids1.compactMap({ $0 }).first(where: { !in2.contains($0) }) {
      throw Fail.data("setting the follow-up, data1 has id \(k), which data2 does not")
    }
    var source: [Int]  // data2 rows that define the intervals
    var stops: [Double]
    if let tstop {
      source = Array(0..<data2.rowCount)
      stops = try SurvivalColumns.times(data2, tstop, option: "tstop")
    } else {
      guard let first = terms.first, first.kind == .event else {
        throw Fail.option("tstop", "the first call needs tstop = a column of data2, or an event(...) term first "
          + "that sets the end of follow-up")
      }
      var seen = Set<IdKeys.Key>()
      source = keys2.indices.filter { seen.insert(keys2[$0]).inserted }
      do { stops = try SurvivalColumns.times(data2, first.time, option: first.name) } catch SurvivalDataError
        .option(_, let message)
      {
        throw Self.termError(first.name, "time: " + message)
      }
    }
    var starts: [Double]
    if let tstart {
      starts = try SurvivalColumns.times(data2, tstart, option: "tstart")
    } else {
      starts = [Double](repeating: 0, count: data2.rowCount)
      if let i = source.first(where: { !(stops[$0] > 0) }), !stops[i].isNaN {
        throw Fail.data("row \(i + 1) of data2: found an ending time of \(SurvivalColumns.shown(stops[i])), the "
          + "default starting time of 0 is invalid")
      }
    }
    for i in source {
      if stops[i].isNaN || starts[i].isNaN {
        throw Fail.data("row \(i + 1) of data2: missing time value, when that variable defines the span")
      }
      guard starts[i] < stops[i] else {
        throw Fail.data("row \(i + 1) of data2: tstart \(SurvivalColumns.shown(starts[i])) must be before tstop "
          + SurvivalColumns.shown(stops[i]))
      }
    }
    // Subjects in order of first appearance in data2, intervals by stop (R's order(match(id, unique(id)), tstop)).
    var order = [IdKeys.Key: Int]()
    for k in keys2 where order[k] == nil { order[k] = order.count }
    let sorted = source.enumerated().sorted { a, b in
      let (ka, kb) = (order[keys2[a.element]] ?? 0, order[keys2[b.element]] ?? 0)
      if ka != kb { return ka < kb }
      if stops[a.element] != stops[b.element] { return stops[a.element] < stops[b.element] }
      return a.offset < b.offset
    }.map(\.element)
    for (a, b) in zip(sorted, sorted.dropFirst()) where keys2[a] == keys2[b] && stops[a] > starts[b] {
      throw Fail.data("id \(keys2[a]): the first call has created overlapping or duplicated time intervals")
    }
    let rows1 = sorted.map { row1[keys2[$0]] ?? 0 }
    var names = data1.names, columns = data1.columns.map { $0.gather(rows1) }
    for (name, values) in [(tstartName, sorted.map { starts[$0] }), (tstopName, sorted.map { stops[$0] })] {
      if let i = names.firstIndex(of: name) { columns[i] = .double(values) } else {
        names.append(name)
        columns.append(.double(values))
      }
    }
    return try MergeFrame(try Dataset(names: names, columns: columns), id: id, tstart: tstartName, tstop: tstopName)
  }
}
