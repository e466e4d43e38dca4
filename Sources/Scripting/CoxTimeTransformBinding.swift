import Analysis
import Datasets
import LuaHost

/// The `tt` option of `cox()`: a script's function `f(x, t)` called, as
/// R's `coxph(tt = f)`, on the values `x` of a `tt()` term's covariate for
/// the rows at risk at each event time `t` (once per event time, with the
/// rows as one column, so that `x * math.log(t)` is column arithmetic). It
/// returns a column or an array of numbers, one per row. The call is a
/// protected Lua → Swift → Lua call (`LuaCall.call`): an error in `f`
/// propagates as the script's error, the run's time limit stops it (the
/// Lua hook, and `Cancellation` between calls), and the column passed is
/// leased from the memory budget.
enum CoxTimeTransformBinding {
  static func transform(_ function: LuaValue, lua: LuaCall) -> CoxTimeTransform {
    { label, x, time in
      let column = try LuaColumn(.double(x), name: label, derived: true)
      let results = try lua.call(function, [.object(column), .number(time)])
      let at = "at time \(number(time))"
      switch results.first ?? .nil {
      case .object(let o as LuaColumn):
        switch o.column {
        case .double, .int: return o.column.asDoubles()
        default:
          throw LuaError.runtime(
            "cox: the tt function returned a column of \(o.column.kind.rawValue) for \(label) \(at); "
              + "it must return numbers")
        }
      case .table(let t) where t.fields.isEmpty:
        return try t.array.map { v in
          switch v {
          case .number(let d): return d
          case .integer(let i): return Double(i)
          default:
            throw LuaError.runtime(
              "cox: the tt function returned an array holding \(v.typeName) for \(label) \(at); it must hold numbers")
          }
        }
      case .numbers(let values, _):
        return values
      case let other:
        throw LuaError.runtime(
          "cox: the tt function returned \(other.typeName) for \(label) \(at); it must return a column or an "
            + "array of numbers, one per row at risk")
      }
    }
  }

  private static func number(_ x: Double) -> String {
    x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x)
  }
}
