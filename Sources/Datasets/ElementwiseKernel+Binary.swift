import Foundation

/// The one loop of element-wise operations of two columns (`a * b`,
/// `pmin(a, b)`, `a ^ b`): a function of two doubles applied row by row to
/// two contiguous buffers of equal length, into a new buffer that is never
/// zero-filled first (each row is written once, by the block that owns it).
///
/// The blocks and the sharing rules are `ElementwiseKernel.map`'s: block `k`
/// reads and writes only rows `[k·n/blocks, (k+1)·n/blocks)`, and
/// `concurrentPerform` returns after every block. A constant operand is a
/// `ScalarKernel` that holds it (`RightConstant`, `LeftConstant`), so that
/// `a * 2` reads one buffer and writes one, with no broadcast column.
protocol BinaryKernel: Sendable {
  func callAsFunction(_ x: Double, _ y: Double) -> Double
}

extension ElementwiseKernel {
  /// How many blocks a pass over `n` rows is split into.
  @inline(__always)
  static func blockCount(_ n: Int) -> Int {
    n >= parallelRows ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
  }

  /// `f(a[i], b[i])` for every row (`a` and `b` of equal length).
  @inline(__always)
  static func map2<K: BinaryKernel>(_ a: [Double], _ b: [Double], _ f: K) -> [Double] {
    let n = Swift.min(a.count, b.count)
    return [Double](unsafeUninitializedCapacity: n) { out, initialized in
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          guard let x = pa.baseAddress, let y = pb.baseAddress, let dst = out.baseAddress else { return }
          let blocks = blockCount(n)
          if blocks == 1 {
            run2(x, y, dst, 0, n, f)
            return
          }
          let left = SharedPointer(UnsafeMutablePointer(mutating: x))
          let right = SharedPointer(UnsafeMutablePointer(mutating: y)), target = SharedPointer(dst)
          DispatchQueue.concurrentPerform(iterations: blocks) { k in
            run2(UnsafePointer(left.pointer), UnsafePointer(right.pointer), target.pointer,
                 k * n / blocks, (k + 1) * n / blocks, f)
          }
        }
      }
      initialized = n
    }
  }

  @inline(__always)
  private static func run2<K: BinaryKernel>(
    _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>,
    _ from: Int, _ to: Int, _ f: K
  ) {
    for i in from..<to { dst[i] = f(x[i], y[i]) }
  }

  /// `f` of an operand and a constant, or of two operands, as doubles: the
  /// shared double path of the arithmetic, `^` and `pmin`/`pmax` (both
  /// operands number columns of `n` rows or number constants, NA as NaN).
  @inline(__always)
  static func combine<K: BinaryKernel>(_ lhs: Operand, _ rhs: Operand, _ n: Int, _ f: K) -> [Double] {
    switch (lhs, rhs) {
    case (.column(let a), .scalar(let s)):
      return mapColumn(a, RightConstant(kernel: f, constant: Column.constantDouble(s)))
    case (.scalar(let s), .column(let b)):
      return mapColumn(b, LeftConstant(kernel: f, constant: Column.constantDouble(s)))
    default:
      return map2(Column.doubles(lhs, n), Column.doubles(rhs, n), f)
    }
  }

  /// `f` of every value of a number column (others read as `asDoubles`).
  @inline(__always)
  static func mapColumn<K: ScalarKernel>(_ c: Column, _ f: K) -> [Double] {
    mapNumeric(c, f)?.values ?? map(c.asDoubles(), f).values
  }
}

/// `f(x, c)` for a constant `c`.
struct RightConstant<K: BinaryKernel>: ScalarKernel {
  let kernel: K
  let constant: Double
  @inline(__always) func callAsFunction(_ x: Double) -> Double { kernel(x, constant) }
}

/// `f(c, x)` for a constant `c`.
struct LeftConstant<K: BinaryKernel>: ScalarKernel {
  let kernel: K
  let constant: Double
  @inline(__always) func callAsFunction(_ x: Double) -> Double { kernel(constant, x) }
}

struct AddKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x + y }
}
struct SubtractKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x - y }
}
struct MultiplyKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x * y }
}
struct DivideKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x / y }
}
struct RPowerKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { Column.rPower(x, y) }
}
/// `pmin` of two values: NA (NaN) if either is.
struct MinKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Double, _ b: Double) -> Double {
    a.isNaN || b.isNaN ? .nan : (b < a ? b : a)
  }
}
struct MaxKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Double, _ b: Double) -> Double {
    a.isNaN || b.isNaN ? .nan : (b > a ? b : a)
  }
}
/// `pmin(a, b, na.rm = TRUE)`: a NA gives way to the other value.
struct MinSkippingKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Double, _ b: Double) -> Double { a.isNaN ? b : (b < a ? b : a) }
}
struct MaxSkippingKernel: BinaryKernel {
  @inline(__always) func callAsFunction(_ a: Double, _ b: Double) -> Double { a.isNaN ? b : (b > a ? b : a) }
}
