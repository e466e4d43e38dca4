import Foundation
import RunControl

/// Input validation and the one-time preparation of a Cox fit: the rows are
/// sorted once (by stratum, then time), copied into a contiguous row-major
/// buffer, and each covariate is centred and scaled as R `coxph` does.
///
/// Centring and scaling (`CoxColumnScaling`) follow R `survival` 3.5
/// `coxph.fit`/`coxfit6`: a column whose values all lie in `nocenter`
/// (default {−1, 0, 1}) is left alone; any other column has its weighted
/// mean subtracted and is multiplied by Σw / Σ w|x − mean|. Neither changes
/// the mathematics of the fit (Newton–Raphson is affine invariant); they
/// change round-off and which columns the Cholesky tolerance deems
/// redundant, so R's choice is kept.

/// A problem with the arrays handed to a Cox fit (lengths, codes, values).
public struct CoxInputError: Error, Equatable, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Validated, sorted, centred and scaled data shared by the likelihood kernels.
struct CoxPreparedData {
  /// Rows ahead whose lines the gathers and scatters through the sort's
  /// order ask for (`Prefetch.h`): their misses then overlap.
  static let prefetchDistance = 16
  let n: Int
  let p: Int
  /// Row-major n × p, in sorted order, centred and scaled.
  var x: [Double]
  let time: [Double]
  /// For counting-process data, the entry times in sorted (stop) order.
  let start: [Double]?
  /// The status as 0/1 Doubles, for the kernels that index it (counting
  /// process, exact, the sandwich); empty when the data are `compact`
  /// (`materializeConstants` fills it). Read through `status`.
  var statusValues: [Double]
  /// The status per sorted row, 1 = event, 0 = censored, one byte each:
  /// what the right-censored sweeps, concordance and residuals read (80 MB
  /// of Doubles at 10⁷ rows are 10 MB of bytes).
  let eventFlags: [UInt8]
  /// Case weights in sorted order; empty when the data are `compact` and
  /// have none (every weight 1: readers take 1, `weightAt`).
  var weight: [Double]
  /// Emptied (with `stratum` and `rowOrder`) by the fit before its concordance;
  /// empty when `compact` and there is no offset (every offset 0).
  var offset: [Double]
  /// The stratum of each sorted row, for the kernels that index it; empty
  /// when the data are `compact` (their strata are `blockStarts` and
  /// `blockValues`: 80 MB at 10⁷ rows; `materializeConstants` fills it).
  /// Read through `stratum`.
  var sortedStrata: [Int]
  /// The sorted positions at which the strata begin, and n (from the sort).
  let blockStarts: [Int]
  /// Compact data with strata: each block's stratum value; else empty.
  private(set) var blockValues: [Int]
  /// `rowOrder[k]` is the original row at sorted position k, in 32 bits
  /// (n < 2³¹ is validated: `SurvivalInputError.checkRowCount`).
  var rowOrder: [Int32]
  /// For counting-process data: sorted positions ordered by stratum, then
  /// start time descending (the removal order of the risk-set sweep).
  let byStartDescending: [Int]?
  /// Column means subtracted (0 for columns left alone).
  let means: [Double]
  /// Column scale factors applied after centring.
  let scale: [Double]
  let events: Int

  /// Checks lengths and values; throws `CoxInputError` with a message naming the argument.
  static func validate(
    n: Int, p: Int, covariates: [Double], time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, cluster: [Int]?, initial: [Double]?
  ) throws {
    try validate(
      n: n, p: p, covariates: .columnMajor(covariates), time: time, start: start, status: status, weights: weights,
      strata: strata, offset: offset, cluster: cluster, initial: initial)
  }

