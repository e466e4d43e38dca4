/// Proleptic Gregorian calendar dates as days since 1970-01-01, by pure
/// integer arithmetic (no Foundation `Calendar`, no time zones).
///
/// The conversion counts days in 400-year eras (146097 days each) starting
/// on 0000-03-01, so that the leap day is the last day of each "year" and
/// month lengths follow a fixed 5-month pattern (153 days per 5 months).
public enum CalendarDate {
  /// Days since 1970-01-01 of `year`-`month`-`day`, or nil when the date
  /// does not exist (month outside 1...12, day outside the month) or lies
  /// outside what an `Int32` day count can hold.
  public static func days(year: Int, month: Int, day: Int) -> Int32? {
    guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
      (-5_000_000...5_000_000).contains(year)
    else { return nil }
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let shiftedMonth = (month + 9) % 12  // March = 0
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let result = era * 146_097 + dayOfEra - 719_468
    guard let value = Int32(exactly: result), value != Column.naDate else { return nil }
    return value
  }

  /// The calendar date of `days` since 1970-01-01.
  public static func components(days: Int32) -> (year: Int, month: Int, day: Int) {
    let z = Int(days) + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  public static func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Parses exactly `YYYY-MM-DD` (ISO 8601 calendar date, four-digit year).
  public static func parseISO(_ text: String) -> Int32? {
    var utf8 = Array(text.utf8)
    return utf8.withUnsafeMutableBufferPointer { parseISO(UnsafeBufferPointer($0)) }
  }

  /// Parses exactly `YYYY-MM-DD` from bytes.
  public static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
    guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
    guard let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2) else {
      return nil
    }
    return days(year: y, month: m, day: d)
  }

  /// `YYYY-MM-DD` of `days` since 1970-01-01 (years beyond 9999 get more digits,
  /// years before 0 a minus sign).
  public static func formatISO(_ days: Int32) -> String {
    let c = components(days: days)
    return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
  }

  static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
    var value = 0
    for i in start..<(start + count) {
      let d = Int(b[i]) &- 48
      guard d >= 0, d <= 9 else { return nil }
      value = value * 10 + d
    }
    return value
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
    return value < 0 ? "-" + padded : padded
  }
}
