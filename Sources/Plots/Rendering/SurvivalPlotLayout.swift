import Foundation

/// Where everything of a survival or incidence figure goes, in SVG user
/// units. Computed once from the data and options; the SVG renderer only
/// draws what is here, so tests can check the geometry directly.
public struct SurvivalPlotLayout: Equatable, Sendable {
  public var width: Double
  public var height: Double
  /// The plotting panel: the axes run along its left and bottom edges.
  public var panel: Rect
  /// Time → x pixel and value → y pixel.
  public var x: LinearScale
  public var y: LinearScale
  public var xTicks: [Double]
  public var xTickLabels: [String]
  public var yTicks: [Double]
  public var yTickLabels: [String]
  public var groups: [Group]
  /// Number at risk first, then cumulative events / censored when asked.
  public var tables: [Table]
  public var legend: [LegendEntry]
  /// The legend's title, left of its first row (`legend_title`, or the
  /// grouping variable's label).
  public var legendTitle: Text? = nil
  public var title: Text?
  public var xTitle: Text
  public var yTitle: Text
  public var annotations: [Text]
  /// Dashed median guides: a horizontal line at 0.5 and verticals down to
  /// the axis, in pixels.
  public var medianSegments: [Segment]
  public var fontSize: Double

  public struct Group: Equatable, Sendable {
    public var label: String
    public var color: String
    /// The curve's SVG dash pattern (`linetypes`); nil: solid.
    public var dash: String? = nil
    /// The step curve's vertices in pixels: starts at (origin, start value),
    /// then (tᵢ, previous value), (tᵢ, new value) at every change, and ends
    /// at the last time; clipped to the x domain.
    public var curve: [Point]
    /// Closed polygons of the stepped confidence band (one per run of
    /// defined limits).
    public var bands: [[Point]]
    /// Centres of the censor marks.
    public var censorMarks: [Point]
    public var median: Double?
  }

  /// A block of the table under the panel: a title and one row per group,
  /// with a count under every x tick (`columns`, pixel x of each tick).
  public struct Table: Equatable, Sendable {
    public var title: Text
    public var columns: [Double]
    /// Right edge of the group labels, left of the first column's numbers.
    public var labelRight: Double
    public var rows: [Row]
  }

  public struct Row: Equatable, Sendable {
    public var label: String
    public var color: String
    /// Baseline of the row's text.
    public var baseline: Double
    public var counts: [Int]
  }

  public struct LegendEntry: Equatable, Sendable {
    public var label: String
    public var color: String
    /// The swatch's dash pattern, the curve's.
    public var dash: String? = nil
    /// The swatch runs from here 22 units to the right; the text starts 6
    /// units after it, on the same baseline (shifted by a third of a font size).
    public var swatchStart: Point
  }

  public struct Text: Equatable, Sendable {
    public var string: String
    public var at: Point
    public var size: Double
  }

  public struct Segment: Equatable, Sendable {
    public var from: Point
    public var to: Point
  }
}

extension SurvivalPlotLayout {
  static let tickLength = 5.0
  static let swatchLength = 22.0
  static let margin = 12.0

