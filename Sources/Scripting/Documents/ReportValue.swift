import Documents
import LuaHost
import RunControl

/// The Swift value behind a `report()` result: the blocks added so far, in
/// order. Unlike analysis results a report is a builder: `r:text`,
/// `r:table`, `r:figure` append to it (through its handle, as every method
/// works), and `r:write(path)` writes what it holds; the report's Lua table
/// only carries its title for reading.
final class ReportValue {
  let title: String?
  private(set) var blocks: [Block] = []

  /// A block as kept until written: figures keep their `FigureValue`, whose
  /// PNG is made only if a format needs it.
  enum Block {
    case document(DocumentBlock)
    case figure(FigureValue)
  }

  init(title: String?) { self.title = title }

  func append(_ block: DocumentBlock) { blocks.append(.document(block)) }
  func append(_ figure: FigureValue) { blocks.append(.figure(figure)) }

  /// The document to write; figures with their PNG when `needsPNG`.
  func document(needsPNG: Bool) throws -> Document {
    Document(title: title, blocks: try blocks.map { block in
      switch block {
      case .document(let b): return b
      case .figure(let f): return .figure(try f.documentFigure(needsPNG: needsPNG))
      }
    })
  }

  /// "report "Title": 2 tables, 1 figure, 3 paragraphs" for printing.
  var outline: String {
    var tables = 0, figures = 0, paragraphs = 0, headings = 0
    for block in blocks {
      switch block {
      case .figure: figures += 1
      case .document(.figure): figures += 1
      case .document(.table): tables += 1
      case .document(.paragraph): paragraphs += 1
      case .document(.heading): headings += 1
      }
    }
    func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
    let name = title.map { "report \"\($0)\"" } ?? "report"
    return "\(name): " + [count(headings, "heading"), count(paragraphs, "paragraph"), count(tables, "table"),
                          count(figures, "figure")].joined(separator: ", ")
  }
}

/// Reading the blocks the stdlib makes of a value (documents.lua,
/// `blocks_of`): a list of `{type = "text", text = ...}` and `{type =
/// "table", header = {...}, rows = {{...}}, left = {...}, notes = {...}}`.
enum DocumentBlocks {
  static func decode(_ value: LuaValue, caption: String?, function: String) throws -> [DocumentBlock] {
    func bad(_ what: String) -> LuaError { LuaError.runtime("\(function): internal error: \(what)") }
    guard case .table(let list) = value else { throw bad("blocks expected") }
    // The text is held here and again in the written bytes: asked of the
    // run's budget (a dataset of 10^6 rows is a large document).
    try MemoryBudget.require(count: textBytes(value), stride: 3, for: "writing a document of \(function)")
    var blocks: [DocumentBlock] = []
    var captioned = false
    for item in list.array {
      guard case .table(let t) = item, let type = t["type"]?.stringValue else { throw bad("block without type") }
      switch type {
      case "text":
        blocks.append(.paragraph(t["text"]?.stringValue ?? ""))
      case "table":
        let header = try strings(t["header"], bad)
        guard case .table(let rowList)? = t["rows"] else { throw bad("table without rows") }
        let rows = try rowList.array.map { try strings($0, bad) }
        var left: [Bool] = []
        if case .table(let l)? = t["left"] {
          left = l.array.map { if case .boolean(let b) = $0 { return b } else { return false } }
        }
        let notes = try t["notes"].map { try strings($0, bad) } ?? []
        var table = DocumentTable(header: header, rows: rows, leftAligned: left.isEmpty ? nil : left, notes: notes)
        if !captioned {
          table.caption = caption
          captioned = true
        }
        blocks.append(.table(table))
      default:
        throw bad("unknown block type '\(type)'")
      }
    }
    if caption != nil && !captioned { blocks.insert(.paragraph(caption ?? ""), at: 0) }
    return blocks
  }

  /// The bytes of the strings in a decoded Lua value.
  private static func textBytes(_ value: LuaValue) -> Int {
    switch value {
    case .string(let s): return s.utf8.count
    case .table(let t): return t.array.reduce(0) { $0 + textBytes($1) } + t.fields.reduce(0) { $0 + textBytes($1.1) }
    default: return 0
    }
  }

  private static func strings(_ value: LuaValue?, _ bad: (String) -> LuaError) throws -> [String] {
    guard case .table(let t)? = value else { throw bad("list of strings expected") }
    return try t.array.map { v in
      switch v {
      case .string(let s): return s
      case .integer(let i): return String(i)
      case .number(let x): return String(x)
      case .nil: return ""
      default: throw bad("cell of type \(v.typeName)")
      }
    }
  }
}
