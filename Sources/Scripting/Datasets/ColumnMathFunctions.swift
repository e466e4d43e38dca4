import Datasets
import LuaHost
import RunControl

/// The element-wise and window functions of columns, each declared twice:
/// as a column method (`d.age:log()`) and as a global that takes a number
/// or a column (`log(d.age)`, `log(100, 10)`); plus `pmin`/`pmax` and the
/// `^` and `%` operators of columns. The computing is in Datasets
/// (`Column+Math`, `Column+MathOperators`, `Column+Window`); here are the
/// decoding, the result types and R's warnings ("NaNs produced", once per
/// call). The method and the global read their arguments at the same
/// stack positions (self or x at 1), so one body serves both.
struct ColumnMathFunctions {
  /// The run's NA, returned for a missing scalar result.
  let na: LuaValue

  var declarations: [KaplanFunction] {
    var list: [KaplanFunction] = []
    for f in unaryFunctions { list += both(f) }
    list += [pow(method: true), pow(method: false), extreme(maximum: false), extreme(maximum: true)]
    for f in windowFunctions { list += both(f) }
    return list
  }

  // MARK: arguments and results

  /// A number argument: a column, or a number (or NA) computed as a column
  /// of one row and returned as a number.
  struct NumberInput {
    let column: Column
    let isScalar: Bool
  }

  /// Argument `index` as a number input; `what` says what else is wrong.
  static func numberInput(_ call: LuaCall, _ index: Int, kinds: Set<Column.Kind> = [.double, .int, .bool])
    throws -> NumberInput
  {
    if call.isObject(index, of: LuaColumn.self) {
      let c = try call.object(index, as: LuaColumn.self)
      guard kinds.contains(c.column.kind) else {
        throw call.argumentError(index, "number column expected, got \(c.column.kind.rawValue) column \(c.expression)")
      }
      return NumberInput(column: c.column, isScalar: false)
    }
    if call.isObject(index, of: LuaNA.self) { return NumberInput(column: .double([.nan]), isScalar: true) }
    switch try call.value(index) {
    case .integer(let i) where i != Column.naInt: return NumberInput(column: .int([i]), isScalar: true)
    case .integer(let i): return NumberInput(column: .double([Double(i)]), isScalar: true)
    case .number(let x): return NumberInput(column: .double([x]), isScalar: true)
    default:
      if call.typeName(index) == "column" { _ = try call.object(index, as: LuaColumn.self) }
      throw call.argumentError(index, "number or column expected, got \(call.typeName(index))")
    }
  }

  /// The result: a column, or for a scalar input its one value (NA as NA).
  func result(_ column: Column, scalar: Bool, name: String) throws -> [LuaValue] {
    guard scalar, column.count == 1 else { return [try columnValue(column, name: name)] }
    switch column.value(at: 0) {
    case .missing: return [na]
    case let s: return [scalarValue(s)]
    }
  }

  /// R's warning for NaN results (stored as NA), once per call.
  static func warnNaNs(_ function: String, _ count: Int) {
    guard count > 0 else { return }
    let values = count == 1 ? "1 value is" : "\(count) values are"
    RunWarnings.emit(line: "Warning in \(function)(): NaNs produced (\(values) NA)")
  }

  /// A number argument at `index` (nil when absent): `what` names it.
  static func optionalParameter(_ call: LuaCall, _ index: Int, what: String) throws -> Double? {
    if call.isNil(index) { return nil }
    if call.isObject(index, of: LuaNA.self) { throw call.argumentError(index, "\(what) must be a number, got NA") }
    switch try call.value(index) {
    case .integer(let i): return Double(i)
    case .number(let x) where !x.isNaN: return x
    case let other: throw call.argumentError(index, "\(what) must be a number, got \(OptionValues.shown(other))")
    }
  }

  // MARK: one function, two declarations

  /// A function declared as a method of columns and as a global.
  struct Dual {
    let name: String
    /// Parameters after x, as the signature shows them: "[, base]".
    let parameters: String
    let summary: String
    let options: [OptionSpec]
    let optionsArgument: Int?
    let arguments: Int
    let methodExample: String
    let globalExample: String
    let body: (KaplanCall) throws -> [LuaValue]

