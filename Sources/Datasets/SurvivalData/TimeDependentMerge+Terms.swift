import RunControl

/// The terms of `TimeDependentMerge`: placing each time of data2 among the
/// intervals, splitting, and filling the term's variable.
extension TimeDependentMerge {
  /// Where an event time falls (R's itype/subtype): `prior` the last
  /// interval starting at or before it, `after` the first ending at or after.
  struct Placed {
    var subject: Int
    var time: Double
    var source: Int  // the data2 row
    var prior: Int?
    var after: Int?
    /// 1 early, 2 late, 3 gap, 4 within, 6 boundary, 7 leading, 8 trailing.
    var type: Int
  }

  /// A mistake in one term, as the error of tmerge's third argument.
  static func termError(_ name: String, _ message: String) -> SurvivalDataError {
    .argument(3, "term '\(name)': \(message)")
  }

  func add(
    _ term: Term, to frame: inout MergeFrame, state: inout State, data2: Dataset, ids2: [IdKeys.Key?],
    keepRow: [Bool], missing: Int
  ) throws {
    try Cancellation.check()
    if [state.id, state.tstart, state.tstop].contains(term.name) {
      throw TimeDependentMerge.termError(
        term.name, "'\(term.name)' is the id or an interval column; name the term otherwise")
    }
    let times: [Double]
    do { times = try SurvivalColumns.times(data2, term.time, option: term.name) } catch SurvivalDataError.option(
      _, let message)
    {
      throw TimeDependentMerge.termError(
        term.name, "time: " + message)
    }
    var values: Column?
    if let v = term.value {
      guard let c = data2[v] else {
        throw TimeDependentMerge.termError(
          term.name, "no column '\(v)' in data2 (columns: \(data2.names.joined(separator: ", ")))")
      }
      values = c
    }
    if term.kind == .tdc || term.kind == .cumtdc, state.events.contains(where: { $0.0 == term.name }) {
      throw TimeDependentMerge.termError(
        term.name, "'\(term.name)' is an event variable; it cannot become a \(term.kind.rawValue)")
    }
    // The rows of data2 used, by subject then time (a stable order).
    var rows: [Int] = []
    for j in 0..<data2.rowCount where keepRow[j] && !times[j].isNaN {
      if let values, naRm, values.isMissing(j) { continue }
      rows.append(j)
    }
    let subjectOf = rows.map { j in ids2[j].flatMap { frame.subject[$0] } ?? 0 }
    let order = rows.indices.sorted {
      subjectOf[$0] != subjectOf[$1] ? subjectOf[$0] < subjectOf[$1]
        : times[rows[$0]] != times[rows[$1]] ? times[rows[$0]] < times[rows[$1]] : $0 < $1
    }
    var events = order.map { k in
      Placed(subject: subjectOf[k], time: times[rows[k]], source: rows[k], prior: nil, after: nil, type: 0)
    }
    if delay > 0 && (term.kind == .tdc || term.kind == .cumtdc) {
      for e in events.indices where events[e].time > frame.starts[frame.firstRow[events[e].subject]] {
        events[e].time += delay
      }
    }
    frame.place(&events)
    var counts = [Int](repeating: 0, count: 9)
    let slot = [1: 0, 2: 1, 3: 2, 4: 3, 6: 4, 7: 5, 8: 6]
    for e in events { counts[slot[e.type] ?? 0] += 1 }
    for (a, b) in zip(events, events.dropFirst()) where a.subject == b.subject && a.time == b.time { counts[7] += 1 }
    counts[8] = missing
    state.tcount.append((term.name, counts))
    if events.contains(where: { $0.type == 4 }) {
      try frame.split(at: events.filter { $0.type == 4 }, censoring: state.events)
      frame.place(&events)
    }
    let eventValues = values.map { $0.gather(events.map(\.source)) }
    switch term.kind {
    case .tdc: try addTdc(term, eventValues, events, &frame, &state)
    case .cumtdc: try addCumtdc(term, eventValues, events, &frame, &state)
    case .event, .cumevent: try addEvent(term, eventValues, events, &frame, &state)
    }
  }

