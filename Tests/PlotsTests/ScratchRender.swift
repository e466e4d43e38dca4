import Foundation
import Testing
@testable import Plots

@Test func scratchRender() throws {
  let dir = "/tmp/plots-scratch"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  let km = try SurvivalPlot(TrialData.survival(), options: PlotOptions(confInt: true, medianLines: true))
  try km.svg().write(toFile: dir + "/km.svg", atomically: true, encoding: .utf8)
  let ci = try SurvivalPlot(TrialData.incidence(), options: PlotOptions(percent: true, cumulativeEvents: true))
  try ci.svg().write(toFile: dir + "/ci.svg", atomically: true, encoding: .utf8)
}

@Test func scratchForest() throws {
  let f = try ForestPlot(TrialData.forest())
  try f.svg().write(toFile: "/tmp/plots-scratch/forest.svg", atomically: true, encoding: .utf8)
}

@Test func scratchPreview() throws {
  print(try TerminalPreview.render(TrialData.survival()))
  print(try TerminalPreview.render(TrialData.incidence(), options: PlotOptions(title: "CIF", percent: true), color: false))
}