  static func validate(
    n: Int, p: Int, covariates: CoxCovariates, time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, cluster: [Int]?, initial: [Double]?,
    events codes: [Int]? = nil
  ) throws {
    func check(_ name: String, _ count: Int?) throws {
      if let count = count, count != n {
        throw CoxInputError("\(name) has \(count) values but time has \(n)")
      }
    }
    if n == 0 { throw CoxInputError("no observations: time is empty") }
    // The fit keeps its row order in 32 bits and its concordance indexes rows in 31.
    try SurvivalInputError.checkRowCount(n)
    try check("status", codes?.count ?? status.count)
    try check("start", start?.count)
    try check("weights", weights?.count)
    try check("strata", strata?.count)
    try check("offset", offset?.count)
    try check("cluster", cluster?.count)
    if p < 0 || covariates.count != n * p {
      throw CoxInputError(
        "covariates has \(covariates.count) values, expected n × p = \(n) × \(p) (column-major)")
    }
    if case .columns(let columns) = covariates, columns.count != p || columns.contains(where: { $0.count != n }) {
      throw CoxInputError("covariates must be \(p) columns of \(n) values (time has \(n))")
    }
    if let initial = initial, initial.count != p {
      throw CoxInputError("init has \(initial.count) values but the model has \(p) coefficients")
    }
    // Each check is one branch-free scan; the loops that name the first
    // offending value run only when it fails.
    if !InputScan.allFinite(time) {
      for (i, t) in time.enumerated() where !t.isFinite {
        throw CoxInputError("time[\(i + 1)] is not a finite number")
      }
    }
    if let start = start {
      if !InputScan.startsBeforeStops(start, time) {
        for i in 0..<n {
          if !start[i].isFinite { throw CoxInputError("start[\(i + 1)] is not a finite number") }
          if !(start[i] < time[i]) {
            throw CoxInputError("stop time must be > start time (row \(i + 1))")
          }
        }
      }
    }
    if let codes {
      guard let events = InputScan.eventCount(codes) else {
        for (i, s) in codes.enumerated() where s != 0 && s != 1 {
          throw CoxInputError("status[\(i + 1)] is \(s); status must be 0 (censored) or 1 (event)")
        }
        throw CoxInputError("status must be 0 (censored) or 1 (event)")
      }
      if events == 0 { throw CoxInputError("no events: a Cox model cannot be fitted with 0 failures") }
    } else {
      try checkStatus(status)
    }
    try validateColumns(n: n, p: p, covariates: covariates, weights: weights, offset: offset, initial: initial)
  }

  private static func checkStatus(_ status: [Double]) throws {
    guard let events = InputScan.eventCount(status) else {
      for (i, s) in status.enumerated() where s != 0 && s != 1 {
        throw CoxInputError("status[\(i + 1)] is \(s); status must be 0 (censored) or 1 (event)")
      }
      throw CoxInputError("status must be 0 (censored) or 1 (event)")
    }
    if events == 0 { throw CoxInputError("no events: a Cox model cannot be fitted with 0 failures") }
  }

  private static func validateColumns(
    n: Int, p: Int, covariates: CoxCovariates, weights: [Double]?, offset: [Double]?, initial: [Double]?
  ) throws {
    let columns: [ArraySlice<Double>]
    switch covariates {
    case .columnMajor(let values): columns = (0..<p).map { values[($0 * n)..<(($0 + 1) * n)] }
    case .columns(let arrays): columns = arrays.map { $0[...] }
    }
    for (j, column) in columns.enumerated() {
      // A poll every 64 columns: a factor of thousands of levels is a long scan.
      if j % 64 == 63 { try Cancellation.check() }
      if InputScan.allFinite(column) { continue }
      for (i, v) in column.enumerated() where !v.isFinite {
        throw CoxInputError("covariate column \(j + 1), row \(i + 1) is not a finite number")
      }
    }
    if let weights = weights {
      if !InputScan.allPositiveFinite(weights) {
        for (i, w) in weights.enumerated() where !(w > 0 && w.isFinite) {
          throw CoxInputError("weights[\(i + 1)] is \(w); case weights must be finite and > 0")
        }
      }
    }
    if let offset = offset, !InputScan.allFinite(offset) {
      for (i, o) in offset.enumerated() where !o.isFinite {
        throw CoxInputError("offset[\(i + 1)] is not a finite number")
      }
    }
    if let initial = initial, initial.contains(where: { !$0.isFinite }) {
      throw CoxInputError("init must be finite")
    }
  }

