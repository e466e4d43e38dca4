import CKernels
import Foundation
import RunControl

extension Log1pKernel {
  /// `log1p` of `n` values of `x` into `y`, bit for bit `callAsFunction` of
  /// each. Where `blockAvailable`, the C loop (`kaplan_log1p_block`, fdlibm's
  /// algorithm with the multiply-adds of glibc's FMA build, ~3 ns a value
  /// against glibc's ~9.5 ns on the bench machine, four at a time) computes
  /// the rows on glibc's main path and leaves the others as NaN for
  /// `Foundation.log1p`. `y` may be `x` (`BlockKernels.withoutOverlap`).
  func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    guard Self.blockAvailable else {
      for i in 0..<n { y[i] = self(x[i]) }
      return
    }
    BlockKernels.withoutOverlap(x, y, n) { x, y, n in
      if kaplan_log1p_block(x, y, n) > 0 {
        for i in 0..<n where y[i].isNaN { y[i] = self(x[i]) }
      }
    }
  }

  /// Whether the C loop runs here and agrees with the libm this process
  /// calls: the CPU has AVX2 and FMA (else glibc runs its SSE2 build, with
  /// other roundings) and the loop gives `Foundation.log1p`'s bits on
  /// `probeValues`. Another libm (a later glibc, musl) fails the probe and
  /// every value then comes from `Foundation.log1p`.
  static let blockAvailable: Bool = {
    guard cpuRunsBlock else { return false }
    let probe = probeValues
    var out = [Double](repeating: 0, count: probe.count)
    probe.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        guard let xs = x.baseAddress, let ys = y.baseAddress else { return }
        _ = kaplan_log1p_block(xs, ys, probe.count)
      }
    }
    for (v, r) in zip(probe, out) where !r.isNaN && r.bitPattern != Foundation.log1p(v).bitPattern {
      return false
    }
    return true
  }()

  /// Whether the CPU has what the C loop needs (AVX2 and FMA).
  static var cpuRunsBlock: Bool { kaplan_log1p_block_available() != 0 }

  /// 4,096 values over every branch of the main path (both sides of
  /// -0.2929 and 0.41422, k < 0, k = 0 and k > 0, both halves of the
  /// normalisation at sqrt(2)), from a fixed SplitMix64 stream.
  static var probeValues: [Double] {
    var random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
    func next() -> UInt64 { random.next() }
    return (0..<4096).map { i in
      let unit = Double(next() >> 11) * 0x1p-53
      switch i % 4 {
      case 0: return unit * 2 - 1  // (-1, 1)
      case 1: return unit * 100  // k up to 6
      case 2: return Foundation.scalbn(unit + 0.5, Int(next() % 80) - 40)  // 2^-41 ... 2^40
      default: return -0.2929 + (unit - 0.5) * 1e-3  // the k = 0 boundary below 0
      }
    }
  }
}
