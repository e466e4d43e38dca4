import Datasets
import LuaHost
import RunControl

/// A dataset as Lua sees it: an immutable userdata (`dataset`). Its methods
/// are declared below (`DatasetMethods`); `d.name` is a column.
public final class LuaDataset {
  public let dataset: Dataset
  /// Rows `print(d)` shows: all of them for `d:head(n)` / `d:tail(n)` (the
  /// script asked for n rows), else nil (the preview's own rule).
  public let printRows: Int?
  /// Its columns' share of the run's memory budget (RunMemoryAccount).
  private let lease: MemoryLease?
  /// Throws when the dataset's new buffers do not fit in `--max-memory`.
  public init(_ dataset: Dataset, printRows: Int? = nil) throws {
    self.dataset = dataset
    self.printRows = printRows
    lease = try MemoryLease.take(
      dataset.columns, what: "a dataset of \(dataset.rowCount) rows and \(dataset.columns.count) columns")
  }
}

/// The methods of datasets, declared through the binding layer. Datasets
/// are immutable: every method that changes something returns a new
/// dataset. `where`, `rows` and `describe` are written in
/// `stdlib/kaplan/datasets.lua` (`body: nil`); their Swift parts are the
/// library's internals (`whereMask`, `columns`, `describe`).
enum DatasetMethods {
  static func dataset(_ call: KaplanCall) throws -> Dataset { try call.lua.object(1, as: LuaDataset.self).dataset }

  static func value(_ dataset: Dataset, printRows: Int? = nil) throws -> [LuaValue] {
    [.object(try LuaDataset(dataset, printRows: printRows))]
  }

  static func method(
    _ name: String, signature: String, summary: String, options: [OptionSpec] = [], optionsArgument: Int? = nil,
    arguments: Int, example: String, body: ((KaplanCall) throws -> [LuaValue])?
  ) -> KaplanFunction {
    datasetsFunction(
      name, receiver: "dataset", signature: signature, summary: summary, options: options,
      optionsArgument: optionsArgument, arguments: arguments, example: example, body: body)
  }

