/// The Eisel–Lemire decimal-to-double conversion: exact (correctly rounded,
/// as `strtod`) or a refusal, never a wrong answer.
///
/// Reference: D. Lemire, "Number parsing at a gigabyte per second",
/// Software: Practice and Experience 51(8), 2021, algorithm 1, after
/// M. Eisel; the variant that gives up (rather than guessing) follows
/// N. Tao's description ("The Eisel-Lemire ParseNumberF64 Algorithm", 2020).
/// `w × 10^q` is formed as the top bits of the 64×128-bit product of the
/// normalised significand and a 128-bit underestimate of 10^q
/// (`PowersOfTen128`). Because the table rounds down, the true product lies
/// less than `w` units above the computed one in its low word: when adding
/// that could change the bits kept, or the value sits exactly halfway
/// between two doubles, or the result is subnormal or overflows, the
/// function returns nil and the caller falls back to `strtod`. Numbers with
/// more than 19 significant digits never come here (their significand was
/// truncated).
enum EiselLemire {
  /// `mantissa × 10^exponent` as a double (mantissa non-zero, exact), or nil.
  @inline(__always)
  static func double(mantissa: UInt64, exponent: Int) -> Double? {
    guard mantissa != 0, exponent >= PowersOfTen128.minExponent, exponent <= PowersOfTen128.maxExponent else {
      return nil
    }
    let clz = mantissa.leadingZeroBitCount
    let w = mantissa << UInt64(clz)
    let index = 2 * (exponent - PowersOfTen128.minExponent)
    let high = PowersOfTen128.words[index], low = PowersOfTen128.words[index + 1]
    // Biased binary exponent: floor(q·log2 10) (217706/2^16 ≈ log2 10,
    // exact over the table's range) + 64 + 1023, less the normalising shift.
    var exponent2 = (217_706 &* exponent) >> 16 &+ 64 &+ 1023 &- clz

    var (xHi, xLo) = w.multipliedFullWidth(by: high)
    // The 53+1 bits kept are xHi's top ones; its low 9 bits all set means a
    // carry from the part not yet multiplied could change them.
    if xHi & 0x1FF == 0x1FF, xLo &+ w < xLo {
      let (yHi, yLo) = w.multipliedFullWidth(by: low)
      var mergedHi = xHi
      let mergedLo = xLo &+ yHi
      if mergedLo < xLo { mergedHi &+= 1 }
      if mergedHi & 0x1FF == 0x1FF, mergedLo &+ 1 == 0, yLo &+ w < yLo { return nil }
      xHi = mergedHi
      xLo = mergedLo
    }
    let msb = xHi >> 63
    var m = xHi >> (msb &+ 9)
    exponent2 -= 1 ^ Int(msb)
    // Exactly halfway between two doubles: round-half-even needs all digits.
    if xLo == 0, xHi & 0x1FF == 0, m & 3 == 1 { return nil }
    m &+= m & 1
    m >>= 1
    if m >> 53 > 0 {
      m >>= 1
      exponent2 += 1
    }
    // Subnormal, zero, infinite: left to strtod.
    guard exponent2 >= 1, exponent2 < 0x7FF else { return nil }
    return Double(bitPattern: UInt64(exponent2) << 52 | m & 0x000F_FFFF_FFFF_FFFF)
  }
}
