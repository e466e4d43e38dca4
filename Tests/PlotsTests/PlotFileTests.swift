import Foundation
import Testing
@testable import Plots

@Suite struct PlotFileTests {
  let plot: SurvivalPlot
  let dir: URL

  init() throws {
    plot = try SurvivalPlot(TrialData.survival())
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-plots-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  @Test func writesSVG() throws {
    let path = dir.appendingPathComponent("os.svg").path
    try plot.write(to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == plot.svg())
  }

  @Test func unsupportedExtension() {
    let path = dir.appendingPathComponent("os.jpg").path
    #expect(throws: PlotError.unsupportedFormat(path: path)) { try plot.write(to: path) }
    #expect(
      PlotError.unsupportedFormat(path: "os.jpg").description
        == "cannot write plot to 'os.jpg': file name must end in .svg, .png or .pdf")
  }

  @Test func unwritablePathNamesThePath() {
    let path = "/nonexistent-kaplan-dir/os.svg"
    do {
      try plot.write(to: path)
      Issue.record("expected an error")
    } catch let error as PlotError {
      #expect(error.description == "cannot write plot to '/nonexistent-kaplan-dir/os.svg': directory "
        + "'/nonexistent-kaplan-dir' does not exist")
    } catch {
      Issue.record("unexpected \(error)")
    }
    let folder = dir.appendingPathComponent("folder.svg").path
    #expect(throws: Never.self) {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    #expect(throws: PlotError.unwritablePath(path: folder, reason: "it is a directory")) {
      try PlotFile().write(svg: "", to: folder)
    }
  }

  @Test func missingConverterNamesTheDebianPackage() {
    let file = PlotFile(searchPath: [dir.path])
    let path = dir.appendingPathComponent("os.png").path
    do {
      try plot.write(to: path, using: file)
      Issue.record("expected an error")
    } catch let error as PlotError {
      #expect(error == .converterNotFound(format: "PNG"))
      #expect(error.description.contains("librsvg2-bin"))
      #expect(error.description.contains("rsvg-convert"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test(.enabled(if: PlotFile().findConverter() != nil, "rsvg-convert not installed"))
  func convertsToPNGAndPDF() throws {
    let png = dir.appendingPathComponent("os.png")
    try plot.write(to: png.path)
    let bytes = try Data(contentsOf: png)
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let pdf = dir.appendingPathComponent("forest.PDF")
    try ForestPlot(TrialData.forest()).write(to: pdf.path)
    #expect(try Data(contentsOf: pdf).prefix(5) == Data("%PDF-".utf8))
  }
}
