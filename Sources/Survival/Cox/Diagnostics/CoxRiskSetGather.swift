import Foundation

/// The first step of `CoxRiskSetTable`: the covariates centred on their
/// column means and gathered into the risk sets' sorted order (row-major),
/// and the risk scores exp(η − mean η), η = offset + xᵀβ on the centred x.
///
/// The gather (random reads of n × p values) and the exponentials are split
/// between two workers by halves of the sorted positions from
/// `parallelThreshold` rows; every value is computed by the same operations
/// in the same order as on one worker (the column means and the mean of η are
/// summed on the calling thread, in row order), so the numbers do not depend
/// on the split.
enum CoxRiskSetGather {
  static let parallelThreshold = 50_000

  static func centred(
    _ input: CoxDiagnosticsInput, sortedRows: [Int], beta: [Double], parallelThreshold: Int = parallelThreshold
  ) -> (x: [Double], risk: [Double], isEvent: [Bool]) {
    let n = input.n, p = input.columns
    guard n > 0, p > 0 else { return ([], [], []) }
    let workers = n >= parallelThreshold ? 2 : 1
    var means = [Double](repeating: 0, count: p)
    // The columns are read in place (column-major, or the design's own column arrays: no copy). Each
    // column's mean is summed in row order by one worker (worker w takes its share of the columns).
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
    // η per sorted position, then (in place) the risk scores exp(η − mean η): one array of n.
    var eta: [Double] = RadixOrder.uninitialized(n)
    // The status in sorted order (random reads, as the covariates'), gathered by the same workers.
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
                  // Column by column: each pass reads one column (8 MB at 10^6 rows) at random, whose pages
                  // the TLB holds; gathering a block of rows from all p columns at once measured slower.
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
    let risk = eta
    return (x, risk, isEvent)
  }
}
