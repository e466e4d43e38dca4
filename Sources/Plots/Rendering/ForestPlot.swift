import Foundation

/// Where everything of a forest plot goes, in SVG user units.
public struct ForestPlotLayout: Equatable, Sendable {
  public var width: Double
  public var height: Double
  /// The estimate area: rows stack inside it, the log axis runs along its
  /// bottom edge.
  public var panel: Rect
  /// Hazard ratio → x pixel (base-10 log).
  public var x: LogScale
  public var ticks: [Double]
  public var tickLabels: [String]
  public var rows: [Row]
  public var title: SurvivalPlotLayout.Text?
  public var axisTitle: SurvivalPlotLayout.Text
  /// Left edges of the variable and label columns; left edges of the
  /// "HR (95% CI)" and p columns.
  public var variableColumn: Double
  public var labelColumn: Double
  public var estimateColumn: Double
  public var pColumn: Double
  public var headerBaseline: Double
  public var estimateHeader: String
  /// The text columns (ForestPlotData.columns): left edges and headers.
  public var textColumns: [Double] = []
  public var textHeaders: [String] = []
  public var pHeader = "p"
  /// "favours" labels: text, anchor point (right-aligned left of 1, left-aligned right of it).
  public var favours: [SurvivalPlotLayout.Text] = []
  public var fontSize: Double
  /// Horizontal bands behind alternate variables, as `ggforest` shades them.
  public var stripes: [Rect]

  public struct Row: Equatable, Sendable {
    /// The variable name, on the first row of its group only.
    public var variable: String?
    public var label: String
    /// Vertical centre of the row and the baseline of its text.
    public var center: Double
    public var baseline: Double
    /// The estimate's marker centre; nil for reference levels and
    /// undefined estimates.
    public var point: Point?
    /// The interval's whisker; ends flagged when clipped (infinite limit).
    public var whisker: SurvivalPlotLayout.Segment?
    public var clippedLow: Bool
    public var clippedHigh: Bool
    public var estimateText: String
    public var pText: String
    public var isReference: Bool
    /// The cells of the text columns.
    public var cells: [String] = []
  }
}

