import Datasets
import LuaHost
import RunControl

// The conversions between Lua values and dataset values that the dataset,
// column and date methods share: operands of element-wise operations,
// scalars and whole columns as Lua values, and columns built from Lua
// arrays.

/// A column argument or a scalar (number, string, boolean, date) as an operand.
func operand(_ call: LuaCall, _ index: Int) throws -> Operand {
  if call.isObject(index, of: LuaColumn.self) { return .column(try call.object(index, as: LuaColumn.self).column) }
  if call.isObject(index, of: LuaDate.self) { return .scalar(.date(try call.object(index, as: LuaDate.self).days)) }
  if call.isObject(index, of: LuaNA.self) { return .scalar(.missing) }
  switch try call.value(index) {
  case .integer(let i): return .scalar(.int(i))
  case .number(let d): return .scalar(.double(d))
  case .string(let s): return .scalar(.string(s))
  case .boolean(let b): return .scalar(.bool(b))
  case .nil: return .scalar(.missing)
  default:
    // A closed column or date: say so (call.object names it) rather than "column expected, got column".
    if call.typeName(index) == "column" { _ = try call.object(index, as: LuaColumn.self) }
    if call.typeName(index) == "date" { _ = try call.object(index, as: LuaDate.self) }
    throw call.argumentError(index, "column, number, string, boolean or date expected, got \(call.typeName(index))")
  }
}

/// Rows of an operand (0 for a scalar).
func rows(of operand: Operand) -> Int {
  if case .column(let c) = operand { return c.count }
  return 0
}

/// Refuses, before it is computed, a new column of `rows` rows that the
/// run's memory budget cannot hold (8 bytes a row: the widest column type).
func requireColumn(rows: Int) throws {
  try MemoryBudget.require(count: rows, stride: MemoryLayout<Double>.stride, for: "a column of \(rows) rows")
}

/// A computed column as a Lua value; `name` is what `c:name()` says of it.
func columnValue(_ column: Column, name: String) throws -> LuaValue {
  .object(try LuaColumn(column, name: name, derived: true))
}

/// A Lua value for one scalar; NA is nil.
func scalarValue(_ s: Scalar) -> LuaValue {
  switch s {
  case .missing: return .nil
  case .double(let d): return .number(d)
  case .int(let i): return .integer(i)
  case .string(let t): return .string(t)
  case .bool(let b): return .boolean(b)
  case .date(let d): return .object(LuaDate(days: d))
  }
}

/// A number as a Lua value; nil (NA) for nil or NaN.
func numberValue(_ x: Double?) -> LuaValue {
  x.map { $0.isNaN ? .nil : .number($0) } ?? .nil
}

/// The whole column as a Lua array (NA as nil holes).
func columnArray(_ column: Column) -> LuaValue {
  switch column {
  case .double(let v): return .numbers(v, nanAsNil: true)
  default: return .array((0..<column.count).map { scalarValue(column.value(at: $0)) })
  }
}

/// A column from a Lua value: a column object, an array of values (a hole
/// is written `NA`, since nil cannot sit in a Lua array's middle), or a
/// scalar (`NA` included) broadcast to `rows`.
func columnFrom(_ value: LuaValue, name: String, call: LuaCall, argument: Int, rows: Int? = nil) throws -> Column {
  switch value {
  case .object(let o as LuaColumn): return o.column
  case .table(let t):
    if let (key, _) = t.fields.first {
      throw call.argumentError(argument, "column '\(name)': an array of values expected, but it has a field '\(key)'")
    }
    let scalars = try t.array.enumerated().map { i, v -> Scalar in
      switch v {
      case .integer(let x): return .int(x)
      case .number(let x): return x.isNaN ? .missing : .double(x)
      case .string(let s): return .string(s)
      case .boolean(let b): return .bool(b)
      case .object(let d as LuaDate): return .date(d.days)
      case .object(_ as LuaNA): return .missing
      default: throw call.argumentError(argument, "column '\(name)': value \(i + 1) is a \(v.typeName)")
      }
    }
    do { return try Column(values: scalars, name: name) } catch {
      throw call.argumentError(argument, "column '\(name)': \(error)")
    }
  default:
    if let rows, let s = scalarFrom(value) {
      do { return try Column(values: Array(repeating: s, count: rows), name: name) } catch {
        throw call.argumentError(argument, "column '\(name)': \(error)")
      }
    }
    throw call.argumentError(argument, "column '\(name)': column or array expected, got \(value.typeName)")
  }
}

/// A scalar Lua value as a dataset scalar (`NA` is `.missing`); nil for
/// tables, functions, columns.
func scalarFrom(_ value: LuaValue) -> Scalar? {
  switch value {
  case .integer(let x): return .int(x)
  case .number(let x): return .double(x)
  case .string(let s): return .string(s)
  case .boolean(let b): return .bool(b)
  case .object(let d as LuaDate): return .date(d.days)
  case .object(_ as LuaNA): return .missing
  default: return nil
  }
}

/// Strings at argument `index`: one string, or an array of strings; a
/// non-string entry or a named field is an error naming it.
func stringList(_ call: LuaCall, _ index: Int, what: String) throws -> [String] {
  switch try call.value(index) {
  case .string(let s): return [s]
  case .table(let t):
    if let (key, _) = t.fields.first {
      throw call.argumentError(index, "array of \(what) expected, but it has a field '\(key)'")
    }
    return try t.array.enumerated().map { i, item in
      guard case .string(let s) = item else {
        throw call.argumentError(index, "array of \(what) expected, but entry \(i + 1) is a \(item.typeName)")
      }
      return s
    }
  default:
    throw call.argumentError(index, "\(what) (a string or an array of strings) expected, got \(call.typeName(index))")
  }
}
