import Datasets
import LuaHost
import RunControl

/// A column as Lua sees it (`column`): values with element-wise operators.
public final class LuaColumn {
  /// The values, or a chain of element-wise operations not yet computed
  /// (`DeferredColumns`): computed on first use, once.
  private var state: State
  public let name: String
  /// Computed (`d.age * 2`, `d.age:ge(65)`) rather than read from a
  /// dataset: messages then write it `c` rather than `d.<name>`.
  public let derived: Bool
  private var lease: MemoryLease?
  /// Throws when the column's buffer is new and does not fit in `--max-memory`.
  public init(_ column: Column, name: String, derived: Bool = false) throws {
    state = .ready(column)
    self.name = name
    self.derived = derived
    lease = try MemoryLease.take([column], what: "a column of \(column.count) rows")
  }

  private enum State {
    case ready(Column)
    /// The expression, its rows, and the bytes its result will take,
    /// counted in the budget until it exists.
    case deferred(FusedExpression, rows: Int, reservation: MemoryReservation?)
  }

  /// A derived double column of `rows` rows whose values `expression`
  /// computes when first read; throws when its buffer would not fit in `--max-memory`.
  init(deferred expression: FusedExpression, rows: Int, name: String) throws {
    let reservation = try MemoryBudget.reserve(
      count: rows, stride: MemoryLayout<Double>.stride, for: "a column of \(rows) rows")
    state = .deferred(expression, rows: rows, reservation: reservation)
    self.name = name
    derived = true
    lease = nil
  }

  /// The values (computed now if they were deferred).
  public var column: Column {
    switch state {
    case .ready(let c): return c
    case .deferred(let expression, let rows, let reservation):
      let c = Column.double(expression.evaluate(rows: rows))
      state = .ready(c)
      // The buffer is counted as every column's is; should that be refused
      // (Lua grew meanwhile), the reservation keeps counting its bytes.
      if let lease = try? MemoryLease.take([c], what: "a column of \(rows) rows") {
        self.lease = lease
      } else {
        keptReservation = reservation
      }
      return c
    }
  }
  private var keptReservation: MemoryReservation?

  /// The expression of a deferred column; nil once computed or for a plain
  /// column.
  var deferredExpression: (expression: FusedExpression, rows: Int)? {
    if case .deferred(let e, let rows, _) = state { return (e, rows) }
    return nil
  }
  /// How many deferred expressions include this one's (`DeferredColumns`
  /// computes a column that a second expression reads, rather than twice).
  var deferredUses = 0

  /// How a script names this column: `d.age`, `d["wt.loss"]`, or `c`.
  var expression: String {
    if derived { return "c" }
    let identifier = name.first.map { $0 == "_" || $0.isLetter } == true
      && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    return identifier ? "d.\(name)" : "d[\"\(name)\"]"
  }
}

/// The methods and operators of columns, declared through the binding layer.
enum ColumnMethods {
  static func column(_ call: KaplanCall) throws -> Column { try call.lua.object(1, as: LuaColumn.self).column }

  static func method(
    _ name: String, signature: String, summary: String, arguments: Int = 0, example: String,
    body: @escaping (KaplanCall) throws -> [LuaValue]
  ) -> KaplanFunction {
    datasetsFunction(
      name, receiver: "column", signature: signature, summary: summary, arguments: arguments, example: example,
      body: body)
  }

