import Foundation
import Testing
@testable import Plots

/// PNG and PDF plots are written by Kaplan through an O_NOFOLLOW descriptor
/// (rsvg-convert's standard output), never by `rsvg-convert --output`,
/// which would follow a symbolic link (issue 12).
struct FinalFileTests {
  @Test func aLinkInPlaceOfTheFileIsNotFollowed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-final-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let target = dir.appendingPathComponent("target.png").path
    let link = dir.appendingPathComponent("figure.png").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    #expect(throws: PlotError.unwritablePath(path: "figure.png", reason: "it is a symbolic link")) {
      _ = try FinalFile.create(link, shown: "figure.png")
    }
    #expect(!FileManager.default.fileExists(atPath: target))
    if PlotFile().findConverter() != nil {
      let plot = try SurvivalPlot(TrialData.survival())
      #expect(throws: PlotError.self) { try plot.write(to: link) }
      #expect(!FileManager.default.fileExists(atPath: target))
      // A failed conversion leaves no empty file behind; a good one writes PNG.
      let good = dir.appendingPathComponent("good.png").path
      try plot.write(to: good)
      #expect(try Data(contentsOf: URL(fileURLWithPath: good)).starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
  }
}
