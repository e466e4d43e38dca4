import Foundation
import Testing
import TestSupport
import ZIPFoundation

@testable import Documents

/// Seeded random text (ASCII punctuation, controls, markup, non-ASCII,
/// astral characters) through every writer: the HTML and the DOCX's
/// document.xml stay well-formed and give back each cell's text (XML's
/// forbidden controls as U+FFFD), the RTF reads back to each cell (controls
/// as spaces), and Markdown rows keep their column count.
@Suite struct RandomTextTests {
  /// SplitMix64, so the cases are the same on every run.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  static let pieces: [String] = [
    "<", ">", "&", "\"", "'", "{", "}", "\\", "|", "*", "_", "`", "#", "[", "]", "!", "~", "\t", "\u{1}", "\u{7f}",
    "\u{b}", "é", "中", "😀", "\u{FFFD}", "\\par ", "{\\rtf1", "]]>", "<!--", "&amp;", "\\u8364?", " ", "a", "1.",
  ]

  static func text(_ g: inout Generator) -> String {
    var s = ""
    for _ in 0..<g.below(12) { s += pieces[g.below(pieces.count)] }
    return s
  }

  static func xmlShown(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.map { c in
      (c.value < 0x20 && c != "\t") ? "\u{FFFD}" : c
    }))
  }

  static func rtfShown(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.map { c in
      (c.value < 0x20 && c != "\t") || c.value == 0x7f ? " " : c
    }))
  }

  @Test func randomCellsSurviveEveryFormat() throws {
    var g = Generator(state: 18)
    for _ in 0..<40 {
      let header = (0..<3).map { _ in Self.text(&g) }
      let rows = (0..<4).map { _ in (0..<3).map { _ in Self.text(&g) } }
      // Leading spaces are an indent, not text: the cells compared are without them.
      let strip: (String) -> String = { String($0.drop { $0 == " " }) }
      let document = Document(title: Self.text(&g), blocks: [
        .paragraph(Self.text(&g)), .table(DocumentTable(caption: Self.text(&g), header: header, rows: rows)),
      ])

      let html = try DocumentWriter.write(document, format: .html, name: "r").main
      let tree = try #require(XMLTree.parse(html), "\(String(decoding: html, as: UTF8.self))")
      let cells = tree.all("td").map(\.allText)
      #expect(cells == rows.flatMap { $0.map { Self.xmlShown(strip($0)) } })
      #expect(tree.all("th").map(\.allText) == header.map { Self.xmlShown(strip($0)) })

      let docx = try DocumentWriter.write(document, format: .docx, name: "r").main
      let archive = try Archive(data: Data(docx), accessMode: .read)
      let entry = try #require(archive["word/document.xml"])
      var xml = Data()
      _ = try archive.extract(entry) { xml.append($0) }
      let body = try #require(XMLTree.parse([UInt8](xml)))
      let wordCells = body.all("w:tc").map(\.allText)
      #expect(wordCells == (header + rows.flatMap { $0 }).map { Self.xmlShown(strip($0)) })

      let rtfText = String(decoding: try DocumentWriter.write(document, format: .rtf, name: "r").main, as: UTF8.self)
      let rtf = try #require(RTFReader(rtfText))
      #expect(rtf.rows == ([header] + rows).map { $0.map { Self.rtfShown(strip($0)) } })

      let md = String(decoding: try DocumentWriter.write(document, format: .md, name: "r").main, as: UTF8.self)
      let tableLines = md.split(separator: "\n").filter { $0.hasPrefix("| ") }
      #expect(tableLines.count == 5)
      for line in tableLines {
        var bars = 0
        var escaped = false
        for ch in line {
          if escaped {
            escaped = false
          } else if ch == "\\" {
            escaped = true
          } else if ch == "|" {
            bars += 1
          }
        }
        #expect(bars == 4, "\(line)")
        #expect(!line.contains("<"), "\(line)")
      }
    }
  }
}
