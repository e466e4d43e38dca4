import Foundation
import Testing
@testable import Plots

/// The parts of a forest plot a subgroup figure adds: text columns between
/// the labels and the axis, a note in place of an estimate, the p header,
/// and "favours" labels either side of 1.
@Suite struct ForestPlotColumnsTests {
  private func data() -> ForestPlotData {
    var noHR = ForestRow(variable: "ECOG", label: "3", hazardRatio: nil, lower: nil, upper: nil, pValue: nil)
    noHR.note = "no rows in arm female"
    var d = ForestPlotData(rows: [
      ForestRow(label: "All patients", hazardRatio: 0.6, lower: 0.43, upper: 0.83, pValue: nil),
      ForestRow(variable: "ECOG", label: "0", hazardRatio: 0.68, lower: 0.31, upper: 1.48, pValue: 0.89),
      noHR,
    ])
    d.columns = [
      ForestTextColumn(header: "female n/events", cells: ["90/53", "27/9", "0/0"]),
      ForestTextColumn(header: "male n/events", cells: ["138/112", "36/28", "1/1"]),
    ]
    d.pHeader = "p interaction"
    d.favoursLeft = "favours male"
    d.favoursRight = "favours female"
    return d
  }

  @Test func textColumnsSitBetweenLabelsAndTheAxis() throws {
    let layout = try ForestPlotLayout(data(), options: PlotOptions())
    #expect(layout.textHeaders == ["female n/events", "male n/events"])
    #expect(layout.textColumns.count == 2)
    #expect(layout.labelColumn < layout.textColumns[0] && layout.textColumns[0] < layout.textColumns[1])
    #expect(layout.textColumns[1] < layout.panel.minX)
    #expect(layout.rows.map(\.cells) == [["90/53", "138/112"], ["27/9", "36/28"], ["0/0", "1/1"]])
    // A row without an estimate shows its note and draws nothing.
    #expect(layout.rows[2].estimateText == "no rows in arm female")
    #expect(layout.rows[2].point == nil && layout.rows[2].whisker == nil)
    #expect(layout.rows.map(\.pText) == ["", "0.89", ""])
    // The default width grows so that the axis keeps 240 units.
    #expect(layout.panel.width >= 240 - 1e-9)
  }

  @Test func favoursLabelsFlankTheLineAtOne() throws {
    let layout = try ForestPlotLayout(data(), options: PlotOptions())
    let one = layout.x(1)
    #expect(layout.favours.map(\.string) == ["← favours male", "favours female →"])
    #expect(layout.favours[0].at.x < one && layout.favours[1].at.x > one)
    #expect(layout.favours[0].at.y > layout.panel.maxY && layout.axisTitle.at.y > layout.favours[0].at.y)
    let svg = try ForestPlot(data()).svg()
    #expect(svg.contains(">p interaction</text>"))
    #expect(svg.contains("text-anchor=\"end\"") && svg.contains(">← favours male</text>"))
    #expect(svg.contains(">138/112</text>"))
  }

  @Test func aColumnOfTheWrongLengthIsRefused() throws {
    var d = data()
    d.columns[0].cells.removeLast()
    #expect(throws: PlotError.invalidData("column \"female n/events\" has 2 cells for 3 rows")) {
      try ForestPlotLayout(d, options: PlotOptions())
    }
  }
}
