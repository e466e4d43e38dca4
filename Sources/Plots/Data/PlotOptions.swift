import Foundation

/// Options of `plot(result, opts)`, one property per Lua key (snake_case in
/// Lua, camelCase here). The binding's option schema (Scripting's
/// `PlotLibrary`) rejects unknown keys, wrong types and out-of-range sizes;
/// `validate()` checks the values again for other callers and names the key
/// in its error.
public struct PlotOptions: Equatable, Sendable {
  public var title: String?
  /// x-axis title; default "Time".
  public var xlab: String?
  /// y-axis title; default "Survival probability" / "Cumulative incidence"
  /// (forest plots: "Hazard ratio", under the axis).
  public var ylab: String?
  /// `[lower, upper]` of the time axis; default `[origin, last time]`
  /// rounded up to a tick.
  public var xlim: [Double]?
  /// `[lower, upper]` of the y axis; default `[0, 1]`.
  public var ylim: [Double]?
  /// Interval between x ticks (`breaks = 12`); default chosen from the range.
  public var breaks: Double?
  /// y axis in percent (0%–100%) instead of a proportion.
  public var percent: Bool
  /// Size in SVG user units (pixels at 96 dpi); height default fits the
  /// panel, legend and risk table.
  public var width: Double?
  public var height: Double?
  /// Base font size in pixels (tick labels, legend, risk table).
  public var fontSize: Double
  /// New group names, in the order of the series.
  public var labels: [String]?
  /// Group colours (`#RGB`, `#RRGGBB` or a CSS colour name), in series order.
  public var colors: [String]?
  /// Shaded, stepped confidence bands.
  public var confInt: Bool
  /// Censor marks ("+") on the curves.
  public var censorMarks: Bool
  /// Number-at-risk table under the panel.
  public var riskTable: Bool
  /// Extra table rows with cumulative events / cumulative censorings.
  public var cumulativeEvents: Bool
  public var cumulativeCensored: Bool
  /// Dashed lines at 0.5 to each group's median and down to the axis.
  public var medianLines: Bool
  /// Legend above the panel.
  public var legend: Bool
  /// Line type per series (cycled when shorter); nil draws every curve solid.
  public var linetypes: [LineType]? = nil
  /// A named palette (`Palette.names`) for groups without a colour in `colors`.
  public var palette: String? = nil
  /// The CSS font family of every text; nil: `PlotStyle.fontFamily`.
  public var fontFamily: String? = nil
  /// A title before the legend entries (the grouping variable's label).
  public var legendTitle: String? = nil

  public init(
    title: String? = nil, xlab: String? = nil, ylab: String? = nil, xlim: [Double]? = nil,
    ylim: [Double]? = nil, breaks: Double? = nil, percent: Bool = false, width: Double? = nil,
    height: Double? = nil, fontSize: Double = 12, labels: [String]? = nil, colors: [String]? = nil,
    confInt: Bool = false, censorMarks: Bool = true, riskTable: Bool = true,
    cumulativeEvents: Bool = false, cumulativeCensored: Bool = false, medianLines: Bool = false,
    legend: Bool = true
  ) {
    self.title = title
    self.xlab = xlab
    self.ylab = ylab
    self.xlim = xlim
    self.ylim = ylim
    self.breaks = breaks
    self.percent = percent
    self.width = width
    self.height = height
    self.fontSize = fontSize
    self.labels = labels
    self.colors = colors
    self.confInt = confInt
    self.censorMarks = censorMarks
    self.riskTable = riskTable
    self.cumulativeEvents = cumulativeEvents
    self.cumulativeCensored = cumulativeCensored
    self.medianLines = medianLines
    self.legend = legend
  }

  /// The widths, heights and font sizes a figure can have (the binding's
  /// option schema declares the same ranges from these).
  public static let widthRange: ClosedRange<Double> = 200...10_000
  public static let heightRange: ClosedRange<Double> = 150...10_000
  public static let fontSizeRange: ClosedRange<Double> = 4...72

