import Foundation
import RunControl
import Testing
@testable import Datasets

/// The vectorised `log1p` (`Log1pKernel.apply`, C loop `kaplan_log1p_block`)
/// gives `Foundation.log1p`'s bits for every value: the rows it decides and
/// the ones it leaves to the scalar call (NA, ±inf, ±0, x ≤ -1, tiny and
/// huge values), in place too; the fused `log1p` column equals the unfused one.
struct Log1pBlockTests {
  func scalar(_ x: [Double]) -> [Double] { x.map { Foundation.log1p($0) } }

  func block(_ x: [Double]) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { xs in
      y.withUnsafeMutableBufferPointer { ys in
        guard let a = xs.baseAddress, let b = ys.baseAddress else { return }
        Log1pKernel().apply(a, b, x.count)
      }
    }
    return y
  }

  /// Uniform values over the main path's ranges, the boundaries of its
  /// branches (high words 0x3FDA827A, 0xbfd2bec3, 0x3e200000, 0x43400000 and
  /// the normalisation at sqrt(2)) and the special values.
  static func values() -> [Double] {
    var random = SplitMix64(seed: 42)
    func next() -> UInt64 { random.next() }
    func word(_ high: UInt32, _ delta: Int64) -> Double {
      Double(bitPattern: (UInt64(high) << 32) &+ UInt64(bitPattern: delta))
    }
    var v: [Double] = [
      .nan, .infinity, -.infinity, 0, -0.0, -1, -1.5, -2, 1e-310, -1e-310, 0x1p-29, -0x1p-29, 0x1p-54, 0x1p53,
      0x1p53 - 1, 0x1p1023, 2.squareRoot() - 1, 0.5.squareRoot() - 1, -0.5, 1, 3, 1e15,
    ]
    for high: UInt32 in [0x3FDA_827A, 0xBFD2_BEC3, 0xBFD2_BEC4, 0x3E20_0000, 0xBE20_0000, 0x4340_0000, 0x3FF6_A09E] {
      for delta in [-(1 << 32), -1, 0, 1, 1 << 32] { v.append(word(high, Int64(delta))) }
    }
    for i in 0..<120_000 {
      let u = Double(next() >> 11) * 0x1p-53
      switch i % 6 {
      case 0: v.append(u * 10)
      case 1: v.append(u * 2 - 1)
      case 2: v.append(Foundation.scalbn(u + 0.5, Int(next() % 140) - 70) * (next() & 1 == 0 ? 1 : -1))
      case 3: v.append(Double(bitPattern: next()))
      case 4: v.append((next() & 1 == 0 ? 2.squareRoot() : 0.5.squareRoot()) * (1 + (u - 0.5) * 1e-9) - 1)
      default: v.append(-0.29289 + (u - 0.5) * 1e-4)
      }
    }
    return v
  }

  @Test func blockEqualsScalarLog1p() {
    let x = Self.values()
    #expect(ElementwiseParallelTests.same(block(x), scalar(x)))
  }

  @Test func inPlaceEqualsScalarLog1p() {
    var x = Self.values()
    let expected = scalar(x)
    x.withUnsafeMutableBufferPointer { b in
      guard let p = b.baseAddress else { return }
      Log1pKernel().apply(UnsafePointer(p), p, b.count)
    }
    #expect(ElementwiseParallelTests.same(x, expected))
  }

  /// On this project's machines (x86-64 with AVX2 and FMA, glibc 2.36) the C
  /// loop passes its probe, so the fast path is the one tested above.
  @Test func blockRunsWhereTheLibmIsGlibcWithFMA() {
    #if canImport(Glibc)
      // confstr(_CS_GNU_LIBC_VERSION = 2): "glibc 2.36".
      var text = [CChar](repeating: 0, count: 64)
      guard Log1pKernel.cpuRunsBlock, confstr(2, &text, text.count) > 0,
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "glibc 2.36"
      else { return }
      #expect(Log1pKernel.blockAvailable)
    #endif
  }

  @Test func fusedLog1pColumnEqualsUnfused() throws {
    let x = Array(Self.values().prefix(ElementwiseKernel.parallelRows + 4097))
    let (column, _) = try Column.double(x).applying(.log1p)
    guard case .double(let unfused) = column else { throw DatasetError.invalid("not a double column") }
    let fused = FusedExpression.unary(.log1p, .column(x)).evaluate(rows: x.count)
    #expect(ElementwiseParallelTests.same(fused, unfused))
  }
}
