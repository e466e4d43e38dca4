/// A document as RTF 1.9, the format of pharmaceutical tables, figures and
/// listings (TFLs): a centred bold title, tables as `\trowd … \row` rows
/// whose cells carry their borders (a rule above and below the header row,
/// which repeats on each page (`\trhdr`), and one under the last row, as
/// TFL shells draw them), figures as `\pict\pngblip` pictures. US Letter or A4,
/// portrait or landscape (`PageSetup`; Letter portrait by default),
/// one-inch margins, Arial 10 pt; no `\creatim` or other date, so the same
/// document gives the same bytes.
///
/// Text is written with RTF's escapes only: `\`, `{`, `}` get a backslash,
/// non-ASCII characters are `\uN?` (UTF-16 units as signed 16-bit numbers,
/// `?` the fallback), control characters become spaces.
///
/// Reference: Microsoft's Rich Text Format (RTF) Specification, version 1.9.1.
enum RTFDocumentWriter {
  /// Twips per CSS pixel (1/96 in).
  static let twipsPerPixel = 15.0

  static func rtf(_ document: Document) throws -> String {
    var out = "{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1\n"
    out += "{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}{\\f1\\fmodern\\fcharset0 Courier New;}}\n"
    out += "{\\stylesheet{\\s0\\f0\\fs20 Normal;}{\\s1\\qc\\b\\f0\\fs28\\sbasedon0 Title;}"
    out += "{\\s2\\b\\f0\\fs24\\sbasedon0 heading 1;}{\\s3\\b\\f0\\fs22\\sbasedon0 heading 2;}}\n"
    if let title = document.title { out += "{\\info{\\title \(escape(title))}}\n" }
    let page = document.page ?? PageSetup()
    out += "\\paperw\(page.width)\\paperh\(page.height)" + (page.landscape ? "\\landscape" : "")
    out += "\\margl1440\\margr1440\\margt1440\\margb1440\\f0\\fs20\n"
    if let title = document.title { out += "{\\pard\\s1\\qc\\b\\fs28\\sa240 \(escape(title))\\par}\n" }
    var figureNumber = 0
    for block in document.blocks {
      switch block {
      case .heading(let text, let level):
        let style = level <= 1 ? "\\s2\\b\\fs24" : "\\s3\\b\\fs22"
        out += "{\\pard\(style)\\keepn\\sb240\\sa120 \(escape(text))\\par}\n"
      case .paragraph(let text):
        out += "{\\pard\\s0\\sa120 \(escape(text))\\par}\n"
      case .table(let table):
        out += self.table(table, textWidth: page.textWidth)
      case .figure(let figure):
        figureNumber += 1
        guard let png = figure.png else {
          throw DocumentError("figure \(figureNumber) has no PNG image, which RTF needs")
        }
        out += picture(figure, png: png, textWidth: page.textWidth)
      }
    }
    out += "}\n"
    return out
  }

  static func table(_ table: DocumentTable, textWidth: Int) -> String {
    let n = table.columnCount
    guard n > 0 else { return "" }
    var out = ""
    if let caption = table.caption { out += "{\\pard\\keepn\\b\\sa60 \(escape(caption))\\par}\n" }
    let edges = columnEdges(table, textWidth: textWidth)
    let rows = [table.header] + table.rows
    for (i, row) in rows.enumerated() {
      let header = i == 0
      let last = i == rows.count - 1
      out += "\\trowd\\trgaph80\\trleft0" + (header ? "\\trhdr" : "") + "\\trkeep\n"
      for j in 0..<n {
        if header { out += "\\clbrdrt\\brdrs\\brdrw15" }
        if header || last { out += "\\clbrdrb\\brdrs\\brdrw\(header ? 10 : 15)" }
        out += "\\clvertalt\\cellx\(edges[j])\n"
      }
      for j in 0..<n {
        let (indent, text) = DocumentTable.indented(DocumentTable.cell(row, j))
        var format = "\\pard\\intbl" + (table.isLeft(j) ? "\\ql" : "\\qr")
        if indent > 0 { format += "\\li\(200 * indent)" }
        if header { format += "\\b" }
        out += "{\(format) \(escape(text))\\cell}\n"
      }
      out += "\\row\n"
    }
    out += "\\pard\\sa120\\par\n"
    for note in table.notes { out += "{\\pard\\s0\\fs18 \(escape(note))\\par}\n" }
    return out
  }

  /// The right edge of each column (twips from the left margin): widths in
  /// proportion to each column's longest text (at least 4 characters) plus
  /// 2 for the cell's margins, filling the text width.
  static func columnEdges(_ table: DocumentTable, textWidth: Int) -> [Int] {
    let n = table.columnCount
    var widths = [Double](repeating: 4, count: n)
    for row in [table.header] + table.rows {
      for j in 0..<n { widths[j] = max(widths[j], Double(DocumentTable.cell(row, j).count)) }
    }
    widths = widths.map { $0 + 2 }
    let total = widths.reduce(0, +)
    var edges: [Int] = []
    var used = 0.0
    for w in widths {
      used += w
      edges.append(Int((used / total * Double(textWidth)).rounded()))
    }
    return edges
  }

  /// A centred PNG picture, at most the text width wide.
  static func picture(_ figure: DocumentFigure, png: [UInt8], textWidth: Int) -> String {
    let (pixelWidth, pixelHeight) = PNGSize.of(png) ?? (Int(figure.width), Int(figure.height))
    var goalWidth = figure.width * twipsPerPixel
    var goalHeight = figure.height * twipsPerPixel
    if goalWidth > Double(textWidth) {
      goalHeight *= Double(textWidth) / goalWidth
      goalWidth = Double(textWidth)
    }
    var out = ""
    if let caption = figure.caption { out += "{\\pard\\keepn\\b\\sa60 \(escape(caption))\\par}\n" }
    out += "{\\pard\\qc\\sa120{\\pict\\pngblip\\picw\(pixelWidth)\\pich\(pixelHeight)"
    out += "\\picwgoal\(Int(goalWidth.rounded()))\\pichgoal\(Int(goalHeight.rounded()))\n"
    let digits: [Character] = Array("0123456789abcdef")
    var line = ""
    line.reserveCapacity(128)
    for (k, byte) in png.enumerated() {
      line.append(digits[Int(byte >> 4)])
      line.append(digits[Int(byte & 0x0f)])
      if k % 64 == 63 {
        out += line + "\n"
        line = ""
      }
    }
    if !line.isEmpty { out += line + "\n" }
    out += "}\\par}\n"
    return out
  }

  /// Text in RTF's escapes; line breaks as `\line`.
  static func escape<S: StringProtocol>(_ text: S) -> String {
    var out = ""
    for ch in text.unicodeScalars {
      switch ch {
      case "\\": out += "\\\\"
      case "{": out += "\\{"
      case "}": out += "\\}"
      case "\n": out += "\\line "
      case "\t": out += "\\tab "
      default:
        if ch.value < 0x20 || ch.value == 0x7f {
          out += " "
        } else if ch.value < 0x80 {
          out.unicodeScalars.append(ch)
        } else {
          for unit in String(ch).utf16 { out += "\\u\(Int16(bitPattern: unit))?" }
        }
      }
    }
    return out
  }
}

/// The pixel size of a PNG from its IHDR chunk (bytes 16–23), nil when the
/// bytes are not a PNG.
enum PNGSize {
  static func of(_ png: [UInt8]) -> (Int, Int)? {
    guard png.count >= 24, png[0] == 0x89, png[1] == 0x50, png[2] == 0x4e, png[3] == 0x47 else { return nil }
    func word(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (word(16), word(20))
  }
}