  /// Lays out `data` under `options`; throws `PlotError` for bad option
  /// values or inconsistent data.
  public init(_ data: SurvivalPlotData, options: PlotOptions) throws {
    try options.validate()
    let colorCount = (data.colorIndex?.max()).map { $0 + 1 } ?? data.series.count
    try options.validate(groupCount: data.series.count, colorCount: colorCount)
    // A log time axis: the same layout over log10 time, with its own ticks.
    let logAxis = data.logTime ? try Self.logTimeAxis(data, options: options) : nil
    let data = logAxis?.data ?? data
    let options = logAxis?.options ?? options
    try data.validate()

    let fs = options.fontSize
    let titleSize = fs * 1.4
    let axisTitleSize = fs * 1.1
    let margin = Self.margin
    let width = options.width ?? 720
    let labels = options.labels ?? data.series.map(\.label)
    let palette = options.seriesColors(colorCount)
    let colors = (0..<data.series.count).map { palette[data.colorIndex?[$0] ?? $0] }
    let lineIndex = (0..<data.series.count).map { data.lineIndex?[$0] ?? $0 }

    // x domain and ticks.
    let lastTime = data.series.compactMap(\.time.last).max() ?? data.origin
    let dataLo = options.xlim?[0] ?? data.origin
    var dataHi = options.xlim?[1] ?? max(lastTime, data.origin)
    // One more unit, or one more representable value where 1 is lost
    // (times of 1e300).
    if dataHi <= dataLo { dataHi = max(dataLo + 1, dataLo.nextUp) }
    guard dataHi.isFinite, (dataHi - dataLo).isFinite else {
      throw PlotError.invalidData(
        "the time axis from \(PlotOptions.show(dataLo)) to \(PlotOptions.show(dataHi)) is too wide to draw")
    }
    func xAxis(_ step: Double) -> (lo: Double, hi: Double, ticks: [Double], labels: [String]) {
      var lo = dataLo
      var hi = dataHi
      if options.xlim == nil {
        // Round the axis out to whole ticks so it ends on a labelled tick
        // (unless rounding leaves the finite range: times near 1.8e308).
        lo = min(lo, (lo / step).rounded(.down) * step)
        hi = (hi / step - 1e-9).rounded(.up) * step
        if hi <= lo { hi = lo + step }
        if !(lo.isFinite && hi.isFinite && (hi - lo).isFinite && hi > lo) { (lo, hi) = (dataLo, dataHi) }
      }
      let ticks = (hi - lo) / step > 100 ? [] : Ticks.multiples(of: step, in: lo, hi)
      // Steps below a millionth (subnormal times) cannot be printed with
      // fixed decimals: their ticks print in Swift's shortest form.
      if step < 1e-6 { return (lo, hi, ticks, ticks.map { $0 == 0 ? "0" : "\($0)" }) }
      let decimals = Ticks.decimals(for: step)
      return (lo, hi, ticks, ticks.map { Ticks.format($0, decimals: decimals) })
    }
    var step = options.breaks ?? Ticks.timeStep(lower: dataLo, upper: dataHi)
    var axis = xAxis(step)
    if (axis.hi - axis.lo) / step > 100 {
      throw PlotError.invalidOption(
        option: "breaks",
        message: "breaks = \(PlotOptions.show(step)) gives more than 100 ticks over the time axis "
          + "(\(PlotOptions.show(axis.lo)) to \(PlotOptions.show(axis.hi)))")
    }

    // y domain and ticks.
    let yLo = options.ylim?[0] ?? 0
    let yHi = options.ylim?[1] ?? 1
    let yStep = (yLo == 0 && yHi == 1) ? 0.25 : Ticks.niceStep(span: yHi - yLo, maxIntervals: 6, minIntervals: 3)
    let yTicks = Ticks.multiples(of: yStep, in: yLo, yHi)
    let yTickLabels: [String]
    if options.percent {
      let d = Ticks.decimals(for: yStep * 100)
      yTickLabels = yTicks.map { Ticks.format($0 * 100, decimals: d) + "%" }
    } else {
      let d = Ticks.decimals(for: yStep)
      yTickLabels = yTicks.map { Ticks.format($0, decimals: d) }
    }

    // Horizontal layout: the left margin holds the y tick labels and title,
    // and the risk-table labels below; whichever is wider sets it.
    let yTickWidth = yTickLabels.map { TextMetrics.width($0, size: fs) }.max() ?? 0
    var left = margin + axisTitleSize + 10 + yTickWidth + Self.tickLength + 4
    let anyTable = options.riskTable || options.cumulativeEvents || options.cumulativeCensored
    // The labels end left of the widest count centred on the first tick.
    let labelGap = TextMetrics.width("000", size: fs) / 2 + 10
    if anyTable {
      let labelWidth = (data.tableLabels ?? labels).map { TextMetrics.width($0, size: fs) }.max() ?? 0
      left = max(left, margin + labelWidth + labelGap)
    }
    let lastTickHalf = (axis.labels.last.map { TextMetrics.width($0, size: fs) } ?? 0) / 2
    let countHalf = anyTable ? TextMetrics.width("0000", size: fs) / 2 : 0
    let right = max(20, max(lastTickHalf, countHalf) + 10)
    let panelWidth = width - left - right
    guard panelWidth >= 120 else {
      throw PlotError.invalidOption(
        option: "width",
        message: "width = \(PlotOptions.show(width)) leaves no room for the plot panel; use at least "
          + "\(PlotOptions.show((left + right + 120).rounded(.up)))")
    }

    // Crowded ticks (a narrow figure, a large font): double the interval
    // until the labels have room, unless `breaks` fixed it.
    if options.breaks == nil && logAxis == nil {
      for _ in 0..<6 {
        let widest = axis.labels.map { TextMetrics.width($0, size: fs) }.max() ?? 0
        let spacing = panelWidth * step / (axis.hi - axis.lo)
        guard spacing < widest + fs * 1.5 else { break }
        step *= 2
        axis = xAxis(step)
      }
    }
    if let logAxis { axis = (logAxis.lo, logAxis.hi, logAxis.ticks, logAxis.labels) }
    let (lo, hi, xTicks, xTickLabels) = axis

    // Vertical layout, top down: title, legend, panel, axis, tables.
    var top = margin
    var title: Text?
    if let t = options.title, !t.isEmpty {
      title = Text(string: t, at: Point(x: left + panelWidth / 2, y: top + titleSize * 0.8), size: titleSize)
      top += titleSize * 1.7
    }
    var legend: [LegendEntry] = []
    var legendTitle: Text?
    if options.legend {
      let rowHeight = fs * 1.6
      var rows: [[(label: String, color: String, width: Double)]] = [[]]
      var rowWidth = 0.0
      // The title takes the first row's first place, in bold (an empty color marks it).
      if let t = options.legendTitle, !t.isEmpty {
        rows[0].append((t, "", TextMetrics.width(t, size: fs, bold: true)))
        rowWidth = rows[0][0].width
      }
      for (i, label) in labels.enumerated() {
        let w = Self.swatchLength + 6 + TextMetrics.width(label, size: fs)
        let gap = rows[rows.count - 1].isEmpty ? 0 : 20.0
        if rowWidth + gap + w > panelWidth && !rows[rows.count - 1].isEmpty {
          rows.append([])
          rowWidth = 0
        }
        rowWidth += (rows[rows.count - 1].isEmpty ? 0 : 20) + w
        rows[rows.count - 1].append((label, colors[i], w))
      }
      for (r, row) in rows.enumerated() {
        let total = row.map(\.width).reduce(0, +) + 20 * Double(max(row.count - 1, 0))
        var x = left + (panelWidth - total) / 2
        let baseline = top + rowHeight * Double(r) + fs * 0.9
        for entry in row {
          if entry.color.isEmpty {
            legendTitle = Text(string: entry.label, at: Point(x: x, y: baseline), size: fs)
            x += entry.width + 20
            continue
          }
          let index = legend.count
          legend.append(
            LegendEntry(
              label: entry.label, color: entry.color, dash: options.dashArray(lineIndex[index]),
              swatchStart: Point(x: x, y: baseline - fs * 0.33)))
          x += entry.width + 20
        }
      }
      top += rowHeight * Double(rows.count) + fs * 0.4
    }
    top += fs * 0.6  // room for the top y tick label

    // Everything below the panel, measured from its bottom edge.
    let tickLabelOffset = Self.tickLength + 4 + fs * 0.75
    let xTitleOffset = tickLabelOffset + fs * 0.55 + axisTitleSize
    var below = xTitleOffset + axisTitleSize * 0.3
    let rowHeight = fs * 1.55
    var blockSpecs: [(String, (SurvivalSeries, Double) -> Int)] = []
    if options.riskTable { blockSpecs.append(("Number at risk", { $0.nRisk(at: $1) })) }
    if options.cumulativeEvents { blockSpecs.append(("Cumulative number of events", { $0.cumulativeEvents(at: $1) })) }
    if options.cumulativeCensored {
      blockSpecs.append(("Cumulative number censored", { $0.cumulativeCensored(at: $1) }))
    }
    let tableSeries = (data.tableSeries ?? Array(data.series.indices)).filter { data.series.indices.contains($0) }
    let blockHeight = fs * 1.3 + fs * 1.2 + rowHeight * Double(tableSeries.count)
    below += blockHeight * Double(blockSpecs.count) + margin

    let panelHeight: Double
    let height: Double
    if let h = options.height {
      height = h
      panelHeight = h - top - below
      guard panelHeight >= 80 else {
        throw PlotError.invalidOption(
          option: "height",
          message: "height = \(PlotOptions.show(h)) leaves no room for the plot panel; use at least "
            + "\(PlotOptions.show((top + below + 80).rounded(.up)))")
      }
    } else {
      panelHeight = (panelWidth * 0.62).rounded()
      height = (top + panelHeight + below).rounded(.up)
    }
    let panel = Rect(x: left, y: top, width: panelWidth, height: panelHeight)
    let xs = LinearScale(domain: (lo, hi), range: (panel.minX, panel.maxX))
    let ys = LinearScale(domain: (yLo, yHi), range: (panel.maxY, panel.minY))

    // Curves, bands, censor marks.
    var groups: [Group] = []
    for (g, s) in data.series.enumerated() {
      // On a log time axis each curve starts at its own first point.
      let origin = logAxis == nil ? data.origin : (s.time.first ?? data.origin)
      let start = logAxis == nil ? data.startValue : (s.value.first ?? data.startValue)
      let steps = Self.clip(Self.stepVertices(s, origin: origin, start: start), lo, hi)
      let curve = steps.map { Point(x: xs($0.x), y: ys($0.y)) }
      var bands: [[Point]] = []
      if options.confInt, let lower = s.lower, let upper = s.upper {
        bands = Self.bandPolygons(
          s, lower: lower, upper: upper, origin: origin, start: start, lo, hi, leadIn: logAxis == nil
        ).map { $0.map { Point(x: xs($0.x), y: ys($0.y)) } }
      }
      let marks = options.censorMarks
        ? s.censorMarks.filter { $0.time >= lo && $0.time <= hi }.map { Point(x: xs($0.time), y: ys($0.value)) }
        : []
      groups.append(
        Group(
          label: labels[g], color: colors[g], dash: options.dashArray(lineIndex[g]), curve: curve, bands: bands,
          censorMarks: marks,
          median: s.medianTime(kind: data.kind)))
    }

    // Median guides, survminer's surv.median.line = "hv".
    var medianSegments: [Segment] = []
    if options.medianLines && yLo < 0.5 && 0.5 < yHi {
      let medians = groups.compactMap(\.median).filter { $0 >= lo && $0 <= hi }
      if let far = medians.max() {
        medianSegments.append(Segment(from: Point(x: xs(lo), y: ys(0.5)), to: Point(x: xs(far), y: ys(0.5))))
        for m in medians.sorted() {
          medianSegments.append(Segment(from: Point(x: xs(m), y: ys(0.5)), to: Point(x: xs(m), y: panel.maxY)))
        }
      }
    }

    // Tables, aligned with the x ticks.
    var tables: [Table] = []
    var blockTop = panel.maxY + xTitleOffset + axisTitleSize * 0.3
    let columns = xTicks.map { xs($0) }
    for (name, count) in blockSpecs {
      let titleBaseline = blockTop + fs * 1.3 + fs * 0.2
      var rows: [Row] = []
      for (k, g) in tableSeries.enumerated() {
        let s = data.series[g]
        let baseline = blockTop + fs * 1.3 + fs * 1.2 + rowHeight * Double(k) + rowHeight / 2 + fs * 0.35
        let label = data.tableLabels.flatMap { k < $0.count ? $0[k] : nil } ?? labels[g]
        rows.append(Row(label: label, color: colors[g], baseline: baseline, counts: xTicks.map { count(s, $0) }))
      }
      tables.append(
        Table(
          title: Text(string: name, at: Point(x: margin, y: titleBaseline), size: fs), columns: columns,
          labelRight: panel.minX - labelGap, rows: rows))
      blockTop += blockHeight
    }

    // Annotations go in the panel corner the curves, bands and median
    // guides cross least; survival curves fall, so lower left is tried
    // first, incidence curves rise, so upper left is.
    let notes = [data.pValueText, data.hazardRatioText].compactMap { $0 }.filter { !$0.isEmpty }
    let annotations = Self.placeAnnotations(
      notes, size: fs * 1.05, panel: panel, kind: data.kind, groups: groups, medianSegments: medianSegments)

    let defaultYLab = data.kind == .survival ? "Survival probability" : "Cumulative incidence"
    self.init(
      width: width, height: height, panel: panel, x: xs, y: ys, xTicks: xTicks,
      xTickLabels: xTickLabels, yTicks: yTicks, yTickLabels: yTickLabels, groups: groups,
      tables: tables, legend: legend, title: title,
      xTitle: Text(
        string: options.xlab ?? "Time", at: Point(x: panel.minX + panel.width / 2, y: panel.maxY + xTitleOffset),
        size: axisTitleSize),
      // Rotated text's baseline is its right edge: keep it just clear of
      // the tick labels, wherever the table labels put the panel.
      yTitle: Text(
        string: options.ylab ?? defaultYLab,
        at: Point(
          x: panel.minX - Self.tickLength - 4 - yTickWidth - 10 - axisTitleSize * 0.2,
          y: panel.minY + panel.height / 2),
        size: axisTitleSize),
      annotations: annotations, medianSegments: medianSegments, fontSize: fs)
    self.legendTitle = legendTitle
  }