  /// Sorts and copies. Right-censored data are ordered by (stratum, time,
  /// row) ascending, as R's `order(strata, time)`; the kernels sweep it
  /// backwards. Counting-process data are ordered by (stratum, stop
  /// descending, row), as `agreg.fit`'s `sort.end`. With `scaled` false the
  /// centred columns keep their scale (R `agexact.fit` only centres).
  ///
  /// The work is laid out for two workers: while the strata are sorted, one
  /// worker maps the pages of the fresh row-major buffer and (without case
  /// weights, when Σw = n is known) computes the means and scales; then one
  /// pass per half of the sorted positions gathers the per-row arrays, and
  /// one per half of the input rows scatters the covariates.
  static func prepare(
    n: Int, p: Int, covariates: CoxCovariates, time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, nocenter: [Double], scaled: Bool = true,
    poll: KernelPoll? = nil, events: [Int]? = nil, compact: Bool = false, packed: CoxPackedColumns? = nil
  ) -> CoxPreparedData {
    covariates.withColumns(n: n, p: p) { columns in
      (packed ?? CoxPackedColumns(p: p)).withBytes { bytes in
        CoxPreparedData(
          n: n, p: p, columns: ColumnReads(columns.columns, bytes: bytes), time: time, start: start, status: status,
          weights: weights, strata: strata, offset: offset, nocenter: nocenter, scaled: scaled, poll: poll,
          events: events, compact: compact)
      }
    }
  }

  /// `prepare` with the covariates column-major.
  init(
    n: Int, p: Int, covariates: [Double], time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, nocenter: [Double], scaled: Bool = true
  ) {
    self = Self.prepare(
      n: n, p: p, covariates: .columnMajor(covariates), time: time, start: start, status: status,
      weights: weights, strata: strata, offset: offset, nocenter: nocenter, scaled: scaled)
  }

