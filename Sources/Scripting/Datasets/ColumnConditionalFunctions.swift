import Datasets
import LuaHost

/// Missing values and conditional values: `is_na`/`is_missing`,
/// `coalesce`, `c:fill_na`, `if_else`, `case_when` (dplyr's semantics,
/// computed by `Column.choosing`), and `c:map(f)`, written in
/// `stdlib/kaplan/columns.lua` (a Lua function per value) with its Swift
/// halves here (`mapInternals`).
struct ColumnConditionalFunctions {
  /// The run's NA, returned for a missing scalar result.
  let na: LuaValue

  var declarations: [KaplanFunction] {
    [isNA("is_na"), isNA("is_missing"), isNAMethod, coalesce, fillNA, ifElse, caseWhen, mapMethod(body: nil)]
  }

  // MARK: operands

  /// A value argument (a column, a scalar, NA or nil) as an operand.
  static func valueOperand(_ value: LuaValue) -> Operand? {
    if case .object(let c as LuaColumn) = value { return .column(c.column) }
    if value == .nil { return .scalar(.missing) }
    if value.typeName == "table" { return nil }
    return scalarFrom(value).map { .scalar($0) }
  }

  /// How a script would see an operand, for messages: "string column", "number".
  static func shown(_ o: Operand) -> String {
    switch o {
    case .column(let c): return "\(c.kind.rawValue) column"
    case .scalar(let s): return s.kindName
    }
  }

  /// The rows of the column operands, which must agree; nil when all are
  /// constants. `argument(i)` gives the error for operand i.
  static func rows(_ operands: [Operand], error: (Int, String) -> LuaError) throws -> Int? {
    var n: Int?
    for (i, o) in operands.enumerated() {
      guard case .column(let c) = o else { continue }
      if let m = n, m != c.count { throw error(i, "column has \(c.count) rows, but an earlier column has \(m)") }
      n = c.count
    }
    return n
  }

  /// A column result, or for constants only the one value (NA as `na`).
  func result(_ column: Column, scalar: Bool, name: String) throws -> [LuaValue] {
    guard scalar, column.count == 1 else { return [try columnValue(column, name: name)] }
    if case .missing = column.value(at: 0) { return [na] }
    return [scalarValue(column.value(at: 0))]
  }

  // MARK: is_na, coalesce, fill_na

  func isNA(_ name: String) -> KaplanFunction {
    datasetsFunction(
      name, signature: "\(name)(x)",
      summary: "Whether x is missing: for a column, a bool column true where the value is NA; for a value, true "
        + "for nil, NA and NaN and false otherwise." + (name == "is_missing" ? " The same as is_na(x)." : ""),
      arguments: 1,
      example: "local lung = dataset(\"lung\")\nprint(#lung:where(\(name)(lung[\"wt.loss\"])))\n"
        + "print(\(name)(NA), \(name)(nil), \(name)(0))"
    ) { call in
      if call.lua.isObject(1, of: LuaColumn.self) {
        return [try columnValue(try call.lua.object(1, as: LuaColumn.self).column.missingMask(), name: "missing")]
      }
      if call.lua.isObject(1, of: LuaNA.self) { return [.boolean(true)] }
      switch try call.lua.value(1) {
      case .nil: return [.boolean(true)]
      case .number(let x): return [.boolean(x.isNaN)]
      case .integer, .string, .boolean: return [.boolean(false)]
      default:
        if call.lua.isObject(1, of: LuaDate.self) { return [.boolean(false)] }
        throw call.lua.argumentError(1, "a value or a column expected, got \(call.lua.typeName(1))")
      }
    }
  }

  var isNAMethod: KaplanFunction {
    datasetsFunction(
      "is_na", receiver: "column", signature: "c:is_na()",
      summary: "A bool column, true where the value is NA (as c:is_missing() and is_na(c)).", arguments: 0,
      example: "local lung = dataset(\"lung\")\nprint(#lung:where(lung[\"wt.loss\"]:is_na()))"
    ) { call in
      [try columnValue(try call.lua.object(1, as: LuaColumn.self).column.missingMask(), name: "missing")]
    }
  }

  var coalesce: KaplanFunction {
    datasetsFunction(
      "coalesce", signature: "coalesce(a, b, ...)",
      summary: "Row by row, the first of the arguments that is not NA, as dplyr's coalesce: columns of one "
        + "length and values (repeated). The type is the arguments' common type (int and double give double; "
        + "other mixes are an error naming the argument). Values only give a value.",
      arguments: nil,
      example: "local lung = dataset(\"lung\")\nprint(coalesce(lung[\"meal.cal\"], lung[\"wt.loss\"], 0):missing())"
        + "\nprint(coalesce(NA, nil, 3))"
    ) { [self] call in
      let count = call.lua.count
      guard count >= 1 else { throw call.lua.argumentError(1, "a value or a column expected, got no value") }
      let operands = try (1...count).map { i -> Operand in
        guard let o = Self.valueOperand(try call.lua.value(i)) else {
          throw call.lua.argumentError(i, "a value or a column expected, got \(call.lua.typeName(i))")
        }
        return o
      }
      let n = try Self.rows(operands) { call.lua.argumentError($0 + 1, $1) }
      try requireColumn(rows: n ?? 1)
      do {
        return try result(try Column.coalesce(operands, rows: n ?? 1), scalar: n == nil, name: "coalesce")
      } catch let m as OperandTypeMismatch {
        throw call.lua.argumentError(m.index + 1, "\(m.got) where the arguments before are \(m.expected)")
      }
    }
  }