  /// For each row, the last event (index into `events`) of its subject at
  /// or before the row's start, or -1 (R's tmerge2: last value carried forward).
  func lastAtOrBefore(_ events: [Placed], _ frame: MergeFrame) -> [Int] {
    var result = [Int](repeating: -1, count: frame.starts.count)
    var k = 0
    for r in 0..<frame.starts.count {
      let s = frame.subjectOfRow[r]
      if r > 0 && frame.subjectOfRow[r - 1] != s {
        while k < events.count && events[k].subject < s { k += 1 }
      }
      while k < events.count && events[k].subject < s { k += 1 }
      var j = k, last = -1
      while j < events.count && events[j].subject == s && events[j].time <= frame.starts[r] {
        last = j
        j += 1
      }
      result[r] = last
    }
    return result
  }

  func addTdc(_ term: Term, _ values: Column?, _ events: [Placed], _ frame: inout MergeFrame,
              _ state: inout State) throws {
    let index = lastAtOrBefore(events, frame)
    var column: Column
    if let values {
      column = TermColumns.gather(values, index, missingValue: tdcstart)
    } else {
      column = .int(index.map { $0 >= 0 ? 1 : 0 })
    }
    if let old = frame.column(term.name) {
      if state.tdcs.contains(term.name) {
        column = try TermColumns.update(old, with: column, where: index.map { $0 >= 0 }, name: term.name)
      } else {
        RunWarnings.emit("tmerge: replacement of variable '\(term.name)'")
      }
    }
    frame.set(term.name, column)
    if !state.tdcs.contains(term.name) { state.tdcs.append(term.name) }
  }

  func addCumtdc(_ term: Term, _ values: Column?, _ events: [Placed], _ frame: inout MergeFrame,
                 _ state: inout State) throws {
    let increments = try TermColumns.increments(values, count: events.count, name: term.name)
    var result: [Double]
    if let old = frame.column(term.name) {
      guard old.kind == .double || old.kind == .int else {
        throw TimeDependentMerge.termError(
          term.name, "column '\(term.name)' holds \(old.kind.rawValue) values, not numbers")
      }
      result = old.asDoubles()
    } else {
      result = [Double](repeating: values == nil ? 0 : tdcstart, count: frame.starts.count)
    }
    // R's tmerge.c: a running sum per subject; a row after the first
    // counted time gets it (an NA row becomes the sum, others add it).
    var k = 0
    var sum = 0.0
    var counted = false
    for r in 0..<frame.starts.count {
      let s = frame.subjectOfRow[r]
      if r == 0 || frame.subjectOfRow[r - 1] != s {
        sum = 0
        counted = false
      }
      while k < events.count && events[k].subject < s { k += 1 }
      while k < events.count && events[k].subject == s && events[k].time <= frame.starts[r] {
        sum += increments[k]
        counted = true
        k += 1
      }
      if counted { result[r] = result[r].isNaN ? sum : result[r] + sum }
    }
    frame.set(term.name, .double(result))
    if !state.tdcs.contains(term.name) { state.tdcs.append(term.name) }
  }

  func addEvent(_ term: Term, _ values: Column?, _ events: [Placed], _ frame: inout MergeFrame,
                _ state: inout State) throws {
    var incoming: Column
    var keep = events.map { $0.type == 6 || $0.type == 8 }
    if term.kind == .cumevent {
      let inc = try TermColumns.increments(values, count: events.count, name: term.name)
      var sums = [Double](repeating: 0, count: events.count)
      var total = 0.0
      for e in events.indices {
        if e == 0 || events[e - 1].subject != events[e].subject { total = 0 }
        total += inc[e]
        sums[e] = total
        if inc[e] == 0 { keep[e] = false }
      }
      // Counts (and sums of int values) stay int, as R's cumsum of integers.
      let whole = sums.allSatisfy { $0.isFinite && abs($0) < 1e15 }
      incoming = (values == nil || values?.kind == .int) && whole ? .int(sums.map { Int($0) }) : .double(sums)
    } else {
      incoming = values ?? .int([Int](repeating: 1, count: events.count))
    }
    let isEvent = state.events.contains { $0.0 == term.name }
    var target: Column
    if isEvent, let old = frame.column(term.name) {
      target = old
    } else {
      target = TermColumns.censored(like: incoming, count: frame.starts.count)
    }
    let rows = events.indices.filter { keep[$0] }
    target = try TermColumns.assign(target, rows: rows.map { events[$0].after ?? 0 }, from: incoming, at: rows,
                                    name: term.name)
    frame.set(term.name, target)
    if !isEvent { state.events.append((term.name, TermColumns.censorValue(target))) }
  }
}