  /// Checks every value that does not depend on the data.
  public func validate() throws {
    try Self.checkRange(xlim, name: "xlim")
    try Self.checkRange(ylim, name: "ylim")
    if let breaks, !(breaks.isFinite && breaks > 0) {
      throw Self.fail("breaks", "breaks must be a positive number (got \(Self.show(breaks)))")
    }
    if let width, !Self.widthRange.contains(width) {
      throw Self.fail("width", "width must be between 200 and 10000 (got \(Self.show(width)))")
    }
    if let height, !Self.heightRange.contains(height) {
      throw Self.fail("height", "height must be between 150 and 10000 (got \(Self.show(height)))")
    }
    if !Self.fontSizeRange.contains(fontSize) {
      throw Self.fail("font_size", "font_size must be between 4 and 72 (got \(Self.show(fontSize)))")
    }
    if let colors {
      for (i, c) in colors.enumerated() where !CSSColor.isValid(c) {
        throw Self.fail(
          "colors",
          "colors[\(i + 1)] must be a colour such as \"#0072B2\" or \"steelblue\" (got \"\(c)\")")
      }
    }
    if let palette, !Palette.names.contains(palette) {
      _ = try Palette.colors(palette, count: 0)
    }
    if let fontFamily {
      let allowed = fontFamily.unicodeScalars.allSatisfy {
        $0.properties.isAlphabetic || $0.properties.numericType != nil || " ,-_'".unicodeScalars.contains($0)
      }
      guard allowed, !fontFamily.trimmingCharacters(in: .whitespaces).isEmpty, fontFamily.count <= 200 else {
        throw Self.fail(
          "font_family",
          "font_family must be font names separated by commas, such as \"Times New Roman, serif\" "
            + "(got \"\(fontFamily)\")")
      }
    }
    if let linetypes, linetypes.isEmpty {
      throw Self.fail("linetypes", "linetypes must name at least one line type (got an empty list)")
    }
    if let xlim, let breaks, (xlim[1] - xlim[0]) / breaks > 100 {
      throw Self.fail(
        "breaks",
        "breaks = \(Self.show(breaks)) gives more than 100 ticks over xlim "
          + "{\(Self.show(xlim[0])), \(Self.show(xlim[1]))}")
    }
  }

  /// Checks the options that depend on the number of groups.
  func validate(groupCount: Int, colorCount: Int? = nil) throws {
    let entries = groupCount == 1 ? "entry" : "entries"
    if let labels, labels.count != groupCount {
      throw Self.fail("labels", "labels must have \(groupCount) \(entries), one per group (got \(labels.count))")
    }
    let colorCount = colorCount ?? groupCount
    let colorEntries = colorCount == 1 ? "entry" : "entries"
    if let colors, colors.count < colorCount {
      throw Self.fail(
        "colors", "colors must have at least \(colorCount) \(colorEntries), one per group (got \(colors.count))")
    }
  }

  /// The colour of every series: `colors` where given, else the palette's.
  func seriesColors(_ count: Int) -> [String] {
    let fallback = (try? Palette.colors(palette, count: count)) ?? (0..<count).map { Palette.color($0) }
    return (0..<count).map { i in colors.flatMap { i < $0.count ? $0[i] : nil } ?? fallback[i] }
  }

  /// The dash pattern of series `index` (nil: solid).
  func dashArray(_ index: Int) -> String? {
    guard let linetypes, !linetypes.isEmpty else { return nil }
    return linetypes[index % linetypes.count].dashArray
  }

  /// Named faces first (what journals use), then the generic family.
  public static let defaultFontFamily = "Arial, Helvetica, sans-serif"

  /// The font family every SVG text uses.
  var svgFontFamily: String { fontFamily ?? PlotStyle.fontFamily }

  private static func checkRange(_ r: [Double]?, name: String) throws {
    guard let r else { return }
    guard r.count == 2 else {
      throw fail(name, "\(name) must have 2 numbers {lower, upper} (got \(r.count))")
    }
    guard r[0].isFinite && r[1].isFinite else {
      throw fail(name, "\(name) must be finite (got {\(show(r[0])), \(show(r[1]))})")
    }
    guard r[0] < r[1] else {
      throw fail(name, "\(name) must be increasing (got {\(show(r[0])), \(show(r[1]))})")
    }
  }

  private static func fail(_ option: String, _ message: String) -> PlotError {
    .invalidOption(option: option, message: message)
  }

  /// A number as Lua would print it: integers without ".0".
  static func show(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return String(x)
  }
}

/// CSS colour syntax accepted by `colors`: hex forms and the named colours.
enum CSSColor {
  static func isValid(_ s: String) -> Bool {
    let scalars = Array(s.unicodeScalars)
    if scalars.first == "#" {
      let hex = scalars.dropFirst()
      guard [3, 4, 6, 8].contains(hex.count) else { return false }
      return hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
    }
    return names.contains(s.lowercased())
  }

  static let names: Set<String> = [
    "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black",
    "blanchedalmond", "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse",
    "chocolate", "coral", "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan",
    "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki", "darkmagenta",
    "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon", "darkseagreen",
    "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink",
    "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite", "forestgreen",
    "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod", "gray", "green", "greenyellow",
    "grey", "honeydew", "hotpink", "indianred", "indigo", "ivory", "khaki", "lavender",
    "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan",
    "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey", "lightpink", "lightsalmon",
    "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue",
    "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine",
    "mediumblue", "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue",
    "mediumspringgreen", "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream",
    "mistyrose", "moccasin", "navajowhite", "navy", "oldlace", "olive", "olivedrab", "orange",
    "orangered", "orchid", "palegoldenrod", "palegreen", "paleturquoise", "palevioletred",
    "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "rebeccapurple",
    "red", "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell",
    "sienna", "silver", "skyblue", "slateblue", "slategray", "slategrey", "snow", "springgreen",
    "steelblue", "tan", "teal", "thistle", "tomato", "turquoise", "violet", "wheat", "white",
    "whitesmoke", "yellow", "yellowgreen",
  ]
}