  var fillNA: KaplanFunction {
    datasetsFunction(
      "fill_na", receiver: "column", signature: "c:fill_na(value)",
      summary: "The column with every NA replaced by value (coalesce(c, value)): a value of the column's type "
        + "(a number in an int column makes it double).", arguments: 1,
      example: "local lung = dataset(\"lung\")\nprint(lung[\"wt.loss\"]:fill_na(0):missing())"
    ) { call in
      let c = try call.lua.object(1, as: LuaColumn.self).column
      let value = try call.lua.value(2)
      guard value != .nil, case .scalar(let s)? = Self.valueOperand(value) else {
        throw call.lua.argumentError(2, "a value expected, got \(call.lua.typeName(2))")
      }
      try requireColumn(rows: c.count)
      do {
        return [try columnValue(try Column.coalesce([.column(c), .scalar(s)], rows: c.count), name: "fill_na")]
      } catch let m as OperandTypeMismatch {
        throw call.lua.argumentError(2, "value must be \(m.expected) like the column, got \(m.got)")
      }
    }
  }

  // MARK: if_else, case_when

  var ifElse: KaplanFunction {
    datasetsFunction(
      "if_else", signature: "if_else(cond, yes, no [, missing])",
      summary: "Row by row, yes where cond is true, no where it is false, and missing (NA by default) where it "
        + "is NA, as dplyr's if_else. cond is a bool column (or a boolean); yes, no and missing are columns of "
        + "the same length or values (repeated). The result's type is that of yes and no: int and double give "
        + "double, strings a string column; any other mix is an error naming the argument.",
      arguments: 4,
      example: """
        local lung = dataset("lung")
        local older = if_else(lung.age:ge(65), "65+", "<65")
        print(older:count()["65+"])
        print(if_else(lung.sex:eq(1), lung.age, NA):mean())
        """
    ) { [self] call in
      let lua = call.lua
      let cond: Operand
      if lua.isObject(1, of: LuaColumn.self) {
        cond = .column(try lua.object(1, as: LuaColumn.self).column)
      } else {
        guard let o = Self.valueOperand(try lua.value(1)), lua.typeName(1) == "boolean" || lua.isNil(1)
          || lua.isObject(1, of: LuaNA.self)
        else { throw lua.argumentError(1, "bool column or boolean expected, got \(lua.typeName(1))") }
        cond = o
      }
      let names = ["yes", "no", "missing"]
      var values: [Operand] = []
      for i in 2...4 {
        guard let o = Self.valueOperand(try lua.value(i)) else {
          throw lua.argumentError(i, "\(names[i - 2]) must be a value or a column, got \(lua.typeName(i))")
        }
        values.append(o)
      }
      let n = try Self.rows([cond] + values) { i, message in
        lua.argumentError(i + 1, i == 0 ? message : "\(names[i - 1]) \(message)")
      }
      let rows = n ?? 1
      guard let truth = Column.truth(cond, rows) else {
        throw lua.argumentError(1, "bool column or boolean expected, got \(Self.shown(cond))")
      }
      let hasMissing = !lua.isNil(4)
      let choice = truth.map { $0 == 1 ? 0 : $0 == 0 ? 1 : (hasMissing ? 2 : -1) }
      try requireColumn(rows: rows)
      do {
        return try result(try Column.choosing(choice, among: values), scalar: n == nil,
                          name: "if_else")
      } catch let m as OperandTypeMismatch {
        let before = m.index == 2 ? "yes and no" : "yes"
        throw lua.argumentError(
          m.index + 2, "\(names[m.index]) must be the same type as \(before) (\(m.expected)), got \(m.got)")
      }
    }
  }

