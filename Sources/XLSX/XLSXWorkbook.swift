import RunControl

/// The workbook-level parts of an .xlsx file (ECMA-376 Part 1, 18.2 and
/// 18.4; relationships from Part 2): the sheets in order with their parts,
/// the date system, the shared strings and which cell styles are dates.
struct XLSXWorkbook {
  struct Sheet {
    let name: String
    let part: String
  }

  let sheets: [Sheet]
  /// `<workbookPr date1904="1">`: serial 0 is 1904-01-01 (old Mac Excel).
  let date1904: Bool
  let sharedStrings: [String]
  /// Whether cell style `s` (an index into `cellXfs`) is a date format.
  let dateStyles: [Bool]


  init(archive: XLSXArchive) throws {
    // The main part: from the package relationships, else the usual place.
    var main = "xl/workbook.xml"
    if let rels = try archive.optionalPart("_rels/.rels") {
      for r in try Self.relationships(rels, part: "_rels/.rels", base: "")
      where r.type.hasSuffix("/officeDocument") {
        main = r.target
      }
    }
    let workbook = try archive.part(main)
    let base = main.split(separator: "/").dropLast().joined(separator: "/")
    let relsPath = (base.isEmpty ? "" : base + "/") + "_rels/" + (main.split(separator: "/").last.map(String.init)
      ?? "workbook.xml") + ".rels"
    let rels = try Self.relationships(try archive.part(relsPath), part: relsPath, base: base)
    var targets: [String: String] = [:]
    for r in rels { targets[r.id] = r.target }

    var parser = XMLPullParser(bytes: workbook, part: main)
    var sheets: [Sheet] = []
    var date1904 = false
    while true {
      let event = try parser.next()
      if event == .done { break }
      guard event == .start else { continue }
      if parser.nameIs(XMLNames.workbookPr) {
        let v = try parser.attribute(XMLNames.date1904)
        date1904 = v == "1" || v == "true"
      } else if parser.nameIs(XMLNames.sheet) {
        guard let name = try parser.attribute(XMLNames.name), let id = try parser.attribute(XMLNames.id)
        else {
          throw XLSXError.malformed(part: main, message: "a <sheet> without a name or relationship id")
        }
        guard let target = targets[id] else {
          throw XLSXError.malformed(part: relsPath, message: "no relationship '\(id)' for sheet '\(name)'")
        }
        sheets.append(Sheet(name: name, part: target))
      }
    }
    guard !sheets.isEmpty else { throw XLSXError.malformed(part: main, message: "the workbook lists no sheet") }
    self.sheets = sheets
    self.date1904 = date1904
    let strings = rels.first { $0.type.hasSuffix("/sharedStrings") }?.target
    sharedStrings = try strings.flatMap { try archive.optionalPart($0) }.map {
      try Self.sharedStrings($0, part: strings ?? "")
    } ?? []
    let styles = rels.first { $0.type.hasSuffix("/styles") }?.target
    dateStyles = try styles.flatMap { try archive.optionalPart($0) }.map {
      try Self.dateStyles($0, part: styles ?? "")
    } ?? []
  }

  struct Relationship {
    let id: String
    let type: String
    let target: String
  }

  /// The relationships of a .rels part, targets resolved against `base`
  /// (the folder of the part they belong to; an absolute target starts at
  /// the package root). External targets are dropped.
  static func relationships(_ bytes: [UInt8], part: String, base: String) throws -> [Relationship] {
    var parser = XMLPullParser(bytes: bytes, part: part)
    var out: [Relationship] = []
    while true {
      let event = try parser.next()
      if event == .done { break }
      guard event == .start, parser.nameIs(XMLNames.Relationship) else { continue }
      if try parser.attribute(XMLNames.TargetMode) == "External" { continue }
      guard let id = try parser.attribute(XMLNames.Id), let target = try parser.attribute(XMLNames.Target)
      else {
        throw XLSXError.malformed(part: part, message: "a <Relationship> without Id or Target")
      }
      let type = try parser.attribute(XMLNames.typeAttribute) ?? ""
      let resolved = target.hasPrefix("/") ? String(target.dropFirst()) : (base.isEmpty ? target : base + "/" + target)
      out.append(Relationship(id: id, type: type, target: XLSXArchive.normalise(resolved)))
    }
    return out
  }

  /// The shared string table (18.4.9): the text of each `<si>`, its rich
  /// text runs joined, phonetic runs (`<rPh>`) left out.
  static func sharedStrings(_ bytes: [UInt8], part: String) throws -> [String] {
    var parser = XMLPullParser(bytes: bytes, part: part)
    var out: [String] = []
    var current = ""
    var inItem = false, inText = false
    var phonetic = 0
    while true {
      switch try parser.next() {
      case .done: return out
      case .start:
        if parser.nameIs(XMLNames.si) {
          inItem = true
          current = ""
        } else if parser.nameIs(XMLNames.rPh) {
          phonetic += 1
        } else if parser.nameIs(XMLNames.t) {
          inText = true
        }
      case .end:
        if parser.nameIs(XMLNames.si) {
          if out.count & 0xFFF == 0xFFF { try Cancellation.check() }
          out.append(current)
          inItem = false
        } else if parser.nameIs(XMLNames.rPh) {
          phonetic -= 1
        } else if parser.nameIs(XMLNames.t) {
          inText = false
        }
      case .text:
        if inItem, inText, phonetic == 0 { current += try parser.textValue() }
      }
    }
  }

  /// For each cell format of `<cellXfs>` (18.8.10), whether its number
  /// format is a date (`XLSXDateFormat`).
  static func dateStyles(_ bytes: [UInt8], part: String) throws -> [Bool] {
    var parser = XMLPullParser(bytes: bytes, part: part)
    var custom: [Int: String] = [:]
    var out: [Bool] = []
    var inCellXfs = false
    while true {
      switch try parser.next() {
      case .done: return out
      case .start:
        if parser.nameIs(XMLNames.numFmt) {
          if let id = try parser.attribute(XMLNames.numFmtId).flatMap({ Int($0) }),
            let code = try parser.attribute(XMLNames.formatCode)
          {
            custom[id] = code
          }
        } else if parser.nameIs(XMLNames.cellXfs) {
          inCellXfs = true
        } else if inCellXfs, parser.nameIs(XMLNames.xf) {
          let id = try parser.attribute(XMLNames.numFmtId).flatMap { Int($0) } ?? 0
          out.append(custom[id].map(XLSXDateFormat.isDate) ?? XLSXDateFormat.isBuiltInDate(id))
        }
      case .end:
        if parser.nameIs(XMLNames.cellXfs) { inCellXfs = false }
      case .text: break
      }
    }
  }
}
