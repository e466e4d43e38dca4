import Foundation
import Testing
@testable import Plots

@Suite struct TerminalPreviewTests {
  /// Strips ANSI colour sequences.
  func plain(_ s: String) -> String {
    s.replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
  }

  @Test func shapeIsRowsOfBrailleBetweenAxes() throws {
    let text = try TerminalPreview.render(TrialData.survival(), columns: 70, rows: 18, color: false)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    // y title, 18 plot rows, x axis, tick labels, x title, legend, p-value, hazard ratio.
    #expect(lines.count == 1 + 18 + 4 + 2)
    let plotRows = Array(lines[1...18])
    #expect(plotRows.first?.hasPrefix("1.00 ┤") == true)
    #expect(plotRows.last?.hasPrefix("0.00 ┤") == true)
    #expect(plotRows.contains { $0.hasPrefix("0.50 ┤") })
    for row in plotRows {
      // Gutter of 5 ("1.00 "), then the axis character, then the cells.
      #expect(["┤", "│"].contains(row.dropFirst(5).first))
      let cells = String(row.dropFirst(6))
      #expect(cells.count == 70)
      #expect(cells.unicodeScalars.allSatisfy { $0 == " " || (0x2800...0x28FF).contains($0.value) })
    }
    #expect(lines[19].hasPrefix("     └"))
    #expect(lines[19].count == 6 + 70)
    #expect(lines[20].hasPrefix("      0"))
    #expect(lines[20].hasSuffix("120"))
    #expect(lines[22].contains("━━ Observation") && lines[22].contains("╍╍ Lev+5FU"))
    #expect(!text.contains("\u{1b}"))
  }

  @Test func curveStartsTopLeftAndColoursDistinguishGroups() throws {
    let text = try TerminalPreview.render(TrialData.survival(), color: true)
    #expect(text.contains("\u{1b}[38;5;25m"))  // Okabe–Ito blue
    #expect(text.contains("\u{1b}[38;5;166m"))  // vermillion
    let lines = plain(text).split(separator: "\n").map(String.init)
    // At time 0 both curves are at 1: the first cell of the top row has dots.
    let firstCell = lines[1].dropFirst(6).first
    #expect(firstCell.map { $0 != " " } == true)
  }

  @Test func sizeIsConfigurableAndChecked() throws {
    let text = try TerminalPreview.render(TrialData.survival(), columns: 40, rows: 10, color: false)
    #expect(text.split(separator: "\n").count == 1 + 10 + 4 + 2)
    #expect(throws: PlotError.self) { try TerminalPreview.render(TrialData.survival(), columns: 5) }
  }
}
