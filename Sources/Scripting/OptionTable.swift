import LuaHost

/// An options table of a Kaplan function (`km(d, f, {conf_type = "log"})`),
/// read key by key with errors that name the function and the key:
/// `km: unknown option 'conf_typ' (options: conf_type, conf_level, weights)`,
/// `km: option 'conf_level' must be a number, got string`.
struct OptionTable {
  let function: String
  private let values: [String: LuaValue]

  /// Checks that `table` (nil when no options were given) has only string
  /// keys among `allowed`.
  init(_ table: LuaTable?, function: String, allowed: [String]) throws {
    self.function = function
    guard let table else {
      values = [:]
      return
    }
    guard table.array.isEmpty else {
      throw LuaError.runtime(
        "\(function): options are named, e.g. {\(allowed.first ?? "key") = ...}; got a list")
    }
    var values: [String: LuaValue] = [:]
    for (key, value) in table.fields {
      guard allowed.contains(key) else {
        throw LuaError.runtime(
          "\(function): unknown option '\(key)' (options: \(allowed.joined(separator: ", ")))")
      }
      values[key] = value
    }
    self.values = values
  }

  func wrong(_ key: String, _ expected: String, got value: LuaValue) -> LuaError {
    LuaError.runtime("\(function): option '\(key)' must be \(expected), got \(Self.describe(value))")
  }

  /// A value's type, or the value itself for short strings and numbers.
  static func describe(_ value: LuaValue) -> String {
    switch value {
    case .string(let s): return "'\(s)'"
    case .integer(let i): return String(i)
    case .number(let x): return x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    default: return value.typeName
    }
  }

  /// The raw value, nil when absent.
  func value(_ key: String) -> LuaValue? {
    guard let v = values[key], v != .nil else { return nil }
    return v
  }

  func number(_ key: String) throws -> Double? {
    guard let v = value(key) else { return nil }
    guard let x = v.doubleValue else { throw LuaError.runtime("\(function): option '\(key)' must be a number, got \(v.typeName)") }
    return x
  }

  func string(_ key: String) throws -> String? {
    guard let v = value(key) else { return nil }
    guard let s = v.stringValue else { throw LuaError.runtime("\(function): option '\(key)' must be a string, got \(v.typeName)") }
    return s
  }

  func boolean(_ key: String) throws -> Bool? {
    guard let v = value(key) else { return nil }
    guard case .boolean(let b) = v else { throw LuaError.runtime("\(function): option '\(key)' must be true or false, got \(v.typeName)") }
    return b
  }

  /// A number in the open interval (0, 1), such as a confidence level.
  func probability(_ key: String) throws -> Double? {
    guard let x = try number(key) else { return nil }
    guard x > 0 && x < 1 else {
      throw LuaError.runtime("\(function): option '\(key)' must be between 0 and 1 (exclusive), got \(Self.describe(.number(x)))")
    }
    return x
  }

  /// One of the named choices (`conf_type = "log"`).
  func choice<T>(_ key: String, _ choices: [(String, T)]) throws -> T? {
    guard let v = value(key) else { return nil }
    let names = choices.map { "\"\($0.0)\"" }.joined(separator: ", ")
    guard let s = v.stringValue else { throw wrong(key, "one of \(names)", got: v) }
    guard let match = choices.first(where: { $0.0 == s }) else { throw wrong(key, "one of \(names)", got: v) }
    return match.1
  }

  /// An array of numbers.
  func numbers(_ key: String) throws -> [Double]? {
    guard let v = value(key) else { return nil }
    guard case .table(let t) = v, t.fields.isEmpty, !t.array.isEmpty else { throw wrong(key, "an array of numbers", got: v) }
    return try t.array.map { item in
      guard let x = item.doubleValue else { throw wrong(key, "an array of numbers", got: v) }
      return x
    }
  }
}
