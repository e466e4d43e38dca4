import Datasets
import LuaHost

/// A calendar date scalar (`date("2004-03-01")`): days since 1970-01-01.
public final class LuaDate {
  public let days: Int32
  public init(days: Int32) { self.days = days }
}

/// The methods and operators of dates, declared through the binding layer.
enum DateMethods {
  static func date(_ call: KaplanCall) throws -> Int32 { try call.lua.object(1, as: LuaDate.self).days }

  static var declarations: [KaplanFunction] { [
    datasetsFunction(
      "year", receiver: "date", signature: "t:year()", summary: "The calendar year of the date.", arguments: 0,
      example: "print(date(\"2004-03-01\"):year())"
    ) { call in [.integer(CalendarDate.components(days: try date(call)).year)] },
    datasetsFunction(
      "days", receiver: "date", signature: "t:days()", summary: "Days since 1970-01-01 (negative before).",
      arguments: 0, example: "print(date(\"1970-01-31\"):days())"
    ) { call in [.integer(Int(try date(call)))] },
  ] }

  static var metamethods: [String: LuaCallback] { [
    "__tostring": { call in [.string(CalendarDate.formatISO(try call.object(1, as: LuaDate.self).days))] },
    "__sub": { call in
      // date - date: days between; date - n: a date n days earlier; with a column, a column.
      if call.isObject(1, of: LuaDate.self), call.isObject(2, of: LuaDate.self) {
        let a = try call.object(1, as: LuaDate.self).days, b = try call.object(2, as: LuaDate.self).days
        return [.integer(Int(a) - Int(b))]
      }
      if call.isObject(1, of: LuaDate.self), let n = try wholeDays(call, 2) {
        return [.object(try shiftedDate(try call.object(1, as: LuaDate.self).days, by: n, sign: -1, op: "-"))]
      }
      return [try columnValue(try Column.apply(.subtract, try operand(call, 1), try operand(call, 2)), name: "days")]
    },
    "__add": { call in
      let (date, n) = call.isObject(1, of: LuaDate.self) ? (1, 2) : (2, 1)
      if let days = try wholeDays(call, n) {
        return [.object(try shiftedDate(try call.object(date, as: LuaDate.self).days, by: days, sign: 1, op: "+"))]
      }
      return [try columnValue(try Column.apply(.add, try operand(call, 1), try operand(call, 2)), name: "date")]
    },
    "__eq": { call in
      if call.isObject(1, of: LuaColumn.self) || call.isObject(2, of: LuaColumn.self) {
        throw ColumnMethods.comparisonError(call, "==")
      }
      guard call.isObject(2, of: LuaDate.self) else { return [.boolean(false)] }
      return [.boolean(try call.object(1, as: LuaDate.self).days == (try call.object(2, as: LuaDate.self).days))]
    },
    "__lt": { call in [.boolean(try ordered(call, "<", <))] },
    "__le": { call in [.boolean(try ordered(call, "<=", <=))] },
  ] }

  /// `a < b` / `a <= b` of two dates; with a column operand, the error that
  /// names the element-wise method.
  private static func ordered(_ call: LuaCall, _ op: String, _ compare: (Int32, Int32) -> Bool) throws -> Bool {
    if call.isObject(1, of: LuaColumn.self) || call.isObject(2, of: LuaColumn.self) {
      throw ColumnMethods.comparisonError(call, op)
    }
    return compare(try call.object(1, as: LuaDate.self).days, try call.object(2, as: LuaDate.self).days)
  }

  /// The whole number of days at argument `index` when it is a number (nil
  /// for other values, which are column operands); a fraction, NaN or
  /// infinity is an error rather than a trap in `Int32(_:)`.
  private static func wholeDays(_ call: LuaCall, _ index: Int) throws -> Int? {
    guard let x = try? call.number(index) else { return nil }
    guard x == x.rounded(), abs(x) < 1e9 else {
      throw LuaError.runtime("date arithmetic: a date moves by whole days, got \(OptionValues.shown(.number(x)))")
    }
    return Int(x)
  }

  /// `days + sign * n` as a date, or an error when it leaves the range of dates.
  private static func shiftedDate(_ days: Int32, by n: Int, sign: Int, op: String) throws -> LuaDate {
    guard let d = Int32(exactly: Int(days) + sign * n), d != Column.naDate else {
      throw LuaError.runtime(
        "date arithmetic: \(CalendarDate.formatISO(days)) \(op) \(n) days is out of the range of dates")
    }
    return LuaDate(days: d)
  }
}