    init(
      _ name: String, parameters: String = "", summary: String, options: [OptionSpec] = [],
      optionsArgument: Int? = nil, arguments: Int, methodExample: String, globalExample: String,
      body: @escaping (KaplanCall) throws -> [LuaValue]
    ) {
      self.name = name
      self.parameters = parameters
      self.summary = summary
      self.options = options
      self.optionsArgument = optionsArgument
      self.arguments = arguments
      self.methodExample = methodExample
      self.globalExample = globalExample
      self.body = body
    }
  }

  func both(_ f: Dual) -> [KaplanFunction] {
    let inner = f.parameters.hasPrefix(" [, ") ? "[" + f.parameters.dropFirst(4) : f.parameters
    return [
      datasetsFunction(
        f.name, receiver: "column", signature: "c:\(f.name)(\(inner))", summary: f.summary, options: f.options,
        optionsArgument: f.optionsArgument, arguments: f.arguments, example: f.methodExample, body: f.body),
      datasetsFunction(
        f.name, signature: "\(f.name)(x\(f.parameters))",
        summary: f.summary + " x is a column (\(f.name)(c, ...) is c:\(f.name)(...)) or a number (the result is a "
          + "number; NA gives NA).",
        options: f.options, optionsArgument: f.optionsArgument.map { $0 + 1 }, arguments: f.arguments + 1,
        example: f.globalExample, body: f.body),
    ]
  }

  // MARK: element-wise functions

  var unaryFunctions: [Dual] {
    let lung = "local lung = dataset(\"lung\")\n"
    return [
      unary("log", parameters: " [, base]", parameterName: "base",
            summary: "The natural logarithm, or the logarithm to a base (log(x) / log(base); base 10 and 2 as "
              + "log10 and log2). Always double; log(0) is -inf; a negative value gives NA with one warning "
              + "(R's \"NaNs produced\").",
            methodExample: lung + "print(lung.age:log():mean())\nprint(lung.age:log(10)[1])",
            globalExample: "print(log(100, 10), log(math.exp(1)))\nprint(log(dataset(\"lung\").age)[1])") {
        .log(base: $0)
      },
      unary("log1p", summary: "log(1 + x), accurate for small x. Always double; x < -1 gives NA with one warning.",
            methodExample: "print(dataset(\"lung\")[\"wt.loss\"]:abs():log1p()[1])",
            globalExample: "print(log1p(1e-10))") { _ in .log1p },
      unary("exp", summary: "e to the power x. Always double.",
            methodExample: "print(dataset(\"aml\").time:log():exp()[1])", globalExample: "print(exp(1))") { _ in
        .exp
      },
      unary("sqrt", summary: "The square root. Always double; a negative value gives NA with one warning.",
            methodExample: "print(dataset(\"aml\").time:sqrt()[1])", globalExample: "print(sqrt(2))") { _ in .sqrt },
      unary("abs", summary: "The absolute value. An int (or bool) column stays int, as in R; otherwise double.",
            methodExample: "print(dataset(\"lung\")[\"wt.loss\"]:abs():min())", globalExample: "print(abs(-3))") {
        _ in .abs
      },
      unary("round", parameters: " [, digits]", parameterName: "digits",
            summary: "Rounds to digits decimal places (default 0; negative rounds to tens, hundreds, ...) as R's "
              + "round: half to even in the value the double holds, so round(0.15, 1) is 0.1, round(2.5) is 2 "
              + "and round(1.005, 2) is 1. Always double (as R's round of an integer).",
            methodExample: lung + "print(lung.age:log():round(2)[1])",
            globalExample: "print(round(2.5), round(0.125, 2), round(1234.5678, -2))") {
        .round(digits: $0 ?? 0)
      },
      unary("signif", parameters: " [, digits]", parameterName: "digits",
            summary: "Rounds to digits significant digits (default 6; below 1 counts as 1) as R's signif. "
              + "Always double.",
            methodExample: "print(dataset(\"lung\").age:sqrt():signif(3)[1])",
            globalExample: "print(signif(123456, 2), signif(0.00123456, 3))") { .signif(digits: $0 ?? 6) },
      unary("floor", summary: "The largest whole number not above x. Always double (as R's floor).",
            methodExample: "print(dataset(\"aml\").time:sqrt():floor()[1])", globalExample: "print(floor(-2.5))") {
        _ in .floor
      },
      unary("ceil", summary: "The smallest whole number not below x (R's ceiling). Always double.",
            methodExample: "print(dataset(\"aml\").time:sqrt():ceil()[1])", globalExample: "print(ceil(2.1))") {
        _ in .ceil
      },
      unary("trunc", summary: "x with its fraction dropped (toward zero). Always double.",
            methodExample: "print(dataset(\"aml\").time:sqrt():trunc()[1])", globalExample: "print(trunc(-2.7))") {
        _ in .trunc
      },
    ]
  }

