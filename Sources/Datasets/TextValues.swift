/// The text rules of `read_csv`'s type inference, for readers of other
/// formats whose cells hold text (an Excel cell typed as a string): the same
/// int, double, ISO date and bool forms as `ColumnConverter`, so a column
/// reads as the same type from either format.
public enum TextValues {
  /// An integer in read_csv's form; `Int.min` (the NA code) is not one.
  public static func int(_ text: String) -> Int? {
    var s = text
    return s.withUTF8 { b in
      guard let p = b.baseAddress else { return nil }
      guard let v = NumberParsing.parseInt(p, b.count), v != Column.naInt else { return nil }
      return v
    }
  }

  /// A double in read_csv's form (`strtod`'s value).
  public static func double(_ text: String) -> Double? {
    var s = text
    return s.withUTF8 { b in
      guard let p = b.baseAddress else { return nil }
      return NumberParsing.parseDouble(p, b.count)
    }
  }

  /// true/TRUE/True or false/FALSE/False.
  public static func bool(_ text: String) -> Bool? {
    switch text {
    case "true", "TRUE", "True": return true
    case "false", "FALSE", "False": return false
    default: return nil
    }
  }

  /// An ISO date (YYYY-MM-DD) as days since 1970-01-01.
  public static func date(_ text: String) -> Int32? { CalendarDate.parseISO(text) }
}
