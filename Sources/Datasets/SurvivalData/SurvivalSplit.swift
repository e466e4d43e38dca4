import RunControl

/// Splitting follow-up at cut points, as R's `survival::survSplit`
/// (survival 3.5-3): `survSplit(Surv(time, status) ~ ., data, cut =, start =,
/// end =, event =, episode =, id =, zero =)`.
///
/// Each row's interval (start, stop] — start is `zero` for right-censored
/// data — is cut at every cut point c with start < c < stop; a cut equal to
/// the start or the stop, or outside the interval, cuts nothing. The pieces
/// of one row follow each other in time, rows keep their order. Every piece
/// but the last is censored; the last keeps the row's event. The episode of
/// a piece is 1 + the number of cut points at or before its start.
///
/// As R: rows whose start or stop is NA are kept whole (start `zero`, R's
/// episode 2; the event as it was: R reads uninitialised memory there); a
/// stop at or before `zero` (right-censored data) or a start not before the
/// stop is an error, checked on the rows whose times and event are all
/// present (R's `is.na(Surv)`). The output has the other columns in their
/// order, then `id` when asked, start, stop, event and `episode` when asked;
/// start and stop are doubles.
///
/// The event keeps its column type, censored pieces getting the censoring
/// value of that type: 0 for int and double, false for bool, the first
/// level of a string column (R's `Surv` takes the first level as censoring;
/// R renames it "censor", Kaplan keeps its name). A numeric event whose
/// values are 1 and 2 is read as R's `Surv` reads it (1 censored, 2 event)
/// and written 0/1, as R writes it; other numeric codes (0/1/2 causes) are
/// kept, 0 being censoring.
///
/// Two passes over the rows, no allocation per row: count the pieces (their
/// offsets), then fill every output column, each allocated once at its size.
public struct SurvivalSplit: Sendable {
  public var cuts: [Double]
  /// The start column: an existing column for (start, stop] data, else the
  /// name of the new one.
  public var start = "tstart"
  public var stop = "time"
  public var event = "status"
  public var episode: String?
  /// The name of a column of row numbers (1-based) to add, R's `id`.
  public var id: String?
  public var zero = 0.0

  public init(cuts: [Double]) { self.cuts = cuts }

  /// The split dataset.
  public func apply(to d: Dataset) throws -> Dataset {
    try checkCuts()
    let counting = d.index(of: start) != nil
    let stops = try SurvivalColumns.times(d, stop, option: "stop")
    let starts = counting ? try SurvivalColumns.times(d, start, option: "start") : nil
    guard let eventColumn = d[event] else {
      throw SurvivalDataError.option(
        "event", "no column '\(event)' (columns: \(d.names.joined(separator: ", ")))")
    }
    if case .date = eventColumn {
      throw SurvivalDataError.option(
        "event", "column '\(event)' must be 0/1, true/false or a string column, got a date column")
    }
    if counting && start == stop {
      throw SurvivalDataError.option("start", "the start and the stop are the same column '\(start)'")
    }
    if event == stop || event == start {
      throw SurvivalDataError.option("event", "the event and the \(event == stop ? "stop" : "start") are the same "
        + "column '\(event)'")
    }
    let used: Set<String> = [start, stop, event]
    let kept = d.names.indices.filter { !used.contains(d.names[$0]) }
    try checkNewNames(kept.map { d.names[$0] })

    let offsets = try pieceOffsets(starts: starts, stops: stops, event: eventColumn)
    let total = offsets[offsets.count - 1]
    let width = kept.reduce(8 + 8 + 8 + (episode == nil ? 0 : 8) + (id == nil ? 0 : 8)) {
      $0 + SurvivalColumns.width(d.columns[$1])
    }
    try MemoryBudget.require(count: total, stride: width, for: "survsplit of \(d.rowCount) rows into \(total)")

    var names = kept.map { d.names[$0] }
    var columns = SurvivalColumns.repeatedInParallel(kept.map { d.columns[$0] }, offsets: offsets)
    try Cancellation.check()
    if let id {
      names.append(id)
      columns.append(.int(SurvivalColumns.repeated((0..<d.rowCount).map { $0 + 1 }, offsets: offsets)))
    }
    let (newStart, newStop, episodes) = fillTimes(starts: starts, stops: stops, offsets: offsets)
    names += [start, stop, event]
    columns += [.double(newStart), .double(newStop), SplitEvent.column(eventColumn, offsets: offsets)]
    if let episode {
      names.append(episode)
      columns.append(.int(episodes))
    }
    return try Dataset(names: names, columns: columns)
  }

