/// A Kaplan–Meier, cumulative-incidence or predicted-survival figure:
/// step curves per group, optional confidence bands, censor marks, legend,
/// annotations and a number-at-risk table aligned with the x ticks.
public struct SurvivalPlot: Sendable {
  public let data: SurvivalPlotData
  public let options: PlotOptions
  public let layout: SurvivalPlotLayout

  /// Validates the options against the data and lays the figure out.
  public init(_ data: SurvivalPlotData, options: PlotOptions = PlotOptions()) throws {
    self.data = data
    self.options = options
    self.layout = try SurvivalPlotLayout(data, options: options)
  }

  /// The figure as a self-contained SVG document (deterministic bytes).
  public func svg() -> String {
    writer(clipID: "kaplan-panel-clip").document()
  }

  /// The figure drawn into a writer; `clipID` names its clip path (unique
  /// per figure when several panels share one document, `PanelStack`).
  func writer(clipID clip: String) -> SVGWriter {
    let l = layout
    let fs = l.fontSize
    var w = SVGWriter(width: l.width, height: l.height, fontFamily: options.svgFontFamily)
    w.comment("Kaplan \(data.kind == .survival ? "survival" : "cumulative incidence") plot")
    // The clip reaches a little beyond the panel so curves at 0 or 1 keep
    // their full stroke; it only bites when ylim cuts the curves.
    let pad = 2.0
    w.raw(
      "<defs><clipPath id=\"\(clip)\"><rect x=\"\(SVGWriter.number(l.panel.minX - pad))\" "
        + "y=\"\(SVGWriter.number(l.panel.minY - pad))\" "
        + "width=\"\(SVGWriter.number(l.panel.width + 2 * pad))\" "
        + "height=\"\(SVGWriter.number(l.panel.height + 2 * pad))\"/></clipPath></defs>")

    if let title = l.title {
      w.text(title.string, at: title.at, size: title.size, anchor: .middle, bold: true)
    }

    if !l.legend.isEmpty {
      w.openGroup([("class", "legend")])
      if let t = l.legendTitle { w.text(t.string, at: t.at, size: t.size, bold: true) }
      for entry in l.legend {
        let a = entry.swatchStart
        w.line(
          a, Point(x: a.x + SurvivalPlotLayout.swatchLength, y: a.y), stroke: entry.color, width: 2.2,
          dash: entry.dash)
        w.text(entry.label, at: Point(x: a.x + SurvivalPlotLayout.swatchLength + 6, y: a.y + fs * 0.35), size: fs)
      }
      w.closeGroup()
    }

    w.openGroup([("class", "panel"), ("clip-path", "url(#\(clip))")])
    for g in l.groups {
      for band in g.bands { w.polygon(band, fill: g.color, opacity: 0.18) }
    }
    for s in l.medianSegments {
      w.line(s.from, s.to, stroke: PlotStyle.mutedInk, width: 1, dash: "5 4")
    }
    for g in l.groups {
      var extra = [("class", "curve")]
      if let dash = g.dash { extra.append(("stroke-dasharray", dash)) }
      w.polyline(g.curve, stroke: g.color, width: 1.8, extra: extra)
    }
    let arm = fs * 0.36
    for g in l.groups where !g.censorMarks.isEmpty {
      var d = ""
      for p in g.censorMarks {
        d += "M\(SVGWriter.number(p.x - arm)) \(SVGWriter.number(p.y))h\(SVGWriter.number(2 * arm))"
        d += "M\(SVGWriter.number(p.x)) \(SVGWriter.number(p.y - arm))v\(SVGWriter.number(2 * arm))"
      }
      w.path(d, stroke: g.color, width: 1.3)
    }
    w.closeGroup()

    // Axes: left and bottom lines, outward ticks, labels.
    let p = l.panel
    let tick = SurvivalPlotLayout.tickLength
    w.openGroup([("class", "axes")])
    w.line(Point(x: p.minX, y: p.minY), Point(x: p.minX, y: p.maxY), stroke: PlotStyle.ink, width: 1, cap: "square")
    w.line(Point(x: p.minX, y: p.maxY), Point(x: p.maxX, y: p.maxY), stroke: PlotStyle.ink, width: 1, cap: "square")
    for (t, label) in zip(l.xTicks, l.xTickLabels) {
      let x = l.x(t)
      w.line(Point(x: x, y: p.maxY), Point(x: x, y: p.maxY + tick), stroke: PlotStyle.ink, width: 1)
      w.text(
        label, at: Point(x: x, y: p.maxY + tick + 4 + fs * 0.75), size: fs, anchor: .middle, fill: PlotStyle.axisGrey)
    }
    for (v, label) in zip(l.yTicks, l.yTickLabels) {
      let y = l.y(v)
      w.line(Point(x: p.minX - tick, y: y), Point(x: p.minX, y: y), stroke: PlotStyle.ink, width: 1)
      w.text(label, at: Point(x: p.minX - tick - 4, y: y + fs * 0.35), size: fs, anchor: .end, fill: PlotStyle.axisGrey)
    }
    w.text(l.xTitle.string, at: l.xTitle.at, size: l.xTitle.size, anchor: .middle)
    w.text(l.yTitle.string, at: l.yTitle.at, size: l.yTitle.size, anchor: .middle, rotate: -90)
    w.closeGroup()

    for note in l.annotations {
      w.text(note.string, at: note.at, size: note.size)
    }

    for table in l.tables {
      w.openGroup([("class", "risk-table")])
      w.text(table.title.string, at: table.title.at, size: table.title.size, bold: true)
      for row in table.rows {
        w.text(row.label, at: Point(x: table.labelRight, y: row.baseline), size: fs, anchor: .end, fill: row.color)
        for (x, n) in zip(table.columns, row.counts) {
          w.text(String(n), at: Point(x: x, y: row.baseline), size: fs, anchor: .middle, fill: row.color)
        }
      }
      w.closeGroup()
    }
    return w
  }
}
