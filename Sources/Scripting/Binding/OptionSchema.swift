import LuaHost

/// The kind of value one option takes, as the binding layer checks it and
/// as help and error messages describe it ("a number between 0 and 1
/// (exclusive)", "one of \"log-log\", \"log\"").
///
/// Every option of every Kaplan function is declared with one of these
/// (`OptionSpec`); `OptionValues.parse` is the one interpreter of them, so a
/// mistake is worded the same in `km`, `cox`, `read_csv` and `plot`.
public indirect enum OptionType: Sendable {
  case boolean
  case string
  /// The name of a column of the dataset (checked by the analysis, which
  /// knows the dataset; here it must be a string).
  case column
  /// A column name or an array of column names.
  case columns
  case number(ValueRange)
  case integer(ValueRange)
  /// One of the given strings.
  case choice([String])
  /// A non-empty array of numbers.
  case numbers
  /// A non-empty array of strings.
  case strings
  /// A table whose shape the option's doc describes (checked by the function).
  case table
  case function
  /// A column object (`by = d.id`), not its name.
  case columnValue
  /// A dataset (userdata), as `adtte`'s `adsl`.
  case datasetValue
  /// One value a column can hold: a number, string, boolean, date or NA.
  case scalarValue
  /// Either of two types (`trend = true` or `trend = {1, 2, 4}`).
  case either(OptionType, OptionType)

  /// "a number between 0 and 1 (exclusive)", as messages and help say it.
  public var description: String {
    switch self {
    case .boolean: return "true or false"
    case .string: return "a string"
    case .column: return "a column name (string)"
    case .columns: return "a column name or an array of column names"
    case .number(let r): return r.describe("a number")
    case .integer(let r): return r.describe("an integer")
    case .choice(let names): return "one of " + names.map { "\"\($0)\"" }.joined(separator: ", ")
    case .numbers: return "an array of numbers"
    case .strings: return "an array of strings"
    case .table: return "a table"
    case .function: return "a function"
    case .columnValue: return "a column"
    case .datasetValue: return "a dataset"
    case .scalarValue: return "a number, string, boolean, date or NA"
    case .either(let a, let b): return "\(a.description) or \(b.description)"
    }
  }

  /// Checks `value`; the failure is the text after "must be ... , got".
  func accepts(_ value: LuaValue) -> Bool {
    switch self {
    case .boolean:
      if case .boolean = value { return true }
      return false
    case .string, .column: return value.stringValue != nil && value.typeName == "string"
    case .columns:
      if value.typeName == "string" { return true }
      return OptionType.strings.accepts(value)
    case .number(let r):
      guard value.typeName == "number", let x = value.doubleValue else { return false }
      return r.contains(x)
    case .integer(let r):
      guard value.typeName == "number", let x = value.doubleValue, x == x.rounded(), abs(x) < 1e15 else {
        return false
      }
      return r.contains(x)
    case .choice(let names):
      guard value.typeName == "string", let s = value.stringValue else { return false }
      return names.contains(s)
    case .numbers:
      guard case .table(let t) = value, t.fields.isEmpty, !t.array.isEmpty else { return false }
      return t.array.allSatisfy { $0.typeName == "number" }
    case .strings:
      guard case .table(let t) = value, t.fields.isEmpty, !t.array.isEmpty else { return false }
      return t.array.allSatisfy { $0.typeName == "string" }
    case .table: return value.typeName == "table"
    case .function: return value.typeName == "function"
    case .columnValue: if case .object(let o) = value { return o is LuaColumn } else { return false }
    case .datasetValue: if case .object(let o) = value { return o is LuaDataset } else { return false }
    case .scalarValue: return value.typeName != "table" && scalarFrom(value) != nil
    case .either(let a, let b): return a.accepts(value) || b.accepts(value)
    }
  }
}

/// A range of numbers an option accepts; open or closed at each end.
public struct ValueRange: Sendable {
  public var lower: Double?
  public var upper: Double?
  public var lowerOpen = false
  public var upperOpen = false

