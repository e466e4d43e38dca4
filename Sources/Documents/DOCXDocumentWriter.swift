import Foundation
import ZIPFoundation

/// A document as a Word file (.docx, Office Open XML, ECMA-376 transitional)
/// written as plain WordprocessingML parts in a ZIP archive: the content
/// types, the package and document relationships, `word/document.xml`,
/// `word/styles.xml` and one `word/media/imageN.png` per figure.
///
/// Text uses styles Word users can edit (Title, Heading 1 and 2, Normal,
/// Caption, Table Note) and tables the table style "Kaplan Table" (rules
/// above and below the header row and under the last row, header row bold
/// and repeated on each page); the document sets no direct formatting
/// beyond alignment and indents. Figures are their PNG (`DocumentFigure.png`)
/// at the figure's size, at most the text width.
///
/// Deterministic: parts in a fixed order, each dated 1980-01-01 00:00 (the
/// ZIP epoch; ZIPFoundation writes dates in UTC), no document properties
/// with dates, deflate at zlib's default level.
enum DOCXDocumentWriter {
  /// The ZIP entries' date: the earliest MS-DOS date, 1980-01-01 00:00:00 UTC.
  static let entryDate = Date(timeIntervalSince1970: 315_532_800)
  static let emuPerPixel = 9525
  static let emuPerTwip = 635

  static let wordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  static let relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

  static func docx(_ document: Document) throws -> [UInt8] {
    let figures = document.figures
    var images: [[UInt8]] = []
    for (k, figure) in figures.enumerated() {
      guard let png = figure.png else { throw DocumentError("figure \(k + 1) has no PNG image, which DOCX needs") }
      images.append(png)
    }
    var parts: [(String, [UInt8], Bool)] = [
      ("[Content_Types].xml", Array(contentTypes.utf8), true),
      ("_rels/.rels", Array(packageRelationships.utf8), true),
      ("word/document.xml", Array(documentXML(document).utf8), true),
      ("word/styles.xml", Array(styles.utf8), true),
      ("word/_rels/document.xml.rels", Array(documentRelationships(figures: images.count).utf8), true),
    ]
    for (k, png) in images.enumerated() { parts.append(("word/media/image\(k + 1).png", png, false)) }
    return try zip(parts)
  }