extension ForestPlotLayout {
  public init(_ data: ForestPlotData, options: PlotOptions) throws {
    try options.validate()
    guard !data.rows.isEmpty else { throw PlotError.invalidData("no rows to plot") }
    guard data.confidenceLevel > 0 && data.confidenceLevel < 1 else {
      throw PlotError.invalidData("confidence level must be between 0 and 1")
    }
    for (i, r) in data.rows.enumerated() where !r.isReference {
      for (name, v) in [("hazard ratio", r.hazardRatio), ("lower", r.lower), ("upper", r.upper)] {
        // Zero is exp(β) underflowing (β < −745): drawn off the axis, as +∞ is.
        if let v, v.isNaN == false, v < 0 {
          throw PlotError.invalidData("row \(i + 1) (\"\(r.label)\"): \(name) must not be negative (got \(v))")
        }
      }
    }

    let fs = options.fontSize
    let margin = 12.0
    let rowHeight = fs * 2.1

    let hasVariables = data.rows.contains { $0.variable != nil }
    let level = Ticks.formatTrimmed(data.confidenceLevel * 100, maxDecimals: 1)
    let estimateHeader = "HR (\(level)% CI)"
    let texts = data.rows.map { $0.note ?? Self.estimateText($0) }
    let pTexts = data.rows.map { $0.isReference ? "" : Self.formatP($0.pValue) }
    for c in data.columns where c.cells.count != data.rows.count {
      throw PlotError.invalidData("column \"\(c.header)\" has \(c.cells.count) cells for \(data.rows.count) rows")
    }

    // Columns, left to right.
    let variableColumn = margin
    let variableWidth = hasVariables
      ? (data.rows.compactMap(\.variable).map { TextMetrics.width($0, size: fs, bold: true) }.max() ?? 0) + 16
      : 0
    let labelColumn = variableColumn + variableWidth
    let labelWidth = (data.rows.map { TextMetrics.width($0.label, size: fs) }.max() ?? 0) + 16
    let estimateWidth = (texts + [estimateHeader]).map { TextMetrics.width($0, size: fs) }.max() ?? 0
    let pWidth = (pTexts + ["<0.001"]).map { TextMetrics.width($0, size: fs) }.max() ?? 0
    let pHeaderWidth = TextMetrics.width(data.pHeader, size: fs, bold: true)
    var textColumns: [Double] = []
    var nextColumn = labelColumn + labelWidth
    for c in data.columns {
      textColumns.append(nextColumn)
      let cellWidth = c.cells.map { TextMetrics.width($0, size: fs) }.max() ?? 0
      nextColumn += max(cellWidth, TextMetrics.width(c.header, size: fs, bold: true)) + 16
    }
    let panelLeft = nextColumn
    // 720 wide by default, wider when text columns leave the axis under 240. The p column is laid out from its
    // measured width and followed by `pTrailing`, inside the stripes: it used to end flush with them, and past
    // the figure's edge in a fallback font (session-5 review).
    let pColumnWidth = max(pWidth, pHeaderWidth)
    let pTrailing = Self.trailingSpace(pColumnWidth, fontSize: fs)
    let rightOfPanel = 18 + estimateWidth + 18 + pColumnWidth + pTrailing + margin
    let width = options.width ?? max(720, (panelLeft + 240 + rightOfPanel).rounded(.up))
    let pColumn = width - margin - pTrailing - pColumnWidth
    let estimateColumn = pColumn - 18 - estimateWidth
    let panelRight = estimateColumn - 18
    guard panelRight - panelLeft >= 120 else {
      throw PlotError.invalidOption(
        option: "width",
        message: "width = \(PlotOptions.show(width)) leaves no room for the estimates; use at least "
          + "\(PlotOptions.show((width + 120 - (panelRight - panelLeft)).rounded(.up)))")
    }

    // Rows, top down.
    var top = margin
    var title: SurvivalPlotLayout.Text?
    if let t = options.title ?? data.title, !t.isEmpty {
      let size = fs * 1.4
      title = .init(string: t, at: Point(x: width / 2, y: top + size * 0.8), size: size)
      top += size * 1.6
    }
    let headerBaseline = top + fs
    top += fs * 1.6
    let panelTop = top
    let hasFavours = data.favoursLeft != nil || data.favoursRight != nil
    let favoursHeight = hasFavours ? fs * 1.5 : 0
    let axisBelow = 6 + Self.tickLength + 4 + fs * 0.75 + fs * 0.55 + fs * 1.1 + fs * 0.3 + margin + favoursHeight
    let height: Double
    let rowsHeight: Double
    if let h = options.height {
      height = h
      rowsHeight = h - panelTop - axisBelow
      guard rowsHeight >= rowHeight * Double(data.rows.count) * 0.6 else {
        throw PlotError.invalidOption(
          option: "height",
          message: "height = \(PlotOptions.show(h)) is too small for \(data.rows.count) rows; use at least "
            + "\(PlotOptions.show((panelTop + axisBelow + rowHeight * Double(data.rows.count) * 0.6).rounded(.up)))")
      }
    } else {
      rowsHeight = rowHeight * Double(data.rows.count)
      height = (panelTop + rowsHeight + axisBelow).rounded(.up)
    }
    let step = rowsHeight / Double(data.rows.count)
    let panel = Rect(x: panelLeft, y: panelTop, width: panelRight - panelLeft, height: rowsHeight + 6)

    // Log axis over every finite limit and 1, padded a little.
    var values: [Double] = [1]
    for r in data.rows where !r.isReference {
      for v in [r.hazardRatio, r.lower, r.upper] { if let v, v.isFinite, v > 0 { values.append(v) } }
    }
    // The automatic axis stops at 10^±maxAxisDecades: a hazard ratio of
    // 1e305 (a covariate on a tiny scale) is drawn as an arrow off the axis
    // with its value in the text column, not as an axis of 600 decades.
    let limit = pow(10, Self.maxAxisDecades)
    let lo = max(values.min() ?? 1, 1 / limit)
    let hi = min(values.max() ?? 1, limit)
    let logSpan = max(log10(hi) - log10(lo), log10(2))
    let mid = (log10(hi) + log10(lo)) / 2
    let halfSpan = logSpan / 2 * 1.08
    var domain = (pow(10, mid - halfSpan), pow(10, mid + halfSpan))
    if let xlim = options.xlim {
      guard xlim[0] > 0 else {
        throw PlotError.invalidOption(
          option: "xlim",
          message: "xlim must be positive on the hazard-ratio axis (got {\(PlotOptions.show(xlim[0])), "
            + "\(PlotOptions.show(xlim[1]))})")
      }
      domain = (xlim[0], xlim[1])
    }
    let xs = LogScale(domain: domain, range: (panel.minX, panel.maxX))
    let ticks = Ticks.logTicks(lower: domain.0, upper: domain.1)
    let tickLabels = ticks.map { Ticks.formatTrimmed($0, maxDecimals: 3) }

    var rows: [Row] = []
    var stripes: [Rect] = []
    var previousVariable: String?
    var groupIndex = -1
    for (i, r) in data.rows.enumerated() {
      let center = panelTop + step * (Double(i) + 0.5)
      let firstOfGroup = r.variable == nil || r.variable != previousVariable
      if firstOfGroup { groupIndex += 1 }
      previousVariable = r.variable
      if groupIndex % 2 == 0 {
        let band = Rect(x: margin, y: center - step / 2, width: width - 2 * margin, height: step)
        if firstOfGroup || stripes.isEmpty {
          stripes.append(band)
        } else {
          stripes[stripes.count - 1].height += step
        }
      }
      var point: Point?
      var whisker: SurvivalPlotLayout.Segment?
      var clippedLow = false
      var clippedHigh = false
      if !r.isReference, let hr = r.hazardRatio, !hr.isNaN {
        // An estimate outside the axis (a user's xlim, or beyond
        // 10^±maxAxisDecades, 0 or +∞ included) has no marker; its interval
        // is clipped to the axis with an arrow at the clipped end.
        if hr >= domain.0 && hr <= domain.1 { point = Point(x: xs(hr), y: center) }
        var l = hr, u = hr
        if let lower = r.lower, let upper = r.upper, !lower.isNaN, !upper.isNaN { (l, u) = (lower, upper) }
        clippedLow = !(l >= domain.0)
        clippedHigh = !(u <= domain.1)
        let a = clippedLow ? domain.0 : min(l, domain.1)
        let b = clippedHigh ? domain.1 : max(u, domain.0)
        if a < b {
          whisker = .init(from: Point(x: xs(a), y: center), to: Point(x: xs(b), y: center))
        } else if l > domain.1 || u < domain.0 {
          // Wholly off one side: a short arrow at that edge points to it.
          let beyondHigh = l > domain.1
          let edge = xs(beyondHigh ? domain.1 : domain.0)
          let tail = edge + (beyondHigh ? -Self.offAxisArrow : Self.offAxisArrow)
          whisker = beyondHigh
            ? .init(from: Point(x: tail, y: center), to: Point(x: edge, y: center))
            : .init(from: Point(x: edge, y: center), to: Point(x: tail, y: center))
          clippedHigh = beyondHigh
          clippedLow = !beyondHigh
        } else {
          (clippedLow, clippedHigh) = (false, false)
        }
      }
      rows.append(
        Row(
          variable: firstOfGroup ? r.variable : nil, label: r.label, center: center,
          baseline: center + fs * 0.35, point: point, whisker: whisker, clippedLow: clippedLow,
          clippedHigh: clippedHigh, estimateText: texts[i], pText: pTexts[i], isReference: r.isReference,
          cells: data.columns.map { $0.cells[i] }))
    }

    let axisY = panel.maxY
    let favoursY = axisY + Self.tickLength + 4 + fs * 0.75 + fs * 1.5
    var favours: [SurvivalPlotLayout.Text] = []
    let one = min(max(xs(1), panel.minX), panel.maxX)
    if let left = data.favoursLeft {
      favours.append(.init(string: "← " + left, at: Point(x: one - 6, y: favoursY), size: fs * 0.9))
    }
    if let right = data.favoursRight {
      favours.append(.init(string: right + " →", at: Point(x: one + 6, y: favoursY), size: fs * 0.9))
    }
    self.init(
      width: width, height: height, panel: panel, x: xs, ticks: ticks, tickLabels: tickLabels,
      rows: rows, title: title,
      axisTitle: .init(
        string: options.xlab ?? "Hazard ratio",
        at: Point(
          x: panel.minX + panel.width / 2,
          y: axisY + Self.tickLength + 4 + fs * 0.75 + fs * 0.55 + fs * 1.1 + favoursHeight),
        size: fs * 1.1),
      variableColumn: variableColumn, labelColumn: labelColumn, estimateColumn: estimateColumn,
      pColumn: pColumn, headerBaseline: headerBaseline, estimateHeader: estimateHeader, fontSize: fs,
      stripes: stripes)
    self.textColumns = textColumns
    self.textHeaders = data.columns.map(\.header)
    self.pHeader = data.pHeader
    self.favours = favours
  }

