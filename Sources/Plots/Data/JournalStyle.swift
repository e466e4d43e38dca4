import Foundation

/// What a journal asks of a figure beyond its content: line types that
/// survive black-and-white printing, named palettes, a physical size and a
/// resolution. The names follow R's graphics (`lty` names: "solid",
/// "dashed", "dotted", "dotdash", "longdash", "twodash"; ggplot2's
/// `scale_colour_grey`, viridisLite's `viridis`), so scripts read as R users
/// expect.

/// A curve's line type, drawn as an SVG `stroke-dasharray`.
public enum LineType: String, CaseIterable, Equatable, Sendable {
  case solid, dashed, dotted, dotdash, longdash, twodash

  /// The dash pattern in SVG user units for a line of width about 1.8
  /// (R's `lty` hex codes scaled to that width: "44", "13", "1343", "73",
  /// "2262"); nil for solid.
  public var dashArray: String? {
    switch self {
    case .solid: return nil
    case .dashed: return "7 5"
    case .dotted: return "2 4"
    case .dotdash: return "2 4 7 4"
    case .longdash: return "13 5"
    case .twodash: return "4 4 11 4"
    }
  }

  /// The order `linetypes = true` cycles through: the most distinct first.
  public static let cycle: [LineType] = [.solid, .dashed, .dotted, .dotdash, .longdash, .twodash]

  /// Parses a name ("dashed"), naming the option and the entry when it is not one.
  public static func parse(_ name: String, option: String, index: Int) throws -> LineType {
    guard let t = LineType(rawValue: name) else {
      let names = allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
      throw PlotError.invalidOption(
        option: option, message: "\(option)[\(index + 1)] must be one of \(names) (got \"\(name)\")")
    }
    return t
  }
}

extension Palette {
  /// The palettes `palette = "..."` names. "default" and "okabe_ito" are the
  /// same colour-blind-safe colours; "greyscale" steps from black to a light
  /// grey (as ggplot2's `scale_colour_grey(start = 0, end = 0.6)`); "viridis"
  /// is viridisLite's perceptually uniform ramp, readable in greyscale too.
  public static let names = ["default", "okabe_ito", "greyscale", "grey", "viridis"]

  /// The colours of `count` groups in the palette `name` (nil: the default).
  public static func colors(_ name: String?, count: Int) throws -> [String] {
    switch name ?? "default" {
    case "default", "okabe_ito":
      return (0..<count).map { color($0) }
    case "greyscale", "grey":
      return (0..<count).map { grey($0, of: count) }
    case "viridis":
      return (0..<count).map { viridis($0, of: count) }
    default:
      let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
      throw PlotError.invalidOption(
        option: "palette", message: "palette must be one of \(list) (got \"\(name ?? "")\")")
    }
  }

  /// Grey levels from 0 (black) to 0.6 (a grey still read as text on white).
  static func grey(_ i: Int, of n: Int) -> String {
    let level = n <= 1 ? 0 : 0.6 * Double(i) / Double(n - 1)
    return hex(level, level, level)
  }

  /// viridis at 9 anchor colours (viridisLite::viridis(9)), interpolated;
  /// the ramp stops at 0.9 so the last colour is not a pale yellow.
  static func viridis(_ i: Int, of n: Int) -> String {
    let anchors: [(Double, Double, Double)] = [
      (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x90, 0x8C),
      (0x27, 0xAD, 0x81), (0x5D, 0xC8, 0x63), (0xAA, 0xDC, 0x32), (0xFD, 0xE7, 0x25),
    ]
    let t = n <= 1 ? 0 : 0.9 * Double(i) / Double(n - 1)
    let pos = t * Double(anchors.count - 1)
    let k = min(Int(pos), anchors.count - 2)
    let f = pos - Double(k)
    let a = anchors[k]
    let b = anchors[k + 1]
    return hex(
      (a.0 + (b.0 - a.0) * f) / 255, (a.1 + (b.1 - a.1) * f) / 255, (a.2 + (b.2 - a.2) * f) / 255)
  }

  private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
    let digits = Array("0123456789ABCDEF")
    var s = "#"
    for v in [r, g, b] {
      let byte = max(0, min(255, Int((v * 255).rounded())))
      s.append(digits[byte / 16])
      s.append(digits[byte % 16])
    }
    return s
  }
}

/// A length given with its unit, as journals state figure sizes: "7in",
/// "180mm", "18cm", "720px" (or a bare number of pixels). SVG user units are
/// CSS pixels, 96 to the inch, so a 7-inch figure is 672 units wide and a
/// PNG at `dpi` has 7 × dpi pixels.
///
/// The number is read strictly as plain decimal digits with an optional
/// fraction ("7", "7.5", ".5"): Swift's `Double(_:)` also takes hexadecimal
/// ("0x10" is 16), exponents, "inf" and "nan", which no journal size is, so
/// "0x10in" was a 16-inch figure (session-5 review).
public enum PhysicalLength {
  public static let pixelsPerInch = 96.0

  /// The units accepted, with their size in CSS pixels.
  public static let units: [(name: String, pixels: Double)] = [
    ("in", pixelsPerInch), ("mm", pixelsPerInch / 25.4), ("cm", pixelsPerInch / 2.54),
    ("px", 1), ("pt", pixelsPerInch / 72),
  ]

  /// The length in SVG user units; nil when `text` is not a positive
  /// decimal number (optionally followed by one of in, mm, cm, px, pt) or
  /// when the length is not finite.
  public static func pixels(_ text: String) -> Double? {
    let t = text.trimmingCharacters(in: .whitespaces).lowercased()
    var number = Substring(t)
    var factor = 1.0
    if let unit = units.first(where: { t.hasSuffix($0.name) }) {
      number = t.dropLast(unit.name.count)
      while number.last == " " { number = number.dropLast() }
      factor = unit.pixels
    }
    guard let x = decimal(number) else { return nil }
    let px = x * factor
    guard px.isFinite, px > 0 else { return nil }
    return px
  }

  /// `text` as a plain decimal number (digits, at most one point, at least
  /// one digit), else nil.
  static func decimal(_ text: Substring) -> Double? {
    var digits = 0
    var points = 0
    for c in text.utf8 {
      if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
        digits += 1
      } else if c == UInt8(ascii: ".") {
        points += 1
      } else {
        return nil
      }
    }
    guard digits > 0, points <= 1 else { return nil }
    return Double(text)
  }
}
