/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): a 64-bit counter passed through a bijective
/// mixer. Tiny, fast and the same stream on every platform, so a seed fixes
/// a bootstrap, a generated benchmark file or a property test's data.
/// The project's one copy: kernels, benchmarks and tests all use this one.
/// Not for statistics that need long periods (2^64 here) or independent
/// streams; `d:sample` uses xoshiro256**, seeded through this mixer.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform on the open interval (0, 1): the top 53 bits, offset by half a
  /// step, so `log(nextUnit())` is always finite.
  public mutating func nextUnit() -> Double {
    (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
  }
}