  func unary(
    _ name: String, parameters: String = "", parameterName: String? = nil, summary: String,
    methodExample: String, globalExample: String, _ make: @escaping (Double?) -> ElementwiseFunction
  ) -> Dual {
    Dual(name, parameters: parameters, summary: summary + " NA stays NA.", arguments: parameterName == nil ? 0 : 1,
         methodExample: methodExample, globalExample: globalExample) { [self] call in
      if DeferredColumns.isFusableColumn(call.lua, 1) {
        let parameter = try parameterName.flatMap { try Self.optionalParameter(call.lua, 2, what: $0) }
        if let deferred = try DeferredColumns.unary(call.lua, make(parameter), name: name) { return deferred }
      }
      let input = try Self.numberInput(call.lua, 1)
      let parameter = try parameterName.flatMap { try Self.optionalParameter(call.lua, 2, what: $0) }
      try requireColumn(rows: input.column.count)
      let (column, nans) = try input.column.applying(make(parameter))
      Self.warnNaNs(name, nans)
      return try result(column, scalar: input.isScalar, name: name)
    }
  }

  // MARK: pow, pmin, pmax

  func pow(method: Bool) -> KaplanFunction {
    datasetsFunction(
      "pow", receiver: method ? "column" : nil, signature: method ? "c:pow(y)" : "pow(x, y)",
      summary: "x to the power y (numbers or columns; also written x ^ y when x or y is a column), as R's ^: "
        + "always double; x ^ 0 and 1 ^ y are 1 even for NA, as in R; a negative x with a fractional y is NA.",
      arguments: method ? 1 : 2,
      example: method
        ? "local aml = dataset(\"aml\")\nprint(aml.time:pow(2)[1], (aml.time ^ 0.5)[1], (2 ^ aml.status)[1])"
        : "print(pow(2, 10))\nprint(pow(dataset(\"aml\").time, 2)[1])"
    ) { [self] call in
      if let deferred = try DeferredColumns.power(call.lua, name: "pow") { return deferred }
      let x = try Self.numberInput(call.lua, 1), y = try Self.numberInput(call.lua, 2)
      let operands: [Operand] = [x, y].map { $0.isScalar ? .scalar($0.column.value(at: 0)) : .column($0.column) }
      if x.isScalar && y.isScalar {
        return try result(try Column.power(.column(x.column), operands[1]), scalar: true, name: "pow")
      }
      try requireColumn(rows: max(x.column.count, y.column.count))
      do {
        return try result(try Column.power(operands[0], operands[1]), scalar: false, name: "pow")
      } catch let error as DatasetError {
        throw call.lua.argumentError(2, String(describing: error))
      }
    }
  }

  static let extremeSchema = [
    OptionSpec("na_rm", .boolean, default: .boolean(false), doc: "skip NA (R's na.rm): NA only where all are NA"),
  ]

  func extreme(maximum: Bool) -> KaplanFunction {
    let name = maximum ? "pmax" : "pmin"
    return datasetsFunction(
      name, signature: "\(name)(a, b, ... [, {na_rm = true}])",
      summary: "The \(maximum ? "largest" : "smallest") of the arguments row by row (numbers and number columns "
        + "of one length), as R's \(name): an int column when every argument is int, else double. NA in any "
        + "argument gives NA, unless the last argument is the options table {na_rm = true}. Numbers only give "
        + "a number.",
      arguments: nil,
      example: maximum
        ? "local lung = dataset(\"lung\")\nprint(pmax(lung.age, 50):min())\nprint(pmax(1, 5, 3))"
        : "local lung = dataset(\"lung\")\nprint(pmin(lung[\"ph.karno\"], lung[\"pat.karno\"], {na_rm = true})[1])"
    ) { [self] call in
      var last = call.lua.count
      var skipNA = false
      if last >= 1, call.lua.typeName(last) == "table" {
        let options = try OptionValues.parse(
          try call.lua.value(last), function: name, schema: Self.extremeSchema,
          error: { call.lua.argumentError(last, $0) })
        skipNA = try options.boolean("na_rm")
        last -= 1
      }
      guard last >= 1 else { throw call.lua.argumentError(1, "number or column expected, got no value") }
      if let deferred = try DeferredColumns.extreme(
        call.lua, last: last, maximum: maximum, skipNA: skipNA, name: name)
      {
        return deferred
      }
      let inputs = try (1...last).map { try Self.numberInput(call.lua, $0) }
      let operands: [Operand] = inputs.map { $0.isScalar ? .scalar($0.column.value(at: 0)) : .column($0.column) }
      if inputs.allSatisfy(\.isScalar) {
        let first = Operand.column(inputs[0].column)
        let column = try Column.parallelExtreme([first] + operands.dropFirst(), maximum: maximum, skipNA: skipNA)
        return try result(column, scalar: true, name: name)
      }
      let rows = inputs.first { !$0.isScalar }?.column.count ?? 0
      if let bad = inputs.firstIndex(where: { !$0.isScalar && $0.column.count != rows }) {
        throw call.lua.argumentError(
          bad + 1, "column has \(inputs[bad].column.count) rows, but an earlier column has \(rows)")
      }
      try requireColumn(rows: rows)
      return try result(
        try Column.parallelExtreme(operands, maximum: maximum, skipNA: skipNA), scalar: false, name: name)
    }
  }

