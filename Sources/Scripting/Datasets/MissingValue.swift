import Datasets
import LuaHost

/// The value behind Kaplan's global `NA`: a missing value a script can
/// write where nil cannot go (inside an array, `{1, NA, 3}`; as a column
/// value, `d:with{x = NA}`).
public final class LuaNA {}

/// `NA`, one value per run: a userdata (`type(NA)` is "userdata",
/// `tostring(NA)` is "NA") kept in the registry, so that every NA a
/// function returns is the same value (`log(NA) == NA`).
///
/// It is never nil: `if NA then` is true, and `c[i]` of a missing value is
/// still nil (as a row's field and a result's array). Every decoder of
/// values (`operand`, `columnFrom`, `scalarFrom`) reads it as missing.
/// Arithmetic with NA gives NA (a column when the other side is a column);
/// `<` and `<=` with NA are errors saying to use `is_na(x)`, since Lua makes
/// their result one boolean.
struct MissingValue {
  let reference: LuaRef
  /// The value to return for a missing scalar.
  var value: LuaValue { .reference(reference) }

  /// Registers the type, makes the value and sets the global `NA`.
  static func install(in runtime: KaplanRuntime) throws -> MissingValue {
    let lua = runtime.lua
    // The metamethods return NA itself, which exists only once the type does.
    let holder = Holder()
    try runtime.userdata.register(
      LuaNA.self, name: "NA", in: lua, declarations: [], metamethods: metamethods(holder))
    let reference = try lua.reference(to: .object(LuaNA()))
    holder.value = .reference(reference)
    try lua.setGlobal("NA", .reference(reference))
    return MissingValue(reference: reference)
  }

  static var kind: ResultKind {
    ResultKind(
    "NA", section: "Datasets",
    summary: "NA, the missing value: write it where nil cannot go ({1, NA, 3}, d:with{x = NA}, if_else(c, NA, x)). "
      + "Functions return it for a missing result (log(NA), coalesce(NA, NA)); a column's c[i] and a row's fields "
      + "give nil for a missing value. Arithmetic with NA gives NA (a column of NA with a column), and so does "
      + "NA .. \"x\" (only paste writes NA as the text \"NA\", as R's paste). NA is a Lua value and so true "
      + "in `if NA then`; test with is_na(x), which is true for nil, NA and NaN.")
  }

  /// Arithmetic: NA with a column is the column operation (all NA); with
  /// a number, boolean or NA it is NA; with anything else an error.
  private final class Holder {
    var value: LuaValue = .nil
  }

  private static func metamethods(_ na: Holder) -> [String: LuaCallback] {
    func arithmetic(_ symbol: String, _ column: @escaping (Operand, Operand) throws -> Column) -> LuaCallback {
      { call in
        let a = try operand(call, 1), b = try operand(call, 2)
        if case .column = a {} else if case .column = b {} else {
          for case .scalar(let s) in [a, b] {
            switch s {
            case .missing, .int, .double, .bool: continue
            default: throw LuaError.runtime("attempt to perform arithmetic ('\(symbol)') on NA and a \(s.kindName)")
            }
          }
          return [na.value]
        }
        try requireColumn(rows: max(rows(of: a), rows(of: b)))
        return [try columnValue(try column(a, b), name: symbol)]
      }
    }
    func compare(_ symbol: String) -> LuaCallback {
      { _ in
        throw LuaError.runtime(
          "attempt to compare NA with '\(symbol)': NA has no order; test with is_na(x), and compare columns with "
            + "c:lt(x), c:le(x), ...")
      }
    }
    return [
      "__tostring": { _ in [.string("NA")] },
      // NA .. "x" is NA: a missing part leaves the whole unknown, as every
      // operation but paste (whose "NA" text R keeps: paste(NA, "x")).
      "__concat": { call in
        for i in 1...2 where !call.isObject(i, of: LuaNA.self) {
          switch try call.value(i) {
          case .string, .integer, .number: continue
          default: throw LuaError.runtime("attempt to concatenate NA and a \(call.typeName(i))")
          }
        }
        return [na.value]
      },
      "__add": arithmetic("+") { try Column.apply(.add, $0, $1) },
      "__sub": arithmetic("-") { try Column.apply(.subtract, $0, $1) },
      "__mul": arithmetic("*") { try Column.apply(.multiply, $0, $1) },
      "__div": arithmetic("/") { try Column.apply(.divide, $0, $1) },
      "__pow": arithmetic("^") { try Column.power($0, $1) },
      "__mod": arithmetic("%") { try Column.modulo($0, $1).column },
      "__idiv": arithmetic("//") { try Column.integerDivide($0, $1) },
      "__unm": { _ in [na.value] },
      "__lt": compare("<"), "__le": compare("<="),
    ]
  }
}

extension Scalar {
  /// The type of a constant as messages name it.
  var kindName: String {
    switch self {
    case .missing: return "NA"
    case .double, .int: return "number"
    case .string: return "string"
    case .bool: return "boolean"
    case .date: return "date"
    }
  }
}
