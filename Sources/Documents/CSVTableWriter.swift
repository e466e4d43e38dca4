/// One table as CSV (RFC 4180: fields with a comma, quote or line break are
/// quoted, quotes doubled; CRLF-free, one header line). `write_table(t,
/// "t.csv")` writes the printed cells; a dataset's own values are
/// `write_csv`'s.
enum CSVTableWriter {
  static func csv(_ document: Document) throws -> String {
    let tables = document.blocks.compactMap { if case .table(let t) = $0 { return t } else { return nil } }
    guard tables.count == 1, let table = tables.first else {
      throw DocumentError("a .csv file holds one table, got \(tables.count)")
    }
    let n = table.columnCount
    var out = ""
    for row in [table.header] + table.rows {
      out += (0..<n).map { field(DocumentTable.cell(row, $0)) }.joined(separator: ",") + "\n"
    }
    return out
  }

  private static func field(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") else {
      return s
    }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
