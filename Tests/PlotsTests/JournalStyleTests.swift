import Foundation
import Testing
@testable import Plots

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Journal output (issue 18): line types as dash arrays, named palettes,
/// the font family, physical sizes and PNG resolution, the legend title,
/// several panels in one document, and the preview's width and annotations.
@Suite struct JournalStyleTests {
  /// The value of `attribute` on every element named `element`.
  func attributes(_ svg: String, _ element: String, _ attribute: String) -> [String] {
    let pattern = "<\(element)\\b[^>]*\\b\(attribute)=\"([^\"]*)\""
    guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
    let ns = svg as NSString
    return re.matches(in: svg, range: NSRange(location: 0, length: ns.length)).map {
      ns.substring(with: $0.range(at: 1))
    }
  }

  @Test func linetypesDashCurvesAndLegendSwatches() throws {
    var o = PlotOptions()
    #expect(!(try SurvivalPlot(TrialData.survival(), options: o).svg()).contains("stroke-dasharray=\"7 5\""))
    o.linetypes = LineType.cycle
    let plot = try SurvivalPlot(TrialData.survival(), options: o)
    #expect(plot.layout.groups.map(\.dash) == [nil, "7 5"])
    #expect(plot.layout.legend.map(\.dash) == [nil, "7 5"])
    let svg = plot.svg()
    // The second curve (a polyline of class curve) and its legend swatch are dashed.
    #expect(svg.contains("class=\"curve\" stroke-dasharray=\"7 5\""))
    #expect(svg.contains("stroke-width=\"2.2\" stroke-dasharray=\"7 5\""))
    o.linetypes = [.dotted]
    #expect(try SurvivalPlot(TrialData.survival(), options: o).layout.groups.map(\.dash) == ["2 4", "2 4"])
    #expect(LineType.allCases.compactMap(\.dashArray).count == 5)
    #expect(throws: PlotError.invalidOption(
      option: "linetypes",
      message: "linetypes[2] must be one of \"solid\", \"dashed\", \"dotted\", \"dotdash\", \"longdash\", "
        + "\"twodash\" (got \"wavy\")")) { try LineType.parse("wavy", option: "linetypes", index: 1) }
  }

  @Test func palettesNameTheirColours() throws {
    #expect(try Palette.colors(nil, count: 2) == ["#0072B2", "#D55E00"])
    #expect(try Palette.colors("okabe_ito", count: 2) == ["#0072B2", "#D55E00"])
    #expect(try Palette.colors("greyscale", count: 3) == ["#000000", "#4D4D4D", "#999999"])
    #expect(try Palette.colors("grey", count: 1) == ["#000000"])
    // viridis(9)'s first colour, and a ramp that stops before the yellow.
    let viridis = try Palette.colors("viridis", count: 4)
    #expect(viridis.first == "#440154" && Set(viridis).count == 4 && viridis.last != "#FDE725")
    #expect(throws: PlotError.self) { try Palette.colors("rainbow", count: 2) }
    var o = PlotOptions()
    o.palette = "greyscale"
    let layout = try SurvivalPlotLayout(TrialData.survival(), options: o)
    #expect(layout.groups.map(\.color) == ["#000000", "#999999"])
    // The risk table's rows take their group's colour and label.
    #expect(layout.tables[0].rows.map(\.color) == ["#000000", "#999999"])
    #expect(layout.tables[0].rows.map(\.label) == ["Observation", "Lev+5FU"])
    // colors wins over the palette for the groups it names.
    o.colors = ["red", "blue"]
    #expect(try SurvivalPlotLayout(TrialData.survival(), options: o).groups.map(\.color) == ["red", "blue"])
  }

  @Test func fontFamilyIsTheRootsAndChecked() throws {
    var o = PlotOptions()
    #expect(try SurvivalPlot(TrialData.survival(), options: o).svg()
      .contains("font-family=\"Arial, Helvetica, sans-serif\""))
    o.fontFamily = "'Times New Roman', serif"
    for svg in [
      try SurvivalPlot(TrialData.survival(), options: o).svg(), try ForestPlot(TrialData.forest(), options: o).svg(),
    ] {
      #expect(svg.contains("font-family=\"&apos;Times New Roman&apos;, serif\""))
    }
    o.fontFamily = "x\"><script>"
    #expect(throws: PlotError.self) { try SurvivalPlot(TrialData.survival(), options: o) }
  }

  @Test func physicalLengthsAreCSSPixels() {
    #expect(PhysicalLength.pixels("7in") == 672)
    #expect(abs((PhysicalLength.pixels("180mm") ?? 0) - 180 / 25.4 * 96) < 1e-9)
    #expect(abs((PhysicalLength.pixels(" 18 cm ") ?? 0) - 18 / 2.54 * 96) < 1e-9)
    #expect(PhysicalLength.pixels("720px") == 720)
    #expect(PhysicalLength.pixels("72pt") == 96)
    #expect(PhysicalLength.pixels("720") == 720)
    #expect(PhysicalLength.pixels("7.5in") == 720)
    #expect(PhysicalLength.pixels(".5in") == 48)
    for bad in ["7 inches", "-7in", "0mm", "in", "nanin", "infmm", "", "0x10in", "0x10", "1e1in", "7.5.1in", "+7in",
                "7,5in", "1" + String(repeating: "0", count: 400) + "in"] {
      #expect(PhysicalLength.pixels(bad) == nil, "\(bad)")
    }
  }

  /// A 7 × 5 inch figure at 300 dpi is 2100 × 1500 pixels (rsvg-convert's
  /// zoom is dpi / 96); the SVG itself stays 672 × 480 units.
  @Test(.enabled(if: PlotFile().findConverter() != nil)) func pngAt300And600Dpi() throws {
    let plot = try SurvivalPlot(TrialData.survival(), options: PlotOptions(width: 672, height: 480))
    #expect(plot.svg().contains("viewBox=\"0 0 672 480\""))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-dpi-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (dpi, size) in [(300.0, (2100, 1500)), (600.0, (4200, 3000))] {
      let path = dir.appendingPathComponent("km\(Int(dpi)).png").path
      try plot.write(to: path, using: PlotFile(zoom: dpi / PhysicalLength.pixelsPerInch))
      let got = try Self.pngSize(path)
      #expect(got.0 == size.0 && got.1 == size.1, "\(dpi) dpi: \(got)")
    }
  }

  /// Width and height from a PNG's IHDR chunk.
  static func pngSize(_ path: String) throws -> (Int, Int) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    guard bytes.count >= 24 else { return (0, 0) }
    func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
  }

  @Test func legendTitleComesFirstAndPushesNothingOver() throws {
    var o = PlotOptions()
    o.legendTitle = "Treatment"
    let l = try SurvivalPlotLayout(TrialData.survival(), options: o)
    let title = try #require(l.legendTitle)
    #expect(title.string == "Treatment")
    let titleEnd = title.at.x + TextMetrics.width("Treatment", size: l.fontSize, bold: true)
    #expect(l.legend[0].swatchStart.x > titleEnd)
    #expect(l.legend.count == 2)
    let svg = try SurvivalPlot(TrialData.survival(), options: o).svg()
    #expect(svg.contains("font-weight=\"bold\" fill=\"#000000\">Treatment<"))
    #expect(try SurvivalPlotLayout(TrialData.survival(), options: PlotOptions()).legendTitle == nil)
  }

  /// A Japanese legend title is measured an em per character, so the first
  /// key starts after it (the session-5 review saw it drawn over "Obs").
  @Test func wideLegendTitleIsMeasuredWide() throws {
    let title = "無作為化された治療群"
    #expect(TextMetrics.width(title, size: 10) == 100)
    #expect(TextMetrics.width("e\u{301}", size: 10) == TextMetrics.width("e", size: 10))
    var o = PlotOptions()
    o.legendTitle = title
    let l = try SurvivalPlotLayout(TrialData.survival(), options: o)
    let start = try #require(l.legendTitle).at.x
    #expect(l.legend[0].swatchStart.x > start + TextMetrics.width(title, size: l.fontSize, bold: true))
  }

  /// Causes in one panel: a colour per group, a line type per cause, and a
  /// risk table of one row per group.
  @Test func overlaySharesColoursAndRiskRows() throws {
    let one = TrialData.incidence()
    var data = one
    data.series = one.series + one.series.map { s in
      var s = s
      s.value = s.value.map { $0 / 2 }
      return s
    }
    data.colorIndex = [0, 1, 0, 1]
    data.lineIndex = [0, 0, 1, 1]
    data.tableSeries = [0, 1]
    data.tableLabels = ["Observation", "Lev+5FU"]
    var o = PlotOptions()
    o.linetypes = LineType.cycle
    let l = try SurvivalPlotLayout(data, options: o)
    #expect(l.groups.map(\.color) == ["#0072B2", "#D55E00", "#0072B2", "#D55E00"])
    #expect(l.groups.map(\.dash) == [nil, nil, "7 5", "7 5"])
    #expect(l.tables[0].rows.map(\.label) == ["Observation", "Lev+5FU"])
    // Two colours are enough for four curves.
    o.colors = ["black", "grey"]
    #expect(try SurvivalPlotLayout(data, options: o).groups.map(\.color) == ["black", "grey", "black", "grey"])
  }

  @Test func panelStackNestsFiguresWithTheirOwnClipPaths() throws {
    let a = try SurvivalPlot(TrialData.incidence(), options: PlotOptions(title: "Cause 1"))
    let b = try SurvivalPlot(TrialData.incidence(), options: PlotOptions(title: "Cause 2"))
    let stacked = try PanelStack([a, b], direction: .vertical, title: "Both")
    #expect(stacked.width == a.layout.width)
    #expect(stacked.height == stacked.titleHeight + a.layout.height + b.layout.height)
    let side = try PanelStack([a, b], direction: .horizontal)
    #expect(side.width == a.layout.width + b.layout.width && side.height == a.layout.height)
    for svg in [stacked.svg(), side.svg()] {
      #expect(XMLParser(data: Data(svg.utf8)).parse())
      #expect(svg.contains("id=\"kaplan-panel-clip-1\"") && svg.contains("id=\"kaplan-panel-clip-2\""))
      #expect(svg.contains("url(#kaplan-panel-clip-2)"))
      #expect(svg.components(separatedBy: "<svg ").count == 4)  // the document and two panels
    }
    #expect(side.svg().contains("<svg x=\"\(SVGWriter.number(a.layout.width))\" y=\"0\""))
    #expect(throws: PlotError.self) { try PanelStack([], direction: .vertical) }
    // A requested size is the whole figure's: panels share it.
    for direction in [PanelStack.Direction.vertical, .horizontal] {
      let whole = PlotOptions(title: "Both", width: 1000, height: 1200)
      let o = PanelStack.panelOptions(whole, count: 2, direction: direction)
      #expect(o.title == nil)
      let panels = try [a.data, b.data].map { try SurvivalPlot($0, options: o) }
      let stack = try PanelStack(panels, direction: direction, title: "Both", options: whole)
      #expect(abs(stack.width - 1000) < 1e-9 && abs(stack.height - 1200) < 1e-9, "\(direction)")
    }
  }

  @Test func previewWidthIsTheWholeLine() throws {
    let plain = { (s: String) in
      s.replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
    for width in [40, 100, 160] {
      let text = plain(try TerminalPreview.render(TrialData.survival(), lineWidth: width))
      let rows = text.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") }
      #expect(rows.count == 18)
      #expect(rows.allSatisfy { $0.count == width }, "\(width)")
    }
    let tooNarrow = PlotError.invalidOption(
      option: "term_width", message: "term_width must be between 20 and 400 (got 5)")
    #expect(throws: tooNarrow) {
      try TerminalPreview.render(TrialData.survival(), lineWidth: 5)
    }
  }

  @Test func previewPrintsTheAnnotations() throws {
    let lines = try TerminalPreview.render(TrialData.survival(), color: false).split(separator: "\n")
    #expect(lines.suffix(2).map { $0.trimmingCharacters(in: .whitespaces) }
      == ["Log-rank p = 0.0042", "HR 0.58 (95% CI 0.38–0.88)"])
  }
}