  /// Lays out annotation lines as a left- or right-aligned block in one of
  /// the panel's corners, choosing the first corner (in order of preference)
  /// whose box no curve segment or median guide crosses, or else the one
  /// crossed least. Right-aligned corners keep the text left-anchored by
  /// shifting it left by its measured width.
  static func placeAnnotations(
    _ notes: [String], size: Double, panel: Rect, kind: SurvivalPlotData.Kind, groups: [Group],
    medianSegments: [Segment]
  ) -> [Text] {
    guard !notes.isEmpty else { return [] }
    let lineGap = size * 1.4
    let blockWidth = notes.map { TextMetrics.width($0, size: size) }.max() ?? 0
    let blockHeight = lineGap * Double(notes.count - 1) + size
    let insetX = panel.width * 0.04
    let insetY = panel.height * 0.05
    let left = panel.minX + insetX
    let right = panel.maxX - insetX - blockWidth
    let top = panel.minY + insetY
    let bottom = panel.maxY - insetY - blockHeight
    let corners = kind == .survival
      ? [(left, bottom), (right, top), (right, bottom), (left, top)]
      : [(left, top), (right, bottom), (right, top), (left, bottom)]
    var segments: [Segment] = medianSegments
    for g in groups where g.curve.count > 1 {
      for i in 1..<g.curve.count { segments.append(Segment(from: g.curve[i - 1], to: g.curve[i])) }
    }
    var best = corners[0]
    var bestHits = Int.max
    for corner in corners {
      let box = Rect(x: corner.0 - 4, y: corner.1 - 4, width: blockWidth + 8, height: blockHeight + 8)
      let hits = segments.filter { intersects($0, box) }.count
      if hits < bestHits {
        best = corner
        bestHits = hits
      }
      if hits == 0 { break }
    }
    return notes.enumerated().map { i, note in
      Text(string: note, at: Point(x: best.0, y: best.1 + size * 0.8 + lineGap * Double(i)), size: size)
    }
  }

