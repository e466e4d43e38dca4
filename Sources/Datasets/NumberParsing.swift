#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parsing of integers and doubles straight from CSV bytes, without
/// allocation.
///
/// Doubles must equal what C `strtod` returns for the same text (correct
/// rounding). Three steps, each exact where it answers: Clinger's fast path
/// (1990) for decimal text whose significand has at most 19 digits and fits
/// 2^53, with a power of ten |e| ≤ 22 (both factors are exact doubles, so one
/// IEEE multiplication or division rounds correctly); then Eisel–Lemire
/// (`EiselLemire`) for other significands of at most 19 digits; then
/// `strtod` for what remains (more digits, subnormals, overflow, exact
/// halfway cases), after this file has checked the text is plain decimal,
/// so `strtod`'s hex, whitespace and locale extensions never apply.
enum NumberParsing {
  /// 10^e for 0 ≤ e ≤ 22, all exact doubles. A switch rather than a global
  /// array: no lazy-initialisation check in the per-field loop.
  @inline(__always)
  static func powerOfTen(_ e: Int) -> Double {
    switch e {
    case 0: return 1
    case 1: return 1e1
    case 2: return 1e2
    case 3: return 1e3
    case 4: return 1e4
    case 5: return 1e5
    case 6: return 1e6
    case 7: return 1e7
    case 8: return 1e8
    case 9: return 1e9
    case 10: return 1e10
    case 11: return 1e11
    case 12: return 1e12
    case 13: return 1e13
    case 14: return 1e14
    case 15: return 1e15
    case 16: return 1e16
    case 17: return 1e17
    case 18: return 1e18
    case 19: return 1e19
    case 20: return 1e20
    case 21: return 1e21
    default: return 1e22
    }
  }

