import CKernels

extension RRounding.Rounder {
  /// R's `round(x, digits)` of `n` values of `x` into `y`, bit for bit
  /// `round(_:)` of each: the C kernel (`kaplan_round_digits`, which
  /// vectorises) decides every row whose value is a nonzero double that R
  /// scales below 2^52 without returning it unchanged, by R's own two
  /// candidates and comparison; it leaves the others (NA, 0, infinities, huge
  /// values) as NaN, and `round(_:)` computes them. The scalar `round(_:)`
  /// with its libm-free shortcuts takes ~10 ns a value; the block ~1.2 ns
  /// (AVX2) on the bench machine.
  @inline(__always)
  func round(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    guard fastLimit > 0 else {
      for i in 0..<n { y[i] = round(x[i]) }
      return
    }
    if kaplan_round_digits(x, y, n, p10, fastLimit) > 0 {
      for i in 0..<n where y[i].isNaN { y[i] = round(x[i]) }
    }
  }
}