  /// The preparation itself, reading the covariates through `columns`.
  /// With `poll`, the scaling and the scatter poll it and stop early once a
  /// stop is seen (a factor of thousands of levels makes them long); the
  /// data are then incomplete, and the caller must throw
  /// (`poll.throwIfStopped()`).
  ///
  /// `events`, when given, is the status as 0/1 integers (a model frame's
  /// own array, read where it is), and `status` is not read. With `compact`,
  /// absent weights, offsets and strata get no n-length arrays of 1, 0 and
  /// 0 (`weight`, `offset`, `stratum` stay empty): for the kernels that read
  /// them through `weightAt`/`offsetAt` and `strataBlocks()` only.
  ///
  /// Memory at the preparation's peak (10⁷ rows, p = 6): the sort's (key,
  /// row) items and second buffer are placed in the row-major buffer before
  /// the scatter overwrites it (`RowOrder.sorted(scratch:)`); the row order
  /// and the inverse permutation are 32-bit; compact data keep the status
  /// as bytes (`eventFlags`) and the strata as blocks; columns the caller
  /// packed (`columns.bytes`, `CoxPackedColumns`) are read as their bytes.
  init(
    n: Int, p: Int, columns: ColumnReads, time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, nocenter: [Double], scaled: Bool = true,
    poll: KernelPoll? = nil, events: [Int]? = nil, compact: Bool = false
  ) {
    self.n = n
    self.p = p
    // The row order is 32-bit: n < 2³¹ is validated by every caller of the
    // fit (`validate`); a larger n would be a programming error.
    let workers = n >= 100_000 ? 2 : 1
    // Written by a scatter to random rows (after the sort's items use it):
    // huge pages when large, so the scatter's prefetches do not each walk
    // the page table (`RandomAccessArray`).
    var x: [Double] = RandomAccessArray.uninitialized(n * p)
    // Computed by tasks alongside the sort when there are no case weights,
    // cut so that the calling thread (which asks the host) takes some of them.
    let alongsideScaling = weights == nil
      ? CoxColumnScaling.Tasks(
        columns: columns, n: n, p: p, weights: nil, totalWeight: Double(n), nocenter: nocenter,
        taskCount: CoxColumnScaling.Tasks.count(p: p, minimum: 1), poll: poll)
      : nil
    // The sort hands back the sorted times and the stratum boundaries, so
    // neither is gathered again.
    // The sort's items (16 bytes a row) in the row-major buffer (8p bytes a
    // row): both item buffers from p = 4, the second from p = 2. The rest
    // of the buffer, past the items, has its pages mapped alongside.
    let itemsInBuffer = min(2, (p * MemoryLayout<Double>.stride) / MemoryLayout<RowOrder.Item>.stride) * n
    let sorted = x.withUnsafeMutableBufferPointer { out in
      // Only the page-mapping task touches the values past the items during the sort.
      let itemDoubles = itemsInBuffer * MemoryLayout<RowOrder.Item>.stride / MemoryLayout<Double>.stride
      let rest = DisjointWrites(UnsafeMutableBufferPointer(rebasing: out[itemDoubles...]))
      var alongside: [@Sendable () -> Void] = [{ Self.mapPages(rest.buffer) }]
      if let tasks = alongsideScaling {
        alongside += (0..<tasks.count).map { t in { tasks.run(t) } }
      }
      let prefix = UnsafeMutableBufferPointer(rebasing: out[..<itemDoubles])
      return prefix.withMemoryRebound(to: RowOrder.Item.self) { items in
        RowOrder.sorted(
          strata: strata, key: time, descending: start != nil, alongside: alongside,
          scratch: itemsInBuffer > 0 ? items : nil, rowsAs: Int32.self)
      }
    }
    let scaling = alongsideScaling?.result
    let order = sorted.rows
    self.rowOrder = order
    self.time = sorted.keys
    self.start = start.map { s in order.map { s[Int($0)] } }

    // Per sorted position k: status, weight (or 1), offset (or 0), stratum,
    // and the inverse permutation `position[order[k]] = k` for the scatter.
    let weightCount = compact && weights == nil ? 0 : n
    let offsetCount = compact && offset == nil ? 0 : n
    // Compact data keep their strata as blocks (`blockStarts`, `blockValues`).
    let stratumCount = compact ? 0 : n
    // Compact data keep the status as bytes only.
    var statusOut: [Double] = RadixOrder.uninitialized(compact ? 0 : n)
    var flagsOut: [UInt8] = RadixOrder.uninitialized(n)
    var weightOut: [Double] = RadixOrder.uninitialized(weightCount)
    var offsetOut: [Double] = RadixOrder.uninitialized(offsetCount)
    var stratumOut: [Int] = RadixOrder.uninitialized(stratumCount)
    // Rows are below 2³¹ (validated): 32-bit positions, half the memory.
    var position: [Int32] = RandomAccessArray.uninitialized(n)  // written at random rows
    var eventCounts = [Int](repeating: 0, count: workers)
    let blockStart = sorted.blockStart
    let blockValue = (0..<(blockStart.count - 1)).map { b in
      blockStart[b] < blockStart[b + 1] ? strata.map { $0[Int(order[blockStart[b]])] } ?? 0 : 0
    }
    order.withUnsafeBufferPointer { ord in
    status.withUnsafeBufferPointer { statusIn in
    (events ?? []).withUnsafeBufferPointer { eventsIn in
    statusOut.withUnsafeMutableBufferPointer { statusOut in
    flagsOut.withUnsafeMutableBufferPointer { flagsOut in
    weightOut.withUnsafeMutableBufferPointer { weightOut in
    offsetOut.withUnsafeMutableBufferPointer { offsetOut in
    stratumOut.withUnsafeMutableBufferPointer { stratumOut in
    position.withUnsafeMutableBufferPointer { pos in
    eventCounts.withUnsafeMutableBufferPointer { eventCounts in
      // Worker w writes positions k in its half of the sorted order (and pos[ord[k]], distinct
      // since ord is a permutation) and its own eventCounts[w].
      let ord = SharedReads(ord), statusIn = SharedReads(statusIn), eventsIn = SharedReads(eventsIn)
      let useEvents = events != nil
      let statusOut = DisjointWrites(statusOut), weightOut = DisjointWrites(weightOut)
      let flagsOut = DisjointWrites(flagsOut), keepsStatus = !compact
      let offsetOut = DisjointWrites(offsetOut), stratumOut = DisjointWrites(stratumOut)
      let pos = DisjointWrites(pos), eventCounts = DisjointWrites(eventCounts)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let lower = w * n / workers, upper = (w + 1) * n / workers
        var events = 0
        // Random reads and writes at ord[k]: the lines of a row ahead are asked for first.
        let ahead = CoxPreparedData.prefetchDistance
        // Validated 0/1: the byte is 1 exactly where the Double is 1.
        if useEvents {
          for k in lower..<upper {
            if k + ahead < upper {
              let next = Int(ord[k + ahead])
              pos.prefetchForWrite(next)
              eventsIn.prefetch(next)
            }
            let row = Int(ord[k])
            pos[row] = Int32(truncatingIfNeeded: k)
            let event = eventsIn[row] == 1
            if keepsStatus { statusOut[k] = event ? 1 : 0 }
            flagsOut[k] = event ? 1 : 0
            events += event ? 1 : 0
          }
        } else {
          for k in lower..<upper {
            if k + ahead < upper {
              let next = Int(ord[k + ahead])
              pos.prefetchForWrite(next)
              statusIn.prefetch(next)
            }
            let row = Int(ord[k])
            pos[row] = Int32(truncatingIfNeeded: k)
            let s = statusIn[row]
            if keepsStatus { statusOut[k] = s }
            flagsOut[k] = s == 1 ? 1 : 0
            events += s == 1 ? 1 : 0
          }
        }
        eventCounts[w] = events
        if weightOut.count == n {
          if let weights = weights {
            for k in lower..<upper { weightOut[k] = weights[Int(ord[k])] }
          } else {
            for k in lower..<upper { weightOut[k] = 1 }
          }
        }
        if offsetOut.count == n {
          if let offset = offset {
            for k in lower..<upper { offsetOut[k] = offset[Int(ord[k])] }
          } else {
            for k in lower..<upper { offsetOut[k] = 0 }
          }
        }
        if stratumOut.count == n {
          for b in 0..<blockValue.count {
            let from = max(blockStart[b], lower), to = min(blockStart[b + 1], upper)
            if from < to { for k in from..<to { stratumOut[k] = blockValue[b] } }
          }
        }
      }
    }}}}}}}}}}
    self.statusValues = statusOut
    self.eventFlags = flagsOut
    self.weight = weightOut
    self.offset = offsetOut
    self.sortedStrata = stratumOut
    self.blockStarts = blockStart
    self.blockValues = compact && strata != nil ? blockValue : []
    self.events = eventCounts.reduce(0, +)

