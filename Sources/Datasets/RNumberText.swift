#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Text of numbers as R writes them in `as.character` and `paste`, shared by
/// the column functions (`as_string`, `paste`, messages) and Analysis's
/// factor levels and labels (`RValueFormat`).
public enum RNumberText {
  /// R's `as.character` of a double (R 4.2): 15 significant digits, trailing
  /// zeros dropped, fixed notation unless scientific is narrower
  /// (`formatReal` with `scipen = 0`): `0.3`, `1e+05`, `123456`, `1e-04`,
  /// `0.333333333333333`; NA for NaN, Inf and -Inf for infinities.
  public static func asCharacter(_ x: Double) -> String {
    if x.isNaN { return "NA" }
    if x.isInfinite { return x < 0 ? "-Inf" : "Inf" }
    if x == 0 { return "0" }
    // The value rounded to 15 significant digits, trailing zeros dropped.
    guard let (digits, exponent) = shortestDigits(x) ?? roundedDigits(x) else { return String(describing: x) }
    return written(x, digits: digits, exponent: exponent)
  }

  /// `asCharacter` computed through C's snprintf only (the reference the
  /// fast path is tested against).
  static func asCharacterBySnprintf(_ x: Double) -> String {
    guard x.isFinite, x != 0, let (digits, exponent) = roundedDigits(x) else { return asCharacter(x) }
    return written(x, digits: digits, exponent: exponent)
  }

  /// The digits of Swift's shortest round-trip text of x (`description`)
  /// when there are at most 15: then they are also x rounded to 15 digits
  /// (the shortest text lies within half an ulp of x, 1.1e-16 relative,
  /// and 15-digit decimals are at least 1e-15 apart, so no other one is
  /// nearer). Nil when it has 16 or 17 digits, and for subnormal numbers.
  static func shortestDigits(_ x: Double) -> (digits: [UInt8], exponent: Int)? {
    // Subnormals have fewer bits: their shortest text can be far from 15 digits' rounding.
    guard x.isNormal else { return nil }
    var digits: [UInt8] = []
    digits.reserveCapacity(17)
    var pointAt: Int?
    var exponent = 0
    var inExponent = false, negativeExponent = false
    for b in abs(x).description.utf8 {
      if inExponent {
        if b == UInt8(ascii: "-") { negativeExponent = true } else if b >= 48, b <= 57 {
          exponent = exponent * 10 + Int(b - 48)
        }
      } else if b == UInt8(ascii: ".") {
        pointAt = digits.count
      } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
        inExponent = true
      } else if b >= 48, b <= 57 {
        digits.append(b)
      } else {
        return nil
      }
    }
    if negativeExponent { exponent = -exponent }
    // d1 d2 ... with the point after `pointAt` digits: x = 0.d1d2... × 10^pointAt × 10^exponent.
    var decimalExponent = (pointAt ?? digits.count) - 1 + exponent
    var leading = 0
    while leading < digits.count - 1, digits[leading] == UInt8(ascii: "0") {
      leading += 1
      decimalExponent -= 1
    }
    digits.removeFirst(leading)
    while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
    guard digits.count <= 15, digits.first != UInt8(ascii: "0") else { return nil }
    return (digits, decimalExponent)
  }

  /// x rounded to 15 significant digits by C's "%.14e" (correct rounding of
  /// the binary value, as R), trailing zeros dropped.
  static func roundedDigits(_ x: Double) -> (digits: [UInt8], exponent: Int)? {
    var sci = [UInt8](repeating: 0, count: 32)
    let length = cFormat("%.14e", abs(x), into: &sci)
    guard length >= 20 else { return nil }
    // d.dddddddddddddde±XX: the digits (the point skipped), then the exponent.
    var digits: [UInt8] = [sci[0]] + sci[2..<16]
    var exponent = 0
    var k = 18
    while k < length {
      exponent = exponent * 10 + Int(sci[k] - 48)
      k += 1
    }
    if sci[17] == UInt8(ascii: "-") { exponent = -exponent }
    while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
    return (digits, exponent)
  }

  /// R's choice between fixed and scientific notation for x, whose 15-digit
  /// rounding is `digits` × 10^(exponent − digits + 1).
  static func written(_ x: Double, digits: [UInt8], exponent: Int) -> String {
    let nsig = digits.count

    let sciWidth = (nsig > 1 ? nsig + 1 : 1) + (abs(exponent) >= 100 ? 5 : 4)
    let fixedWidth: Int
    if exponent >= 0 {
      let right = Swift.max(0, nsig - exponent - 1)
      fixedWidth = exponent + 1 + (right > 0 ? right + 1 : 0)
    } else {
      fixedWidth = 2 + (nsig - exponent - 1)
    }
    var out: [UInt8] = x < 0 ? [UInt8(ascii: "-")] : []
    out.reserveCapacity(32)
    if fixedWidth <= sciWidth {
      if exponent >= 0 {
        // A whole number: R writes every integer digit (sprintf "%.0f"), so
        // 2^53 is 9007199254740992, not 15 digits padded with a zero.
        if nsig <= exponent + 1, exponent >= 15 {
          var whole = [UInt8](repeating: 0, count: 32)
          let n = cFormat("%.0f", abs(x), into: &whole)
          out += whole.prefix(Swift.max(n, 0))
        } else if nsig <= exponent + 1 {
          // Below 10^15 the 15 digits are the whole number.
          out += digits
          out += [UInt8](repeating: UInt8(ascii: "0"), count: exponent + 1 - nsig)
        } else {
          out += digits[0...exponent]
          out.append(UInt8(ascii: "."))
          out += digits[(exponent + 1)...]
        }
      } else {
        out += [UInt8(ascii: "0"), UInt8(ascii: ".")]
        out += [UInt8](repeating: UInt8(ascii: "0"), count: -exponent - 1)
        out += digits
      }
      return String(decoding: out, as: UTF8.self)
    }
    out.append(digits[0])
    if nsig > 1 {
      out.append(UInt8(ascii: "."))
      out += digits[1...]
    }
    out += [UInt8(ascii: "e"), UInt8(ascii: exponent < 0 ? "-" : "+")]
    let e = abs(exponent)
    if e < 10 { out.append(UInt8(ascii: "0")) }
    out += Array(String(e).utf8)
    return String(decoding: out, as: UTF8.self)
  }

  /// C's `snprintf(buffer, format, x)`: the number of bytes written (the
  /// buffer holds 32, enough for "%.14e" and for "%.0f" of numbers below
  /// 10^30, the only ones written in fixed notation here).
  static func cFormat(_ format: String, _ x: Double, into buffer: inout [UInt8]) -> Int {
    let capacity = buffer.count
    let n = buffer.withUnsafeMutableBufferPointer { b -> Int32 in
      b.baseAddress?.withMemoryRebound(to: CChar.self, capacity: capacity) { p in
        withVaList([x]) { vsnprintf(p, capacity, format, $0) }
      } ?? -1
    }
    return Swift.min(Int(n), capacity - 1)
  }
}