  // MARK: window functions

  static let shiftSchema = [
    OptionSpec("default", .scalarValue, defaultText: "NA",
               doc: "the value of rows with no row k before (lag) or after (lead) them"),
    OptionSpec("by", .columnValue, doc: "a column of groups (d.id): rows are shifted within each group, in row order"),
  ]

  static let rankChoices: [(String, RankTies)] = RankTies.allCases.map { ($0.rawValue, $0) }

  var windowFunctions: [Dual] {
    [
      Dual("cumsum",
           summary: "The running sum in row order, as R's cumsum: an int (or bool) column gives an int column "
             + "(from the first NA on, NA); a double column is summed in extended precision and is NA from its "
             + "first NA. Within groups: d:group_by{\"id\"}:with{s = function(rows) return rows.x:cumsum() end}.",
           arguments: 0,
           methodExample: "print(dataset(\"aml\").status:cumsum()[23])",
           globalExample: "print(cumsum(dataset(\"aml\").time)[3])") { [self] call in
        let input = try Self.numberInput(call.lua, 1)
        try requireColumn(rows: input.column.count)
        return try result(try input.column.cumulativeSum(), scalar: input.isScalar, name: "cumsum")
      },
      shift(forward: false), shift(forward: true),
      Dual("rank", parameters: " [, opts]",
           summary: "The ranks 1..m of the m values present, as R's rank with na.last = \"keep\" (NA stays NA): "
             + "numbers by value, dates by day, strings by level order. Ties get the mean of their ranks (a "
             + "double column) or, with ties = \"min\", \"max\" or \"first\", an int column. Within groups: "
             + "g:with{r = function(rows) return rows.x:rank() end} (see g:with).",
           options: [OptionSpec.choice("ties", Self.rankChoices, default: "average",
                                       doc: "how tied values are ranked (R's ties.method)")],
           optionsArgument: 1, arguments: 1,
           methodExample: "local aml = dataset(\"aml\")\nprint(aml.time:rank()[1], aml.time:rank{ties = \"min\"}[1])",
           globalExample: "print(rank(dataset(\"aml\").time)[2])") { [self] call in
        let input = try Self.numberInput(call.lua, 1, kinds: [.double, .int, .bool, .date, .string])
        try requireColumn(rows: input.column.count)
        let ties = try call.options.choice("ties", Self.rankChoices)
        return try result(input.column.rank(ties: ties), scalar: input.isScalar, name: "rank")
      },
      Dual("scale", parameters: " [, opts]",
           summary: "Centres and scales the values, as R's scale: minus the mean of the values present, divided "
             + "by their SD (with center = false, by the root mean square √(Σx²/(n-1))). A number for center or "
             + "scale subtracts or divides by it. Always double; NA stays NA. Within groups: "
             + "g:with{z = function(rows) return rows.x:scale() end} (see g:with).",
           options: [
             OptionSpec("center", .either(.boolean, .number(.any)), default: .boolean(true),
                        doc: "true: subtract the mean; a number: subtract it; false: leave"),
             OptionSpec("scale", .either(.boolean, .number(.any)), default: .boolean(true),
                        doc: "true: divide by the SD (root mean square); a number: divide by it; false: leave"),
           ], optionsArgument: 1, arguments: 1,
           methodExample: "local z = dataset(\"lung\").age:scale()\nprint(z:mean(), z:sd())",
           globalExample: "print(scale(dataset(\"lung\").age, {scale = false})[1])") { [self] call in
        let input = try Self.numberInput(call.lua, 1)
        try requireColumn(rows: input.column.count)
        func setting(_ key: String) throws -> Scalar {
          switch try call.options.value(key) {
          case .boolean(let b)?: return .bool(b)
          case .integer(let i)?: return .double(Double(i))
          case .number(let x)?: return .double(x)
          default: return .bool(true)
          }
        }
        let column = try input.column.scaled(center: try setting("center"), scale: try setting("scale"))
        return try result(column, scalar: input.isScalar, name: "scale")
      },
    ]
  }

