import Foundation
import Testing

@testable import Datasets

/// A long fused column runs as many pieces handed to whichever worker is
/// free (`FusedProgram.pieceCount`), each mapping its pages first
/// (`FreshPages.populate`): every row is still computed once, by the same
/// kernels, whatever the split (`round` and `%` through their C block loops).
struct FusedPiecesTests {
  /// Two pieces per core (on two cores) and a ragged end.
  static let rows = 2 * 2 * FusedProgram.pieceRows + 3 * FusedExpression.blockRows + 5

  @Test func piecesCoverEveryRowOnce() throws {
    let n = Self.rows
    #expect(FusedProgram.pieceCount(n) >= min(ProcessInfo.processInfo.activeProcessorCount, 8) * (n > 0 ? 1 : 0))
    #expect(FusedProgram.pieceCount(FusedExpression.blockRows) == 1)
    let x = (0..<n).map { Double($0) * 0.001 - 500 }
    let rounder = RRounding.Rounder(digits: 2)
    // round(x, 2) + x %% 3: the two C block loops and a binary step.
    let e = FusedExpression.binary(.add, .unary(.round(rounder), .column(x)), .unary(.modulo(divisor: 3), .column(x)))
    let fused = e.evaluate(rows: n)
    #expect(fused.count == n)
    let kernel = ModuloKernel(divisor: 3)
    var mismatches = 0
    for i in 0..<n where (rounder.round(x[i]) + kernel(x[i])).bitPattern != fused[i].bitPattern {
      mismatches += 1
    }
    #expect(mismatches == 0)
  }

  @Test func populatingPagesKeepsTheirValues() {
    let n = 1 << 18
    var buffer = [Double](repeating: 7, count: n)
    buffer.withUnsafeMutableBufferPointer { b in
      guard let base = b.baseAddress else { return }
      FreshPages.populate(UnsafeMutableRawPointer(base), bytes: n * 8)
      // Unaligned and short ranges are accepted (short ones are left alone).
      FreshPages.populate(UnsafeMutableRawPointer(base + 3), bytes: 100)
    }
    #expect(buffer.allSatisfy { $0 == 7 })
  }
}

/// A fused step may round or take `%` of a register in place (its output
/// register is its input's once read): the C loops, which mark undecided
/// rows NaN, must still compute those rows from the input.
struct BlockKernelsInPlaceTests {
  @Test func inPlaceEqualsSeparateBuffers() {
    let x = ElementwiseParallelTests.values(seed: 5).prefix(10_000).map { $0 }
    let rounder = RRounding.Rounder(digits: 2), kernel = ModuloKernel(divisor: 3)
    var rounded = x, remainders = x
    rounded.withUnsafeMutableBufferPointer { b in
      guard let p = b.baseAddress else { return }
      rounder.round(UnsafePointer(p), p, b.count)
    }
    remainders.withUnsafeMutableBufferPointer { b in
      guard let p = b.baseAddress else { return }
      kernel.apply(UnsafePointer(p), p, b.count)
    }
    var mismatches = 0
    for i in x.indices {
      if !ElementwiseParallelTests.same([rounded[i]], [rounder.round(x[i])]) { mismatches += 1 }
      if !ElementwiseParallelTests.same([remainders[i]], [kernel(x[i])]) { mismatches += 1 }
    }
    #expect(mismatches == 0)
  }
}
