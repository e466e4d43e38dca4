import Foundation
import Testing
@testable import Plots

/// Bad option values give errors that name the option and the value.
@Suite struct PlotOptionsTests {
  func message(_ options: PlotOptions, data: SurvivalPlotData = TrialData.survival()) -> String? {
    do {
      _ = try SurvivalPlot(data, options: options)
      return nil
    } catch let error as PlotError {
      return error.description
    } catch {
      return "unexpected \(error)"
    }
  }

  func option(_ options: PlotOptions) -> String? {
    do {
      _ = try SurvivalPlot(TrialData.survival(), options: options)
    } catch PlotError.invalidOption(let name, _) {
      return name
    } catch {}
    return nil
  }

  @Test func invertedXlim() {
    #expect(message(PlotOptions(xlim: [60, 0])) == "xlim must be increasing (got {60, 0})")
    #expect(option(PlotOptions(xlim: [60, 0])) == "xlim")
  }

  @Test func malformedLimits() {
    #expect(message(PlotOptions(xlim: [0])) == "xlim must have 2 numbers {lower, upper} (got 1)")
    #expect(message(PlotOptions(ylim: [0, .infinity])) == "ylim must be finite (got {0, inf})")
    #expect(message(PlotOptions(ylim: [0.5, 0.5])) == "ylim must be increasing (got {0.5, 0.5})")
  }

  @Test func breaksAndSizes() {
    #expect(message(PlotOptions(breaks: 0)) == "breaks must be a positive number (got 0)")
    #expect(message(PlotOptions(breaks: -12)) == "breaks must be a positive number (got -12)")
    #expect(message(PlotOptions(breaks: 0.5)) == "breaks = 0.5 gives more than 100 ticks over the time axis (0 to 111)")
    #expect(message(PlotOptions(width: 50)) == "width must be between 200 and 10000 (got 50)")
    #expect(message(PlotOptions(height: .nan)) == "height must be between 150 and 10000 (got nan)")
    #expect(message(PlotOptions(fontSize: 2)) == "font_size must be between 4 and 72 (got 2)")
    #expect(option(PlotOptions(fontSize: 2)) == "font_size")
  }

  @Test func sizesTooSmallForTheContent() {
    #expect(message(PlotOptions(height: 200))?.hasPrefix(
      "height = 200 leaves no room for the plot panel; use at least ") == true)
    #expect(message(PlotOptions(width: 200, fontSize: 40))?.hasPrefix(
      "width = 200 leaves no room for the plot panel") == true)
  }

  @Test func labelsAndColorsMustMatchTheGroups() {
    #expect(message(PlotOptions(labels: ["A", "B", "C"])) == "labels must have 2 entries, one per group (got 3)")
    #expect(message(PlotOptions(colors: ["red"])) == "colors must have at least 2 entries, one per group (got 1)")
    #expect(
      message(PlotOptions(colors: ["red", "blu"]))
        == "colors[2] must be a colour such as \"#0072B2\" or \"steelblue\" (got \"blu\")")
    #expect(
      message(PlotOptions(colors: ["#12345", "red"]))
        == "colors[1] must be a colour such as \"#0072B2\" or \"steelblue\" (got \"#12345\")")
    #expect(message(PlotOptions(colors: ["#0072b2", "DarkOrange", "#abc"])) == nil)
  }

  @Test func inconsistentDataIsRejected() {
    var data = TrialData.survival()
    data.series[1].value.removeLast()
    #expect(message(PlotOptions(), data: data) == "invalid plot data: series 2 (\"Lev+5FU\"): value has "
      + "\(data.series[1].time.count - 1) entries but time has \(data.series[1].time.count)")
    #expect(message(PlotOptions(), data: SurvivalPlotData(series: [])) == "invalid plot data: no series to plot")
  }

  @Test func forestOptionsAreChecked() {
    #expect(throws: PlotError.invalidOption(option: "xlim", message: "xlim must be increasing (got {2, 1})")) {
      try ForestPlot(TrialData.forest(), options: PlotOptions(xlim: [2, 1]))
    }
    var data = TrialData.forest()
    data.rows[1].lower = -1
    #expect(throws: PlotError.invalidData("row 2 (\"Lev\"): lower must not be negative (got -1.0)")) {
      try ForestPlot(data)
    }
  }
}
