/// A landmark dataset: the subjects still at risk at time t0, with the
/// clock reset to t0 (van Houwelingen, "Dynamic prediction by landmarking
/// in event history analysis", Scand J Stat 2007).
///
/// Right-censored data keeps the rows with time > t0 — R's
/// `subset(d, time > t0)` — and gives them time − t0: a subject whose event
/// or censoring is exactly at t0 is not at risk after it and is left out,
/// as is a row whose time is NA. With (start, stop] data (`start` given),
/// the intervals with stop > t0 are kept, start becoming max(start, t0) − t0
/// and stop − t0; an interval ending at t0 or before is dropped with its
/// event. The time columns become doubles; every other column, the event
/// among them, is kept as it is.
public struct Landmark: Sendable {
  public var time: Double
  public var stop = "time"
  public var event = "status"
  public var start: String?

  public init(time: Double) { self.time = time }

  public func apply(to d: Dataset) throws -> Dataset {
    guard time.isFinite else {
      throw SurvivalDataError.argument(2, "landmark time must be a finite number, got \(SurvivalColumns.shown(time))")
    }
    let stops = try SurvivalColumns.times(d, stop, option: "time")
    let starts = try start.map { try SurvivalColumns.times(d, $0, option: "start") }
    guard d[event] != nil else {
      throw SurvivalDataError.option("event", "no column '\(event)' (columns: \(d.names.joined(separator: ", ")))")
    }
    if let start, start == stop {
      throw SurvivalDataError.option("start", "the start and the stop are the same column '\(start)'")
    }
    var keep: [Int] = []
    keep.reserveCapacity(d.rowCount)
    for i in 0..<d.rowCount where stops[i] > time {
      if let starts {
        let b = starts[i]
        guard !b.isNaN else { continue }
        guard b < stops[i] else {
          throw SurvivalDataError.data(
            "row \(i + 1): start time \(SurvivalColumns.shown(b)) in column '\(start ?? "")' is not before stop "
              + "time \(SurvivalColumns.shown(stops[i])) in column '\(stop)'")
        }
      }
      keep.append(i)
    }
    let t0 = time
    var columns = d.columns.map { $0.gather(keep) }
    if let i = d.index(of: stop) { columns[i] = .double(keep.map { stops[$0] - t0 }) }
    if let start, let starts, let i = d.index(of: start) {
      columns[i] = .double(keep.map { max(starts[$0], t0) - t0 })
    }
    return try Dataset(names: d.names, columns: columns, attributes: d.attributes)
  }
}
