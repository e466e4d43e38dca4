import Foundation
import Testing
import ZIPFoundation

@testable import Documents
import TestSupport

/// The four document formats written from one document and read back:
/// HTML and the DOCX parts as XML, RTF through a small reader, Markdown as
/// text; each written twice must give the same bytes.
@Suite struct DocumentWriterTests {
  static let hostile = "<script>alert(\"x\")</script> & {\\rtf \\b bold} | pipe * _ é ü 中文 😀"
  static let svg = """
    <?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="360" height="240" viewBox="0 0 360 240">
    <defs><clipPath id="clip"><rect x="0" y="0" width="10" height="10"/></clipPath></defs>
    <rect x="0" y="0" width="360" height="240" fill="#FFFFFF" clip-path="url(#clip)"/>
    </svg>

    """
  /// A 1 × 1 PNG (signature, IHDR, IDAT, IEND).
  static let png: [UInt8] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
  ]

  static var table: DocumentTable {
    DocumentTable(
      caption: "Table 1. Baseline", header: ["Characteristic", "Obs", "Lev"],
      rows: [["Sex, n (%)", "", ""], ["  female", "10 (50.0%)", "12 (60.0%)"], [hostile, "1", "2"]],
      notes: ["Tests: chisq"])
  }

  static var document: Document {
    Document(title: "Report & <title>", blocks: [
      .heading("Baseline", level: 1), .paragraph("First line\nsecond line"), .table(table),
      .figure(DocumentFigure(svg: svg, png: png, caption: "Figure 1. KM")),
      .figure(DocumentFigure(svg: svg, png: png)),
    ])
  }

  static func bytes(_ format: DocumentFormat) throws -> DocumentFiles {
    try DocumentWriter.write(document, format: format, name: "report")
  }

  @Test func htmlIsWellFormedWithTablesFiguresAndNoExternalReference() throws {
    let files = try Self.bytes(.html)
    let text = String(decoding: files.main, as: UTF8.self)
    let root = try #require(XMLTree.parse(files.main))
    #expect(root.name == "html")
    let tables = root.all("table")
    #expect(tables.count == 1)
    let cells = tables[0].all("td").map(\.allText)
    #expect(cells.contains("female"))
    #expect(cells.contains(Self.hostile))
    #expect(tables[0].all("th").map(\.allText) == ["Characteristic", "Obs", "Lev"])
    #expect(tables[0].all("caption").first?.allText == "Table 1. Baseline")
    #expect(root.all("svg").count == 2)
    #expect(root.all("script").isEmpty)  // the hostile text stayed text
    #expect(root.all("h1").first?.allText == "Report & <title>")
    // Ids are made unique per figure, and references follow them.
    #expect(text.contains("id=\"kaplan-figure-1-clip\"") && text.contains("url(#kaplan-figure-2-clip)"))
    for external in ["src=", "<link", "href=\"http", "@import", "url(http"] { #expect(!text.contains(external)) }
    #expect(try Self.bytes(.html).main == files.main)
  }

  @Test func docxHasTheRequiredPartsAndRealTables() throws {
    let files = try Self.bytes(.docx)
    let archive = try Archive(data: Data(files.main), accessMode: .read)
    func part(_ name: String) throws -> [UInt8] {
      let entry = try #require(archive[name], "missing part \(name)")
      var data = Data()
      _ = try archive.extract(entry) { data.append($0) }
      return [UInt8](data)
    }
    let names = archive.map(\.path)
    #expect(names.first == "[Content_Types].xml")
    for required in ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
                     "word/_rels/document.xml.rels", "word/media/image1.png", "word/media/image2.png"] {
      #expect(names.contains(required), "\(required)")
    }
    let document = try #require(XMLTree.parse(try part("word/document.xml")))
    let tables = document.all("w:tbl")
    #expect(tables.count == 1)
    let rows = tables[0].all("w:tr")
    #expect(rows.count == 4)
    #expect(rows[0].all("w:tc").map(\.allText) == ["Characteristic", "Obs", "Lev"])
    #expect(rows[2].all("w:tc").map(\.allText) == ["female", "10 (50.0%)", "12 (60.0%)"])
    #expect(rows[3].all("w:tc").first?.allText == Self.hostile)
    #expect(rows[0].all("w:tblHeader").count == 1)
    // Styles used are defined.
    let styles = try #require(XMLTree.parse(try part("word/styles.xml")))
    let defined = Set(styles.all("w:style").compactMap { $0.attributes["w:styleId"] })
    let used = Set(document.all("w:pStyle").compactMap { $0.attributes["w:val"] }
      + document.all("w:tblStyle").compactMap { $0.attributes["w:val"] })
    #expect(used.isSubset(of: defined), "\(used.subtracting(defined))")
    for style in ["Title", "Heading1", "Normal", "KaplanTable"] { #expect(defined.contains(style)) }
    // Every image relationship the document uses resolves to a media part.
    let rels = try #require(XMLTree.parse(try part("word/_rels/document.xml.rels")))
    var targets: [String: String] = [:]
    for r in rels.all("Relationship") { targets[r.attributes["Id"] ?? ""] = r.attributes["Target"] }
    let embeds = document.all("a:blip").compactMap { $0.attributes["r:embed"] }
    #expect(embeds.count == 2)
    for id in embeds {
      let target = try #require(targets[id])
      #expect(try part("word/" + target) == Self.png)
    }
    let types = try #require(XMLTree.parse(try part("[Content_Types].xml")))
    #expect(types.all("Default").contains { $0.attributes["Extension"] == "png" })
    let package = try #require(XMLTree.parse(try part("_rels/.rels")))
    #expect(package.all("Relationship").first?.attributes["Target"] == "word/document.xml")
    // Fixed dates: no entry carries today's date.
    for entry in archive { #expect(entry.fileAttributes[.modificationDate] as? Date == DOCXDocumentWriter.entryDate) }
    #expect(try Self.bytes(.docx).main == files.main)
  }

  @Test func rtfReadsBackToTheSameRowsAndPictures() throws {
    let files = try Self.bytes(.rtf)
    let text = String(decoding: files.main, as: UTF8.self)
    #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    let rtf = try #require(RTFReader(text))
    #expect(rtf.rows.count == 4)
    #expect(rtf.rows[0] == ["Characteristic", "Obs", "Lev"])
    #expect(rtf.rows[2] == ["female", "10 (50.0%)", "12 (60.0%)"])
    #expect(rtf.rows[3][0] == Self.hostile)
    #expect(rtf.paragraphs.contains("Report & <title>"))
    #expect(rtf.paragraphs.contains("First line\nsecond line"))
    #expect(rtf.pictures == 2)
    let hex = Self.png.map { String(format: "%02x", $0) }.joined()
    #expect(rtf.pictureHex.allSatisfy { $0.hasSuffix(hex) })
    #expect(text.contains("\\trhdr") && text.contains("\\pngblip") && !text.contains("\\creatim"))
    #expect(try Self.bytes(.rtf).main == files.main)
  }

  @Test func markdownHasPipeTablesAndSiblingFigures() throws {
    let files = try Self.bytes(.md)
    let text = String(decoding: files.main, as: UTF8.self)
    #expect(text.hasPrefix("# Report &amp; &lt;title&gt;\n"))
    #expect(text.contains("| Characteristic | Obs | Lev |\n|:---|---:|---:|\n"))
    #expect(text.contains("| &emsp;female | 10 (50.0%) | 12 (60.0%) |"))
    // The hostile cell cannot open HTML or end a cell.
    let hostileRow = try #require(text.split(separator: "\n").first { $0.contains("alert") })
    #expect(!hostileRow.contains("<script") && hostileRow.contains("\\|"))
    #expect(hostileRow.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 4)
    #expect(files.siblings.map(\.suffix) == ["-figure-1.svg", "-figure-2.svg"])
    #expect(files.siblings[0].bytes == Array(Self.svg.utf8))
    #expect(text.contains("![Figure 1. KM](report-figure-1.svg)"))
    #expect(try Self.bytes(.md).main == files.main)
  }

  @Test func csvHoldsOneTable() throws {
    let one = Document(blocks: [.table(DocumentTable(header: ["a", "b"], rows: [["x, y", "say \"hi\""]]))])
    let text = String(decoding: try DocumentWriter.write(one, format: .csv, name: "t").main, as: UTF8.self)
    #expect(text == "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n")
    let two = Document(blocks: [.table(Self.table), .paragraph("and"), .table(Self.table)])
    #expect(throws: DocumentError.self) { try DocumentWriter.write(two, format: .csv, name: "t") }
  }

  @Test func figuresWithoutPNGAreRefusedWhereABitmapIsNeeded() throws {
    let d = Document(blocks: [.figure(DocumentFigure(svg: Self.svg))])
    #expect(throws: DocumentError.self) { try DocumentWriter.write(d, format: .docx, name: "r") }
    #expect(throws: DocumentError.self) { try DocumentWriter.write(d, format: .rtf, name: "r") }
    _ = try DocumentWriter.write(d, format: .html, name: "r")
  }

  @Test func pagesAreLetterPortraitUnlessChosen() throws {
    func text(_ d: Document, _ f: DocumentFormat) throws -> String {
      String(decoding: try DocumentWriter.write(d, format: f, name: "r").main, as: UTF8.self)
    }
    func documentXML(_ d: Document) throws -> XMLTree? {
      let archive = try Archive(data: Data(try DocumentWriter.write(d, format: .docx, name: "r").main),
                                accessMode: .read)
      guard let entry = archive["word/document.xml"] else { return nil }
      var data = Data()
      _ = try archive.extract(entry) { data.append($0) }
      return XMLTree.parse([UInt8](data))
    }
    var d = Document(blocks: [.table(Self.table)])
    #expect(try text(d, .rtf).contains("\\paperw12240\\paperh15840\\margl"))
    #expect(!(try text(d, .html)).contains("@page"))
    let portrait = try #require(try documentXML(d))
    #expect(portrait.all("w:pgSz").first?.attributes["w:w"] == "12240")
    #expect(portrait.all("w:tblW").first?.attributes["w:w"] == "9360")
    d.page = PageSetup(paper: .a4, landscape: true)
    #expect(try text(d, .rtf).contains("\\paperw16838\\paperh11906\\landscape\\margl"))
    #expect(try text(d, .html).contains("@page { size: A4 landscape; margin: 1in; }"))
    let landscape = try #require(try documentXML(d))
    let size = landscape.all("w:pgSz").first?.attributes
    #expect(size?["w:w"] == "16838" && size?["w:h"] == "11906" && size?["w:orient"] == "landscape")
    #expect(landscape.all("w:tblW").first?.attributes["w:w"] == "13958")
    let rtf = try text(d, .rtf)
    #expect(rtf.contains("\\cellx13958"))
  }

  @Test func formatsComeFromTheExtension() {
    #expect(DocumentFormat.of(path: "out/Report.HTML") == .html)
    #expect(DocumentFormat.of(path: "t.docx") == .docx)
    #expect(DocumentFormat.of(path: "t.markdown") == .md)
    #expect(DocumentFormat.of(path: "t.pdf") == nil)
    #expect(DocumentFormat.of(path: "dir.d/file") == nil)
    #expect(DocumentFormat.of(path: "noext") == nil)
  }

  @Test func svgSizeComesFromTheRootElement() {
    let f = DocumentFigure(svg: Self.svg)
    #expect(f.width == 360 && f.height == 240)
    #expect(f.inlineSVG.hasPrefix("<svg"))
    #expect(DocumentFigure(svg: "<svg/>").width == SVGSize.fallback.width)
  }
}