  func shift(forward: Bool) -> Dual {
    let name = forward ? "lead" : "lag"
    let relation = forward ? "k rows after" : "k rows before"
    return Dual(
      name, parameters: " [, k [, opts]]",
      summary: "The value \(relation) each row (k = 1 by default; 0 or more), as dplyr's \(name): rows without "
        + "one get NA or the default option. With by = a column, rows are shifted within each group of equal "
        + "values, in row order (by is a column, d.id; within a dataset's groups also g:with{...}). The column "
        + "keeps its type (an int column with a fractional default becomes double).",
      options: Self.shiftSchema, optionsArgument: 2, arguments: 2,
      methodExample: forward
        ? "local aml = dataset(\"aml\")\nprint(aml.time:lead()[1], aml.time:lead(2, {default = 0})[22])"
        : "local aml = dataset(\"aml\")\nprint(aml.time:lag()[2], aml.time:lag(1, {by = aml.x})[12])",
      globalExample: forward ? "print(lead(dataset(\"aml\").time)[1])" : "print(lag(dataset(\"aml\").time)[2])"
    ) { [self] call in
      let input = try Self.numberInput(call.lua, 1, kinds: Set(Column.Kind.allCases))
      let k: Int
      switch try call.lua.value(2) {
      case .nil: k = 1
      case .integer(let i) where i >= 0: k = i
      case .number(let x) where x >= 0 && x == x.rounded() && x < 1e15: k = Int(x)
      case let v: throw call.lua.argumentError(2, "k must be a whole number ≥ 0, got \(OptionValues.shown(v))")
      }
      let fill = try call.options.value("default").flatMap(scalarFrom) ?? .missing
      var groups: [Int]?
      if case .object(let by as LuaColumn)? = try call.options.value("by") {
        guard by.column.count == input.column.count else {
          throw call.lua.argumentError(
            3, "option 'by' has \(by.column.count) rows, the column \(input.column.count)")
        }
        groups = by.column.groupNumbers().ids
      }
      try requireColumn(rows: input.column.count)
      do {
        let column = try input.column.shifted(by: k, forward: forward, fill: fill, groups: groups)
        return try result(column, scalar: input.isScalar, name: name)
      } catch let error as DatasetError {
        throw call.lua.argumentError(3, "option 'default': \(error)")
      }
    }
  }

  // MARK: operators

  /// `^`, `%` and `//` of columns (the column's metamethods).
  static var metamethods: [String: LuaCallback] {
    [
      "__pow": { call in
        if let deferred = try DeferredColumns.power(call, name: "^") { return deferred }
        let a = try operand(call, 1), b = try operand(call, 2)
        try requireColumn(rows: max(rows(of: a), rows(of: b)))
        return [try columnValue(try Column.power(a, b), name: "^")]
      },
      "__mod": { call in
        if let deferred = try DeferredColumns.modulo(call) { return deferred }
        let a = try operand(call, 1), b = try operand(call, 2)
        try requireColumn(rows: max(rows(of: a), rows(of: b)))
        let (column, loss) = try Column.modulo(a, b)
        if loss > 0 {
          RunWarnings.emit(line: "Warning in %: probable complete loss of accuracy in modulus (\(loss) values)")
        }
        return [try columnValue(column, name: "%")]
      },
      "__idiv": { call in
        let a = try operand(call, 1), b = try operand(call, 2)
        try requireColumn(rows: max(rows(of: a), rows(of: b)))
        return [try columnValue(try Column.integerDivide(a, b), name: "//")]
      },
    ]
  }
}
