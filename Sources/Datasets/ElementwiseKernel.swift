import Foundation

/// The one loop of the element-wise column functions (`log`, `round`,
/// `^`, ...): a function applied to every value of a contiguous buffer,
/// into a new buffer, with no per-row allocation.
///
/// Long columns are split into equal blocks run on all cores
/// (`concurrentPerform`): block `k` reads and writes only rows
/// `[k·n/blocks, (k+1)·n/blocks)`, and writes only slot `k` of the NaN
/// counts; `concurrentPerform` returns after every block (the join), so
/// what the blocks wrote is the caller's afterwards (the rules of
/// `ChunkWorkers.swift`). A column of 10^7 doubles is 80 MB; one pass at
/// memory bandwidth takes ~10 ms, so no cancellation poll is needed.
enum ElementwiseKernel {
  /// Rows below which one thread does the work (a block of 2^16 doubles
  /// takes ~50 µs, the order of waking a worker).
  static let parallelRows = 1 << 17

  /// `f` of each value; `nans` counts the rows where a value that was not
  /// NA (`isNA` false) gave NaN (R's "NaNs produced").
  @inline(__always)
  static func map<In>(
    _ input: [In], isNA: @escaping @Sendable (In) -> Bool, _ f: @escaping @Sendable (In) -> Double
  ) -> (values: [Double], nans: Int) {
    let n = input.count
    var nans = 0
    let values = [Double](unsafeUninitializedCapacity: n) { out, initialized in
      input.withUnsafeBufferPointer { inp in
        guard let src = inp.baseAddress, let dst = out.baseAddress else { return }
        let blocks = n >= parallelRows ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
        if blocks == 1 {
          nans = run(src, dst, 0, n, isNA, f)
          return
        }
        var counts = [Int](repeating: 0, count: blocks)
        counts.withUnsafeMutableBufferPointer { c in
          guard let cp = c.baseAddress else { return }
          let shared = SharedPointer(UnsafeMutablePointer(mutating: src)), target = SharedPointer(dst)
          let slots = SharedPointer(cp)
          DispatchQueue.concurrentPerform(iterations: blocks) { k in
            let from = k * n / blocks, to = (k + 1) * n / blocks
            slots.pointer[k] = run(UnsafePointer(shared.pointer), target.pointer, from, to, isNA, f)
          }
        }
        nans = counts.reduce(0, +)
      }
      initialized = n
    }
    return (values, nans)
  }

  @inline(__always)
  private static func run<In>(
    _ src: UnsafePointer<In>, _ dst: UnsafeMutablePointer<Double>, _ from: Int, _ to: Int,
    _ isNA: (In) -> Bool, _ f: (In) -> Double
  ) -> Int {
    var nans = 0
    for i in from..<to {
      let x = src[i]
      let y = f(x)
      dst[i] = y
      if y.isNaN && !isNA(x) { nans += 1 }
    }
    return nans
  }

  /// The values of an int, bool or double column as doubles (NA → NaN)
  /// through `f`: one pass, no intermediate array.
  static func mapNumeric(
    _ column: Column, _ f: @escaping @Sendable (Double) -> Double
  ) -> (values: [Double], nans: Int)? {
    switch column {
    case .double(let v): return map(v, isNA: { $0.isNaN }, f)
    case .int(let v): return map(v, isNA: { $0 == Column.naInt }, { $0 == Column.naInt ? .nan : f(Double($0)) })
    case .bool(let v): return map(v, isNA: { $0 == Column.naBool }, { $0 == Column.naBool ? .nan : f(Double($0)) })
    case .factor, .date: return nil
    }
  }
}
