import CKernels
import Foundation

/// A chain of element-wise operations over double columns, evaluated in one
/// pass (`sqrt(x) * exp(y)`, `x ^ 2 + z % 3`): the intermediate columns of
/// the unfused evaluation are never allocated, written or read back.
///
/// Each node applies exactly the kernel struct the unfused function uses
/// (`Column.applying`, `Column.power`, `Column.modulo` by a constant,
/// `Column.apply` of `+ - * /`, `Column.parallelExtreme`), to the same
/// operands in the same order, so every value is bit for bit the unfused
/// one (`FusedExpressionTests`). The warnings those functions count (R's
/// "NaNs produced", the loss of accuracy of `%`) are the caller's
/// (`FusedExpression.nanCount`, `moduloLossCount`), counted on the leaf
/// column before deferring, so they come at the call as before.
///
/// Evaluation (`evaluate`) compiles the tree into a list of steps over a
/// few scratch registers of `blockRows` rows, then runs the steps block by
/// block: a block's intermediates stay in the core's cache. Columns of
/// `ElementwiseKernel.parallelRows` rows or more are cut into pieces, one
/// per core or, from `pieceRows` rows a core, many (`FusedProgram.pieceCount`),
/// run by `concurrentPerform` (the sharing rules of `ChunkWorkers.swift`:
/// piece `k` writes only its rows of the result and its own registers). The
/// result buffer is never zero-filled first; each piece maps its pages in
/// one call before writing them (`FreshPages`). `round` and `%` by a whole
/// number run as block loops in C (`RRounding.Rounder.round(_:_:_:)`,
/// `ModuloKernel.apply`), which vectorise and leave the rows they cannot
/// decide to the same scalar kernels.
public indirect enum FusedExpression: Sendable {
  /// A double column (NA as NaN), read in place.
  case column([Double])
  /// A number broadcast to every row (only as an operand of `binary`).
  case constant(Double)
  case unary(FusedUnary, FusedExpression)
  case binary(FusedBinary, FusedExpression, FusedExpression)

  /// Rows per block: 4 registers of 32 KB stay in a core's L2 cache.
  static let blockRows = 4096

  /// Nodes of the tree (its size; callers cap it so a loop of `c = c + 1`
  /// does not build an unbounded tree).
  public var nodeCount: Int {
    switch self {
    case .column, .constant: return 1
    case .unary(_, let x): return 1 + x.nodeCount
    case .binary(_, let a, let b): return 1 + a.nodeCount + b.nodeCount
    }
  }

  /// The values, `rows` of them (the length of every leaf column).
  public func evaluate(rows n: Int) -> [Double] {
    if case .column(let v) = self { return v }
    var leaves: [[Double]] = []
    var program = FusedProgram()
    let root = program.compile(self, &leaves)
    program.finish(root)
    return FusedExpression.withPointers(leaves, [], 0) { pointers in
      program.run(leaves: pointers, rows: n)
    }
  }

  /// Calls `body` with a base address for every leaf, each valid for the call.
  private static func withPointers<R>(
    _ leaves: [[Double]], _ done: [UnsafePointer<Double>], _ index: Int, _ body: ([UnsafePointer<Double>]) -> R
  ) -> R {
    guard index < leaves.count else { return body(done) }
    return leaves[index].withUnsafeBufferPointer { buffer in
      // An empty leaf has no address; nothing of it is read (0 rows).
      let base = buffer.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Double>.alignment)
      guard let base else { return body(done) }
      return withPointers(leaves, done + [base], index + 1, body)
    }
  }

  /// Values of `x` that are not NA and below `limit` (`x < 0` for `sqrt`
  /// and `log`, `x < -1` for `log1p`): the NaNs those functions produce,
  /// counted without computing them (glibc's `log`, `log2`, `log10`,
  /// `log1p` and `sqrt` return NaN exactly there).
  public static func countBelow(_ x: [Double], _ limit: Double) -> Int {
    countInPieces(x) { p, from, to in
      var count = 0
      for i in from..<to { count &+= p[i] < limit ? 1 : 0 }
      return count
    }
  }

  /// The sum of `count` over pieces of `x`, on all cores for a long column
  /// (a pass of 10^7 rows reads 80 MB: ~10 ms on one core).
  static func countInPieces(
    _ x: [Double], _ count: @Sendable (UnsafePointer<Double>, Int, Int) -> Int
  ) -> Int {
    x.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      let n = buffer.count, blocks = ElementwiseKernel.blockCount(n)
      if blocks == 1 { return count(base, 0, n) }
      var counts = [Int](repeating: 0, count: blocks)
      counts.withUnsafeMutableBufferPointer { slots in
        guard let s = slots.baseAddress else { return }
        let source = SharedPointer(UnsafeMutablePointer(mutating: base)), target = SharedPointer(s)
        DispatchQueue.concurrentPerform(iterations: blocks) { k in
          target.pointer[k] = count(UnsafePointer(source.pointer), k * n / blocks, (k + 1) * n / blocks)
        }
      }
      return counts.reduce(0, &+)
    }
  }

  /// The rows `ModuloKernel(divisor:).counts` counts (a quotient beyond
  /// 2^53), found with a cheap filter first: such a quotient needs
  /// |x| > 2^52·|divisor| (the product is exact, or infinite when no
  /// finite x passes).
  public static func moduloLossCount(_ x: [Double], divisor: Double) -> Int {
    let kernel = ModuloKernel(divisor: divisor)
    let limit = Swift.abs(divisor) * 4_503_599_627_370_496.0
    return countInPieces(x) { p, from, to in
      var count = 0
      for i in from..<to where Swift.abs(p[i]) > limit { count &+= kernel.counts(p[i], 0) ? 1 : 0 }
      return count
    }
  }
}

