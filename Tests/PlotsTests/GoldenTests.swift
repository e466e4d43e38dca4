import Foundation
import Testing
import TestSupport
@testable import Plots

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Fixed inputs render to byte-identical files, compared with the golden
/// copies in Tests/Fixtures/plots/.
///
/// When a change to the output is intended, regenerate the goldens with
///
///     KAPLAN_UPDATE_GOLDEN=1 swift test --filter PlotsTests
///
/// then look at them (`rsvg-convert -o /tmp/x.png Tests/Fixtures/plots/km_default.svg`)
/// and commit them with the change.
@Suite struct GoldenTests {
  static let cases: [(name: String, render: @Sendable () throws -> String)] = [
    ("km_default.svg", { try SurvivalPlot(TrialData.survival()).svg() }),
    (
      "km_options.svg",
      {
        try SurvivalPlot(
          TrialData.survival(),
          options: PlotOptions(
            title: "Overall survival", xlab: "Months since randomisation", ylab: "Overall survival",
            percent: true, labels: ["Observation (n = 62)", "Lev+5FU (n = 60)"], confInt: true,
            cumulativeEvents: true, medianLines: true)
        ).svg()
      }
    ),
    ("incidence.svg", { try SurvivalPlot(TrialData.incidence(), options: PlotOptions(xlim: [0, 96])).svg() }),
    ("forest.svg", { try ForestPlot(TrialData.forest()).svg() }),
    (
      "km_journal.svg",
      {
        var o = PlotOptions(width: 7 * 96, height: 5 * 96)
        o.linetypes = LineType.cycle
        o.palette = "greyscale"
        o.fontFamily = "Times New Roman, serif"
        o.legendTitle = "Treatment"
        return try SurvivalPlot(TrialData.survival(), options: o).svg()
      }
    ),
    (
      "incidence_stacked.svg",
      {
        let panels = try [TrialData.incidence(), TrialData.incidence()].enumerated().map { k, d in
          try SurvivalPlot(d, options: PlotOptions(title: "Cause \(k + 1)", width: 560))
        }
        return try PanelStack(panels, direction: .vertical, title: "Competing risks").svg()
      }
    ),
    ("preview.txt", { try TerminalPreview.render(TrialData.survival(), color: false) }),
    ("preview_color.txt", { try TerminalPreview.render(TrialData.incidence(), options: PlotOptions(percent: true)) }),
  ]

  static var updating: Bool { ProcessInfo.processInfo.environment["KAPLAN_UPDATE_GOLDEN"] == "1" }

  @Test(arguments: cases.map(\.name))
  func matchesGolden(_ name: String) throws {
    let render = try #require(Self.cases.first { $0.name == name }).render
    let output = try render()
    // Same bytes on a second run (no dictionary order, clock or locale).
    #expect(try render() == output)
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/plots").appendingPathComponent(name)
    if Self.updating {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(output.utf8).write(to: url)
      return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    let matches = output == golden
    if !matches {
      // Leave the new output next to the temporary directory for a diff.
      let actual = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-actual-\(name)")
      try? Data(output.utf8).write(to: actual)
    }
    #expect(
      matches,
      Comment(
        rawValue: "\(name) differs from its golden file (new output in the temporary directory as "
          + "kaplan-actual-\(name)); if intended, rerun with KAPLAN_UPDATE_GOLDEN=1"))
  }

  @Test(arguments: cases.map(\.name).filter { $0.hasSuffix(".svg") })
  func svgIsWellFormedAndSelfContained(_ name: String) throws {
    let svg = try #require(Self.cases.first { $0.name == name }).render()
    let checker = SVGChecker()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = checker
    #expect(parser.parse(), "\(name): \(parser.parserError.map { "\($0)" } ?? "")")
    #expect(checker.root == "svg")
    #expect(checker.elements["text", default: 0] > 10)
    #expect(checker.externalReferences.isEmpty, "\(checker.externalReferences)")
    #expect(!svg.contains("<image"))
    #expect(!svg.contains("@import"))
  }

  @Test func textIsEscaped() throws {
    var data = TrialData.survival()
    data.series[0].label = "A & <B> \"quoted\" 'x'\u{1}"
    data.pValueText = "p < 0.05"
    let svg = try SurvivalPlot(data).svg()
    #expect(svg.contains("A &amp; &lt;B&gt; &quot;quoted&quot; &apos;x&apos;</text>"))
    #expect(svg.contains("p &lt; 0.05"))
    let parser = XMLParser(data: Data(svg.utf8))
    #expect(parser.parse())
  }

  @Test func numbersAreFormattedWithoutLocale() {
    #expect(SVGWriter.number(12) == "12")
    #expect(SVGWriter.number(3.5) == "3.5")
    #expect(SVGWriter.number(0.125) == "0.13")
    #expect(SVGWriter.number(-0.004) == "0")
    #expect(SVGWriter.number(-2.05) == "-2.05")
    #expect(SVGWriter.number(1.005) == "1")  // 1.005 is 1.00499999... in binary
    #expect(SVGWriter.number(720.1) == "720.1")
    #expect(Ticks.format(0.25, decimals: 2) == "0.25")
    #expect(Ticks.format(1, decimals: 2) == "1.00")
    #expect(Ticks.format(-0.001, decimals: 2) == "0.00")
    #expect(ForestPlotLayout.formatP(0.0098) == "0.0098")
    #expect(ForestPlotLayout.formatP(0.28) == "0.28")
    #expect(ForestPlotLayout.formatP(0.072) == "0.072")
    #expect(ForestPlotLayout.formatP(0.0000002) == "<0.001")
  }
}

/// Collects what the well-formedness test checks while parsing.
final class SVGChecker: NSObject, XMLParserDelegate {
  var root: String?
  var elements: [String: Int] = [:]
  var externalReferences: [String] = []

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
  ) {
    if root == nil { root = elementName }
    elements[elementName, default: 0] += 1
    for (key, value) in attributeDict {
      let lowered = value.lowercased()
      if key.hasSuffix("href") || lowered.contains("url(http") || lowered.contains("url(file") {
        externalReferences.append("\(elementName) \(key)=\(value)")
      }
    }
  }
}