  public static let any = ValueRange()
  /// (0, 1): a probability or confidence level.
  public static let probability = ValueRange(lower: 0, upper: 1, lowerOpen: true, upperOpen: true)
  /// (0, ∞).
  public static let positive = ValueRange(lower: 0, lowerOpen: true)
  /// [0, ∞).
  public static let nonNegative = ValueRange(lower: 0)
  /// [lower, ∞).
  public static func atLeast(_ lower: Double) -> ValueRange { ValueRange(lower: lower) }
  /// [lower, upper].
  public static func between(_ lower: Double, _ upper: Double) -> ValueRange {
    ValueRange(lower: lower, upper: upper)
  }

  func contains(_ x: Double) -> Bool {
    guard !x.isNaN else { return false }
    if let l = lower, lowerOpen ? !(x > l) : !(x >= l) { return false }
    if let u = upper, upperOpen ? !(x < u) : !(x <= u) { return false }
    return true
  }

  /// "a number between 0 and 1 (exclusive)", "a positive integer", "a number ≥ 1".
  func describe(_ noun: String) -> String {
    func text(_ x: Double) -> String { OptionValues.shown(.number(x)) }
    switch (lower, upper) {
    case (nil, nil): return noun
    case (0?, nil) where lowerOpen: return noun.replacingOccurrences(of: "an integer", with: "a positive integer")
      .replacingOccurrences(of: "a number", with: "a positive number")
    case (let l?, nil): return "\(noun) \(lowerOpen ? ">" : "≥") \(text(l))"
    case (nil, let u?): return "\(noun) \(upperOpen ? "<" : "≤") \(text(u))"
    case (let l?, let u?):
      if lowerOpen && upperOpen { return "\(noun) between \(text(l)) and \(text(u)) (exclusive)" }
      if !lowerOpen && !upperOpen { return "\(noun) from \(text(l)) to \(text(u))" }
      return "\(noun) in \(lowerOpen ? "(" : "[")\(text(l)), \(text(u))\(upperOpen ? ")" : "]")"
    }
  }
}

/// One option of a function: its key, type, default and one-line doc, as
/// help prints it and as the interpreter checks it.
public struct OptionSpec: Sendable {
  public let key: String
  public let type: OptionType
  /// The default (nil: no default, the option is optional).
  public let defaultOption: OptionDefault?
  /// The default as a Lua value.
  public var defaultValue: LuaValue? { defaultOption?.luaValue }
  /// The default as help shows it, when it is not a plain value
  /// ("all causes", "the longest follow-up").
  public let defaultText: String?
  public let doc: String

  public init(_ key: String, _ type: OptionType, default value: OptionDefault? = nil, defaultText: String? = nil,
              doc: String) {
    self.key = key
    self.type = type
    self.defaultOption = value
    self.defaultText = defaultText
    self.doc = doc
  }

  /// A choice among named values: the names are the schema, the values are
  /// what the function receives (`choice("ties", [("efron", .efron), ...])`).
  public static func choice<T>(_ key: String, _ choices: [(String, T)], default value: String? = nil,
                               doc: String) -> OptionSpec {
    OptionSpec(key, .choice(choices.map(\.0)), default: value.map { .string($0) }, doc: doc)
  }

  /// The default as help prints it ("0.95", "\"log-log\"", "none").
  public var defaultDescription: String {
    if let defaultText { return defaultText }
    guard let defaultValue else { return "none" }
    switch defaultValue {
    case .string(let s): return "\"\(s)\""
    case .boolean(let b): return b ? "true" : "false"
    default: return OptionValues.shown(defaultValue)
    }
  }
}

/// The default of an option: a plain value (a declaration is shared by every
/// runtime, so it holds no Lua object).
public enum OptionDefault: Sendable {
  case boolean(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  /// An array of numbers.
  case numbers([Double])

  public var luaValue: LuaValue {
    switch self {
    case .boolean(let b): return .boolean(b)
    case .integer(let i): return .integer(i)
    case .number(let x): return .number(x)
    case .string(let s): return .string(s)
    case .numbers(let xs): return .array(xs.map { .number($0) })
    }
  }
}
