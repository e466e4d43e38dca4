/// A report as the writers see it: a title and a list of blocks, each a
/// heading, a paragraph, a table of text cells or a figure. Built by
/// Scripting (`report()`, `write_table()`) from printed results, datasets
/// and figures; written by one writer per format (`DocumentFormat`).
///
/// Every writer is a pure function of the document: the same document gives
/// the same bytes (no dates, no random ids), so a report can be compared
/// with `cmp` from one run to the next (issue 18, "Documents are
/// deterministic").
public struct Document: Sendable, Equatable {
  public var title: String?
  public var blocks: [DocumentBlock]
  /// The page, when the script chose one; nil: US Letter, portrait, for DOCX
  /// and RTF, and the browser's own page for a printed HTML file.
  public var page: PageSetup?

  public init(title: String? = nil, blocks: [DocumentBlock] = [], page: PageSetup? = nil) {
    self.title = title
    self.blocks = blocks
    self.page = page
  }

  /// The figures in order of appearance (the writers number their media files so).
  public var figures: [DocumentFigure] {
    blocks.compactMap { if case .figure(let f) = $0 { return f } else { return nil } }
  }
}

/// Paper size and orientation of the paged formats (DOCX, RTF; HTML's
/// `@page` rule), with one-inch margins. Sizes in twips (1/1440 inch).
public struct PageSetup: Sendable, Equatable {
  public enum Paper: String, Sendable, CaseIterable {
    case letter, a4
  }

  public var paper: Paper
  public var landscape: Bool
  public static let margin = 1440

  public init(paper: Paper = .letter, landscape: Bool = false) {
    self.paper = paper
    self.landscape = landscape
  }

  /// Portrait width and height: US Letter 8.5 × 11 in, A4 210 × 297 mm.
  private var portrait: (width: Int, height: Int) {
    paper == .letter ? (12240, 15840) : (11906, 16838)
  }

  public var width: Int { landscape ? portrait.height : portrait.width }
  public var height: Int { landscape ? portrait.width : portrait.height }
  /// The width between the margins.
  public var textWidth: Int { width - 2 * Self.margin }
}

public enum DocumentBlock: Sendable, Equatable {
  /// A section heading; level 1 or 2.
  case heading(String, level: Int)
  /// A paragraph of plain text (line breaks inside are kept as line breaks).
  case paragraph(String)
  case table(DocumentTable)
  case figure(DocumentFigure)
}

/// A table of text cells: one header row, then the body rows.
///
/// A cell's leading spaces are an indent (table1 prints a categorical
/// variable's levels two spaces in): writers turn them into an indent of
/// the cell rather than spaces, which Markdown and HTML would collapse.
public struct DocumentTable: Sendable, Equatable {
  public var caption: String?
  public var header: [String]
  public var rows: [[String]]
  /// Per column: text aligned left (labels) rather than right (numbers).
  public var leftAligned: [Bool]
  /// Lines printed under the table (tests used, notes, dropped rows).
  public var notes: [String]

  public init(caption: String? = nil, header: [String], rows: [[String]], leftAligned: [Bool]? = nil,
              notes: [String] = []) {
    self.caption = caption
    self.header = header
    self.rows = rows
    self.leftAligned = leftAligned ?? header.indices.map { $0 == 0 }
    self.notes = notes
  }

  /// The number of columns: the widest of the header and the rows.
  public var columnCount: Int { rows.reduce(header.count) { max($0, $1.count) } }

  /// Cell `j` of `row`, "" past its end (rows may be short).
  public static func cell(_ row: [String], _ j: Int) -> String { j < row.count ? row[j] : "" }

  /// Whether column `j` is left-aligned.
  public func isLeft(_ j: Int) -> Bool { j < leftAligned.count ? leftAligned[j] : j == 0 }

  /// A cell's indent (its leading spaces, in units of two) and its text without them.
  public static func indented(_ text: String) -> (indent: Int, text: Substring) {
    let body = text.drop { $0 == " " }
    return ((text.count - body.count + 1) / 2, body)
  }
}

/// A figure: its SVG document and, for the formats that need a bitmap
/// (DOCX, RTF), the same figure as PNG (made by Scripting through
/// `rsvg-convert`, as `plot()` makes PNG files).
public struct DocumentFigure: Sendable, Equatable {
  public var svg: String
  public var png: [UInt8]?
  /// The figure's size in CSS pixels (1/96 inch), from the SVG's root element.
  public var width: Double
  public var height: Double
  public var caption: String?

  public init(svg: String, png: [UInt8]? = nil, caption: String? = nil) {
    self.svg = svg
    self.png = png
    let size = SVGSize.of(svg)
    self.width = size.width
    self.height = size.height
    self.caption = caption
  }

  /// The SVG without its XML declaration, for inlining into HTML.
  public var inlineSVG: String {
    var text = Substring(svg)
    if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = text[end.upperBound...] }
    return String(text.drop { $0 == "\n" || $0 == "\r" || $0 == " " })
  }
}

/// The file formats of documents, from a path's extension.
public enum DocumentFormat: String, Sendable, CaseIterable {
  case html, docx, rtf, md, csv

  /// Extensions accepted for each format (case-insensitive).
  static let extensions: [(String, DocumentFormat)] = [
    ("html", .html), ("htm", .html), ("docx", .docx), ("rtf", .rtf), ("md", .md), ("markdown", .md),
    ("csv", .csv),
  ]

  /// The format of `path`, or nil when its extension is none of them.
  public static func of(path: String) -> DocumentFormat? {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
    let ext = path[path.index(after: dot)...].lowercased()
    return extensions.first { $0.0 == ext }?.1
  }

  /// "html, htm, docx, rtf, md, markdown" for messages.
  public static func list(including csv: Bool) -> String {
    extensions.filter { csv || $0.1 != .csv }.map { "." + $0.0 }.joined(separator: ", ")
  }
}

/// A written document: the main file's bytes and the files written beside
/// it (Markdown's figures), each named by the suffix added to the main
/// file's path without its extension ("-figure-1.svg").
public struct DocumentFiles: Sendable {
  public var main: [UInt8]
  public var siblings: [(suffix: String, bytes: [UInt8])]

  public init(main: [UInt8], siblings: [(suffix: String, bytes: [UInt8])] = []) {
    self.main = main
    self.siblings = siblings
  }
}

/// Thrown when a document cannot be written as asked (a figure without its
/// PNG in a format that needs one; a table too wide for the format).
public struct DocumentError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

public enum DocumentWriter {
  /// The bytes of `document` in `format`. `name` is the main file's name
  /// without its extension (Markdown names its figure files after it).
  public static func write(_ document: Document, format: DocumentFormat, name: String) throws -> DocumentFiles {
    switch format {
    case .html: return DocumentFiles(main: Array(HTMLDocumentWriter.html(document).utf8))
    case .md: return MarkdownDocumentWriter.files(document, name: name)
    case .rtf: return DocumentFiles(main: Array(try RTFDocumentWriter.rtf(document).utf8))
    case .docx: return DocumentFiles(main: try DOCXDocumentWriter.docx(document))
    case .csv: return DocumentFiles(main: Array(try CSVTableWriter.csv(document).utf8))
    }
  }
}
