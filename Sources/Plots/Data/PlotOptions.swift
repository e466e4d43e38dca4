/// Options of `plot(result, opts)`, one property per Lua key (snake_case in
/// Lua, camelCase here). The Lua layer rejects unknown keys and wrong types;
/// `validate()` checks the values and names the key in its error.
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

  /// Checks every value that does not depend on the data.
  public func validate() throws {
    try Self.checkRange(xlim, name: "xlim")
    try Self.checkRange(ylim, name: "ylim")
    if let breaks, !(breaks.isFinite && breaks > 0) {
      throw Self.fail("breaks", "breaks must be a positive number (got \(Self.show(breaks)))")
    }
    if let width, !(width.isFinite && width >= 200 && width <= 10_000) {
      throw Self.fail("width", "width must be between 200 and 10000 (got \(Self.show(width)))")
    }
    if let height, !(height.isFinite && height >= 150 && height <= 10_000) {
      throw Self.fail("height", "height must be between 150 and 10000 (got \(Self.show(height)))")
    }
    if !(fontSize.isFinite && fontSize >= 4 && fontSize <= 72) {
      throw Self.fail("font_size", "font_size must be between 4 and 72 (got \(Self.show(fontSize)))")
    }
    if let colors {
      for (i, c) in colors.enumerated() where !CSSColor.isValid(c) {
        throw Self.fail(
          "colors",
          "colors[\(i + 1)] must be a colour such as \"#0072B2\" or \"steelblue\" (got \"\(c)\")")
      }
    }
    if let xlim, let breaks, (xlim[1] - xlim[0]) / breaks > 100 {
      throw Self.fail(
        "breaks",
        "breaks = \(Self.show(breaks)) gives more than 100 ticks over xlim {\(Self.show(xlim[0])), "
          + "\(Self.show(xlim[1]))}")
    }
  }

  /// Checks the options that depend on the number of groups.
  func validate(groupCount: Int) throws {
    if let labels, labels.count != groupCount {
      throw Self.fail(
        "labels", "labels must have \(groupCount) \(groupCount == 1 ? "entry" : "entries"), one per group (got "
          + "\(labels.count))")
    }
    if let colors, colors.count < groupCount {
      throw Self.fail(
        "colors", "colors must have at least \(groupCount) \(groupCount == 1 ? "entry" : "entries"), one per group "
          + "(got \(colors.count))")
    }
  }

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