  /// Whether an axis-aligned segment meets a rectangle.
  static func intersects(_ s: Segment, _ r: Rect) -> Bool {
    let x0 = min(s.from.x, s.to.x)
    let x1 = max(s.from.x, s.to.x)
    let y0 = min(s.from.y, s.to.y)
    let y1 = max(s.from.y, s.to.y)
    return x1 >= r.minX && x0 <= r.maxX && y1 >= r.minY && y0 <= r.maxY
  }

  /// The step curve in data units: (origin, start), then for every change
  /// of value at tᵢ the pair (tᵢ, old), (tᵢ, new), then (last time, value).
  /// Times where only censoring happens add no vertex.
  static func stepVertices(_ s: SurvivalSeries, origin: Double, start: Double) -> [Point] {
    var points = [Point(x: origin, y: start)]
    var v = start
    for i in 0..<s.time.count where s.value[i] != v {
      points.append(Point(x: s.time[i], y: v))
      points.append(Point(x: s.time[i], y: s.value[i]))
      v = s.value[i]
    }
    if let last = s.time.last, last > (points.last?.x ?? origin) {
      points.append(Point(x: last, y: v))
    }
    return dedupe(points)
  }

  /// Clips a path of horizontal and vertical segments (x non-decreasing)
  /// to `lo ≤ x ≤ hi`.
  static func clip(_ points: [Point], _ lo: Double, _ hi: Double) -> [Point] {
    guard points.count > 1 else { return points.filter { $0.x >= lo && $0.x <= hi } }
    var out: [Point] = []
    for i in 1..<points.count {
      let a = points[i - 1]
      let b = points[i]
      if a.x == b.x {
        if a.x >= lo && a.x <= hi { out.append(a); out.append(b) }
      } else {
        let x0 = max(a.x, lo)
        let x1 = min(b.x, hi)
        if x0 <= x1 { out.append(Point(x: x0, y: a.y)); out.append(Point(x: x1, y: b.y)) }
      }
    }
    return dedupe(out)
  }

