import Foundation

/// The per-event columns of zph's result (`CoxZph.Result`: the transformed
/// time, the time and the stratum of each event) read from per-row arrays at
/// the event rows: random reads, split between two workers by halves of the
/// events from `parallelThreshold` events (each value a copy, so the split
/// changes nothing), and no per-event optional lookup for a model without strata.
enum CoxZphEventGather {
  static let parallelThreshold = 50_000

  static func values<T: BitwiseCopyable>(
    _ source: [T], at rows: [Int], parallelThreshold: Int = parallelThreshold
  ) -> [T] {
    let e = rows.count
    guard e > 0 else { return [] }
    let workers = e >= parallelThreshold ? 2 : 1
    return [T](unsafeUninitializedCapacity: e) { out, count in
      source.withUnsafeBufferPointer { source in
        rows.withUnsafeBufferPointer { rows in
          // Worker w writes its half of the events only.
          let out = DisjointWrites(out), source = SharedReads(source), rows = SharedReads(rows)
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            let o = out.baseAddress.unsafelyUnwrapped, s = source.buffer, r = rows.buffer
            for k in (w * e / workers)..<((w + 1) * e / workers) { o[k] = s[r[k]] }
          }
        }
      }
      count = e
    }
  }

  /// The stratum of each event (0 for a model without strata).
  static func strata(_ strata: [Int]?, at rows: [Int]) -> [Int] {
    guard let strata else { return [Int](repeating: 0, count: rows.count) }
    return values(strata, at: rows)
  }
}
