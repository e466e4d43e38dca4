/// Which number formats make a cell a date, and Excel's day numbers as
/// Kaplan dates.
///
/// A cell holds a number; only its format says it is a date. Built-in
/// formats 14-22 and 45-47 are dates and times (ECMA-376 Part 1, 18.8.30;
/// the list readxl uses too). A custom format code is a date when, once its
/// quoted text, escaped characters and bracketed sections (colours, locales,
/// `[h]`) are removed, it has a day or year code (`d`, `y`), or a month code
/// (`m`) that is not a minute (no hour `h` or second `s` beside it). An
/// elapsed-time format (`[h]:mm:ss`, `[mm]:ss`) with no day or year is not a
/// date.
enum XLSXDateFormat {
  static func isBuiltInDate(_ id: Int) -> Bool { (14...22).contains(id) || (45...47).contains(id) }

  static func isDate(_ code: String) -> Bool {
    var kept: [Character] = []
    var elapsed = false
    var it = code.makeIterator()
    // Only the first section (positive numbers) decides, as Excel shows them.
    while let ch = it.next() {
      switch ch {
      case "\"":
        while let q = it.next(), q != "\"" {}
      case "\\", "_", "*":
        _ = it.next()
      case "[":
        var inside = ""
        while let b = it.next(), b != "]" { inside.append(b) }
        let lower = inside.lowercased()
        if !lower.isEmpty, lower.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { elapsed = true }
      case ";":
        return decide(kept, elapsed: elapsed)
      default:
        kept.append(Character(ch.lowercased()))
      }
    }
    return decide(kept, elapsed: elapsed)
  }

  private static func decide(_ kept: [Character], elapsed: Bool) -> Bool {
    if kept.contains("d") || kept.contains("y") { return true }
    if elapsed { return false }
    return kept.contains("m") && !kept.contains("h") && !kept.contains("s")
  }

  /// Days since 1970-01-01 of Excel serial `serial` (the time of day
  /// dropped), or nil for a serial with no date: negative, 1900-02-29, or
  /// out of range.
  ///
  /// The 1900 system counts 1900-01-01 as day 1 and, like Lotus 1-2-3,
  /// has a 29 February 1900 (serial 60) that never was: from serial 61 on,
  /// day 0 is in effect 1899-12-30, below 60 it is 1899-12-31. The 1904
  /// system (`date1904`) counts from 1904-01-01 as day 0.
  static func days(serial: Double, date1904: Bool) -> Int32? {
    guard serial.isFinite, serial >= 0, serial < 3_000_000 else { return nil }
    let whole = Int(serial.rounded(.down))
    if date1904 { return Int32(whole - 24_107) }
    if whole == 60 { return nil }
    return Int32(whole < 60 ? whole - 25_568 : whole - 25_569)
  }
}
