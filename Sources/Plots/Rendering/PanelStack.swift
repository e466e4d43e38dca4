/// Several survival or incidence figures in one document: one panel per
/// cause of a competing-risks result, stacked vertically or side by side
/// (as `cmprsk::plot.cuminc` users lay out one panel per cause with
/// `par(mfrow)`). Each panel is a complete figure (its own axes, legend and
/// risk table) nested as an `<svg>` element at its offset, so its geometry is
/// exactly the single figure's (`SurvivalPlotLayout`), and an optional title
/// spans the whole document.
public struct PanelStack: Sendable {
  public enum Direction: String, Sendable {
    case vertical, horizontal
  }

  public let panels: [SurvivalPlot]
  public let direction: Direction
  public let title: String?
  public let fontSize: Double
  public let fontFamily: String

  /// `panels` must be non-empty; the title is drawn at 1.4 × `fontSize`.
  public init(
    _ panels: [SurvivalPlot], direction: Direction, title: String? = nil, options: PlotOptions = PlotOptions()
  ) throws {
    guard !panels.isEmpty else { throw PlotError.invalidData("no panels to draw") }
    self.panels = panels
    self.direction = direction
    self.title = title.flatMap { $0.isEmpty ? nil : $0 }
    self.fontSize = options.fontSize
    self.fontFamily = options.svgFontFamily
  }

  var titleHeight: Double { Self.titleHeight(title, fontSize: fontSize) }

  static func titleHeight(_ title: String?, fontSize: Double) -> Double {
    (title ?? "").isEmpty ? 0 : fontSize * 1.4 * 1.7 + SurvivalPlotLayout.margin
  }

  /// The options of each of `count` panels when the whole figure is to be
  /// `options.width` × `options.height`: the size along `direction` is
  /// shared (less the title's height), the other is each panel's. The title
  /// goes to the stack, not to the panels.
  public static func panelOptions(_ options: PlotOptions, count: Int, direction: Direction) -> PlotOptions {
    var o = options
    o.title = nil
    let n = Double(max(count, 1))
    switch direction {
    case .vertical:
      if let h = options.height { o.height = (h - titleHeight(options.title, fontSize: options.fontSize)) / n }
    case .horizontal:
      if let w = options.width { o.width = w / n }
      if let h = options.height { o.height = h - titleHeight(options.title, fontSize: options.fontSize) }
    }
    return o
  }

  /// The document's size: panels end to end along `direction`.
  public var width: Double {
    let ws = panels.map(\.layout.width)
    return direction == .vertical ? (ws.max() ?? 0) : ws.reduce(0, +)
  }

  public var height: Double {
    let hs = panels.map(\.layout.height)
    return titleHeight + (direction == .vertical ? hs.reduce(0, +) : (hs.max() ?? 0))
  }

  /// The stacked figure as one SVG document (deterministic bytes).
  public func svg() -> String {
    var w = SVGWriter(width: width, height: height, fontFamily: fontFamily)
    w.comment("Kaplan figure of \(panels.count) panels")
    if let title {
      w.text(
        title, at: Point(x: width / 2, y: SurvivalPlotLayout.margin + fontSize * 1.4 * 0.8), size: fontSize * 1.4,
        anchor: .middle, bold: true)
    }
    var offset = 0.0
    for (k, panel) in panels.enumerated() {
      let l = panel.layout
      let (x, y) = direction == .vertical ? (0, titleHeight + offset) : (offset, titleHeight)
      offset += direction == .vertical ? l.height : l.width
      let inner = panel.writer(clipID: "kaplan-panel-clip-\(k + 1)")
      w.raw(
        "<svg x=\"\(SVGWriter.number(x))\" y=\"\(SVGWriter.number(y))\" width=\"\(SVGWriter.number(l.width))\" "
          + "height=\"\(SVGWriter.number(l.height))\" viewBox=\"0 0 \(SVGWriter.number(l.width)) "
          + "\(SVGWriter.number(l.height))\" class=\"panel-\(k + 1)\">")
      w.raw(inner.body.hasSuffix("\n") ? String(inner.body.dropLast()) : inner.body)
      w.raw("</svg>")
    }
    return w.document()
  }
}