  static func dedupe(_ points: [Point]) -> [Point] {
    var out: [Point] = []
    for p in points where out.last != p { out.append(p) }
    return out
  }

  /// The stepped confidence band as polygons in data units: the upper
  /// limit left to right, then the lower limit back, one polygon per run
  /// of indices where both limits are finite. Before the first time the
  /// band is the start value (zero width), as in survminer.
  static func bandPolygons(
    _ s: SurvivalSeries, lower: [Double], upper: [Double], origin: Double, start: Double,
    _ lo: Double, _ hi: Double, leadIn: Bool = true
  ) -> [[Point]] {
    // Intervals [x0, x1) with constant limits; index -1 is the lead-in.
    struct Interval { var x0: Double; var x1: Double; var lower: Double; var upper: Double }
    var runs: [[Interval]] = [[]]
    let n = s.time.count
    if leadIn, let first = s.time.first { runs[0].append(Interval(x0: origin, x1: first, lower: start, upper: start)) }
    for i in 0..<n {
      let x1 = i + 1 < n ? s.time[i + 1] : s.time[i]
      if lower[i].isFinite && upper[i].isFinite {
        runs[runs.count - 1].append(Interval(x0: s.time[i], x1: x1, lower: lower[i], upper: upper[i]))
      } else if !runs[runs.count - 1].isEmpty {
        runs.append([])
      }
    }
    var polygons: [[Point]] = []
    for run in runs {
      let clipped = run.compactMap { iv -> Interval? in
        let x0 = max(iv.x0, lo)
        let x1 = min(iv.x1, hi)
        return x0 <= x1 ? Interval(x0: x0, x1: x1, lower: iv.lower, upper: iv.upper) : nil
      }
      guard !clipped.isEmpty else { continue }
      var top: [Point] = []
      var bottom: [Point] = []
      for iv in clipped {
        top.append(Point(x: iv.x0, y: iv.upper))
        top.append(Point(x: iv.x1, y: iv.upper))
        bottom.append(Point(x: iv.x0, y: iv.lower))
        bottom.append(Point(x: iv.x1, y: iv.lower))
      }
      let polygon = dedupe(top + bottom.reversed())
      if polygon.count >= 3 { polygons.append(polygon) }
    }
    return polygons
  }
}
