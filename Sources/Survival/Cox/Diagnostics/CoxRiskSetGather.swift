import Foundation

/// The first step of `CoxRiskSetTable`: the covariates centred on their
/// column means and put into the risk sets' sorted order (row-major), the
/// status in that order, and the risk scores exp(η − mean η),
/// η = offset + xᵀβ on the centred x.
///
/// The rows are scattered, not gathered: the inverse of the order
/// (`CoxRowPositions`: each row's sorted position) is made while the column
/// means are summed, then the rows are read in row order (every column and
/// the status sequentially) and each row's p centred values are written
/// together to its position's row of x (one or two cache lines), where a
/// gather reads each of the n × p values from a different place
/// (`gathered`, which at 10⁶ rows and p = 7 read 7 × 10⁶ random cache lines
/// of 8 MB columns and passed over the 56 MB of x once per column). The
/// fit's order (`presorted`) also takes the stop times in sorted order, in
/// the pass that computes η, and is checked afterwards
/// (`CoxPresortedRows.blockStarts`).
///
/// From `parallelThreshold` rows, two workers take: the inverse and the
/// means (one each), halves of the rows for the scatter (disjoint positions:
/// a permutation), halves of the sorted positions for η and the stop times
/// and for the exponentials. Every value comes from the same operations in the same
/// order as on one worker (a copy and one subtraction per value, η summed in
/// column order per position; the column means and the mean of η summed in
/// row and position order), so the numbers do not depend on the split, and
/// they are the gather's bit for bit (`CoxRiskSetScatterTests`).
enum CoxRiskSetGather {
  static let parallelThreshold = 50_000

  static func centred(
    _ input: CoxDiagnosticsInput, sortedRows: [Int], beta: [Double], parallelThreshold: Int = parallelThreshold
  ) -> (x: [Double], risk: [Double], isEvent: [Bool]) {
    guard input.n > 0, input.columns > 0 else { return ([], [], []) }
    if let s = scattered(input, rows: sortedRows, beta: beta, keys: false, parallelThreshold: parallelThreshold) {
      return (s.x, s.risk, s.isEvent)
    }
    return gathered(input, sortedRows: sortedRows, beta: beta, parallelThreshold: parallelThreshold)
  }

  /// The table's first step on the fit's order of the rows (`CoxFit.sortedRows`): the order as the sort
  /// would give it (rows, stop times, strata's first positions) and `centred`'s arrays, the stop times
  /// gathered in η's pass; nil when the order is not a permutation in (stratum, stop, row)
  /// order, or for (start, stop] data (then the table sorts and calls `centred`).
  static func presorted(
    _ input: CoxDiagnosticsInput, rows: [Int], beta: [Double], parallelThreshold: Int = parallelThreshold
  ) -> (order: (rows: [Int], keys: [Double], blockStart: [Int]), x: [Double], risk: [Double], isEvent: [Bool])? {
    guard input.columns > 0,
      CoxPresortedRows.accepts(rows, strata: input.strata, stop: input.stop, counting: input.start != nil),
      let s = scattered(input, rows: rows, beta: beta, keys: true, parallelThreshold: parallelThreshold),
      let blockStart = CoxPresortedRows.blockStarts(rows: rows, keys: s.keys, strata: input.strata)
    else { return nil }
    return ((rows, s.keys, blockStart), s.x, s.risk, s.isEvent)
  }

