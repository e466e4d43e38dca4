/// A Lua value as Swift sees it: decoded from the stack, or built in Swift to
/// be pushed (results of callbacks, globals).
public indirect enum LuaValue: Equatable {
  case `nil`
  case boolean(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  /// A table: `array` holds t[1...n], `fields` the string-keyed entries
  /// (pushed in order; decoded sorted by key, for determinism).
  case table(LuaTable)
  /// An array of numbers pushed in one protected C call; `nanAsNil` leaves
  /// NaN entries as holes (NA → nil).
  case numbers([Double], nanAsNil: Bool)
  /// A Swift object boxed as userdata of its registered type.
  case object(AnyObject)
  /// A value held in the Lua registry (functions, tables passed through).
  case reference(LuaRef)
  /// A registered Swift function (made by `LuaState.function`).
  case callback(Int)

  public static func == (a: LuaValue, b: LuaValue) -> Bool {
    switch (a, b) {
    case (.nil, .nil): return true
    case (.boolean(let x), .boolean(let y)): return x == y
    case (.integer(let x), .integer(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.table(let x), .table(let y)): return x == y
    case (.numbers(let x, let n), .numbers(let y, let m)): return x == y && n == m
    case (.object(let x), .object(let y)): return x === y
    case (.reference(let x), .reference(let y)): return x === y
    case (.callback(let x), .callback(let y)): return x == y
    default: return false
    }
  }

  /// Lua's type name of the value (`nil`, `number`, `string`, `table`, ...).
  public var typeName: String {
    switch self {
    case .nil: return "nil"
    case .boolean: return "boolean"
    case .integer, .number: return "number"
    case .string: return "string"
    case .table, .numbers: return "table"
    case .object: return "userdata"
    case .reference(let r): return r.typeName
    case .callback: return "function"
    }
  }

  /// Convenience for building result tables: `.record(["n": .integer(3)])` keeps order.
  public static func record(_ fields: KeyValuePairs<String, LuaValue>) -> LuaValue {
    .table(LuaTable(fields: fields.map { ($0.key, $0.value) }))
  }

  public static func array(_ items: [LuaValue]) -> LuaValue {
    .table(LuaTable(array: items))
  }

  public static func strings(_ items: [String]) -> LuaValue {
    .table(LuaTable(array: items.map { .string($0) }))
  }

  /// The number if the value is numeric.
  public var doubleValue: Double? {
    switch self {
    case .integer(let i): return Double(i)
    case .number(let d): return d
    default: return nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var tableValue: LuaTable? {
    if case .table(let t) = self { return t }
    return nil
  }
}

/// A table's contents: the sequence part and the string-keyed part.
public struct LuaTable: Equatable {
  public var array: [LuaValue]
  public var fields: [(String, LuaValue)]

  public init(array: [LuaValue] = [], fields: [(String, LuaValue)] = []) {
    self.array = array
    self.fields = fields
  }

  public subscript(key: String) -> LuaValue? {
    fields.first { $0.0 == key }?.1
  }

  public static func == (a: LuaTable, b: LuaTable) -> Bool {
    a.array == b.array && a.fields.count == b.fields.count
      && zip(a.fields, b.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
  }
}