  static var declarations: [KaplanFunction] {
    [
      method("name", signature: "c:name()", summary: "The column's name (its name in the dataset it came from).",
             example: "print(dataset(\"lung\").age:name())") { call in
        [.string(try call.lua.object(1, as: LuaColumn.self).name)]
      },
      method("type", signature: "c:type()", summary: "The column's type: double, int, string, bool or date.",
             example: "print(dataset(\"lung\").age:type())") { call in [.string(try column(call).kind.rawValue)] },
      method("sum", signature: "c:sum()", summary: "The sum of the values, NA skipped.",
             example: "print(dataset(\"aml\").status:sum())") { call in [numberValue(try column(call).sum())] },
      method("mean", signature: "c:mean()", summary: "The mean of the values, NA skipped (nil when none).",
             example: "print(dataset(\"lung\").age:mean())") { call in [numberValue(try column(call).mean())] },
      method("sd", signature: "c:sd()",
             summary: "The sample standard deviation (n - 1), NA skipped, as R's sd (nil with fewer than 2).",
             example: "print(dataset(\"lung\").age:sd())") { call in
        [numberValue(try column(call).standardDeviation())]
      },
      method("median", signature: "c:median()", summary: "The median of the values, NA skipped.",
             example: "print(dataset(\"lung\").age:median())") { call in [numberValue(try column(call).median())] },
      method("min", signature: "c:min()", summary: "The smallest value, NA skipped (a date for a date column).",
             example: "print(dataset(\"lung\").age:min())") { call in
        [scalarValue(try column(call).min() ?? .missing)]
      },
      method("max", signature: "c:max()", summary: "The largest value, NA skipped (a date for a date column).",
             example: "print(dataset(\"lung\").age:max())") { call in
        [scalarValue(try column(call).max() ?? .missing)]
      },
      quantile,
      method("levels", signature: "c:levels()", summary: "The levels of a string column, in order (nil otherwise).",
             example: "print(table.concat(dataset(\"colon\").rx:levels(), \", \"))") { call in
        guard let levels = try column(call).levels else { return [.nil] }
        return [.strings(levels)]
      },
      method("count", signature: "c:count()",
             summary: "Value → count, NA not counted (every level of a string column, zero counts included).",
             example: "print(dataset(\"colon\").rx:count().Obs)") { call in
        [.table(LuaTable(fields: try column(call).valueCounts().map { ($0.label, .integer($0.count)) }))]
      },
      method("missing", signature: "c:missing()", summary: "The number of missing values.",
             example: "print(dataset(\"lung\")[\"wt.loss\"]:missing())") { call in
        [.integer(try column(call).missingCount)]
      },
      method("is_missing", signature: "c:is_missing()", summary: "A bool column, true where the value is NA.",
             example: "local lung = dataset(\"lung\")\nprint(#lung:where(~lung[\"wt.loss\"]:is_missing()))") { call in
        [try columnValue(try column(call).missingMask(), name: "missing")]
      },
      method("values", signature: "c:values()", summary: "All values as a Lua array (NA as nil holes).",
             example: "print(dataset(\"aml\").time:values()[1])") { call in [columnArray(try column(call))] },
      comparison("eq", .equal, "equal to"), comparison("ne", .notEqual, "not equal to"),
      comparison("lt", .less, "less than"), comparison("le", .lessEqual, "less than or equal to"),
      comparison("gt", .greater, "greater than"), comparison("ge", .greaterEqual, "greater than or equal to"),
    ]
  }

  static var quantile: KaplanFunction {
    method("quantile", signature: "c:quantile(p | {p, ...})",
           summary: "Quantiles of the values, NA skipped, by R's default (type 7): a number for one p, an "
             + "array for an array of probabilities.", arguments: 1,
           example: "local age = dataset(\"lung\").age\nprint(age:quantile(0.5))\nprint(age:quantile{0.25, 0.75}[2])"
    ) { call in
      let col = try column(call)
      let single = call.lua.typeName(2) == "number"
      let probs = try numberList(call.lua, 2, what: "probabilities")
      for (i, p) in probs.enumerated() where !(p >= 0 && p <= 1) {
        let which = single ? "probability" : "probability \(i + 1)"
        throw call.lua.argumentError(2, "\(which) must be in [0, 1], got \(OptionValues.shown(.number(p)))")
      }
      let values = try probs.map { numberValue(try col.quantile($0)) }
      return single ? values : [.array(values)]
    }
  }