/// A function of one value in a fused expression, its parameters prepared
/// as the unfused kernel prepares them.
public enum FusedUnary: Sendable {
  case naturalLog, log10, log2, log1p, exp, sqrt, abs, floor, ceil, trunc, roundEven, negate, square
  /// R's `round(x, digits)`, digits ≠ 0.
  case round(RRounding.Rounder)
  /// `x ^ e` for a constant e ≠ 2 (`R_pow`).
  case power(exponent: Double)
  /// `x %% divisor` for a constant divisor.
  case modulo(divisor: Double)

  /// The node of `f` as `Column.applying` computes it for a double column;
  /// nil for `log` to another base (its NaNs are not those of `x < 0`) and
  /// for `signif` (which gives NaN for some values that are not NA).
  public init?(_ f: ElementwiseFunction) {
    switch f {
    case .log(nil): self = .naturalLog
    case .log(10?): self = .log10
    case .log(2?): self = .log2
    case .log: return nil
    case .log1p: self = .log1p
    case .exp: self = .exp
    case .sqrt: self = .sqrt
    case .abs: self = .abs
    case .floor: self = .floor
    case .ceil: self = .ceil
    case .trunc: self = .trunc
    case .round(0): self = .roundEven
    case .round(let digits): self = .round(RRounding.Rounder(digits: digits))
    case .signif: return nil
    }
  }

  /// The values below which the function gives NaN for a value that is not
  /// NA (R's "NaNs produced"); nil when it never does.
  public var nanBelow: Double? {
    switch self {
    case .naturalLog, .log10, .log2, .sqrt: return 0
    case .log1p: return -1
    default: return nil
    }
  }
}

/// A function of two values in a fused expression.
public enum FusedBinary: Sendable {
  case add, subtract, multiply, divide, power, min, max, minSkippingNA, maxSkippingNA
}

/// Where a step reads its operand.
enum FusedSource: Sendable {
  case leaf(Int)
  case register(Int)
  case constant(Double)
}

enum FusedOperation: Sendable {
  case unary(FusedUnary, FusedSource)
  case binary(FusedBinary, FusedSource, FusedSource)
}

/// A compiled expression: steps in evaluation order, each writing one
/// register (the last writes the result). Registers are reused once read.
struct FusedProgram: Sendable {
  private(set) var steps: [(operation: FusedOperation, output: Int)] = []
  private(set) var registers = 0
  private var free: [Int] = []

  mutating func compile(_ e: FusedExpression, _ leaves: inout [[Double]]) -> FusedSource {
    switch e {
    case .column(let v):
      leaves.append(v)
      return .leaf(leaves.count - 1)
    case .constant(let c): return .constant(c)
    case .unary(let f, let x):
      let a = compile(x, &leaves)
      release(a)
      return emit(.unary(f, a))
    case .binary(let f, let x, let y):
      let a = compile(x, &leaves), b = compile(y, &leaves)
      release(a)
      release(b)
      return emit(.binary(f, a, b))
    }
  }

  private mutating func release(_ s: FusedSource) {
    if case .register(let r) = s { free.append(r) }
  }

  private mutating func emit(_ operation: FusedOperation) -> FusedSource {
    let r: Int
    if let reused = free.popLast() {
      r = reused
    } else {
      r = registers
      registers += 1
    }
    steps.append((operation, r))
    return .register(r)
  }

  /// Makes the root the last step (its writes go to the result buffer): a
  /// leaf or constant root is copied by one step (x · 1 is x, -0 and NaN too).
  mutating func finish(_ root: FusedSource) {
    if case .register = root { return }
    _ = emit(.binary(.multiply, root, .constant(1)))
  }

  /// Runs the program over `n` rows into a new buffer.
  func run(leaves: [UnsafePointer<Double>], rows n: Int) -> [Double] {
    [Double](unsafeUninitializedCapacity: n) { out, initialized in
      guard let dst = out.baseAddress else { return }
      let pieces = Self.pieceCount(n)
      let shared = FusedPointers(leaves: leaves, result: dst)
      if pieces == 1 {
        runRange(shared, 0, n)
      } else {
        DispatchQueue.concurrentPerform(iterations: pieces) { k in
          let from = k * n / pieces, to = (k + 1) * n / pieces
          FreshPages.populate(UnsafeMutableRawPointer(shared.result + from), bytes: (to - from) * 8)
          runRange(shared, from, to)
        }
      }
      initialized = n
    }
  }

