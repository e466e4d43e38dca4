/// A small pull parser for the XML that SpreadsheetML parts use (ECMA-376
/// Part 1; XML 1.0): elements, attributes, text, CDATA, comments and
/// processing instructions. It reads UTF-8 bytes in place and hands out
/// ranges, so a sheet of a million cells makes no `String` per element.
///
/// Why not Foundation's `XMLParser`: on Linux it lives in FoundationXML,
/// which links libxml2, and a statically linked `kaplan` (`make build`,
/// `--static-swift-stdlib`) would need libxml2's static library and its own
/// dependencies; the subset read here is small. Namespaces are reduced to
/// local names (`x:c` is `c`), which is enough for the parts of a workbook.
/// A document type declaration is refused: no entity is ever expanded beyond
/// the five predefined ones and character references, so no entity
/// expansion attack applies.
struct XMLPullParser {
  enum Event: Equatable {
    case start, end, text, done
  }

  /// A byte range of the document.
  struct Span {
    var start: Int
    var end: Int
  }

  struct Attribute {
    var name: Span
    var value: Span
  }

  let bytes: [UInt8]
  /// The part's name, for messages.
  let part: String
  private(set) var position = 0
  /// The current element's local name (start and end events).
  private(set) var name = Span(start: 0, end: 0)
  /// The current start element's attributes.
  private(set) var attributes: [Attribute] = []
  /// The current text event's raw range (entities not yet decoded) and
  /// whether it came from a CDATA section (no decoding).
  private(set) var text = Span(start: 0, end: 0)
  private(set) var textIsRaw = false
  private var pendingEnd = false
  /// Open elements, to check that end tags match.
  private var depth = 0

  init(bytes: [UInt8], part: String) {
    self.bytes = bytes
    self.part = part
    // A UTF-8 byte-order mark.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
  }

  func error(_ message: String, at offset: Int? = nil) -> XLSXError {
    .malformed(part: part, message: "\(message) at byte \(offset ?? position)")
  }

  /// The next event. Text events are returned only when not all white space
  /// outside elements (inside an element every text event is returned).
  mutating func next() throws -> Event {
    if pendingEnd {
      pendingEnd = false
      depth -= 1
      return .end
    }
    let n = bytes.count
    while position < n {
      if bytes[position] != UInt8(ascii: "<") {
        let start = position
        while position < n, bytes[position] != UInt8(ascii: "<") { position += 1 }
        if depth == 0 { continue }
        text = Span(start: start, end: position)
        textIsRaw = false
        return .text
      }
      // position is at "<".
      guard position + 1 < n else { throw error("unexpected end of the document") }
      let c = bytes[position + 1]
      if c == UInt8(ascii: "?") {
        position = try skip(past: [0x3F, 0x3E], from: position + 2, what: "processing instruction")
      } else if c == UInt8(ascii: "!") {
        if has(prefix: Array("<!--".utf8), at: position) {
          position = try skip(past: Array("-->".utf8), from: position + 4, what: "comment")
        } else if has(prefix: Array("<![CDATA[".utf8), at: position) {
          let start = position + 9
          position = try skip(past: Array("]]>".utf8), from: start, what: "CDATA section")
          text = Span(start: start, end: position - 3)
          textIsRaw = true
          return .text
        } else {
          throw error("a document type declaration or other markup declaration is not allowed")
        }
      } else if c == UInt8(ascii: "/") {
        position += 2
        name = try readName()
        skipSpace()
        guard position < n, bytes[position] == UInt8(ascii: ">") else { throw error("'>' expected in end tag") }
        position += 1
        guard depth > 0 else { throw error("end tag without a start tag") }
        depth -= 1
        return .end
      } else {
        position += 1
        name = try readName()
        attributes.removeAll(keepingCapacity: true)
        while true {
          let hadSpace = skipSpace()
          guard position < n else { throw error("unexpected end of the document inside a tag") }
          let b = bytes[position]
          if b == UInt8(ascii: ">") {
            position += 1
            depth += 1
            return .start
          }
          if b == UInt8(ascii: "/") {
            guard position + 1 < n, bytes[position + 1] == UInt8(ascii: ">") else { throw error("'>' expected") }
            position += 2
            depth += 1
            pendingEnd = true
            return .start
          }
          guard hadSpace else { throw error("space expected between attributes") }
          let attributeName = try readName()
          skipSpace()
          guard position < n, bytes[position] == UInt8(ascii: "=") else { throw error("'=' expected") }
          position += 1
          skipSpace()
          guard position < n, bytes[position] == 0x22 || bytes[position] == 0x27 else {
            throw error("a quoted attribute value expected")
          }
          let quote = bytes[position]
          let start = position + 1
          var k = start
          while k < n, bytes[k] != quote {
            if bytes[k] == UInt8(ascii: "<") { throw error("'<' in an attribute value", at: k) }
            k += 1
          }
          guard k < n else { throw error("unterminated attribute value") }
          attributes.append(Attribute(name: attributeName, value: Span(start: start, end: k)))
          position = k + 1
        }
      }
    }
    guard depth == 0 else { throw error("unexpected end of the document (\(depth) elements not closed)") }
    return .done
  }

