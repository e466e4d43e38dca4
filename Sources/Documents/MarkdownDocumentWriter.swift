/// A document as Markdown (CommonMark with GitHub's pipe tables).
///
/// Figures are written beside the Markdown file as SVG files named after it
/// (`report.md` → `report-figure-1.svg`) and referenced by relative path:
/// renderers (GitHub, pandoc, editors) show a sibling image, while few show
/// a `data:` URI. Text is escaped so that it stays text: Markdown's
/// punctuation gets a backslash, `<` and `&` become entities (no raw HTML
/// passes through), `|` is escaped in table cells.
enum MarkdownDocumentWriter {
  static func files(_ document: Document, name: String) -> DocumentFiles {
    var out = ""
    var siblings: [(suffix: String, bytes: [UInt8])] = []
    if let title = document.title { out += "# \(inline(title))\n\n" }
    for block in document.blocks {
      switch block {
      case .heading(let text, let level):
        out += String(repeating: "#", count: level <= 1 ? 2 : 3) + " \(inline(text))\n\n"
      case .paragraph(let text):
        out += text.split(separator: "\n", omittingEmptySubsequences: false).map { inline($0) }
          .joined(separator: "\\\n") + "\n\n"
      case .table(let table):
        out += self.table(table) + "\n"
      case .figure(let figure):
        let suffix = "-figure-\(siblings.count + 1).svg"
        siblings.append((suffix, Array(figure.svg.utf8)))
        let alt = inline(figure.caption ?? "Figure \(siblings.count)")
        if let caption = figure.caption { out += "**\(inline(caption))**\n\n" }
        out += "![\(alt)](\(destination(name + suffix)))\n\n"
      }
    }
    return DocumentFiles(main: Array(out.utf8), siblings: siblings)
  }

  static func table(_ table: DocumentTable) -> String {
    let n = table.columnCount
    var out = ""
    if let caption = table.caption { out += "**\(inline(caption))**\n\n" }
    out += "| " + (0..<n).map { cell(DocumentTable.cell(table.header, $0)) }.joined(separator: " | ") + " |\n"
    out += "|" + (0..<n).map { table.isLeft($0) ? ":---|" : "---:|" }.joined() + "\n"
    for row in table.rows {
      out += "| " + (0..<n).map { cell(DocumentTable.cell(row, $0)) }.joined(separator: " | ") + " |\n"
    }
    if !table.notes.isEmpty {
      out += "\n" + table.notes.map { inline($0) }.joined(separator: "\\\n") + "\n"
    }
    return out
  }

  /// A table cell: its indent as em spaces, line breaks as `<br>`.
  private static func cell(_ text: String) -> String {
    let (indent, body) = DocumentTable.indented(text)
    let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { inline($0, lineStart: false) }
    return String(repeating: "&emsp;", count: indent) + lines.joined(separator: "<br>")
  }

  /// Text that Markdown shows as it is.
  static func inline<S: StringProtocol>(_ text: S, lineStart: Bool = true) -> String {
    var out = ""
    var atStart = lineStart
    for ch in text.unicodeScalars {
      switch ch {
      case "\\", "`", "*", "_", "[", "]", "|", "~", "!": out += "\\" + String(ch)
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "&": out += "&amp;"
      case "#", "+", "-", "=": out += atStart ? "\\" + String(ch) : String(ch)
      case "\r": out += " "
      default:
        if ch.value < 0x20 && ch != "\t" {
          out += " "
        } else {
          out.unicodeScalars.append(ch)
        }
      }
      if atStart && ch != " " { atStart = false }
    }
    // "1. text" at a line's start would be a list item.
    if lineStart, let dot = out.firstIndex(where: { !$0.isNumber }), dot != out.startIndex,
      out[dot] == "." || out[dot] == ")"
    {
      out.insert("\\", at: dot)
    }
    return out
  }

  /// A link destination: spaces and parentheses percent-encoded.
  private static func destination(_ path: String) -> String {
    var out = ""
    for ch in path.unicodeScalars {
      switch ch {
      case " ": out += "%20"
      case "(": out += "%28"
      case ")": out += "%29"
      case "<": out += "%3C"
      case ">": out += "%3E"
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }
}
