import Datasets
import LuaHost

/// The shape shared by the column functions of issue 15 (`cut`, `recode`,
/// `upper`, `as_number`, `year`, ...): each is declared twice, as a global
/// `f(c, ...)` and as the column method `c:f(...)`, with one body. Lua
/// passes the column at stack index 1 either way (self for the method), so
/// the body reads its arguments at the same indexes; the binding layer
/// numbers them in messages as the caller wrote them.
enum ColumnFunctionPairs {
  /// Where an argument named by a `ColumnArgumentError` is in the call.
  enum Place {
    /// A stack index (1 is the column; for methods, self).
    case argument(Int)
    /// A key of the options table.
    case option(String)
  }

  /// `name` as a global `name(c, rest)` and as the method `c:name(rest)`.
  /// `arguments` and `optionsArgument` are counted as the method counts them
  /// (after c); the global's are one more.
  static func pair(
    _ name: String, rest: String, summary: String, options: [OptionSpec] = [], optionsArgument: Int? = nil,
    arguments: Int, example: String, body: @escaping (KaplanCall) throws -> [LuaValue]
  ) -> [KaplanFunction] {
    let globalRest = rest.isEmpty ? "" : rest.hasPrefix("[") ? " [, " + rest.dropFirst() : ", " + rest
    return [
      datasetsFunction(
        name, signature: "\(name)(c\(globalRest))", summary: summary, options: options,
        optionsArgument: optionsArgument.map { $0 + 1 }, arguments: arguments + 1, example: example, body: body),
      datasetsFunction(
        name, receiver: "column", signature: "c:\(name)(\(rest))", summary: summary, options: options,
        optionsArgument: optionsArgument, arguments: arguments, example: example, body: body),
    ]
  }

  /// The column a call works on (argument 1, self for methods) and whether
  /// it was a single value: the global forms of functions of one value
  /// (`upper("a")`, `year(date("2020-01-01"))`) take a string, number,
  /// boolean or date, computed as a one-row column and returned as a value.
  /// A column's result is asked of the memory budget before it is computed.
  static func subject(_ call: KaplanCall, values: Bool) throws -> (column: Column, isValue: Bool) {
    let lua = call.lua
    if lua.isObject(1, of: LuaColumn.self) {
      let column = try lua.object(1, as: LuaColumn.self).column
      try requireColumn(rows: column.count)
      return (column, false)
    }
    if call.declaration.receiver == nil, values {
      switch try operand(lua, 1) {
      case .scalar(.missing) where lua.isObject(1, of: LuaNA.self): throw MissingSubject()
      case .scalar(.missing): break
      case .scalar(let s): return (try Column(values: [s]), true)
      case .column(let c): return (c, false)
      }
      throw lua.argumentError(1, "column or value expected, got \(lua.typeName(1))")
    }
    return (try lua.object(1, as: LuaColumn.self).column, false)
  }

  /// Thrown by `subject` for a NA value (`add_days(NA, 1)`, `upper(NA)`):
  /// the call's result is NA, as R's for a missing value
  /// (`DatasetLibrary` wraps every datasets function with `propagatingNA`).
  struct MissingSubject: Error {}

  /// `declaration` returning `na` where its body found a NA subject.
  static func propagatingNA(_ declaration: KaplanFunction, na: LuaValue) -> KaplanFunction {
    guard let body = declaration.body else { return declaration }
    return KaplanFunction(
      declaration.name, receiver: declaration.receiver, section: declaration.section,
      signature: declaration.signature, summary: declaration.summary, options: declaration.options,
      optionsArgument: declaration.optionsArgument, returns: declaration.returns,
      arguments: declaration.maxArguments, stdlibArguments: declaration.stdlibArguments,
      example: declaration.example
    ) { call in
      do { return try body(call) } catch is MissingSubject { return [na] }
    }
  }

  /// A result column as the call returns it: a value when the subject was
  /// one (`upper("a")` is "A"), else a column named after the function.
  static func result(_ column: Column, _ call: KaplanCall, isValue: Bool) throws -> [LuaValue] {
    if isValue, column.count == 1 {
      // A missing single result is the run's NA, as log(NA)'s (propagatingNA returns it).
      if case .missing = column.value(at: 0) { throw MissingSubject() }
      return [scalarValue(column.value(at: 0))]
    }
    try requireColumn(rows: column.count)
    return [try columnValue(column, name: call.name)]
  }

  /// Runs `body`, turning a `ColumnArgumentError` into the argument error of
  /// the argument it names (`x` is argument 1; an option is counted where
  /// the options table is).
  static func located<T>(_ call: KaplanCall, _ places: [String: Place], _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as ColumnArgumentError {
      throw locate(error, call, places)
    }
  }

  static func locate(_ error: ColumnArgumentError, _ call: KaplanCall, _ places: [String: Place]) -> LuaError {
    let shift = call.declaration.receiver != nil ? 1 : 0
    switch places[error.argument] ?? (error.argument == "x" ? .argument(1) : nil) {
    case .argument(let index)?:
      return call.lua.argumentError(index, error.message)
    case .option(let key)?:
      let index = (call.declaration.optionsArgument ?? 1) + shift
      return call.lua.argumentError(index, "option '\(key)': \(error.message)")
    case nil:
      return LuaError.runtime("\(call.name): \(error.message)")
    }
  }
}