  static func comparison(_ name: String, _ op: BinaryOperator, _ meaning: String) -> KaplanFunction {
    var summary = "A bool column, true where the value is \(meaning) x (a number, string, date or column); "
      + "NA where either is NA."
    if op == .equal {
      summary += " Lua's == cannot compare element-wise: between a column and a number it is always false "
        + "(Lua calls no metamethod for values of different types), and between two columns it is an error; "
        + "< <= > >= on a column are errors that name the method to use."
    }
    return method(name, signature: "c:\(name)(x)", summary: summary, arguments: 1,
                  example: "local lung = dataset(\"lung\")\nprint(#lung:where(lung.age:\(name)(65)))") { call in
      [try columnValue(try Column.apply(op, try operand(call.lua, 1), try operand(call.lua, 2)), name: "mask")]
    }
  }

  static var metamethods: [String: LuaCallback] {
    func binary(_ op: BinaryOperator) -> LuaCallback {
      { call in
        if let deferred = try DeferredColumns.arithmetic(call, op) { return deferred }
        let a = try operand(call, 1), b = try operand(call, 2)
        try requireColumn(rows: max(rows(of: a), rows(of: b)))
        return [try columnValue(try Column.apply(op, a, b), name: op.rawValue)]
      }
    }
    return [
      "__len": { call in [.integer(try call.object(1, as: LuaColumn.self).column.count)] },
      "__tostring": { call in [.string("column \(try call.object(1, as: LuaColumn.self).name)")] },
      "__add": binary(.add), "__sub": binary(.subtract), "__mul": binary(.multiply), "__div": binary(.divide),
      // Lua converts the results of __eq/__lt/__le to booleans, so element-wise
      // comparisons are methods (c:ge(65)); logic uses & | ~ (see datasets.lua).
      "__band": binary(.and), "__bor": binary(.or),
      "__bnot": { call in [try columnValue(try call.object(1, as: LuaColumn.self).column.not(), name: "not")] },
      "__unm": { call in
        if let deferred = try DeferredColumns.negated(call) { return deferred }
        return [try columnValue(try call.object(1, as: LuaColumn.self).column.negated(), name: "neg")]
      },
      "__lt": { call in throw comparisonError(call, "<") },
      "__le": { call in throw comparisonError(call, "<=") },
      "__eq": { call in throw comparisonError(call, "==") },
    ]
  }

  /// The error of `<`, `<=` (Lua turns `a > b` into `b < a`) or `==` with a
  /// column operand: Lua makes the result one boolean, so the comparison
  /// cannot be element-wise; the message names the method that is.
  static func comparisonError(_ call: LuaCall, _ op: String) -> LuaError {
    let firstIsColumn = call.isObject(1, of: LuaColumn.self)
    let (column, other) = firstIsColumn ? (1, 2) : (2, 1)
    let method: String
    switch (op, firstIsColumn) {
    case ("<", true): method = "lt"
    case ("<", false): method = "gt"
    case ("<=", true): method = "le"
    case ("<=", false): method = "ge"
    default: method = "eq"
    }
    let shown = (try? call.object(column, as: LuaColumn.self).expression) ?? "c"
    return LuaError.runtime(
      "comparison operators (== < <= > >=) cannot compare a column element-wise: Lua makes their result one "
        + "boolean; use \(shown):\(method)(\(operandText(call, other)))")
  }

  /// An operand as a script would write it in the suggested call.
  private static func operandText(_ call: LuaCall, _ index: Int) -> String {
    if let c = try? call.object(index, as: LuaColumn.self), call.isObject(index, of: LuaColumn.self) {
      return c.expression
    }
    if call.isObject(index, of: LuaDate.self), let d = try? call.object(index, as: LuaDate.self) {
      return "date(\"\(CalendarDate.formatISO(d.days))\")"
    }
    guard let value = try? call.value(index) else { return "x" }
    if case .object = value { return "x" }
    return value.typeName == "table" ? "x" : OptionValues.shown(value)
  }

  /// `c[i]`: value i (NA is nil); other keys are nil.
  static func index(_ call: LuaCall) throws -> [LuaValue] {
    let c = try call.object(1, as: LuaColumn.self).column
    guard case .integer(let i) = try call.value(2), i >= 1, i <= c.count else { return [.nil] }
    return [scalarValue(c.value(at: i - 1))]
  }
}
