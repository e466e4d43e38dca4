/// A compact preview of a survival or incidence figure for the terminal,
/// drawn with Unicode braille characters (each cell holds 2 × 4 dots).
///
/// The axes use the same domains and ticks as the SVG (`SurvivalPlotLayout`),
/// so the preview and the file agree. Groups are told apart by ANSI 256
/// colours; with `color: false` the second and later groups are drawn
/// dashed or dotted instead, and the legend shows the pattern.
public enum TerminalPreview {
  /// Renders `data` as lines of text: an optional title, `rows` rows of
  /// braille `columns` cells wide with y labels at the left, the x axis
  /// with its first, last and intermediate tick labels, the x title and a
  /// legend line. Every line ends with "\n".
  public static func render(
    _ data: SurvivalPlotData, options: PlotOptions = PlotOptions(), columns: Int = 70, rows: Int = 18,
    color: Bool = true, lineWidth: Int? = nil
  ) throws -> String {
    var columns = columns
    if let lineWidth {
      // The whole line (y labels, axis and curves) in `lineWidth` characters.
      guard (20...400).contains(lineWidth) else {
        throw PlotError.invalidOption(
          option: "term_width", message: "term_width must be between 20 and 400 (got \(lineWidth))")
      }
      columns = lineWidth - (try gutterWidth(data, options: options)) - 1
    }
    guard (10...400).contains(columns) else {
      throw PlotError.invalidOption(option: "columns", message: "columns must be between 10 and 400 (got \(columns))")
    }
    guard (4...200).contains(rows) else {
      throw PlotError.invalidOption(option: "rows", message: "rows must be between 4 and 200 (got \(rows))")
    }
    var o = options
    o.riskTable = false
    o.cumulativeEvents = false
    o.cumulativeCensored = false
    let layout = try SurvivalPlotLayout(data, options: o)
    let lo = layout.x.domainLower
    let hi = layout.x.domainUpper
    let yLo = layout.y.domainLower
    let yHi = layout.y.domainUpper

    var canvas = BrailleCanvas(columns: columns, rows: rows)
    let dotsX = Double(canvas.dotWidth - 1)
    let dotsY = Double(canvas.dotHeight - 1)
    func dx(_ t: Double) -> Int { BrailleCanvas.dot((t - lo) / (hi - lo) * dotsX, limit: canvas.dotWidth) }
    func dy(_ v: Double) -> Int { BrailleCanvas.dot((yHi - v) / (yHi - yLo) * dotsY, limit: canvas.dotHeight) }

    for (g, s) in data.series.enumerated() {
      let vertices = SurvivalPlotLayout.clip(
        SurvivalPlotLayout.stepVertices(s, origin: data.origin, start: data.startValue), lo, hi)
      let pattern = Self.pattern(data, series: g, color: color)
      var counter = 0
      for i in 1..<max(vertices.count, 1) {
        let a = vertices[i - 1]
        let b = vertices[i]
        canvas.drawLine(from: (dx(a.x), dy(a.y)), to: (dx(b.x), dy(b.y)), owner: g, pattern: pattern, counter: &counter)
      }
    }

    let palette = (0..<data.series.count).map { ANSIColor.code(for: layout.groups[$0].color, index: $0) }
    func paint(_ s: String, _ group: Int?) -> String {
      guard color, let group else { return s }
      return "\u{1b}[38;5;\(palette[group])m" + s + "\u{1b}[0m"
    }

    // y labels on the rows the ticks fall in: top, bottom and middle.
    var rowLabels: [Int: String] = [:]
    for (v, label) in zip(layout.yTicks, layout.yTickLabels) {
      let r = dy(v) / 4
      if v == layout.yTicks.first || v == layout.yTicks.last || abs(v - (yLo + yHi) / 2) < 1e-9 {
        rowLabels[r] = label
      }
    }
    let gutter = (rowLabels.values.map(\.count).max() ?? 0) + 1

    var out = ""
    if let title = options.title, !title.isEmpty { out += title + "\n" }
    out += String(repeating: " ", count: gutter + 1) + layout.yTitle.string + "\n"
    for r in 0..<rows {
      let label = rowLabels[r] ?? ""
      out += String(repeating: " ", count: gutter - 1 - label.count) + label + " "
      out += rowLabels[r] == nil ? "│" : "┤"
      var c = 0
      while c < columns {
        let owner = canvas.owner[r][c]
        var run = ""
        while c < columns && canvas.owner[r][c] == owner {
          run += canvas.character(row: r, column: c)
          c += 1
        }
        out += paint(run, owner)
      }
      out += "\n"
    }

    // x axis: a tick mark and label wherever the label fits.
    var axis = Array(repeating: Character("─"), count: columns)
    var labels = Array(repeating: Character(" "), count: columns + 8)
    var nextFree = 0
    for (i, (t, label)) in zip(layout.xTicks, layout.xTickLabels).enumerated() {
      let col = min(dx(t) / 2, columns - 1)
      axis[col] = "┴"
      let isLast = i == layout.xTicks.count - 1
      var start = col - label.count / 2
      if i == 0 { start = col }
      if isLast { start = min(start, columns + 1 - label.count) }
      start = max(start, 0)
      guard start >= nextFree, start + label.count <= labels.count else { continue }
      for (k, ch) in label.enumerated() { labels[start + k] = ch }
      nextFree = start + label.count + 1
    }
    out += String(repeating: " ", count: gutter) + "└" + String(axis) + "\n"
    let labelLine = String(labels).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    out += String(repeating: " ", count: gutter + 1) + labelLine + "\n"
    let xTitle = layout.xTitle.string
    out += String(repeating: " ", count: gutter + 1 + max(0, (columns - xTitle.count) / 2)) + xTitle + "\n"

    // Legend entries, wrapped to the plot's width.
    let indent = String(repeating: " ", count: gutter + 1)
    var legend = indent
    var used = 0
    for (g, group) in layout.groups.enumerated() {
      let swatch = Self.pattern(data, series: g, color: color).legend
      let entryWidth = 3 + group.label.count
      if used > 0 && used + 3 + entryWidth > columns {
        out += legend + "\n"
        legend = indent
        used = 0
      }
      if used > 0 {
        legend += "   "
        used += 3
      }
      legend += paint(swatch, g) + " " + group.label
      used += entryWidth
    }
    out += legend + "\n"
    // The p-value and hazard ratio, as the figure prints them in its panel.
    for note in [data.pValueText, data.hazardRatioText].compactMap({ $0 }) where !note.isEmpty {
      out += indent + note + "\n"
    }
    return out
  }

