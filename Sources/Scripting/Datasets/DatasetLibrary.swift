import Datasets
import LuaHost

/// The `datasets` library: the `dataset`, `column` and `date` userdata
/// types and their methods (LuaDataset.swift, LuaColumn.swift,
/// LuaDate.swift), the global functions (DatasetFunctions.swift) and
/// `d:describe` (DatasetDescribe.swift), all declared through the binding
/// layer. `stdlib/kaplan/datasets.lua` prints them and supplies the methods
/// written in Lua (`d:where` with a function, `d:rows`, `d:describe`), whose
/// Swift parts are this library's internals.
struct DatasetLibrary: KaplanLibrary {
  let name = "datasets"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    let lua = runtime.lua
    let functions = DatasetFunctions(policy: runtime.policy, stdlib: runtime.stdlibPath)
    let missing = try MissingValue.install(in: runtime)
    let conditional = ColumnConditionalFunctions(na: missing.value)
    let summaries = DatasetSummaryMethods()
    let listed = functions.declarations + DatasetMethods.declarations + ColumnMethods.declarations
      + DateMethods.declarations
      + ColumnMathFunctions(na: missing.value).declarations + conditional.declarations
      + DatasetJoinMethods.declarations + DatasetCombineMethods(seed: runtime.options.seed).declarations
      + summaries.declarations + SurvivalDataFunctions.declarations
      + (try ColumnTextFunctions.declarations(in: lua)) + [DatasetGroupedWith.declaration(body: nil)]
      + StatFileFunctions(policy: runtime.policy).declarations + DatasetLabelMethods.declarations
      + SpreadsheetFunctions(policy: runtime.policy).declarations + ADaMFunctions.declarations
    let declarations = listed.map { ColumnFunctionPairs.propagatingNA($0, na: missing.value) }
    let userdata = runtime.userdata
    try userdata.register(
      LuaDataset.self, name: "dataset", in: lua, declarations: declarations,
      metamethods: [
        "__len": { call in [.integer(try call.object(1, as: LuaDataset.self).dataset.rowCount)] },
        "__tostring": { call in
          [.string("dataset (\(try call.object(1, as: LuaDataset.self).dataset.rowCount) rows)")]
        },
        // d.z = ... : datasets are values; say how to get one with the new column.
        "__newindex": { call in
          let key = (try? call.value(2))?.stringValue ?? "x"
          throw LuaError.runtime(
            "a dataset cannot be changed in place; make a new one with the column: d = d:with{\(key) = ...}")
        },
      ],
      index: { call in
        // d.name is a column (nil when there is none).
        let d = try call.object(1, as: LuaDataset.self).dataset
        guard case .string(let key) = try call.value(2), let column = d[key] else { return [.nil] }
        return [.object(try LuaColumn(column, name: key))]
      })
    try userdata.register(
      LuaColumn.self, name: "column", in: lua, declarations: declarations,
      metamethods: ColumnMethods.metamethods.merging(ColumnMathFunctions.metamethods) { a, _ in a }
        .merging([
          "__newindex": { _ in
            throw LuaError.runtime(
              "a column cannot be changed in place; derive a new one, e.g. d = d:with{x = if_else(d.x > 5, 5, d.x)}")
          }
        ]) { a, _ in a },
      index: ColumnMethods.index)
    try userdata.register(
      LuaDate.self, name: "date", in: lua, declarations: declarations, metamethods: DateMethods.metamethods)
    try DatasetSummaryMethods.register(in: runtime, declarations: declarations)
    return LibraryBinding(
      functions: declarations, kinds: kinds + [MissingValue.kind] + DatasetSummaryMethods.kinds,
      internals: try internals(lua) + conditional.mapInternals(lua) + DatasetGroupedWith.internals(lua))
  }

  private var kinds: [ResultKind] { [
    ResultKind("dataset", section: "Datasets",
               summary: "A table of typed columns (double, int, string, bool, date), immutable: its methods return "
                 + "new datasets. #d is the number of rows.",
               fields: [("<name>", "d.<name> (or d[\"<name>\"]) is the column of that name, nil when there is none")]),
    ResultKind("column", section: "Datasets",
               summary: "A column of a dataset: c[i] is value i (NA is nil), #c its length; + - * / ^ % // and unary "
                 + "- work element-wise with numbers and columns (NA propagates), & | ~ combine bool columns; "
                 + "compare with c:eq(x), c:lt(x), ... (not with == or <).",
               fields: [("[i]", "value i, nil when it is NA")]),
    ResultKind("date", section: "Datasets",
               summary: "A calendar date (date(\"2004-03-01\")): a - b is days, a + n and a - n move by days, "
                 + "<, <= and == compare dates.", fields: []),
    ResultKind("describe", section: "Datasets", summary: "A summary of the columns of a dataset (d:describe()).",
               fields: [
                 ("rows", "rows of the dataset"), ("by", "the grouping column, when given"),
                 ("groups", "one per group (one without by): label, rows, columns = per column: name, type, "
                   + "rows, missing, and mean, sd, min, q1, median, q3, max for numbers and dates (dates as "
                   + "ISO text, sd in days), or n_levels and levels = {level, count} for strings and bools"),
               ]),
    ResultKind("datasets", section: "Datasets", summary: "The bundled datasets (datasets()).",
               fields: [("[i]", "name, rows, columns, description")]),
  ] }

  /// The Swift parts of the methods written in datasets.lua, each made
  /// from its declaration so that arguments and options are checked and
  /// messages worded as for every other method; and the preview's rows.
  private func internals(_ lua: LuaState) throws -> [(String, LuaValue)] {
    func made(_ declaration: KaplanFunction) throws -> LuaValue {
      try BindingRegistry.callback(declaration, in: lua) ?? .nil
    }
    return [
      ("where_mask", try made(DatasetMethods.whereMethod(body: DatasetMethods.whereMask))),
      ("describe", try made(DatasetDescribe.method(body: DatasetDescribe.body))),
      ("columns", try made(datasetsFunction(
        "rows", receiver: "dataset", signature: "d:rows()", summary: "", arguments: 0, example: "",
        body: DatasetMethods.columns))),
      ("print_rows", lua.function("print_rows") { call in
        // The rows print(d) shows: all asked for by head/tail, else all up
        // to 20 rows and 10 of a longer dataset (as a tibble prints).
        let d = try call.object(1, as: LuaDataset.self)
        return [.integer(d.printRows ?? (d.dataset.rowCount <= 20 ? d.dataset.rowCount : 10))]
      }),
      ("preview", lua.function("preview") { call in
        // Rows as strings for the Lua printer: {names, types, rows, nrow}.
        let d = try call.object(1, as: LuaDataset.self).dataset
        let rows = try call.integer(2)
        let indices = Array(0..<min(max(rows, 0), d.rowCount))
        return [.record([
          "names": .strings(d.names),
          "types": .strings(d.kinds.map(\.rawValue)),
          "nrow": .integer(d.rowCount),
          "rows": .array(indices.map { i in .strings(d.columns.map { $0.value(at: i).description }) }),
        ])]
      }),
    ]
  }
}

/// A declaration of the datasets library (section Datasets); `arguments`
/// is the most it takes (self not counted), checked by the binding layer.
func datasetsFunction(
  _ name: String, receiver: String? = nil, signature: String, summary: String, options: [OptionSpec] = [],
  optionsArgument: Int? = nil, returns: String? = nil, arguments: Int?, example: String,
  body: ((KaplanCall) throws -> [LuaValue])?
) -> KaplanFunction {
  KaplanFunction(
    name, receiver: receiver, section: "Datasets", signature: signature, summary: summary, options: options,
    optionsArgument: optionsArgument, returns: returns, arguments: arguments, example: example, body: body)
}