  static var declarations: [KaplanFunction] { [
    method("names", signature: "d:names()", summary: "The column names, in order.", arguments: 0,
           example: "print(table.concat(dataset(\"aml\"):names(), \", \"))") { call in
      [.strings(try dataset(call).names)]
    },
    method("types", signature: "d:types()",
           summary: "Column name → type (double, int, string, bool, date).", arguments: 0,
           example: "print(dataset(\"lung\"):types().age)") { call in
      let d = try dataset(call)
      return [.table(LuaTable(fields: zip(d.names, d.kinds).map { ($0, .string($1.rawValue)) }))]
    },
    method("nrow", signature: "d:nrow()", summary: "The number of rows (as #d).", arguments: 0,
           example: "print(dataset(\"lung\"):nrow())") { call in [.integer(try dataset(call).rowCount)] },
    method("ncol", signature: "d:ncol()", summary: "The number of columns.", arguments: 0,
           example: "print(dataset(\"lung\"):ncol())") { call in [.integer(try dataset(call).names.count)] },
    method("column", signature: "d:column(name)",
           summary: "The column of that name (as d.name or d[\"name\"], but an error when there is none).",
           arguments: 1, example: "print(dataset(\"lung\"):column(\"wt.loss\"):mean())") { call in
      let name = try call.lua.string(2)
      do {
        return [.object(try LuaColumn(try dataset(call).column(named: name), name: name))]
      } catch let error as DatasetError {
        throw call.lua.argumentError(2, String(describing: error))
      }
    },
    method("head", signature: "d:head([n])",
           summary: "The first n rows (default 6) as a dataset, which prints all n rows; a negative n keeps all "
             + "but the last -n rows (R's head(d, -n)).",
           arguments: 1, example: "print(dataset(\"lung\"):head(12))") { call in
      let part = try dataset(call).head(try call.lua.optionalInteger(2) ?? 6)
      return try value(part, printRows: part.rowCount)
    },
    method("tail", signature: "d:tail([n])",
           summary: "The last n rows (default 6) as a dataset, which prints all n rows; a negative n keeps all "
             + "but the first -n rows.",
           arguments: 1, example: "print(dataset(\"aml\"):tail(3))") { call in
      let part = try dataset(call).tail(try call.lua.optionalInteger(2) ?? 6)
      return try value(part, printRows: part.rowCount)
    },
    method("select", signature: "d:select{names}", summary: "Keeps the named columns, in the order given.",
           arguments: 1, example: "print(dataset(\"lung\"):select{\"time\", \"status\", \"sex\"})") { call in
      try value(try dataset(call).select(try stringList(call.lua, 2, what: "column names")))
    },
    method("drop", signature: "d:drop{names}", summary: "Removes the named columns.", arguments: 1,
           example: "print(dataset(\"lung\"):drop{\"inst\", \"meal.cal\"})") { call in
      try value(try dataset(call).drop(try stringList(call.lua, 2, what: "column names")))
    },
    method("sort", signature: "d:sort{keys}",
           summary: "The rows sorted by one or more columns; \"-age\" sorts descending; NA last; ties keep "
             + "their order.", arguments: 1,
           example: "print(dataset(\"aml\"):sort{\"x\", \"-time\"})") { call in
      try value(try dataset(call).sorted(by: try stringList(call.lua, 2, what: "sort keys")))
    },
    with,
    method("take", signature: "d:take{rows}", summary: "The rows at the given 1-based positions, in that order.",
           arguments: 1, example: "print(dataset(\"aml\"):take{1, 5, 23})") { call in
      let d = try dataset(call)
      if case .table(let t) = try call.lua.value(2), t.array.isEmpty, t.fields.isEmpty {
        return try value(try d.rows([]))
      }
      let positions = try numberList(call.lua, 2, what: "row numbers")
      let rows = try positions.enumerated().map { i, x -> Int in
        guard x == x.rounded(), x >= 1, x <= Double(d.rowCount) else {
          throw call.lua.argumentError(
            2, "row number \(i + 1) is \(OptionValues.shown(.number(x))), not a row of 1..\(d.rowCount)")
        }
        return Int(x) - 1
      }
      return try value(try d.rows(rows))
    },
    method("split", signature: "d:split(name)",
           summary: "One dataset per level of a column, in level order: a list of {label =, data =} (iterate "
             + "with ipairs for that order).", arguments: 1,
           example: "for _, g in ipairs(dataset(\"aml\"):split(\"x\")) do print(g.label, #g.data) end") { call in
      let parts = try dataset(call).split(by: try call.lua.string(2))
      return [.array(try parts.map {
        .record(["label": .string($0.label), "data": .object(try LuaDataset($0.dataset))])
      })]
    },
    method("count", signature: "d:count{names}",
           summary: "A cross-tabulation as a dataset: one row per combination of levels (zero counts "
             + "included) with the count in column n.", arguments: 1,
           example: "print(dataset(\"colon\"):count{\"rx\", \"sex\"})") { call in
      try value(try dataset(call).count(by: try stringList(call.lua, 2, what: "column names")))
    },
    method("relevel", signature: "d:relevel(name, level)",
           summary: "Makes a level of a string column the reference (first) level, as R's relevel.",
           arguments: 2, example: "print(dataset(\"colon\"):relevel(\"rx\", \"Lev+5FU\").rx:levels()[1])") { call in
      try value(try dataset(call).relevel(try call.lua.string(2), reference: try call.lua.string(3)))
    },
    method("levels", signature: "d:levels(name [, order])",
           summary: "The levels of a string column; with an array of levels, a dataset with the levels in "
             + "that order (every level named once).", arguments: 2,
           example: "local colon = dataset(\"colon\")\nprint(table.concat(colon:levels(\"rx\"), \", \"))\n"
             + "print(colon:levels(\"rx\", {\"Lev+5FU\", \"Lev\", \"Obs\"}).rx:levels()[1])") { call in
      let d = try dataset(call)
      let name = try call.lua.string(2)
      if call.lua.isNil(3) {
        guard let levels = try d.column(named: name).levels else {
          throw LuaError.runtime("levels: column '\(name)' is not a string column")
        }
        return [.strings(levels)]
      }
      guard case .table = try call.lua.value(3) else {
        throw call.lua.argumentError(3, "array of levels expected, got \(call.lua.typeName(3))")
      }
      return try value(try d.settingLevels(name, try stringList(call.lua, 3, what: "levels")))
    },
    method("rename", signature: "d:rename(old, new) or d:rename{old = \"new\", ...}",
           summary: "The dataset with columns renamed: one (old, new), or several at once as {old = \"new\"}.",
           arguments: 2, example: "print(dataset(\"aml\"):rename(\"x\", \"arm\"):names()[3])\n"
             + "print(table.concat(dataset(\"aml\"):rename{time = \"weeks\", x = \"arm\"}:names(), \", \"))") { call in
      try DatasetCombineMethods.rename(call)
    },
    whereMethod(body: nil),
    method("rows", signature: "d:rows()",
           summary: "An iterator over read-only row views (row.name is a value, NA is nil): for i, row in "
             + "d:rows() do ... end.", arguments: 0,
           example: "local n = 0\nfor _, row in dataset(\"aml\"):rows() do n = n + row.time end\nprint(n)",
           body: nil),
    DatasetDescribe.method(body: nil),
  ] }