  /// A series' dots: solid in colour, else a pattern per group; curves
  /// that share a colour (causes in one panel) take a pattern per cause.
  static func pattern(_ data: SurvivalPlotData, series g: Int, color: Bool) -> DashPattern {
    if let lines = data.lineIndex, g < lines.count { return DashPattern.forGroup(lines[g]) }
    return color ? DashPattern.solid : DashPattern.forGroup(g)
  }

  /// The characters left of the axis line: the widest y label drawn (top,
  /// middle and bottom ticks) and a space.
  static func gutterWidth(_ data: SurvivalPlotData, options: PlotOptions) throws -> Int {
    var o = options
    o.riskTable = false
    o.cumulativeEvents = false
    o.cumulativeCensored = false
    let layout = try SurvivalPlotLayout(data, options: o)
    let mid = (layout.y.domainLower + layout.y.domainUpper) / 2
    var widest = 0
    for (v, label) in zip(layout.yTicks, layout.yTickLabels)
    where v == layout.yTicks.first || v == layout.yTicks.last || abs(v - mid) < 1e-9 {
      widest = max(widest, label.count)
    }
    return widest + 1
  }
}

/// Which dots of a line are drawn, by their running count along the curve.
struct DashPattern: Equatable {
  var on: Int
  var off: Int
  var legend: String

  static let solid = DashPattern(on: 1, off: 0, legend: "━━")

