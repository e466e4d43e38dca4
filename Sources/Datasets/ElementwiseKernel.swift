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
/// A function of one double that the kernel applies (a struct, so that
/// `ElementwiseKernel.map` is specialised and inlined for each one: no call
/// through a closure per row).
protocol ScalarKernel: Sendable {
  func callAsFunction(_ x: Double) -> Double
  /// Whether the row of value `x` (NaN for NA) and result `y` counts in
  /// `map`'s count: by default a NaN from a value that was not NA (R's
  /// "NaNs produced"); `%` counts its quotients beyond 2^53 instead.
  func counts(_ x: Double, _ y: Double) -> Bool
}

extension ScalarKernel {
  @inline(__always) func counts(_ x: Double, _ y: Double) -> Bool { y.isNaN && !x.isNaN }
}

/// The values of a numeric column type, read as doubles (NA as NaN).
protocol KernelInput: Sendable {
  var isNA: Bool { get }
  var asDouble: Double { get }
}

extension Double: KernelInput {
  @inline(__always) var isNA: Bool { isNaN }
  @inline(__always) var asDouble: Double { self }
}

extension Int: KernelInput {
  @inline(__always) var isNA: Bool { self == Column.naInt }
  @inline(__always) var asDouble: Double { isNA ? .nan : Double(self) }
}

extension UInt8: KernelInput {
  @inline(__always) var isNA: Bool { self == Column.naBool }
  @inline(__always) var asDouble: Double { isNA ? .nan : Double(self) }
}

enum ElementwiseKernel {
  /// Rows below which one thread does the work (a block of 2^16 doubles
  /// takes ~50 µs, the order of waking a worker).
  static let parallelRows = 1 << 17

  /// `f` of each value; `nans` counts the rows that `f.counts` (by default
  /// where a value that was not NA gave NaN: R's "NaNs produced").
  @inline(__always)
  static func map<In: KernelInput, K: ScalarKernel>(_ input: [In], _ f: K) -> (values: [Double], nans: Int) {
    let n = input.count
    var nans = 0
    let values = [Double](unsafeUninitializedCapacity: n) { out, initialized in
      input.withUnsafeBufferPointer { inp in
        guard let src = inp.baseAddress, let dst = out.baseAddress else { return }
        let blocks = blockCount(n)
        if blocks == 1 {
          nans = run(src, dst, 0, n, f)
          return
        }
        var counts = [Int](repeating: 0, count: blocks)
        counts.withUnsafeMutableBufferPointer { c in
          guard let cp = c.baseAddress else { return }
          let shared = SharedPointer(UnsafeMutablePointer(mutating: src)), target = SharedPointer(dst)
          let slots = SharedPointer(cp)
          DispatchQueue.concurrentPerform(iterations: blocks) { k in
            let from = k * n / blocks, to = (k + 1) * n / blocks
            slots.pointer[k] = run(UnsafePointer(shared.pointer), target.pointer, from, to, f)
          }
        }
        nans = counts.reduce(0, +)
      }
      initialized = n
    }
    return (values, nans)
  }

  @inline(__always)
  private static func run<In: KernelInput, K: ScalarKernel>(
    _ src: UnsafePointer<In>, _ dst: UnsafeMutablePointer<Double>, _ from: Int, _ to: Int, _ f: K
  ) -> Int {
    var nans = 0
    for i in from..<to {
      let x = src[i].asDouble
      let y = f(x)
      dst[i] = y
      nans &+= f.counts(x, y) ? 1 : 0
    }
    return nans
  }

  /// `f` of the values of an int, bool or double column; nil for others.
  @inline(__always)
  static func mapNumeric<K: ScalarKernel>(_ column: Column, _ f: K) -> (values: [Double], nans: Int)? {
    switch column {
    case .double(let v): return map(v, f)
    case .int(let v): return map(v, f)
    case .bool(let v): return map(v, f)
    case .factor, .date: return nil
    }
  }
}