  /// The parts as a ZIP archive (name, bytes, deflated).
  static func zip(_ parts: [(String, [UInt8], Bool)]) throws -> [UInt8] {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (name, bytes, deflate) in parts {
      let data = Data(bytes)
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: entryDate,
        permissions: 0o644, compressionMethod: deflate ? .deflate : .none
      ) { position, size in
        let start = Int(position)
        return data.subdata(in: start..<min(start + size, data.count))
      }
    }
    guard let data = archive.data else { throw DocumentError("the DOCX archive could not be assembled") }
    return [UInt8](data)
  }

  static let contentTypes = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
    <Default Extension="xml" ContentType="application/xml"/>\
    <Default Extension="png" ContentType="image/png"/>\
    <Override PartName="/word/document.xml" \
    ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
    <Override PartName="/word/styles.xml" \
    ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
    </Types>

    """

  static let packageRelationships = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
    <Relationship Id="rId1" Type="\(relationshipTypes)/officeDocument" Target="word/document.xml"/>\
    </Relationships>

    """

  /// rId1 is the styles part; rId(k+1) the k-th figure's image.
  static func documentRelationships(figures: Int) -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    out += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    out += "<Relationship Id=\"rId1\" Type=\"\(relationshipTypes)/styles\" Target=\"styles.xml\"/>"
    for k in 0..<figures {
      out += "<Relationship Id=\"rId\(k + 2)\" Type=\"\(relationshipTypes)/image\" Target=\"media/image\(k + 1).png\"/>"
    }
    out += "</Relationships>\n"
    return out
  }

  static func documentXML(_ document: Document) -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    out += "<w:document xmlns:w=\"\(wordNamespace)\" xmlns:r=\"\(relationshipTypes)\" "
    out += "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "
    out += "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
    out += "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>"
    if let title = document.title { out += paragraph(title, style: "Title") }
    let page = document.page ?? PageSetup()
    var figureNumber = 0
    for block in document.blocks {
      switch block {
      case .heading(let text, let level): out += paragraph(text, style: level <= 1 ? "Heading1" : "Heading2")
      case .paragraph(let text): out += paragraph(text, style: nil)
      case .table(let table): out += self.table(table, textWidth: page.textWidth)
      case .figure(let figure):
        figureNumber += 1
        if let caption = figure.caption { out += paragraph(caption, style: "Caption") }
        out += drawing(figure, number: figureNumber, textWidth: page.textWidth)
      }
    }
    let orient = page.landscape ? " w:orient=\"landscape\"" : ""
    out += "<w:sectPr><w:pgSz w:w=\"\(page.width)\" w:h=\"\(page.height)\"\(orient)/><w:pgMar w:top=\"1440\" "
    out += "w:right=\"1440\" "
    out += "w:bottom=\"1440\" w:left=\"1440\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr>"
    out += "</w:body></w:document>\n"
    return out
  }

  /// One run of text, its line breaks as `<w:br/>`.
  static func run<S: StringProtocol>(_ text: S) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return "<w:r>" + lines.map { "<w:t xml:space=\"preserve\">\(XMLText.escape(Substring($0)))</w:t>" }
      .joined(separator: "<w:br/>") + "</w:r>"
  }

  static func paragraph(_ text: String, style: String?) -> String {
    let properties = style.map { "<w:pPr><w:pStyle w:val=\"\($0)\"/></w:pPr>" } ?? ""
    return "<w:p>\(properties)\(run(text))</w:p>"
  }

  static func table(_ table: DocumentTable, textWidth: Int) -> String {
    let n = table.columnCount
    guard n > 0 else { return "" }
    var out = ""
    if let caption = table.caption { out += paragraph(caption, style: "Caption") }
    let edges = RTFDocumentWriter.columnEdges(table, textWidth: textWidth)
    let widths = edges.indices.map { edges[$0] - ($0 == 0 ? 0 : edges[$0 - 1]) }
    out += "<w:tbl><w:tblPr><w:tblStyle w:val=\"KaplanTable\"/><w:tblW w:w=\"\(textWidth)\" w:type=\"dxa\"/>"
    out += "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" "
    out += "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
    for w in widths { out += "<w:gridCol w:w=\"\(w)\"/>" }
    out += "</w:tblGrid>"
    for (i, row) in ([table.header] + table.rows).enumerated() {
      out += "<w:tr>" + (i == 0 ? "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" : "<w:trPr><w:cantSplit/></w:trPr>")
      for j in 0..<n {
        let (indent, text) = DocumentTable.indented(DocumentTable.cell(row, j))
        var properties = "<w:pStyle w:val=\"TableText\"/>"
        if indent > 0 { properties += "<w:ind w:left=\"\(200 * indent)\"/>" }
        properties += "<w:jc w:val=\"\(table.isLeft(j) ? "left" : "right")\"/>"
        out += "<w:tc><w:tcPr><w:tcW w:w=\"\(widths[j])\" w:type=\"dxa\"/></w:tcPr>"
        out += "<w:p><w:pPr>\(properties)</w:pPr>\(run(text))</w:p></w:tc>"
      }
      out += "</w:tr>"
    }
    out += "</w:tbl>"
    // A paragraph after every table: notes, or an empty one (Word needs a
    // paragraph between two tables and before the section properties).
    if table.notes.isEmpty {
      out += "<w:p/>"
    } else {
      for note in table.notes { out += paragraph(note, style: "TableNote") }
    }
    return out
  }

  static func drawing(_ figure: DocumentFigure, number k: Int, textWidth: Int) -> String {
    let textWidthEMU = textWidth * emuPerTwip
    var cx = Int(figure.width.rounded()) * emuPerPixel
    var cy = Int(figure.height.rounded()) * emuPerPixel
    if cx > textWidthEMU {
      cy = Int((Double(cy) * Double(textWidthEMU) / Double(cx)).rounded())
      cx = textWidthEMU
    }
    let extent = "cx=\"\(cx)\" cy=\"\(cy)\""
    return "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/></w:pPr><w:r><w:drawing>"
      + "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent \(extent)/>"
      + "<wp:docPr id=\"\(k)\" name=\"Figure \(k)\"/><wp:cNvGraphicFramePr>"
      + "<a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>"
      + "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
      + "<pic:pic><pic:nvPicPr><pic:cNvPr id=\"\(k)\" name=\"image\(k).png\"/><pic:cNvPicPr/></pic:nvPicPr>"
      + "<pic:blipFill><a:blip r:embed=\"rId\(k + 1)\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
      + "<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext \(extent)/></a:xfrm>"
      + "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>"
      + "</wp:inline></w:drawing></w:r></w:p>"
  }

  /// The styles part: document defaults and the styles the document uses,
  /// each editable in Word's Styles pane.
  static let styles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <w:styles xmlns:w="\(wordNamespace)">\
    <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" \
    w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>\
    <w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>\
    </w:docDefaults>\
    <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>\
    <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>\
    <w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/><w:jc w:val="center"/></w:pPr>\
    <w:rPr><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>\
    <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>\
    <w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/>\
    <w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>\
    <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>\
    <w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/>\
    <w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>\
    <w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/>\
    <w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr>\
    <w:rPr><w:b/></w:rPr></w:style>\
    <w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>\
    <w:qFormat/><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>\
    <w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>\
    <w:style w:type="paragraph" w:styleId="TableNote"><w:name w:val="Table Note"/><w:basedOn w:val="Normal"/>\
    <w:qFormat/><w:pPr><w:spacing w:after="40"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>\
    </w:style>\
    <w:style w:type="paragraph" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/>\
    <w:qFormat/><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr></w:style>\
    <w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>\
    <w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>\
    <w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>\
    </w:tblCellMar></w:tblPr></w:style>\
    <w:style w:type="table" w:styleId="KaplanTable"><w:name w:val="Kaplan Table"/><w:basedOn w:val="TableNormal"/>\
    <w:qFormat/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/>\
    <w:bottom w:val="single" w:sz="12" w:space="0" w:color="000000"/></w:tblBorders></w:tblPr>\
    <w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr><w:tcPr><w:tcBorders>\
    <w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/></w:tcBorders></w:tcPr></w:tblStylePr>\
    </w:style>\
    </w:styles>

    """
}
