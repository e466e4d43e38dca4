/// A small, deterministic SVG builder.
///
/// Every number goes through `SVGWriter.number(_:)`, which rounds to two
/// decimals and never consults a locale, so the same input gives the same
/// bytes on every machine and run. Text is escaped for XML.
struct SVGWriter {
  private(set) var body = ""
  let width: Double
  let height: Double
  let fontFamily: String

  init(width: Double, height: Double, fontFamily: String = PlotStyle.fontFamily) {
    self.width = width
    self.height = height
    self.fontFamily = fontFamily
  }

  /// The finished document: XML declaration, root element with a viewBox,
  /// a white background, then the drawn elements.
  func document() -> String {
    let w = SVGWriter.number(width)
    let h = SVGWriter.number(height)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
    out += "viewBox=\"0 0 \(w) \(h)\" font-family=\"\(SVGWriter.escape(fontFamily))\">\n"
    out += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#FFFFFF\"/>\n"
    out += body
    out += "</svg>\n"
    return out
  }

  // MARK: Elements

  mutating func raw(_ s: String) { body += s + "\n" }

  mutating func comment(_ s: String) {
    // "--" may not appear inside an XML comment.
    let safe = s.replacingOccurrences(of: "--", with: "- -")
    body += "<!-- \(safe) -->\n"
  }

  mutating func openGroup(_ attributes: [(String, String)] = []) {
    body += "<g\(SVGWriter.attributes(attributes))>\n"
  }

  mutating func closeGroup() { body += "</g>\n" }

  mutating func line(_ a: Point, _ b: Point, stroke: String, width: Double, dash: String? = nil, cap: String? = nil) {
    var attrs: [(String, String)] = [
      ("x1", SVGWriter.number(a.x)), ("y1", SVGWriter.number(a.y)),
      ("x2", SVGWriter.number(b.x)), ("y2", SVGWriter.number(b.y)),
      ("stroke", stroke), ("stroke-width", SVGWriter.number(width)),
    ]
    if let dash { attrs.append(("stroke-dasharray", dash)) }
    if let cap { attrs.append(("stroke-linecap", cap)) }
    body += "<line\(SVGWriter.attributes(attrs))/>\n"
  }

  mutating func rect(_ r: Rect, fill: String, stroke: String? = nil, strokeWidth: Double? = nil) {
    var attrs: [(String, String)] = [
      ("x", SVGWriter.number(r.x)), ("y", SVGWriter.number(r.y)),
      ("width", SVGWriter.number(r.width)), ("height", SVGWriter.number(r.height)),
      ("fill", fill),
    ]
    if let stroke { attrs.append(("stroke", stroke)) }
    if let strokeWidth { attrs.append(("stroke-width", SVGWriter.number(strokeWidth))) }
    body += "<rect\(SVGWriter.attributes(attrs))/>\n"
  }

  mutating func polyline(_ points: [Point], stroke: String, width: Double, extra: [(String, String)] = []) {
    guard !points.isEmpty else { return }
    var attrs: [(String, String)] = [
      ("points", SVGWriter.pointList(points)), ("fill", "none"),
      ("stroke", stroke), ("stroke-width", SVGWriter.number(width)),
      ("stroke-linejoin", "miter"),
    ]
    attrs += extra
    body += "<polyline\(SVGWriter.attributes(attrs))/>\n"
  }

  mutating func polygon(_ points: [Point], fill: String, opacity: Double) {
    guard points.count >= 3 else { return }
    let attrs: [(String, String)] = [
      ("points", SVGWriter.pointList(points)), ("fill", fill),
      ("fill-opacity", SVGWriter.number(opacity)), ("stroke", "none"),
    ]
    body += "<polygon\(SVGWriter.attributes(attrs))/>\n"
  }

  mutating func path(_ d: String, stroke: String, width: Double, fill: String = "none") {
    let attrs: [(String, String)] = [
      ("d", d), ("fill", fill), ("stroke", stroke), ("stroke-width", SVGWriter.number(width)),
    ]
    body += "<path\(SVGWriter.attributes(attrs))/>\n"
  }

  mutating func circle(_ c: Point, radius: Double, fill: String) {
    let attrs: [(String, String)] = [
      ("cx", SVGWriter.number(c.x)), ("cy", SVGWriter.number(c.y)),
      ("r", SVGWriter.number(radius)), ("fill", fill),
    ]
    body += "<circle\(SVGWriter.attributes(attrs))/>\n"
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ s: String, at p: Point, size: Double, anchor: Anchor = .start, fill: String = PlotStyle.ink,
    bold: Bool = false, rotate: Double? = nil
  ) {
    var attrs: [(String, String)] = [
      ("x", SVGWriter.number(p.x)), ("y", SVGWriter.number(p.y)),
      ("font-size", SVGWriter.number(size)),
    ]
    if anchor != .start { attrs.append(("text-anchor", anchor.rawValue)) }
    if bold { attrs.append(("font-weight", "bold")) }
    attrs.append(("fill", fill))
    if let rotate {
      attrs.append(("transform", "rotate(\(SVGWriter.number(rotate)) \(SVGWriter.number(p.x)) "
        + "\(SVGWriter.number(p.y)))"))
    }
    body += "<text\(SVGWriter.attributes(attrs))>\(SVGWriter.escape(s))</text>\n"
  }

  // MARK: Formatting

  /// `x` rounded to two decimals, without trailing zeros or a locale:
  /// 12 → "12", 3.5 → "3.5", -0.004 → "0", 1.005 → "1.01" (half away from zero).
  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "0" }
    let scaled = (abs(x) * 100).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9.0e15 else { return x < 0 ? "-9e13" : "9e13" }
    let hundredths = Int64(scaled)
    if hundredths == 0 { return "0" }
    let whole = hundredths / 100
    let frac = hundredths % 100
    var s = x < 0 ? "-" : ""
    s += String(whole)
    if frac != 0 {
      s += "."
      s += frac % 10 == 0 ? String(frac / 10) : (frac < 10 ? "0" + String(frac) : String(frac))
    }
    return s
  }

  static func pointList(_ points: [Point]) -> String {
    points.map { number($0.x) + "," + number($0.y) }.joined(separator: " ")
  }

  static func attributes(_ attrs: [(String, String)]) -> String {
    attrs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
  }

  /// Escapes XML metacharacters and drops characters XML 1.0 forbids
  /// (C0 controls other than tab, newline and carriage return).
  static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