  /// The scatter (see the type's comment); nil when `rows` is not a permutation of the input's rows.
  /// `keys`: also the stop times in sorted order (else `keys` is empty).
  static func scattered(
    _ input: CoxDiagnosticsInput, rows: [Int], beta: [Double], keys wantKeys: Bool, parallelThreshold: Int
  ) -> (x: [Double], risk: [Double], isEvent: [Bool], keys: [Double])? {
    let n = input.n, p = input.columns
    guard n > 0, p > 0, rows.count == n, beta.count == p else { return nil }
    let workers = n >= parallelThreshold ? 2 : 1
    var means = [Double](repeating: 0, count: p)
    let inverse = WorkerResult<[Int32]>()
    // Worker 0 inverts the order (random writes to 4 bytes a row) while worker 1 sums the columns (read in
    // place: column-major, or the design's own column arrays), each column's mean in row order.
    input.covariateColumns.withColumns(n: n, p: p) { cov in
      rows.withUnsafeBufferPointer { rows in
        means.withUnsafeMutableBufferPointer { means in
          let outMeans = DisjointWrites(means), rows = SharedReads(rows)
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            if w == 0 { inverse.value = CoxRowPositions.inverse(rows.buffer) }
            if w == workers - 1 {
              let m = outMeans.baseAddress.unsafelyUnwrapped
              for j in 0..<p {
                var mean = 0.0
                let column = cov[j]
                for i in 0..<n { mean += column[i] }
                m[j] = mean / Double(n)
              }
            }
          }
        }
      }
    }
    guard let positions = inverse.value else { return nil }
    // η per sorted position (first the offset, scattered with the rows), then (in place) the risk
    // scores exp(η − mean η): one array of n.
    var eta: [Double] = RadixOrder.uninitialized(n)
    var isEvent: [Bool] = RadixOrder.uninitialized(n)
    var keys: [Double]? = wantKeys ? RadixOrder.uninitialized(n) : nil
    let x = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      isEvent.withUnsafeMutableBufferPointer { isEvent in
      withOptionalWrites(&keys) { outKeys in
      eta.withUnsafeMutableBufferPointer { eta in
      input.status.withUnsafeBufferPointer { status in
      input.stop.withUnsafeBufferPointer { stop in
      withOptionalReads(input.offset) { offset in
      input.covariateColumns.withColumns(n: n, p: p) { cov in
        positions.withUnsafeBufferPointer { positions in
        rows.withUnsafeBufferPointer { rows in
          means.withUnsafeBufferPointer { means in
            beta.withUnsafeBufferPointer { beta in
              let outX = DisjointWrites(out), outEta = DisjointWrites(eta), outEvents = DisjointWrites(isEvent)
              let reads = (
                positions: SharedReads(positions), means: SharedReads(means), status: SharedReads(status),
                stop: SharedReads(stop), offset: offset, beta: SharedReads(beta), rows: SharedReads(rows))
              // Worker w reads its half of the rows and writes their positions only (a permutation: the
              // halves' positions are disjoint).
              DispatchQueue.concurrentPerform(iterations: workers) { w in
                let o = outX.baseAddress.unsafelyUnwrapped, e = outEta.baseAddress.unsafelyUnwrapped
                let events = outEvents.baseAddress.unsafelyUnwrapped
                let positions = reads.positions.buffer, m = reads.means.buffer, status = reads.status.buffer
                let offset = reads.offset?.buffer
                withUnsafeTemporaryAllocation(of: UnsafePointer<Double>.self, capacity: p) { column in
                  for j in 0..<p { column[j] = cov[j] }
                  for i in (w * n / workers)..<((w + 1) * n / workers) {
                    let k = Int(positions[i])
                    let row = o + k * p
                    for j in 0..<p { row[j] = column[j][i] - m[j] }
                    events[k] = status[i] == 1
                    if let offset { e[k] = offset[i] }
                  }
                }
              }
              // Worker w computes the η of its half of the sorted positions, reading x in order, and
              // gathers their stop times (random reads of 8 bytes, which cost less than as random writes
              // in the scatter).
              DispatchQueue.concurrentPerform(iterations: workers) { w in
                let o = outX.baseAddress.unsafelyUnwrapped, e = outEta.baseAddress.unsafelyUnwrapped
                let b = reads.beta.buffer, hasOffset = reads.offset != nil
                let keys = outKeys?.baseAddress, stop = reads.stop.buffer, r = reads.rows.buffer
                for k in (w * n / workers)..<((w + 1) * n / workers) {
                  var v = hasOffset ? e[k] : 0
                  for j in 0..<p where b[j] != 0 { v += b[j] * o[k * p + j] }
                  e[k] = v
                }
                if let keys { for k in (w * n / workers)..<((w + 1) * n / workers) { keys[k] = stop[r[k]] } }
              }
            }
          }
        }
      }
      }}}}}}}
      count = n * p
    }
    let risk = riskScores(&eta, workers: workers)
    return (x, risk, isEvent, keys ?? [])
  }

  /// exp(η − mean η) in place, the mean summed in position order.
  private static func riskScores(_ eta: inout [Double], workers: Int) -> [Double] {
    let n = eta.count
    var total = 0.0
    for v in eta { total += v }
    let etaMean = total / Double(n)
    eta.withUnsafeMutableBufferPointer { eta in
      // Worker w turns its half of η into risk scores.
      let values = DisjointWrites(eta)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let v = values.baseAddress.unsafelyUnwrapped
        for k in (w * n / workers)..<((w + 1) * n / workers) { v[k] = exp(v[k] - etaMean) }
      }
    }
    return eta
  }

  /// The gather by sorted position (random reads of the n × p values, column by column), for an order
  /// `CoxRowPositions` cannot invert (more than 2³¹ − 1 rows); the same numbers as the scatter.
  static func gathered(
    _ input: CoxDiagnosticsInput, sortedRows: [Int], beta: [Double], parallelThreshold: Int = parallelThreshold
  ) -> (x: [Double], risk: [Double], isEvent: [Bool]) {
    let n = input.n, p = input.columns
    guard n > 0, p > 0 else { return ([], [], []) }
    let workers = n >= parallelThreshold ? 2 : 1
    var means = [Double](repeating: 0, count: p)
    // Each column's mean is summed in row order by one worker (worker w takes its share of the columns).
    input.covariateColumns.withColumns(n: n, p: p) { cov in
      means.withUnsafeMutableBufferPointer { means in
        let out = DisjointWrites(means)
        let meanWorkers = min(workers, p)
        DispatchQueue.concurrentPerform(iterations: meanWorkers) { w in
          let m = out.baseAddress.unsafelyUnwrapped
          for j in (w * p / meanWorkers)..<((w + 1) * p / meanWorkers) {
            var mean = 0.0
            let column = cov[j]
            for i in 0..<n { mean += column[i] }
            m[j] = mean / Double(n)
          }
        }
      }
    }
    var eta: [Double] = RadixOrder.uninitialized(n)
    var isEvent: [Bool] = RadixOrder.uninitialized(n)
    let x = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      isEvent.withUnsafeMutableBufferPointer { isEvent in
      input.status.withUnsafeBufferPointer { status in
      input.covariateColumns.withColumns(n: n, p: p) { cov in
        sortedRows.withUnsafeBufferPointer { rows in
          eta.withUnsafeMutableBufferPointer { eta in
            means.withUnsafeBufferPointer { means in
              beta.withUnsafeBufferPointer { beta in
                // Worker w writes the rows of x and the η of its half of the sorted positions only.
                let out = DisjointWrites(out), eta = DisjointWrites(eta), events = DisjointWrites(isEvent)
                let rows = SharedReads(rows), means = SharedReads(means), status = SharedReads(status)
                let beta = SharedReads(beta), offset = input.offset
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                  let range = (w * n / workers)..<((w + 1) * n / workers)
                  let o = out.baseAddress.unsafelyUnwrapped
                  let r = rows.buffer, m = means.buffer, b = beta.buffer
                  let events = events.baseAddress.unsafelyUnwrapped, status = status.buffer
                  let e = eta.baseAddress.unsafelyUnwrapped
                  for j in 0..<p {
                    let column = cov[j], mean = m[j]
                    for k in range { o[k * p + j] = column[r[k]] - mean }
                  }
                  for k in range { events[k] = status[r[k]] == 1 }
                  for k in range {
                    var v = offset?[r[k]] ?? 0
                    for j in 0..<p where b[j] != 0 { v += b[j] * o[k * p + j] }
                    e[k] = v
                  }
                }
              }
            }
          }
        }
      }
      }}
      count = n * p
    }
    let risk = riskScores(&eta, workers: workers)
    return (x, risk, isEvent)
  }
}

/// `body` with `DisjointWrites` of `array`, or nil when there is none (an optional output).
private func withOptionalWrites<Element, Result>(
  _ array: inout [Element]?, _ body: (DisjointWrites<Element>?) -> Result
) -> Result {
  guard var values = array else { return body(nil) }
  // Moved out while written, so that the buffer is uniquely referenced (no copy).
  array = nil
  defer { array = values }
  return values.withUnsafeMutableBufferPointer { body(DisjointWrites($0)) }
}
