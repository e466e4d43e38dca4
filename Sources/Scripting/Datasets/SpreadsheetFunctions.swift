import Datasets
import LuaHost
import RunControl
import XLSX

/// `read_xlsx`: a sheet of an Excel workbook as a dataset (module XLSX),
/// with read_csv's sandbox rules, `types`, `levels` and `missing`, and
/// readxl's `sheet`, `range`, `skip`, `col_names` and `n_max`.
struct SpreadsheetFunctions {
  let policy: SandboxPolicy

  var declarations: [KaplanFunction] { [readXLSX] }

  static let schema: [OptionSpec] = [
    OptionSpec("sheet", .either(.string, .integer(.atLeast(1))), defaultText: "the first sheet (or the one in range)",
               doc: "the sheet: its name or its position (1 is the first)"),
    OptionSpec("range", .string, doc: "the cells to read, as \"A1:D100\" or \"Sheet!A1:D100\" (empty cells are NA)"),
    OptionSpec("skip", .integer(.nonNegative), default: .integer(0),
               doc: "rows to skip at the top of the sheet (then leading empty rows); not with range"),
    OptionSpec("col_names", .boolean, default: .boolean(true), doc: "whether the first row read holds the names"),
    OptionSpec("select", .strings, doc: "the columns to keep, in this order"),
    OptionSpec("n_max", .integer(.nonNegative), doc: "at most this many data rows"),
    OptionSpec("types", .table, doc: "column types to force, as {id = \"string\", dose = \"double\"} (double, "
                 + "int, string, bool, date; a number read as a date is an Excel serial day)"),
    OptionSpec("levels", .table, doc: "level order of string columns, as {arm = {\"systemic\", \"combined\"}}"),
    OptionSpec("missing", .strings, defaultText: "{\"\", \"NA\", \"NaN\", \".\"}",
               doc: "the texts read as NA (empty, error and blank cells are always NA)"),
  ]

  var readXLSX: KaplanFunction {
    let policy = self.policy
    return datasetsFunction(
      "read_xlsx", signature: "read_xlsx(path [, opts])",
      summary: "Reads a sheet of an Excel workbook (.xlsx) into a dataset: numbers, text, booleans, and cells "
        + "with a date format as dates (both of Excel's date systems); error cells (#N/A, #DIV/0!) are NA with a "
        + "warning; types inferred per column as read_csv does. Returns nil and a message when the file is missing "
        + "or not a workbook, so wrap it in assert().",
      options: Self.schema, optionsArgument: 2, arguments: 2,
      example: """
        local path = package.loaded.kaplan.settings.stdlib .. "/data/trial.xlsx"
        local d = assert(read_xlsx(path, {sheet = "Trial", select = {"id", "arm", "randomized"}}))
        print(d)
        local site = assert(read_xlsx(path, {range = "Offset!B3:D6"}))
        print(site.dose:sum())
        """
    ) { call in
      let path = try call.lua.string(1)
      let options = try Self.options(call, argument: 2)
      let resolved = try policy.checkRead(path)
      do {
        let dataset = try RunWarnings.rewriting({ $0.replacingOccurrences(of: resolved, with: path) }) {
          try XLSXReader.read(path: resolved, options: options)
        }
        return [.object(try LuaDataset(dataset))]
      } catch let error as DatasetError {
        return [.nil, .string(String(describing: error).replacingOccurrences(of: resolved, with: path))]
      }
    }
  }

  /// XLSXOptions from the checked options; `types` and `levels` are read as
  /// read_csv reads them (same checks, same wording).
  static func options(_ call: KaplanCall, argument: Int) throws -> XLSXOptions {
    let o = call.options
    var options = XLSXOptions()
    switch try o.value("sheet") {
    case .string(let s)?: options.sheet = .name(s)
    case .some(let v):
      if let k = v.doubleValue { options.sheet = .index(Int(k)) }
    case nil: break
    }
    options.range = try o.optionalString("range")
    options.skip = try o.integer("skip")
    options.columnNames = try o.boolean("col_names")
    options.select = try o.optionalStrings("select")
    options.maxRows = try o.optionalInteger("n_max")
    if let missing = try o.optionalStrings("missing") { options.missing = Set(missing) }
    (options.columnTypes, options.levels) = try ColumnOptionShapes.read(call, argument: argument)
    return options
  }
}
