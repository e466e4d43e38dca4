import Foundation
import Testing

@testable import Plots

/// `--max-memory` bounds rsvg-convert too (session-5 review): its address
/// space is limited (RLIMIT_AS in the child), and a conversion that fails
/// for memory is said so. Skipped where rsvg-convert is not installed.
@Suite struct ConverterMemoryTests {
  /// 720 × 540 units at zoom 25: an 18000 × 13500 surface of 972 MB, past the
  /// 512 MB floor. Without the limit rsvg-convert takes it (and a minute).
  static let svg = PNGBytesTests.svg.replacingOccurrences(of: "width=\"300\" height=\"200\"",
                                                          with: "width=\"720\" height=\"540\"")

  @Test func aHugePNGFailsForMemoryUnderTheLimit() throws {
    guard PlotFile().findConverter() != nil else { return }
    var file = PlotFile(zoom: 25)
    file.memoryLimit = 0  // the least: ConverterMemory.minimumBytes
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kaplan-mem-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("huge.png").path
    let started = Date()
    do {
      try file.write(svg: Self.svg, to: path)
      Issue.record("the conversion should have run out of memory")
    } catch let error as PlotError {
      guard case .converterOutOfMemory(let shown, let limit, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(shown == path)
      #expect(limit == ConverterMemory.minimumBytes)
      #expect(error.description.contains("rsvg-convert ran out of memory writing '\(path)'"))
      #expect(error.description.contains("raise --max-memory"))
    }
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(!FileManager.default.fileExists(atPath: path))  // no partial figure left
    #expect(throws: PlotError.self) { try file.pngBytes(svg: Self.svg) }
  }

  @Test func anOrdinaryFigureConvertsUnderTheLeastLimit() throws {
    guard PlotFile().findConverter() != nil else { return }
    var file = PlotFile(zoom: 2)
    file.memoryLimit = 0
    let png = try file.pngBytes(svg: Self.svg)
    #expect(PNGBytesTests.size(png).map { $0 == (1440, 1080) } == true)
  }

  @Test func limitComesFromTheBudgetWithAFloor() {
    #expect(ConverterMemory.limit() == 0)  // no run, no budget: unlimited
    #expect(ConverterMemory.limit(explicit: 1 << 30) == 1 << 30)
    #expect(ConverterMemory.limit(explicit: -5) == ConverterMemory.minimumBytes)
    #expect(ConverterMemory.isMemoryFailure(status: 1, message: "No Memory"))
    #expect(ConverterMemory.isMemoryFailure(status: 134, message: ""))
    #expect(!ConverterMemory.isMemoryFailure(status: 1, message: "Error reading SVG: XML parse error"))
  }
}
