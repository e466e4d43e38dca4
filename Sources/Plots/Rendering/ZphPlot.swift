import Foundation

/// The figure of a proportional-hazards test, as R `plot.cox.zph` draws
/// each term: residuals as open circles, the smooth as a solid line and its
/// ±2 SE band as dashed lines, "Beta(t) for term" on the y axis, and the
/// term's p-value in the panel's title. Panels are laid out two per row.
public struct ZphPlot {
  let data: ZphPlotData
  let options: PlotOptions

  public init(_ data: ZphPlotData, options: PlotOptions) throws {
    try options.validate()
    guard !data.panels.isEmpty else { throw PlotError.invalidData("no terms to plot") }
    self.data = data
    self.options = options
  }

  public func svg() -> String {
    let fs = options.fontSize
    let columns = data.panels.count == 1 ? 1 : 2
    let rows = (data.panels.count + columns - 1) / columns
    let width = options.width ?? (columns == 1 ? 560 : 900)
    let panelWidth = width / Double(columns)
    let titleHeight = options.title == nil ? 0.0 : fs * 2.2
    let panelHeight = (options.height.map { ($0 - titleHeight) / Double(rows) }) ?? panelWidth * 0.8
    let height = options.height ?? titleHeight + panelHeight * Double(rows)
    var w = SVGWriter(width: width, height: height, fontFamily: options.svgFontFamily)
    w.comment("Kaplan proportional-hazards (zph) plot")
    if let title = options.title {
      w.text(title, at: Point(x: width / 2, y: fs * 1.5), size: fs * 1.15, anchor: .middle, bold: true)
    }
    let color = options.seriesColors(1)[0]
    for (k, panel) in data.panels.enumerated() {
      let origin = Point(
        x: Double(k % columns) * panelWidth, y: titleHeight + Double(k / columns) * panelHeight)
      draw(panel, in: Rect(x: origin.x, y: origin.y, width: panelWidth, height: panelHeight), color: color, &w)
    }
    return w.document()
  }

  private func draw(_ p: ZphPanel, in box: Rect, color: String, _ w: inout SVGWriter) {
    let fs = options.fontSize
    let area = Rect(
      x: box.x + fs * 4.5, y: box.y + fs * 2.4, width: box.width - fs * 6, height: box.height - fs * 6)
    let xs = p.x + p.curveX
    let ys = (p.y + p.fit + p.upper + p.lower).filter { $0.isFinite }
    var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
    var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
    if x1 <= x0 { (x0, x1) = (x0 - 1, x0 + 1) }
    if y1 <= y0 { (y0, y1) = (y0 - 1, y0 + 1) }
    let pad = (y1 - y0) * 0.04
    y0 -= pad
    y1 += pad
    func px(_ x: Double) -> Double { area.x + (x - x0) / (x1 - x0) * area.width }
    func py(_ y: Double) -> Double { area.maxY - (y - y0) / (y1 - y0) * area.height }
    w.text("\(p.term) (\(p.pText))", at: Point(x: area.x + area.width / 2, y: box.y + fs * 1.5), size: fs,
           anchor: .middle, bold: true)
    // Axes and ticks.
    w.rect(area, fill: "none", stroke: PlotStyle.axisGrey, strokeWidth: 1)
    let xTicks: [(Double, String)]
    if let given = data.xTicks {
      xTicks = given.filter { $0.value >= x0 && $0.value <= x1 }.map { ($0.value, $0.label) }
    } else {
      let step = Ticks.niceStep(span: x1 - x0, maxIntervals: 6, minIntervals: 3)
      let d = Ticks.decimals(for: step)
      xTicks = Ticks.multiples(of: step, in: x0, x1).map { ($0, Ticks.format($0, decimals: d)) }
    }
    for (value, label) in xTicks {
      let x = px(value)
      w.line(Point(x: x, y: area.maxY), Point(x: x, y: area.maxY + 5), stroke: PlotStyle.axisGrey, width: 1)
      w.text(label, at: Point(x: x, y: area.maxY + fs * 1.4), size: fs * 0.85, anchor: .middle)
    }
    let yStep = Ticks.niceStep(span: y1 - y0, maxIntervals: 6, minIntervals: 3)
    let yd = Ticks.decimals(for: yStep)
    for value in Ticks.multiples(of: yStep, in: y0, y1) {
      let y = py(value)
      w.line(Point(x: area.x - 5, y: y), Point(x: area.x, y: y), stroke: PlotStyle.axisGrey, width: 1)
      w.text(Ticks.format(value, decimals: yd), at: Point(x: area.x - 8, y: y + fs * 0.3), size: fs * 0.85,
             anchor: .end)
    }
    w.text(options.xlab ?? "Time", at: Point(x: area.x + area.width / 2, y: area.maxY + fs * 2.9), size: fs,
           anchor: .middle)
    let ylab = "Beta(t) for \(p.term)"
    let yAt = Point(x: box.x + fs * 1.2, y: area.y + area.height / 2)
    w.text(ylab, at: yAt, size: fs, anchor: .middle, rotate: -90)
    // Residuals, smooth, band.
    for (x, y) in zip(p.x, p.y) where y.isFinite {
      w.raw("<circle cx=\"\(SVGWriter.number(px(x)))\" cy=\"\(SVGWriter.number(py(y)))\" r=\"2.2\" "
        + "fill=\"none\" stroke=\"\(PlotStyle.mutedInk)\" stroke-width=\"0.8\"/>")
    }
    if !p.fit.isEmpty {
      w.polyline(zip(p.curveX, p.fit).map { Point(x: px($0), y: py($1)) }, stroke: color, width: 2)
      for band in [p.upper, p.lower] {
        w.polyline(zip(p.curveX, band).map { Point(x: px($0), y: py($1)) }, stroke: color, width: 1.2,
                   extra: [("stroke-dasharray", "5 4")])
      }
    }
  }
}