    if let startSorted = self.start {
      // Positions in stop order, re-sorted by stratum then start descending.
      let byStart = RowOrder.order(
        strata: self.sortedStrata.isEmpty ? nil : self.sortedStrata, key: startSorted, descending: true)
      self.byStartDescending = byStart
    } else {
      self.byStartDescending = nil
    }

    // Without case weights the sort's task computed it; with them, now.
    let columnScaling = scaling ?? {
      // Σw in sorted order (the order the sums have always been taken in).
      var totalWeight = 0.0
      for k in 0..<weightOut.count { totalWeight += weightOut[k] }
      return (weights ?? []).withUnsafeBufferPointer { w in
        CoxColumnScaling(
          columns: columns, n: n, p: p, weights: w.count == n ? w : nil, totalWeight: totalWeight,
          nocenter: nocenter, workers: workers, poll: poll)
      }
    }()
    let means = columnScaling.means
    let scale = scaled ? columnScaling.scale : [Double](repeating: 1, count: p)
    // Into sorted row-major order by a scatter: the input rows are read in
    // order (every column streams), and each row is written whole to its
    // sorted position, one random cache line per row where a gather would
    // take p random reads. Two workers take halves of the input.
    // Packed columns (`CoxPackedColumns`) are read as their bytes: the
    // same values, so the same (x − mean)·scale.
    let packedColumns = columns.hasPacked
    x.withUnsafeMutableBufferPointer { out in
      columns.columns.withUnsafeBufferPointer { cov in
      columns.bytes.withUnsafeBufferPointer { bytes in
        position.withUnsafeBufferPointer { pos in
          // Worker w writes the rows pos[i] of its half of the input rows (distinct: a permutation).
          let out = DisjointWrites(out), cov = SharedReads(cov), pos = SharedReads(pos)
          let bytes = SharedReads(bytes)
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lower = w * n / workers, upper = (w + 1) * n / workers
            // Rows between polls: about `KernelPoll.interval` values.
            let rowsPerPoll = max(1, KernelPoll.interval / max(p, 1))
            var i = lower
            while i < upper {
              if let poll, poll.stopRequested() { return }
              let end = min(upper, i + rowsPerPoll)
              let ahead = CoxPreparedData.prefetchDistance
              if packedColumns {
                for row in i..<end {
                  if row + ahead < upper { out.prefetchForWrite(Int(pos[row + ahead]) &* p, count: p) }
                  let target = out.baseAddress.unsafelyUnwrapped + Int(pos[row]) &* p
                  for j in 0..<p {
                    let value = bytes[j].map { Double($0[row]) } ?? cov[j][row]
                    target[j] = (value - means[j]) * scale[j]
                  }
                }
              } else {
                for row in i..<end {
                  if row + ahead < upper { out.prefetchForWrite(Int(pos[row + ahead]) &* p, count: p) }
                  let target = out.baseAddress.unsafelyUnwrapped + Int(pos[row]) &* p
                  for j in 0..<p { target[j] = (cov[j][row] - means[j]) * scale[j] }
                }
              }
              i = end
            }
          }
        }
      }
      }
    }
    self.x = x
    self.means = means
    self.scale = scale
  }

  /// Writes a zero into every page of a fresh buffer, so that the system
  /// maps its pages here, while another worker sorts, rather than in the
  /// scatter: a first write to a page costs a fault (over 1 µs on a virtual
  /// machine; 14,000 of them for n = 10⁶, p = 7). The scatter overwrites
  /// every value.
  private static func mapPages(_ buffer: UnsafeMutableBufferPointer<Double>) {
    let stride = 4096 / MemoryLayout<Double>.stride
    for i in Swift.stride(from: 0, to: buffer.count, by: stride) { buffer[i] = 0 }
  }
}