  /// An optionally signed decimal integer that fits `Int` and is not the NA
  /// sentinel `Int.min`.
  @inline(__always)
  static func parseInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    guard let value = parseFullInt(p, n) else { return nil }
    return value == Int.min ? nil : value
  }

  /// The optionally signed decimal integer at the start of `p[0..<n]` and
  /// the bytes it spans (the caller checks what follows); nil when it has no
  /// digit, overflows `Int` or is `Int.min` (the NA code).
  @inline(__always)
  static func scanInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> (value: Int, length: Int)? {
    var i = 0
    var negative = false
    if n > 0, p[0] == 45 || p[0] == 43 {
      negative = p[0] == 45
      i = 1
    }
    let first = i
    var value = 0
    while i < n {
      let d = Int(p[i]) &- 48
      if d < 0 || d > 9 { break }
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
      guard !o1, !o2 else { return nil }
      value = s
      i += 1
    }
    guard i > first, value != Int.min else { return nil }
    return (value, i)
  }

  /// Whether the text is an integer equal to `Int.min`
  /// (-9223372036854775808), which an int column cannot hold.
  static func isIntNACode(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    parseFullInt(p, n) == Int.min
  }

  /// An optionally signed decimal integer that fits `Int`, `Int.min` included.
  @inline(__always)
  static func parseFullInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    guard n > 0 else { return nil }
    var i = 0
    var negative = false
    if p[0] == 45 || p[0] == 43 {  // - +
      negative = p[0] == 45
      i = 1
      guard n > 1 else { return nil }
    }
    var value = 0
    while i < n {
      let d = Int(p[i]) &- 48
      guard d >= 0, d <= 9 else { return nil }
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
      guard !o1, !o2 else { return nil }
      value = s
      i += 1
    }
    return value
  }

  /// A decimal floating-point number (`[+-]digits[.digits][(e|E)[+-]digits]`,
  /// at least one digit in the significand), or `inf`/`infinity`/`nan` in any
  /// case with an optional sign.
  @inline(__always)
  static func parseDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    guard n > 0 else { return nil }
    let (value, length) = scanDouble(p, n)
    if length == 0 { return parseSpecial(p, n) }
    guard length == n else { return nil }
    return value
  }

  /// The decimal number at the start of `p[0..<n]` and the bytes it spans,
  /// stopping at the first byte that cannot continue it (the caller checks
  /// what follows: a delimiter, a line end). Length 0: no digit in the
  /// significand (perhaps `inf` or `nan`, see `parseSpecial`); value nil: an
  /// exponent without digits. No allocation: the chunked CSV reader parses
  /// fields in place with it.
  @inline(__always)
  static func scanDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> (value: Double?, length: Int) {
    // One pass with no per-digit branch beyond the digit test: with at most
    // 19 digits in all, the significand cannot overflow 64 bits and leading
    // zeros do not matter. Longer numbers take the careful scan.
    var i = 0
    var negative = false
    if n > 0, p[0] == 45 || p[0] == 43 {
      negative = p[0] == 45
      i = 1
    }
    let intStart = i
    var mantissa: UInt64 = 0
    while i < n {
      let d = UInt64(p[i]) &- 48
      if d > 9 { break }
      mantissa = mantissa &* 10 &+ d
      i += 1
    }
    var digitCount = i - intStart
    var fractionDigits = 0
    if i < n, p[i] == 46 {  // .
      i += 1
      let fracStart = i
      while i < n {
        let d = UInt64(p[i]) &- 48
        if d > 9 { break }
        mantissa = mantissa &* 10 &+ d
        i += 1
      }
      fractionDigits = i - fracStart
      digitCount += fractionDigits
    }
    if digitCount == 0 { return (nil, 0) }
    if digitCount > 19 { return scanLongDouble(p, n) }
    var exponent = -fractionDigits
    guard let e = scanExponent(p, n, &i) else { return (nil, i) }
    exponent += e
    if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
    if mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
      let m = Double(mantissa)
      let v = exponent >= 0 ? m * powerOfTen(exponent) : m / powerOfTen(-exponent)
      return (negative ? -v : v, i)
    }
    if let v = EiselLemire.double(mantissa: mantissa, exponent: exponent) {
      return (negative ? -v : v, i)
    }
    return (strtodFallback(p, i), i)
  }

  /// The exponent part at `i` (`e`/`E`, a sign, digits), moving `i` past
  /// it: 0 when there is none, nil when the `e` has no digits. Exponents are
  /// capped at 100,000 in magnitude (any larger over- or underflows alike).
  @inline(__always)
  static func scanExponent(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Int? {
    guard i < n, p[i] | 0x20 == 101 else { return 0 }  // e E
    i += 1
    var negative = false
    if i < n, p[i] == 45 || p[i] == 43 {
      negative = p[i] == 45
      i += 1
    }
    var e = 0
    var digits = 0
    while i < n {
      let d = Int(p[i]) &- 48
      if d < 0 || d > 9 { break }
      if e < 100_000 { e = e * 10 + d }
      digits += 1
      i += 1
    }
    guard digits > 0 else { return nil }
    return negative ? -e : e
  }

  /// `scanDouble` for numbers of more than 19 digits: the significand keeps
  /// the first 19 significant ones (the rest shift the exponent).
  static func scanLongDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> (value: Double?, length: Int) {
    var i = 0
    var negative = false
    if n > 0, p[0] == 45 || p[0] == 43 {
      negative = p[0] == 45
      i = 1
    }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var digitCount = 0
    var exponent = 0
    while i < n {
      let d = UInt64(p[i]) &- 48
      if d > 9 { break }
      if mantissa != 0 || d != 0 {
        significantDigits += 1
        if significantDigits <= 19 { mantissa = mantissa &* 10 &+ d } else { exponent += 1 }
      }
      digitCount += 1
      i += 1
    }
    if i < n, p[i] == 46 {  // .
      i += 1
      while i < n {
        let d = UInt64(p[i]) &- 48
        if d > 9 { break }
        if mantissa != 0 || d != 0 {
          significantDigits += 1
          if significantDigits <= 19 {
            mantissa = mantissa &* 10 &+ d
            exponent -= 1
          }
        } else {
          exponent -= 1
        }
        digitCount += 1
        i += 1
      }
    }
    if digitCount == 0 { return (nil, 0) }
    guard let e = scanExponent(p, n, &i) else { return (nil, i) }
    exponent += e
    if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
    if significantDigits <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
      let m = Double(mantissa)
      let v = exponent >= 0 ? m * powerOfTen(exponent) : m / powerOfTen(-exponent)
      return (negative ? -v : v, i)
    }
    if significantDigits <= 19, let v = EiselLemire.double(mantissa: mantissa, exponent: exponent) {
      return (negative ? -v : v, i)
    }
    return (strtodFallback(p, i), i)
  }

  static func parseSpecial(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    var i = 0
    var negative = false
    if p[0] == 45 || p[0] == 43 {
      negative = p[0] == 45
      i = 1
    }
    var word: [UInt8] = []
    while i < n, word.count < 9 {
      word.append(p[i] | 0x20)
      i += 1
    }
    guard i == n else { return nil }
    switch String(decoding: word, as: UTF8.self) {
    case "inf", "infinity": return negative ? -.infinity : .infinity
    case "nan": return .nan
    default: return nil
    }
  }

  /// `strtod` on a NUL-terminated copy of text already checked to be decimal.
  static func strtodFallback(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Double? in
      guard let base = buffer.baseAddress else { return nil }
      for k in 0..<n { base[k] = CChar(bitPattern: p[k]) }
      base[n] = 0
      var end: UnsafeMutablePointer<CChar>?
      let value = strtod(base, &end)
      guard let end, end == base + n else { return nil }
      return value
    }
  }
}
