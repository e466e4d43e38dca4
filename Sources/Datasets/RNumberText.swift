import Foundation

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
    let sign = x < 0 ? "-" : ""
    // "%.14e" rounds the binary value correctly to 15 significant digits.
    let sci = String(format: "%.14e", abs(x))
    guard let eIndex = sci.firstIndex(of: "e"), let exponent = Int(sci[sci.index(after: eIndex)...])
    else { return sign + sci }
    var digits = Array(sci[..<eIndex].filter { $0 != "." })
    while digits.count > 1, digits.last == "0" { digits.removeLast() }
    let nsig = digits.count

    let sciWidth = (nsig > 1 ? nsig + 1 : 1) + (abs(exponent) >= 100 ? 5 : 4)
    let fixedWidth: Int
    if exponent >= 0 {
      let right = max(0, nsig - exponent - 1)
      fixedWidth = exponent + 1 + (right > 0 ? right + 1 : 0)
    } else {
      fixedWidth = 2 + (nsig - exponent - 1)
    }

    if fixedWidth <= sciWidth {
      if exponent >= 0 {
        // A whole number: R writes every integer digit (sprintf "%.0f"), so
        // 2^53 is 9007199254740992, not 15 digits padded with a zero.
        if nsig <= exponent + 1 { return sign + String(format: "%.0f", abs(x)) }
        return sign + String(digits[0...exponent]) + "." + String(digits[(exponent + 1)...])
      }
      return sign + "0." + String(repeating: "0", count: -exponent - 1) + String(digits)
    }
    let mantissa = nsig > 1 ? "\(digits[0])." + String(digits[1...]) : String(digits[0])
    let e = abs(exponent)
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0\(e)" : "\(e)")
  }
}