  /// Rows of a piece of a long column's work (2 MB of result).
  static let pieceRows = 1 << 18

  /// Pieces of `n` rows: one per core below `pieceRows` per core, else a
  /// multiple of the cores, so that `concurrentPerform` hands the next piece
  /// to whichever worker is free: a core that the machine takes away for a
  /// while (other processes) delays the result by a piece, not by half of it.
  static func pieceCount(_ n: Int) -> Int {
    let blocks = ElementwiseKernel.blockCount(n)
    guard blocks > 1 else { return 1 }
    return blocks * Swift.max(1, n / (blocks * pieceRows))
  }

  /// Rows `[from, to)`, block by block, with this worker's own registers.
  private func runRange(_ p: FusedPointers, _ from: Int, _ to: Int) {
    let size = FusedExpression.blockRows
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(registers, 1) * size)
    defer { scratch.deallocate() }
    var start = from
    while start < to {
      let count = Swift.min(size, to - start)
      for (index, (operation, output)) in steps.enumerated() {
        let dst = index == steps.count - 1 ? p.result + start : scratch + output * size
        func read(_ s: FusedSource) -> FusedInput {
          switch s {
          case .leaf(let i): return .values(p.leaves[i] + start)
          case .register(let r): return .values(UnsafePointer(scratch + r * size))
          case .constant(let c): return .constant(c)
          }
        }
        switch operation {
        case .unary(let f, let x):
          guard case .values(let src) = read(x) else { continue }
          FusedLoops.unary(f, src, dst, count)
        case .binary(let f, let x, let y): FusedLoops.binary(f, read(x), read(y), dst, count)
        }
      }
      start += count
    }
  }
}

/// The leaves' and the result's addresses, shared by the workers (rules of
/// `ChunkWorkers.swift`: leaves only read, each worker writes its own rows).
struct FusedPointers: @unchecked Sendable {
  let leaves: [UnsafePointer<Double>]
  let result: UnsafeMutablePointer<Double>
}

enum FusedInput {
  case values(UnsafePointer<Double>)
  case constant(Double)
}

/// The loops of one block: a specialised loop per kernel struct (the
/// unfused kernels' structs, so the values are theirs).
enum FusedLoops {
  static func unary(_ f: FusedUnary, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    switch f {
    case .naturalLog: loop(x, y, n, NaturalLogKernel())
    case .log10: loop(x, y, n, Log10Kernel())
    case .log2: loop(x, y, n, Log2Kernel())
    case .log1p: Log1pKernel().apply(x, y, n)
    case .exp: loop(x, y, n, ExpKernel())
    case .sqrt: kaplan_sqrt_block(x, y, n)
    case .abs: loop(x, y, n, AbsKernel())
    case .floor: loop(x, y, n, FloorKernel())
    case .ceil: loop(x, y, n, CeilKernel())
    case .trunc: loop(x, y, n, TruncKernel())
    case .roundEven: loop(x, y, n, RoundEvenKernel())
    case .negate: loop(x, y, n, NegateKernel())
    case .square: loop(x, y, n, SquareKernel())
    case .round(let rounder): rounder.round(x, y, n)
    case .power(let e): loop(x, y, n, PowerKernel(exponent: e))
    case .modulo(let d): ModuloKernel(divisor: d).apply(x, y, n)
    }
  }

  static func binary(
    _ f: FusedBinary, _ a: FusedInput, _ b: FusedInput, _ y: UnsafeMutablePointer<Double>, _ n: Int
  ) {
    switch f {
    case .add: loop2(a, b, y, n, AddKernel())
    case .subtract: loop2(a, b, y, n, SubtractKernel())
    case .multiply: loop2(a, b, y, n, MultiplyKernel())
    case .divide: loop2(a, b, y, n, DivideKernel())
    case .power: loop2(a, b, y, n, RPowerKernel())
    case .min: loop2(a, b, y, n, MinKernel())
    case .max: loop2(a, b, y, n, MaxKernel())
    case .minSkippingNA: loop2(a, b, y, n, MinSkippingKernel())
    case .maxSkippingNA: loop2(a, b, y, n, MaxSkippingKernel())
    }
  }

  @inline(__always)
  static func loop<K: ScalarKernel>(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int, _ f: K) {
    for i in 0..<n { y[i] = f(x[i]) }
  }

  @inline(__always)
  static func loop2<K: BinaryKernel>(
    _ a: FusedInput, _ b: FusedInput, _ y: UnsafeMutablePointer<Double>, _ n: Int, _ f: K
  ) {
    switch (a, b) {
    case (.values(let x), .values(let z)): for i in 0..<n { y[i] = f(x[i], z[i]) }
    case (.values(let x), .constant(let c)): for i in 0..<n { y[i] = f(x[i], c) }
    case (.constant(let c), .values(let z)): for i in 0..<n { y[i] = f(c, z[i]) }
    case (.constant(let c), .constant(let d)):
      let v = f(c, d)
      for i in 0..<n { y[i] = v }
    }
  }
}
