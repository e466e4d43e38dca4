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
    // "%.14e" rounds the binary value correctly to 15 significant digits:
    // d.dddddddddddddde±XX. Written with C's snprintf into a stack buffer
    // (Foundation's String(format:) costs ~10 µs a call; paste and
    // as_string call this once per distinct value of a column).
    var sci = [UInt8](repeating: 0, count: 32)
    let length = cFormat("%.14e", abs(x), into: &sci)
    guard length >= 20 else { return String(decoding: sci.prefix(Swift.max(length, 0)), as: UTF8.self) }
    // Digits (the point skipped), then the exponent after "e".
    var digits: [UInt8] = [sci[0]] + sci[2..<16]
    var exponent = 0
    var k = 17
    let negativeExponent = sci[k] == UInt8(ascii: "-")
    k += 1
    while k < length { exponent = exponent * 10 + Int(sci[k] - 48); k += 1 }
    if negativeExponent { exponent = -exponent }
    while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
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
        if nsig <= exponent + 1 {
          var whole = [UInt8](repeating: 0, count: 32)
          let n = cFormat("%.0f", abs(x), into: &whole)
          out += whole.prefix(Swift.max(n, 0))
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