  var caseWhen: KaplanFunction {
    datasetsFunction(
      "case_when", signature: "case_when{ {cond, value}, ..., default = value }",
      summary: "Row by row, the value of the first entry whose cond is true, as dplyr's case_when: conds are "
        + "bool columns (or booleans; NA counts as false), values columns of the same length or values "
        + "(repeated); rows that no cond matches get default (NA when not given). Values must have one type "
        + "(int and double give double).",
      arguments: 1,
      example: """
        local lung = dataset("lung")
        local group = case_when{
          {lung.age:lt(50), "<50"},
          {lung.age:lt(65), "50-64"},
          default = "65+",
        }
        print(group:count()["50-64"])
        """
    ) { [self] call in
      let lua = call.lua
      guard case .table(let spec) = try lua.value(1) else {
        throw lua.argumentError(1, "table of {cond, value} entries expected, got \(lua.typeName(1))")
      }
      if let (key, _) = spec.fields.first(where: { $0.0 != "default" }) {
        throw lua.argumentError(1, "unknown field '\(key)' (entries are {cond, value}; the one field is default)")
      }
      guard !spec.array.isEmpty else { throw lua.argumentError(1, "at least one {cond, value} entry expected") }
      var conds: [Operand] = [], values: [Operand] = []
      for (i, item) in spec.array.enumerated() {
        guard case .table(let pair) = item, pair.fields.isEmpty, pair.array.count == 2 else {
          throw lua.argumentError(1, "entry \(i + 1) must be {cond, value}, got \(OptionValues.shown(item))")
        }
        guard let cond = Self.valueOperand(pair.array[0]), let value = Self.valueOperand(pair.array[1]) else {
          throw lua.argumentError(1, "entry \(i + 1): a table cannot be a cond or a value")
        }
        conds.append(cond)
        values.append(value)
      }
      if let d = spec.fields.first(where: { $0.0 == "default" })?.1 {
        guard let value = Self.valueOperand(d) else { throw lua.argumentError(1, "default must be a value or column") }
        values.append(value)
      }
      func label(_ i: Int) -> String { i < conds.count ? "entry \(i + 1)" : "default" }
      let n = try Self.rows(conds + values) { i, message in
        lua.argumentError(1, "\(i < conds.count ? "the cond of entry \(i + 1)" : label(i - conds.count)): \(message)")
      }
      let rows = n ?? 1
      let truths = try conds.enumerated().map { i, c -> [UInt8] in
        guard let t = Column.truth(c, rows) else {
          throw lua.argumentError(
            1, "the cond of entry \(i + 1) must be a bool column or boolean, got \(Self.shown(c))")
        }
        return t
      }
      let hasDefault = values.count > conds.count
      let fallback = hasDefault ? conds.count : -1
      let choice = (0..<rows).map { r -> Int in truths.firstIndex { $0[r] == 1 } ?? fallback }
      try requireColumn(rows: rows)
      do {
        return try result(try Column.choosing(choice, among: values), scalar: n == nil,
                          name: "case_when")
      } catch let m as OperandTypeMismatch {
        throw lua.argumentError(
          1, "the value of \(label(m.index)) is \(m.got), but the values before are \(m.expected)")
      }
    }
  }

  // MARK: map

  /// `c:map(f)`; with `body` nil the public declaration (columns.lua
  /// implements it), with one the check of its arguments.
  func mapMethod(body: ((KaplanCall) throws -> [LuaValue])?) -> KaplanFunction {
    datasetsFunction(
      "map", receiver: "column", signature: "c:map(f)",
      summary: "A new column of f(value) for each value in row order (NA passed as nil), for what no column "
        + "function does. The results' type makes the column's: numbers, strings, booleans or dates (nil or NA "
        + "is NA); mixing types is an error. An error inside f is reported with its row.",
      arguments: 1,
      example: """
        local aml = dataset("aml")
        local label = aml.time:map(function(t) return t > 12 and "long" or "short" end)
        print(label:count().long)
        """, body: body)
  }

  /// The Swift halves of `c:map(f)`: `map_values(c, f)` checks the
  /// arguments and gives the values as an array (NA as nil holes);
  /// `map_column(results, n)` builds the column from the n results (NA
  /// for nil).
  func mapInternals(_ lua: LuaState) throws -> [(String, LuaValue)] {
    let check = mapMethod { call in
      guard call.lua.typeName(2) == "function" else {
        throw call.lua.argumentError(2, "function expected, got \(call.lua.typeName(2))")
      }
      return [columnArray(try call.lua.object(1, as: LuaColumn.self).column)]
    }
    return [
      ("map_values", try BindingRegistry.callback(check, in: lua) ?? .nil),
      ("map_column", lua.function("map") { call in
        let results = try call.table(1)
        let n = try call.integer(2)
        try requireColumn(rows: n)
        var scalars: [Scalar] = []
        scalars.reserveCapacity(n)
        for i in 0..<n {
          let v = i < results.array.count ? results.array[i] : .nil
          guard let s = v == .nil ? .missing : scalarFrom(v) else {
            throw LuaError.runtime(
              "map: the function returned a \(v.typeName) for row \(i + 1) (a number, string, boolean, date or "
                + "nil expected)")
          }
          scalars.append(s)
        }
        do {
          return [try columnValue(try Column(values: scalars, name: "map"), name: "map")]
        } catch {
          throw LuaError.runtime("map: the function's results must have one type: \(error)")
        }
      }),
    ]
  }
}