  static func forGroup(_ g: Int) -> DashPattern {
    switch g % 4 {
    case 0: return .solid
    case 1: return DashPattern(on: 3, off: 2, legend: "╍╍")
    case 2: return DashPattern(on: 1, off: 2, legend: "┄┄")
    default: return DashPattern(on: 5, off: 1, legend: "┅┅")
    }
  }

  func draws(_ counter: Int) -> Bool { off == 0 || counter % (on + off) < on }
}

/// A grid of braille cells, each 2 dots wide and 4 high, remembering which
/// group drew last in each cell (for its colour).
struct BrailleCanvas {
  let columns: Int
  let rows: Int
  var bits: [[UInt8]]
  var owner: [[Int?]]

  init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
    bits = Array(repeating: Array(repeating: 0, count: columns), count: rows)
    owner = Array(repeating: Array(repeating: nil, count: columns), count: rows)
  }

  var dotWidth: Int { columns * 2 }
  var dotHeight: Int { rows * 4 }

  /// Dot (x, y) within a cell → its bit in U+2800...U+28FF.
  private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

  /// A dot coordinate from a pixel position: rounded, and clamped to one
  /// dot outside `0..<limit` (NaN too), so that no coordinate traps in
  /// `Int(_:)` and lines to points off the canvas stay short.
  static func dot(_ x: Double, limit: Int) -> Int {
    guard x >= -1 else { return -1 }
    guard x <= Double(limit) else { return limit }
    return Int(x.rounded())
  }

  mutating func set(_ x: Int, _ y: Int, owner g: Int) {
    guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
    let r = y / 4
    let c = x / 2
    bits[r][c] |= Self.dotBits[x % 2][y % 4]
    owner[r][c] = g
  }

  /// Draws a horizontal or vertical run of dots (curves are step functions).
  mutating func drawLine(from a: (Int, Int), to b: (Int, Int), owner g: Int, pattern: DashPattern, counter: inout Int) {
    let steps = max(abs(b.0 - a.0), abs(b.1 - a.1))
    for k in 0...steps {
      let t = steps == 0 ? 0 : Double(k) / Double(steps)
      let x = a.0 + Int((Double(b.0 - a.0) * t).rounded())
      let y = a.1 + Int((Double(b.1 - a.1) * t).rounded())
      if k > 0 || counter == 0 {
        if pattern.draws(counter) { set(x, y, owner: g) }
        counter += 1
      }
    }
  }

  func character(row r: Int, column c: Int) -> String {
    let b = bits[r][c]
    guard b != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(b)) else { return " " }
    return String(Character(scalar))
  }
}

/// xterm 256-colour codes for the plot colours.
enum ANSIColor {
  /// The nearest colour of the 6×6×6 cube (codes 16–231) for a `#RRGGBB`
  /// or `#RGB` colour; named CSS colours and black (invisible on dark
  /// terminals) fall back to the palette's colour for the group.
  static func code(for color: String, index: Int) -> Int {
    if let rgb = parseHex(color), rgb != (0, 0, 0) { return cube(rgb) }
    let fallback = Palette.color(index)
    if let rgb = parseHex(fallback), rgb != (0, 0, 0) { return cube(rgb) }
    return 244  // mid grey, visible on light and dark backgrounds
  }

  static func cube(_ rgb: (Int, Int, Int)) -> Int {
    let levels = [0, 95, 135, 175, 215, 255]
    func nearest(_ v: Int) -> Int {
      var best = 0
      for (i, l) in levels.enumerated() where abs(l - v) < abs(levels[best] - v) { best = i }
      return best
    }
    return 16 + 36 * nearest(rgb.0) + 6 * nearest(rgb.1) + nearest(rgb.2)
  }

  static func parseHex(_ s: String) -> (Int, Int, Int)? {
    guard s.hasPrefix("#") else { return nil }
    var hex = String(s.dropFirst())
    if hex.count == 3 || hex.count == 4 { hex = String(hex.prefix(3).flatMap { [$0, $0] }) }
    guard hex.count >= 6, let v = Int(hex.prefix(6), radix: 16) else { return nil }
    return ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)
  }
}