  /// The space after the last text column, inside the stripes: the width
  /// is measured in Helvetica's (Arial's) advances, and where neither Arial
  /// nor a metric clone is installed the renderer falls back to a font up to
  /// a fifth wider (DejaVu Sans: "p interaction" in bold is 87 units at
  /// 12 px, against 72 measured), so a fifth of the column is kept free,
  /// plus half the font size of padding from the stripe's edge.
  static func trailingSpace(_ columnWidth: Double, fontSize: Double) -> Double {
    columnWidth * fallbackFontSlack + fontSize / 2
  }

  /// How much wider than its measure a fallback font may draw a text.
  static let fallbackFontSlack = 0.2

  static let tickLength = 5.0
  /// Decades either side of 1 the automatic hazard-ratio axis may span.
  static let maxAxisDecades = 6.0
  /// Length in pixels of the arrow drawn for an estimate wholly off the axis.
  static let offAxisArrow = 14.0

  /// "0.58 (0.38–0.88)", "reference", or "NA" when the estimate is undefined.
  static func estimateText(_ r: ForestRow) -> String {
    if r.isReference { return "reference" }
    guard let hr = r.hazardRatio, !hr.isNaN else { return "NA" }
    let f = { (v: Double?) -> String in
      guard let v, !v.isNaN else { return "NA" }
      return v.isInfinite ? "Inf" : Ticks.format(v, decimals: 2)
    }
    if r.lower == nil && r.upper == nil { return f(hr) }
    return "\(f(hr)) (\(f(r.lower))–\(f(r.upper)))"
  }

