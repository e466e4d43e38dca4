import LuaHost

/// The options table of one call, checked against the function's schema:
/// the one interpreter of `OptionSpec`s.
///
/// Every mistake is a `bad argument` error naming the function, the
/// argument, the key and what it accepts, worded the same everywhere:
///
///     bad argument #3 to 'km' (unknown option 'conf_typ'; did you mean 'conf_type'?
///       options: conf_type, conf_level, weights)
///     bad argument #3 to 'km' (option 'conf_level' must be a number between 0 and 1 (exclusive), got 1.5)
///
/// No key is ever ignored: a key outside the schema is an error, and so is a
/// list where named options are expected; a key that is neither a name nor
/// a list position (`{[true] = 1}`) is refused by the decoder
/// (`LuaState.value(at:)`) before the table gets here.
public struct OptionValues {
  public let function: String
  private let schema: [OptionSpec]
  private let given: [String: LuaValue]

  /// Options that were not given (`nil` table): every default applies.
  init(function: String, schema: [OptionSpec]) {
    self.function = function
    self.schema = schema
    self.given = [:]
  }

  /// Checks `table` against `schema`; `error` makes the argument error of
  /// the call (numbered as the caller counts).
  public static func parse(
    _ value: LuaValue, function: String, schema: [OptionSpec], error: (String) -> LuaError
  ) throws -> OptionValues {
    let keys = schema.map(\.key)
    let listing = keys.isEmpty ? "\(function) takes no options" : "options: " + keys.joined(separator: ", ")
    guard case .table(let table) = value else {
      if value == .nil { return OptionValues(function: function, schema: schema) }
      throw error("options table expected, got \(value.typeName)")
    }
    if !table.array.isEmpty {
      throw error("options are named, as {\(keys.first ?? "key") = ...}; got a list (\(listing))")
    }
    var given: [String: LuaValue] = [:]
    for (key, v) in table.fields where v != .nil {
      guard let spec = schema.first(where: { $0.key == key }) else {
        let hint = nearest(key, in: keys).map { "; did you mean '\($0)'?" } ?? ""
        throw error("unknown option '\(key)'\(hint) (\(listing))")
      }
      guard spec.type.accepts(v) else {
        throw error("option '\(key)' must be \(spec.type.description), got \(shown(v))")
      }
      given[key] = v
    }
    return OptionValues(function: function, schema: schema, given: given)
  }

  private init(function: String, schema: [OptionSpec], given: [String: LuaValue]) {
    self.function = function
    self.schema = schema
    self.given = given
  }

  /// A value as messages show it: strings quoted, whole numbers without a
  /// decimal point, 7 significant digits otherwise; tables by type.
  public static func shown(_ value: LuaValue) -> String {
    switch value {
    case .string(let s): return "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
    case .integer(let i): return String(i)
    case .number(let x):
      if x.isFinite && x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
      return x.isNaN ? "nan" : String(format: "%.7g", x)
    case .boolean(let b): return b ? "true" : "false"
    default: return value.typeName
    }
  }

  /// The known key closest to a misspelt one (edit distance ≤ 2), if any.
  static func nearest(_ key: String, in keys: [String]) -> String? {
    let scored = keys.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }
    return scored.min { $0.1 < $1.1 }?.0
  }

  private static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...max(b.count, 1) where j <= b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }

  // MARK: - Reading the checked values

  /// Whether the script gave `key`.
  public func has(_ key: String) -> Bool { given[key] != nil }

  /// The given value, else the schema's default, else nil.
  public func value(_ key: String) throws -> LuaValue? {
    guard let spec = schema.first(where: { $0.key == key }) else {
      throw LuaError.runtime("\(function): internal error: option '\(key)' is not declared")
    }
    return given[key] ?? spec.defaultValue
  }

  /// The value of an option that has a default (or was given).
  private func required(_ key: String) throws -> LuaValue {
    guard let v = try value(key) else {
      throw LuaError.runtime("\(function): internal error: option '\(key)' has no default")
    }
    return v
  }

  public func number(_ key: String) throws -> Double {
    guard let x = try required(key).doubleValue else { throw mismatch(key) }
    return x
  }

  public func optionalNumber(_ key: String) throws -> Double? {
    guard let v = try value(key) else { return nil }
    guard let x = v.doubleValue else { throw mismatch(key) }
    return x
  }

  public func integer(_ key: String) throws -> Int {
    let x = try number(key)
    guard x == x.rounded(), abs(x) < 1e15 else { throw mismatch(key) }
    return Int(x)
  }

  public func optionalInteger(_ key: String) throws -> Int? {
    guard let x = try optionalNumber(key) else { return nil }
    guard x == x.rounded(), abs(x) < 1e15 else { throw mismatch(key) }
    return Int(x)
  }

  public func boolean(_ key: String) throws -> Bool {
    guard case .boolean(let b) = try required(key) else { throw mismatch(key) }
    return b
  }

  public func optionalBoolean(_ key: String) throws -> Bool? {
    guard let v = try value(key) else { return nil }
    guard case .boolean(let b) = v else { throw mismatch(key) }
    return b
  }

  public func string(_ key: String) throws -> String {
    guard let s = try required(key).stringValue else { throw mismatch(key) }
    return s
  }

  public func optionalString(_ key: String) throws -> String? {
    guard let v = try value(key) else { return nil }
    guard let s = v.stringValue else { throw mismatch(key) }
    return s
  }

  /// The value named by a choice option (`[("log", .log), ...]`, the list
  /// the schema was declared from).
  public func choice<T>(_ key: String, _ choices: [(String, T)]) throws -> T {
    let name = try string(key)
    guard let match = choices.first(where: { $0.0 == name }) else { throw mismatch(key) }
    return match.1
  }

  public func optionalChoice<T>(_ key: String, _ choices: [(String, T)]) throws -> T? {
    guard let name = try optionalString(key) else { return nil }
    guard let match = choices.first(where: { $0.0 == name }) else { throw mismatch(key) }
    return match.1
  }

  public func optionalNumbers(_ key: String) throws -> [Double]? {
    guard let v = try value(key) else { return nil }
    guard case .table(let t) = v else { throw mismatch(key) }
    return try t.array.map { item in
      guard let x = item.doubleValue else { throw mismatch(key) }
      return x
    }
  }

  /// Strings of a `.strings` or `.columns` option (one string is a list of one).
  public func optionalStrings(_ key: String) throws -> [String]? {
    guard let v = try value(key) else { return nil }
    if let s = v.stringValue, v.typeName == "string" { return [s] }
    guard case .table(let t) = v else { throw mismatch(key) }
    return try t.array.map { item in
      guard let s = item.stringValue else { throw mismatch(key) }
      return s
    }
  }

  /// A declaration and its reader disagree (a bug of Kaplan, not of the script).
  private func mismatch(_ key: String) -> LuaError {
    LuaError.runtime("\(function): internal error: option '\(key)' read as another type than declared")
  }
}
