import Foundation
import Testing

@testable import Plots

/// `PlotFile.pngBytes`: a figure converted to PNG in memory (for documents),
/// through the same contained rsvg-convert run as PNG files. Skipped where
/// rsvg-convert is not installed.
@Suite struct PNGBytesTests {
  static let svg = """
    <?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" width="300" height="200" viewBox="0 0 300 200">
    <rect x="0" y="0" width="300" height="200" fill="#FFFFFF"/><circle cx="150" cy="100" r="50" fill="#0072B2"/>
    </svg>
    """

  static func size(_ png: [UInt8]) -> (Int, Int)? {
    guard png.count >= 24, png.starts(with: [0x89, 0x50, 0x4e, 0x47]) else { return nil }
    func word(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (word(16), word(20))
  }

  @Test func convertsInMemoryAtTheZoom() throws {
    guard PlotFile().findConverter() != nil else { return }
    let one = try PlotFile().pngBytes(svg: Self.svg)
    #expect(Self.size(one).map { $0 == (300, 200) } == true)
    let two = try PlotFile(zoom: 2).pngBytes(svg: Self.svg)
    #expect(Self.size(two).map { $0 == (600, 400) } == true)
    // Deterministic: the same SVG gives the same bytes.
    #expect(try PlotFile(zoom: 2).pngBytes(svg: Self.svg) == two)
  }

  @Test func aBadSVGIsAConversionError() throws {
    guard PlotFile().findConverter() != nil else { return }
    #expect(throws: PlotError.self) { try PlotFile().pngBytes(svg: "<svg") }
  }

  @Test func noConverterIsNamed() {
    #expect(throws: PlotError.self) { try PlotFile(searchPath: ["/nonexistent"]).pngBytes(svg: Self.svg) }
  }
}
