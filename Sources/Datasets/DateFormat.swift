/// A strftime-like date pattern for reading and writing Date columns.
///
/// Conversions: `%Y` four-digit year, `%y` two-digit year (00–68 → 2000s,
/// 69–99 → 1900s, as POSIX `strptime`), `%m` month and `%d` day (one or two
/// digits when reading, two when writing), `%b` English month abbreviation
/// (`Jan`…`Dec`, any case when reading), `%%` a percent sign. Every other
/// character must match literally. The whole field must be consumed.
public struct DateFormat: Sendable, Equatable, CustomStringConvertible {
  enum Part: Sendable, Equatable {
    case literal(UInt8)
    case year4, year2, month, day, monthName
  }

  public let pattern: String
  let parts: [Part]

  public var description: String { pattern }

  public static let iso = DateFormat(validated: "%Y-%m-%d")

  static let monthNames = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// Compiles `pattern`; fails on an unknown `%` conversion or a pattern
  /// without year, month and day.
  public init(_ pattern: String) throws {
    var parts: [Part] = []
    var bytes = Array(pattern.utf8)[...]
    while let c = bytes.popFirst() {
      guard c == UInt8(ascii: "%") else {
        parts.append(.literal(c))
        continue
      }
      guard let spec = bytes.popFirst() else {
        throw DatasetError.invalid("date format '\(pattern)' ends with a lone '%'")
      }
      switch spec {
      case UInt8(ascii: "Y"): parts.append(.year4)
      case UInt8(ascii: "y"): parts.append(.year2)
      case UInt8(ascii: "m"): parts.append(.month)
      case UInt8(ascii: "d"): parts.append(.day)
      case UInt8(ascii: "b"): parts.append(.monthName)
      case UInt8(ascii: "%"): parts.append(.literal(spec))
      default:
        throw DatasetError.invalid(
          "date format '\(pattern)': unknown conversion '%\(Character(Unicode.Scalar(spec)))'"
            + " (known: %Y %y %m %d %b %%)")
      }
    }
    let hasYear = parts.contains(.year4) || parts.contains(.year2)
    let hasMonth = parts.contains(.month) || parts.contains(.monthName)
    guard hasYear, hasMonth, parts.contains(.day) else {
      throw DatasetError.invalid("date format '\(pattern)' needs a year, a month and a day")
    }
    self.pattern = pattern
    self.parts = parts
  }

  private init(validated pattern: String) {
    self.pattern = pattern
    self.parts = [.year4, .literal(45), .month, .literal(45), .day]
  }

  /// Days since 1970-01-01 of `text`, or nil when it does not match.
  public func parse(_ text: String) -> Int32? {
    var utf8 = Array(text.utf8)
    return utf8.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
  }

  /// Days since 1970-01-01 of the bytes `b`, or nil when they do not match.
  public func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
    var i = 0
    var year = 0, month = 0, day = 0
    func number(maxDigits: Int, minDigits: Int) -> Int? {
      var value = 0
      var n = 0
      while n < maxDigits, i < b.count, b[i] >= 48, b[i] <= 57 {
        value = value * 10 + Int(b[i] - 48)
        i += 1
        n += 1
      }
      return n >= minDigits ? value : nil
    }
    for part in parts {
      switch part {
      case .literal(let c):
        guard i < b.count, b[i] == c else { return nil }
        i += 1
      case .year4:
        guard let v = number(maxDigits: 4, minDigits: 4) else { return nil }
        year = v
      case .year2:
        guard let v = number(maxDigits: 2, minDigits: 2) else { return nil }
        year = v < 69 ? 2000 + v : 1900 + v
      case .month:
        guard let v = number(maxDigits: 2, minDigits: 1) else { return nil }
        month = v
      case .day:
        guard let v = number(maxDigits: 2, minDigits: 1) else { return nil }
        day = v
      case .monthName:
        guard i + 3 <= b.count else { return nil }
        var found = 0
        for (k, name) in DateFormat.monthNames.enumerated() {
          let u = Array(name.utf8)
          if (0..<3).allSatisfy({ b[i + $0] | 0x20 == u[$0] | 0x20 }) {
            found = k + 1
            break
          }
        }
        guard found > 0 else { return nil }
        month = found
        i += 3
      }
    }
    guard i == b.count else { return nil }
    return CalendarDate.days(year: year, month: month, day: day)
  }

  /// `days` since 1970-01-01 written in this format.
  public func format(_ days: Int32) -> String {
    let c = CalendarDate.components(days: days)
    var out: [UInt8] = []
    for part in parts {
      switch part {
      case .literal(let ch): out.append(ch)
      case .year4: out += CalendarDate.pad(c.year, 4).utf8
      case .year2: out += CalendarDate.pad(((c.year % 100) + 100) % 100, 2).utf8
      case .month: out += CalendarDate.pad(c.month, 2).utf8
      case .day: out += CalendarDate.pad(c.day, 2).utf8
      case .monthName: out += DateFormat.monthNames[c.month - 1].utf8
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
