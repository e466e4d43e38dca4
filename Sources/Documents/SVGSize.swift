/// The size of an SVG figure from its root element's `width` and `height`
/// attributes (plain numbers or "px", as Kaplan's plots write them); 720 ×
/// 480 when they are missing or in other units.
enum SVGSize {
  static let fallback = (width: 720.0, height: 480.0)

  static func of(_ svg: String) -> (width: Double, height: Double) {
    guard let start = svg.range(of: "<svg") else { return fallback }
    let rest = svg[start.upperBound...]
    let tag = rest[..<(rest.firstIndex(of: ">") ?? rest.endIndex)]
    guard let w = attribute("width", in: tag), let h = attribute("height", in: tag), w > 0, h > 0,
      w.isFinite, h.isFinite
    else { return fallback }
    return (w, h)
  }

  private static func attribute(_ name: String, in tag: Substring) -> Double? {
    guard let r = tag.range(of: " " + name + "=\"") else { return nil }
    let value = tag[r.upperBound...].prefix { $0 != "\"" }
    let number = value.hasSuffix("px") ? value.dropLast(2) : value
    return Double(number)
  }
}

/// Escaping shared by the XML-based writers (HTML, WordprocessingML).
enum XMLText {
  /// Text for element content and attribute values: the five XML entities,
  /// and characters XML 1.0 forbids (controls other than tab and line
  /// breaks, U+FFFE/U+FFFF, lone surrogates cannot occur in a String)
  /// replaced by U+FFFD, so any text gives a well-formed document.
  static func escape(_ s: Substring) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(ch)
      default:
        if ch.value < 0x20 || ch.value == 0xFFFE || ch.value == 0xFFFF {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(ch)
        }
      }
    }
    return out
  }

  static func escape(_ s: String) -> String { escape(Substring(s)) }
}