  /// `d:with{...}`: the order of new columns is the list's order, then the
  /// named entries sorted by name (a Lua table keeps no order of its keys).
  static var with: KaplanFunction {
    method("with", signature: "d:with{ {name, values}, ... } or d:with{name = values, ...}",
           summary: "A new dataset with columns added or replaced; values are a column, an array or a scalar "
             + "(repeated). New columns come at the end: in the list's order for {name, values} entries, then "
             + "the name = values entries sorted by name (Lua tables have no key order); a replaced column "
             + "keeps its place.", arguments: 1,
           example: """
             local aml = dataset("aml")
             local d = aml:with{ {"months", aml.time / 30.4375}, {"arm", aml.x}, {"one", 1} }
             print(table.concat(d:names(), ", "))    -- time, status, x, months, arm, one
             print(aml:with{ b = 2, a = 1 }:names()[4]) -- a (keyed entries sorted by name)
             """) { call in
      let d = try dataset(call)
      let spec = try call.lua.table(2)
      var additions: [(name: String, column: Column)] = []
      func add(_ name: String, _ value: LuaValue) throws {
        if additions.contains(where: { $0.name == name }) {
          throw call.lua.argumentError(2, "column '\(name)' is given twice")
        }
        additions.append((name, try columnFrom(value, name: name, call: call.lua, argument: 2, rows: d.rowCount)))
      }
      for (i, item) in spec.array.enumerated() {
        guard case .table(let pair) = item, pair.fields.isEmpty, pair.array.count == 2,
          case .string(let name) = pair.array[0]
        else {
          throw call.lua.argumentError(2, "entry \(i + 1) must be {name, values}, got \(OptionValues.shown(item))")
        }
        try add(name, pair.array[1])
      }
      for (name, v) in spec.fields.sorted(by: { $0.0 < $1.0 }) { try add(name, v) }
      return try value(try d.with(additions))
    }
  }

  /// `d:where(mask | function(row))`; with `body` nil the public
  /// declaration (datasets.lua implements it), with one the internal that
  /// filters by a mask (the Lua side loops for a function).
  static func whereMethod(body: ((KaplanCall) throws -> [LuaValue])?) -> KaplanFunction {
    method("where", signature: "d:where(mask | function(row))",
           summary: "The rows where a bool column is true (NA drops the row), or where the function of a row "
             + "returns true.", arguments: 1,
           example: """
             local lung = dataset("lung")
             print(#lung:where(lung.age:ge(65) & lung.sex:eq(1)))
             print(#lung:where(function(r) return r.age >= 65 end))
             """, body: body)
  }

  /// Filters by a mask; for a function it returns nothing, and the Lua
  /// side calls it on each row (the arguments are checked here either way).
  static func whereMask(_ call: KaplanCall) throws -> [LuaValue] {
    let d = try dataset(call)
    if call.lua.typeName(2) == "function" { return [] }
    guard call.lua.isObject(2, of: LuaColumn.self) else {
      if call.lua.typeName(2) == "column" { _ = try call.lua.object(2, as: LuaColumn.self) }
      // d:where(d.sex == 1): Lua compares a column with a number as false.
      let hint = call.lua.typeName(2) == "boolean" ? " (== on a column is plain Lua equality: use d.x:eq(v))" : ""
      throw call.lua.argumentError(2, "bool column or function expected, got \(call.lua.typeName(2))\(hint)")
    }
    return try value(try d.filter(try call.lua.object(2, as: LuaColumn.self).column))
  }

  /// Every column as a Lua array (NA as nil), keyed by name: `d:rows()`.
  static func columns(_ call: KaplanCall) throws -> [LuaValue] {
    let d = try dataset(call)
    return [.table(LuaTable(fields: zip(d.names, d.columns).map { ($0, columnArray($1)) }))]
  }
}