  /// Cut points must be finite, not negative and increasing (R sorts them
  /// silently; a list out of order is more often a typing mistake).
  func checkCuts() throws {
    for (i, c) in cuts.enumerated() {
      guard c.isFinite else {
        throw SurvivalDataError.option(
          "cut", "cut point \(i + 1) must be a finite number, got \(SurvivalColumns.shown(c))")
      }
      guard c >= 0 else {
        throw SurvivalDataError.option("cut", "cut points must not be negative, got \(SurvivalColumns.shown(c))")
      }
      if i > 0, !(c > cuts[i - 1]) {
        throw SurvivalDataError.option(
          "cut", "cut points must be increasing, got \(SurvivalColumns.shown(c)) after "
            + SurvivalColumns.shown(cuts[i - 1]))
      }
    }
  }

  /// The names this split adds must not be the kept columns' or each other's.
  func checkNewNames(_ kept: [String]) throws {
    var taken = Set(kept + [start, stop, event])
    for (key, name) in [("id", id), ("episode", episode)] {
      guard let name else { continue }
      guard taken.insert(name).inserted else {
        throw SurvivalDataError.option(key, "column '\(name)' exists already; choose another name")
      }
    }
  }

  /// Pass 1: where each row's pieces begin in the output (n + 1 offsets),
  /// checking the times of the complete rows.
  func pieceOffsets(starts: [Double]?, stops: [Double], event: Column) throws -> [Int] {
    let n = stops.count
    var offsets = [Int](repeating: 0, count: n + 1)
    let zero = self.zero
    var failure: SurvivalDataError?
    cuts.withUnsafeBufferPointer { cuts in
      for i in 0..<n {
        let b = starts?[i] ?? zero, e = stops[i]
        var pieces = 1
        if !b.isNaN && !e.isNaN {
          if !event.isMissing(i) {
            if starts == nil, !(e > zero) {
              failure = .data(
                "row \(i + 1): stop time \(SurvivalColumns.shown(e)) in column '\(stop)' is not after zero = "
                  + "\(SurvivalColumns.shown(zero)) (R: 'zero' must be less than any observed times)")
              break
            }
            if starts != nil, !(b < e) {
              failure = .data(
                "row \(i + 1): start time \(SurvivalColumns.shown(b)) in column '\(start)' is not before stop "
                  + "time \(SurvivalColumns.shown(e)) in column '\(stop)'")
              break
            }
          }
          let lo = Self.countAtOrBelow(b, cuts), hi = Self.countBelow(e, cuts)
          if hi > lo { pieces += hi - lo }
        }
        offsets[i + 1] = offsets[i] + pieces
      }
    }
    if let failure { throw failure }
    return offsets
  }