  // MARK: Reading the current event

  /// Whether the current element's local name is `literal`.
  func nameIs(_ literal: [UInt8]) -> Bool { equal(name, literal) }

  func equal(_ span: Span, _ literal: [UInt8]) -> Bool {
    guard span.end - span.start == literal.count else { return false }
    var k = 0
    while k < literal.count {
      if bytes[span.start + k] != literal[k] { return false }
      k += 1
    }
    return true
  }

  /// The raw range of the attribute with local name `literal`.
  func attributeSpan(_ literal: [UInt8]) -> Span? {
    for a in attributes where equal(a.name, literal) { return a.value }
    return nil
  }

  /// The decoded value of the attribute with local name `literal`.
  func attribute(_ literal: [UInt8]) throws -> String? {
    guard let span = attributeSpan(literal) else { return nil }
    return try decode(span)
  }

  /// The current text event, decoded.
  func textValue() throws -> String { textIsRaw ? string(text) : try decode(text) }

  func string(_ span: Span) -> String { String(decoding: bytes[span.start..<span.end], as: UTF8.self) }

  /// Text with the predefined entities and character references replaced.
  func decode(_ span: Span) throws -> String {
    guard bytes[span.start..<span.end].contains(UInt8(ascii: "&")) else { return string(span) }
    var out: [UInt8] = []
    out.reserveCapacity(span.end - span.start)
    var k = span.start
    while k < span.end {
      let b = bytes[k]
      guard b == UInt8(ascii: "&") else {
        out.append(b)
        k += 1
        continue
      }
      var semi = k + 1
      while semi < span.end, bytes[semi] != UInt8(ascii: ";"), semi - k < 12 { semi += 1 }
      guard semi < span.end, bytes[semi] == UInt8(ascii: ";") else { throw error("unterminated entity", at: k) }
      let entity = Array(bytes[(k + 1)..<semi])
      switch entity {
      case Array("lt".utf8): out.append(UInt8(ascii: "<"))
      case Array("gt".utf8): out.append(UInt8(ascii: ">"))
      case Array("amp".utf8): out.append(UInt8(ascii: "&"))
      case Array("quot".utf8): out.append(0x22)
      case Array("apos".utf8): out.append(0x27)
      default:
        guard entity.first == UInt8(ascii: "#"), entity.count > 1 else {
          throw error("unknown entity '&\(String(decoding: entity, as: UTF8.self));'", at: k)
        }
        let hex = entity[1] == UInt8(ascii: "x")
        let digits = String(decoding: entity.dropFirst(hex ? 2 : 1), as: UTF8.self)
        guard let code = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(code) else {
          throw error("bad character reference '&\(String(decoding: entity, as: UTF8.self));'", at: k)
        }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
      }
      k = semi + 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  // MARK: Scanning

  private func has(prefix: [UInt8], at offset: Int) -> Bool {
    guard offset + prefix.count <= bytes.count else { return false }
    for k in 0..<prefix.count where bytes[offset + k] != prefix[k] { return false }
    return true
  }

  /// The offset just past the first `terminator` at or after `from`.
  private func skip(past terminator: [UInt8], from: Int, what: String) throws -> Int {
    var k = from
    while k + terminator.count <= bytes.count {
      if bytes[k] == terminator[0], has(prefix: terminator, at: k) { return k + terminator.count }
      k += 1
    }
    throw error("unterminated \(what)", at: from)
  }

  @discardableResult
  private mutating func skipSpace() -> Bool {
    let start = position
    while position < bytes.count {
      let b = bytes[position]
      guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D else { break }
      position += 1
    }
    return position > start
  }

  /// A name at `position`; returns its local part (after the last ':').
  private mutating func readName() throws -> Span {
    let start = position
    var local = start
    while position < bytes.count {
      let b = bytes[position]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ">") || b == UInt8(ascii: "/")
        || b == UInt8(ascii: "=") || b == UInt8(ascii: "<") || b == 0x22 || b == 0x27
      {
        break
      }
      if b == UInt8(ascii: ":") { local = position + 1 }
      position += 1
    }
    guard position > start, local < position else { throw error("a name expected", at: start) }
    return Span(start: local, end: position)
  }
}
