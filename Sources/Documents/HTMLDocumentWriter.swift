import Foundation

/// A document as one self-contained HTML file: tables as HTML tables,
/// figures as inline SVG, one embedded style sheet that also prints well;
/// no script, no external reference (no font, image or style link).
///
/// The output is also well-formed XML (XHTML syntax: every element closed,
/// only XML's entities, attribute values quoted), so tests and tools can
/// read it back with an XML parser. Each inline SVG's ids are prefixed with
/// its figure number, since two plots use the same clip-path id.
enum HTMLDocumentWriter {
  static let style = """
    body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #111; line-height: 1.4;
      max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
    h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
    table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
    caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
    th, td { padding: 0.15rem 0.6rem; vertical-align: top; }
    thead th { border-top: 2px solid #000; border-bottom: 1px solid #000; font-weight: bold; }
    tbody tr:last-child td { border-bottom: 2px solid #000; }
    .l { text-align: left; } .r { text-align: right; white-space: nowrap; }
    .i1 { padding-left: 1.6rem; } .i2 { padding-left: 2.6rem; } .i3 { padding-left: 3.6rem; }
    .notes { font-size: 0.9em; margin: 0 0 1rem 0; }
    figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
    figcaption { font-weight: bold; margin-bottom: 0.3rem; }
    @media print { body { max-width: none; margin: 0; font-size: 10pt; } table { font-size: 8.5pt; }
      table, figure { page-break-inside: avoid; } thead { display: table-header-group; } }
    """

  static func html(_ document: Document) -> String {
    let title = document.title ?? "Report"
    var out = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
    out += "<meta charset=\"utf-8\"/>\n<title>\(XMLText.escape(title))</title>\n"
    var css = style
    if let page = document.page {
      css += "\n@page { size: \(page.paper == .letter ? "letter" : "A4")\(page.landscape ? " landscape" : ""); "
        + "margin: 1in; }"
    }
    out += "<style>\n\(css)\n</style>\n</head>\n<body>\n"
    if let t = document.title { out += "<h1>\(XMLText.escape(t))</h1>\n" }
    var figureNumber = 0
    for block in document.blocks {
      switch block {
      case .heading(let text, let level):
        let tag = level <= 1 ? "h2" : "h3"
        out += "<\(tag)>\(XMLText.escape(text))</\(tag)>\n"
      case .paragraph(let text):
        out += "<p>\(lines(text))</p>\n"
      case .table(let table):
        out += self.table(table)
      case .figure(let figure):
        figureNumber += 1
        out += "<figure>\n"
        if let caption = figure.caption { out += "<figcaption>\(XMLText.escape(caption))</figcaption>\n" }
        out += prefixedIDs(figure.inlineSVG, prefix: "kaplan-figure-\(figureNumber)-")
        if !out.hasSuffix("\n") { out += "\n" }
        out += "</figure>\n"
      }
    }
    out += "</body>\n</html>\n"
    return out
  }

  /// Text with its line breaks as `<br/>`.
  private static func lines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { XMLText.escape($0) }
      .joined(separator: "<br/>")
  }

  static func table(_ table: DocumentTable) -> String {
    let n = table.columnCount
    var out = "<table>\n"
    if let caption = table.caption { out += "<caption>\(XMLText.escape(caption))</caption>\n" }
    out += "<thead><tr>"
    for j in 0..<n {
      let text = DocumentTable.indented(DocumentTable.cell(table.header, j)).text
      out += "<th class=\"\(table.isLeft(j) ? "l" : "r")\">\(lines(String(text)))</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for row in table.rows {
      out += "<tr>"
      for j in 0..<n {
        let (indent, text) = DocumentTable.indented(DocumentTable.cell(row, j))
        var classes = table.isLeft(j) ? "l" : "r"
        if indent > 0 { classes += " i\(min(indent, 3))" }
        out += "<td class=\"\(classes)\">\(lines(String(text)))</td>"
      }
      out += "</tr>\n"
    }
    out += "</tbody>\n</table>\n"
    if !table.notes.isEmpty {
      out += "<p class=\"notes\">" + table.notes.map { XMLText.escape($0) }.joined(separator: "<br/>") + "</p>\n"
    }
    return out
  }

  /// `svg` with every `id="x"` and its references (`url(#x)`, `href="#x"`)
  /// prefixed, so several figures' ids cannot collide in one page.
  static func prefixedIDs(_ svg: String, prefix: String) -> String {
    svg.replacingOccurrences(of: " id=\"", with: " id=\"" + prefix)
      .replacingOccurrences(of: "url(#", with: "url(#" + prefix)
      .replacingOccurrences(of: "href=\"#", with: "href=\"#" + prefix)
  }
}