  /// Pass 2: the pieces' start, stop and episode.
  func fillTimes(starts: [Double]?, stops: [Double], offsets: [Int]) -> ([Double], [Double], [Int]) {
    // Every slot is written below (each row's pieces cover its offsets),
    // so the buffers are not zeroed first: one pass over the output.
    let total = offsets[offsets.count - 1]
    let zero = self.zero
    let withEpisode = episode != nil
    var newStop: [Double] = []
    var episodes: [Int] = []
    let newStart = [Double](unsafeUninitializedCapacity: total) { s, startCount in
      newStop = [Double](unsafeUninitializedCapacity: total) { e, stopCount in
        episodes = [Int](unsafeUninitializedCapacity: withEpisode ? total : 0) { ep, episodeCount in
          cuts.withUnsafeBufferPointer { cuts in
            for i in 0..<stops.count {
              let b = starts?[i] ?? zero, end = stops[i]
              var k = offsets[i]
              if b.isNaN || end.isNaN {
                s.initializeElement(at: k, to: b)
                e.initializeElement(at: k, to: end)
                if withEpisode { ep.initializeElement(at: k, to: 2) }
                continue
              }
              var j = Self.countAtOrBelow(b, cuts)
              s.initializeElement(at: k, to: b)
              if withEpisode { ep.initializeElement(at: k, to: j + 1) }
              while j < cuts.count && cuts[j] < end {
                e.initializeElement(at: k, to: cuts[j])
                k += 1
                s.initializeElement(at: k, to: cuts[j])
                j += 1
                if withEpisode { ep.initializeElement(at: k, to: j + 1) }
              }
              e.initializeElement(at: k, to: end)
            }
          }
          episodeCount = withEpisode ? total : 0
        }
        stopCount = total
      }
      startCount = total
    }
    return (newStart, newStop, episodes)
  }

  /// Cut points ≤ x (cuts increasing).
  @inline(__always)
  static func countAtOrBelow(_ x: Double, _ cuts: UnsafeBufferPointer<Double>) -> Int {
    var lo = 0, hi = cuts.count
    while lo < hi {
      let mid = (lo + hi) >> 1
      if cuts[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// Cut points < x (cuts increasing).
  @inline(__always)
  static func countBelow(_ x: Double, _ cuts: UnsafeBufferPointer<Double>) -> Int {
    var lo = 0, hi = cuts.count
    while lo < hi {
      let mid = (lo + hi) >> 1
      if cuts[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}

/// The event column of split rows: each row's last piece keeps its value,
/// the others get the censoring value of the column's type.
enum SplitEvent {
  static func column(_ c: Column, offsets: [Int]) -> Column {
    switch c {
    case .double(let v):
      return .double(censoring(recodedOneTwo(v), censor: 0, offsets: offsets))
    case .int(let v):
      let recoded = isOneTwo(v.lazy.filter { $0 != Column.naInt }.map(Double.init)) ? v.map {
        $0 == Column.naInt ? $0 : $0 - 1
      } : v
      return .int(censoring(recoded, censor: 0, offsets: offsets))
    case .bool(let v): return .bool(censoring(v, censor: 0, offsets: offsets))
    case .factor(let codes, let levels):
      // No levels (every value NA): there is no censoring level, pieces stay NA.
      return .factor(codes: censoring(codes, censor: levels.isEmpty ? -1 : 0, offsets: offsets), levels: levels)
    case .date: return SurvivalColumns.repeated(c, offsets: offsets)
    }
  }

  /// R's `Surv` reads numbers whose largest value is 2 as 1/2 coding; Kaplan
  /// does when every value is 1 or 2 (0/1/2 are cause codes).
  static func isOneTwo<S: Sequence>(_ values: S) -> Bool where S.Element == Double {
    var largest = -Double.infinity, smallest = Double.infinity
    for x in values {
      largest = max(largest, x)
      smallest = min(smallest, x)
    }
    return largest == 2 && smallest >= 1
  }

  static func recodedOneTwo(_ v: [Double]) -> [Double] {
    isOneTwo(v.lazy.filter { !$0.isNaN }) ? v.map { $0 - 1 } : v
  }

  static func censoring<T>(_ source: [T], censor: T, offsets: [Int]) -> [T] {
    let total = offsets.last ?? 0
    return [T](unsafeUninitializedCapacity: total) { out, count in
      source.withUnsafeBufferPointer { src in
        offsets.withUnsafeBufferPointer { off in
          for i in 0..<src.count {
            let last = off[i + 1] - 1
            for k in off[i]..<last { out.initializeElement(at: k, to: censor) }
            out.initializeElement(at: last, to: src[i])
          }
        }
      }
      count = total
    }
  }
}
