import CKernels

extension ModuloKernel {
  /// `x %% divisor` of `n` values into `y`, bit for bit `callAsFunction` of
  /// each: for a whole divisor the C kernel (`kaplan_modulo_whole`) decides
  /// the exact case of `callAsFunction` branch-free and leaves the other rows
  /// as NaN for it. `y` may be `x` (`BlockKernels.withoutOverlap`). The
  /// warning count is the caller's, as before.
  func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    guard wholeDivisor else {
      for i in 0..<n { y[i] = self(x[i]) }
      return
    }
    BlockKernels.withoutOverlap(x, y, n) { x, y, n in
      if kaplan_modulo_whole(x, y, n, divisor) > 0 {
        for i in 0..<n where y[i].isNaN { y[i] = self(x[i]) }
      }
    }
  }
}