extension CoxPreparedData {
  /// The strata as ranges of sorted positions (each stratum is contiguous);
  /// one block when there are none (compact data without strata).
  func strataBlocks() -> [Range<Int>] {
    if sortedStrata.isEmpty {
      // Compact: the sort's blocks (each a distinct, non-empty stratum),
      // the blocks a scan of the sorted strata would find.
      if blockValues.isEmpty { return n > 0 ? [0..<n] : [] }
      return (0..<(blockStarts.count - 1)).compactMap { b in
        blockStarts[b] < blockStarts[b + 1] ? blockStarts[b]..<blockStarts[b + 1] : nil
      }
    }
    let stratum = sortedStrata
    var blocks: [Range<Int>] = []
    var k = 0
    while k < n {
      var e = k + 1
      while e < n && stratum[e] == stratum[k] { e += 1 }
      blocks.append(k..<e)
      k = e
    }
    return blocks
  }
}

extension CoxPreparedData {
  /// The status per sorted row as 0/1 Doubles (converted from the bytes
  /// when the data are compact: an n-length array per call, for tests and
  /// one-off readers; kernels index `statusValues` or `eventFlags`).
  var status: [Double] { statusValues.isEmpty ? eventFlags.map { Double($0) } : statusValues }

  /// The row order as `Int` (an n-length conversion per call: tests and
  /// one-off readers; kernels index `rowOrder`).
  var order: [Int] { rowOrder.map { Int($0) } }

  /// Sorted row k's case weight (1 when the compact data have none).
  @inline(__always) func weightAt(_ k: Int) -> Double { weight.isEmpty ? 1 : weight[k] }

  /// The case weights as an n-length array (ones when the compact data have
  /// none), for the readers that index them directly.
  func weightArray() -> [Double] { weight.isEmpty ? [Double](repeating: 1, count: n) : weight }

  /// The stratum of each sorted row (empty without strata when compact):
  /// compact data expand their blocks, an n-length array per call (tests
  /// and one-off readers; kernels index `sortedStrata`). Setting it sets
  /// `sortedStrata` and drops the blocks' values.
  var stratum: [Int] {
    get { sortedStrata.isEmpty && !blockValues.isEmpty ? expandedStrata() : sortedStrata }
    set {
      sortedStrata = newValue
      blockValues = []
    }
  }

  /// The compact strata as one value per sorted row.
  private func expandedStrata() -> [Int] {
    var values = [Int](repeating: 0, count: n)
    for b in 0..<min(blockValues.count, blockStarts.count - 1) {
      for k in blockStarts[b]..<blockStarts[b + 1] { values[k] = blockValues[b] }
    }
    return values
  }

  /// Fills the arrays that compact data leave empty (weights 1, offsets 0,
  /// the strata, the Double status), for the kernels that index them
  /// directly (the sandwich).
  mutating func materializeConstants() {
    if weight.isEmpty { weight = [Double](repeating: 1, count: n) }
    if offset.isEmpty { offset = [Double](repeating: 0, count: n) }
    if sortedStrata.isEmpty { sortedStrata = blockValues.isEmpty ? [Int](repeating: 0, count: n) : expandedStrata() }
    if statusValues.isEmpty { statusValues = eventFlags.map { Double($0) } }
  }
}