  /// Two significant digits, "<0.001" below 0.001 (R's `format.pval`
  /// with `digits = 2, eps = 0.001`).
  static func formatP(_ p: Double?) -> String {
    guard let p, p.isFinite, p >= 0 else { return "" }
    if p < 0.001 { return "<0.001" }
    let decimals = max(2, Int(-floor(log10(p))) + 1)
    return Ticks.format(p, decimals: decimals)
  }
}

/// A forest plot of hazard ratios: point and interval per row on a log
/// axis, a reference line at 1, labels at left, "HR (95% CI)" and p at right.
public struct ForestPlot: Sendable {
  public let data: ForestPlotData
  public let options: PlotOptions
  public let layout: ForestPlotLayout

  public init(_ data: ForestPlotData, options: PlotOptions = PlotOptions()) throws {
    self.data = data
    self.options = options
    self.layout = try ForestPlotLayout(data, options: options)
  }

  public func svg() -> String {
    let l = layout
    let fs = l.fontSize
    var w = SVGWriter(width: l.width, height: l.height, fontFamily: options.svgFontFamily)
    w.comment("Kaplan forest plot")
    for s in l.stripes { w.rect(s, fill: PlotStyle.stripe) }
    if let t = l.title { w.text(t.string, at: t.at, size: t.size, anchor: .middle, bold: true) }
    w.text(l.estimateHeader, at: Point(x: l.estimateColumn, y: l.headerBaseline), size: fs, bold: true)
    w.text(l.pHeader, at: Point(x: l.pColumn, y: l.headerBaseline), size: fs, bold: true)
    for (x, header) in zip(l.textColumns, l.textHeaders) {
      w.text(header, at: Point(x: x, y: l.headerBaseline), size: fs, bold: true)
    }

    // Reference line at HR = 1 across the rows.
    if l.x.domainLower <= 1 && 1 <= l.x.domainUpper {
      let one = l.x(1)
      w.line(
        Point(x: one, y: l.panel.minY), Point(x: one, y: l.panel.maxY), stroke: PlotStyle.referenceLine, width: 1,
        dash: "4 3")
    }

    let color = options.colors?.first ?? (options.palette == nil ? PlotStyle.ink : options.seriesColors(1)[0])
    let half = fs * 0.36
    for r in l.rows {
      if let v = r.variable {
        w.text(v, at: Point(x: l.variableColumn, y: r.baseline), size: fs, bold: true)
      }
      w.text(r.label, at: Point(x: l.labelColumn, y: r.baseline), size: fs)
      for (x, cell) in zip(l.textColumns, r.cells) { w.text(cell, at: Point(x: x, y: r.baseline), size: fs) }
      w.text(
        r.estimateText, at: Point(x: l.estimateColumn, y: r.baseline), size: fs,
        fill: r.isReference ? PlotStyle.mutedInk : PlotStyle.ink)
      if !r.pText.isEmpty { w.text(r.pText, at: Point(x: l.pColumn, y: r.baseline), size: fs) }
      if let s = r.whisker {
        w.line(s.from, s.to, stroke: color, width: 1.4)
        let cap = fs * 0.3
        for (end, clipped, dir) in [(s.from, r.clippedLow, -1.0), (s.to, r.clippedHigh, 1.0)] {
          if clipped {
            let d = "M\(SVGWriter.number(end.x - dir * cap)) \(SVGWriter.number(end.y - cap))"
              + "L\(SVGWriter.number(end.x)) \(SVGWriter.number(end.y))"
              + "L\(SVGWriter.number(end.x - dir * cap)) \(SVGWriter.number(end.y + cap))"
            w.path(d, stroke: color, width: 1.4)
          } else {
            w.line(Point(x: end.x, y: end.y - cap), Point(x: end.x, y: end.y + cap), stroke: color, width: 1.4)
          }
        }
      }
      if let p = r.point {
        w.rect(Rect(x: p.x - half, y: p.y - half, width: 2 * half, height: 2 * half), fill: color)
      }
    }

    // Log axis.
    let y = l.panel.maxY
    w.line(Point(x: l.panel.minX, y: y), Point(x: l.panel.maxX, y: y), stroke: PlotStyle.ink, width: 1)
    for (t, label) in zip(l.ticks, l.tickLabels) {
      let x = l.x(t)
      w.line(Point(x: x, y: y), Point(x: x, y: y + ForestPlotLayout.tickLength), stroke: PlotStyle.ink, width: 1)
      w.text(
        label, at: Point(x: x, y: y + ForestPlotLayout.tickLength + 4 + fs * 0.75), size: fs, anchor: .middle,
        fill: PlotStyle.axisGrey)
    }
    w.text(l.axisTitle.string, at: l.axisTitle.at, size: l.axisTitle.size, anchor: .middle)
    for f in l.favours {
      let isLeft = f.string.hasPrefix("← ")
      w.text(f.string, at: f.at, size: f.size, anchor: isLeft ? .end : .start, fill: PlotStyle.axisGrey)
    }
    return w.document()
  }
}
