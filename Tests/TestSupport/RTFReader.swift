/// A small RTF reader for the tests: checks that groups balance and
/// recovers the text of each table row's cells (`\cell`, `\row`) and of
/// paragraphs, undoing the writer's escapes (`\\`, `\{`, `\}`, `\uN?`,
/// `\line`, `\tab`). Picture data (`\pict` groups) is skipped and counted.
public struct RTFReader {
  public var rows: [[String]] = []
  public var paragraphs: [String] = []
  public var pictures = 0
  public var pictureHex: [String] = []

  public init?(_ text: String) {
    let chars = Array(text.unicodeScalars)
    var depth = 0
    var i = 0
    var cell = ""
    var row: [String] = []
    var paragraph = ""
    var skipDepth: Int? = nil
    var hex = ""
    var skippingPicture = false
    var pendingHigh: UInt16? = nil
    func append(_ s: String) {
      cell += s
      paragraph += s
    }
    while i < chars.count {
      let c = chars[i]
      if c == "{" {
        depth += 1
        i += 1
        continue
      }
      if c == "}" {
        if let d = skipDepth, depth == d {
          skipDepth = nil
          if skippingPicture { pictureHex.append(hex) }
          hex = ""
        }
        depth -= 1
        if depth < 0 { return nil }
        i += 1
        continue
      }
      if c == "\\" {
        i += 1
        guard i < chars.count else { return nil }
        let n = chars[i]
        if n == "\\" || n == "{" || n == "}" {
          if skipDepth == nil { append(String(n)) }
          i += 1
          continue
        }
        var word = ""
        while i < chars.count, chars[i].properties.isAlphabetic, chars[i].isASCII {
          word.unicodeScalars.append(chars[i])
          i += 1
        }
        var number = ""
        if i < chars.count, chars[i] == "-" {
          number = "-"
          i += 1
        }
        while i < chars.count, ("0"..."9").contains(chars[i]) {
          number.unicodeScalars.append(chars[i])
          i += 1
        }
        if i < chars.count, chars[i] == " " { i += 1 }
        if skipDepth != nil { continue }
        switch word {
        case "pict":
          pictures += 1
          skipDepth = depth
          skippingPicture = true
        case "fonttbl", "stylesheet", "info":
          skipDepth = depth
          skippingPicture = false
        case "u":
          let unit = UInt16(bitPattern: Int16(number) ?? 63)
          if i < chars.count, chars[i] == "?" { i += 1 }
          if (0xD800..<0xDC00).contains(unit) {
            pendingHigh = unit
          } else if let high = pendingHigh {
            append(String(decoding: [high, unit], as: UTF16.self))
            pendingHigh = nil
          } else {
            append(String(decoding: [unit], as: UTF16.self))
          }
        case "line": append("\n")
        case "tab": append("\t")
        case "cell":
          row.append(cell)
          cell = ""
          paragraph = ""
        case "row":
          rows.append(row)
          row = []
        case "par":
          if !paragraph.isEmpty { paragraphs.append(paragraph) }
          paragraph = ""
          cell = ""
        case "pard", "intbl": break
        default: break
        }
        continue
      }
      if skipDepth != nil {
        if c != "\n" { hex.unicodeScalars.append(c) }
      } else if c != "\n" && c != "\r" {
        append(String(c))
      }
      i += 1
    }
    if depth != 0 { return nil }
    // Text outside cells collected before a row starts is not a paragraph of interest.
  }
}
