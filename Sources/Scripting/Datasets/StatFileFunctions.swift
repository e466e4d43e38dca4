import Datasets
import Foundation
import LuaHost
import RunControl
import StatFiles

/// `read_sas`, `read_xpt`, `read_dta`, `read_sav` (StatFiles, through
/// ReadStat), `read(path)` that picks a reader by extension (written in
/// `stdlib/kaplan/datasets.lua`), and the writers `write_xpt` and
/// `write_dta`. Reads follow `read_csv`: the sandbox checks the path first,
/// the memory budget is asked as columns grow, and an expected failure (a
/// missing, empty, truncated or damaged file) returns nil and a message
/// naming the file as the script wrote it.
struct StatFileFunctions {
  let policy: SandboxPolicy

  var declarations: [KaplanFunction] {
    [
      reader("read_sas", .sas7bdat, extensions: ".sas7bdat", what: "a SAS data set", file: "adsl.sas7bdat"),
      reader("read_xpt", .xpt, extensions: ".xpt", what: "a SAS transport file (version 5 or 8)", file: "adsl.xpt"),
      reader("read_dta", .dta, extensions: ".dta", what: "a Stata file", file: "adsl.dta"),
      reader("read_sav", .sav, extensions: ".sav", what: "an SPSS file", file: "adsl.sav"),
      readAny, StatFileWriters(policy: policy).writeXPT, StatFileWriters(policy: policy).writeDTA,
    ]
  }

  static let schema: [OptionSpec] = [
    OptionSpec("select", .strings, doc: "the columns to read, in this order (default all)"),
    OptionSpec("n_max", .integer(.nonNegative), doc: "read at most this many rows"),
    OptionSpec("types", .table, doc: "column types to force, as {ID = \"string\", AGE = \"int\"} (double, int, "
                 + "string, bool, date)"),
    OptionSpec("levels", .table, doc: "level order of string columns, as {TRT01P = {\"Placebo\", \"Drug\"}}"),
    OptionSpec("datetimes", .choice(["date", "seconds"]), default: .string("date"),
               doc: "date-time columns as their calendar day (a date column, UTC), or as seconds since "
                 + "1970-01-01 UTC (a number column, as R's POSIXct); a column named in types follows its type "
                 + "instead (\"date\": the day, \"double\": the seconds)"),
    OptionSpec("value_labels", .boolean, default: .boolean(true),
               doc: "value-labelled numbers (Stata, SPSS) as string columns of their labels; false keeps the "
                 + "codes as numbers (d:value_labels(name) gives the labels either way)"),
  ]

  /// The checked options as StatReadOptions.
  static func readOptions(_ call: KaplanCall, argument: Int) throws -> StatReadOptions {
    let o = call.options
    var options = StatReadOptions()
    options.select = try o.optionalStrings("select")
    options.maxRows = try o.optionalInteger("n_max")
    let shapes = try ColumnOptionShapes.read(call, argument: argument)
    options.columnTypes = shapes.types
    options.levels = shapes.levels
    options.dateTimesAsSeconds = try o.string("datetimes") == "seconds"
    options.valueLabelsAsFactors = try o.boolean("value_labels")
    return options
  }

  private func reader(
    _ name: String, _ format: StatFileFormat, extensions: String, what: String, file: String
  ) -> KaplanFunction {
    let policy = self.policy
    let writer = format == .dta ? "write_dta" : "write_xpt"
    return datasetsFunction(
      name, signature: "\(name)(path [, opts])",
      summary: "Reads \(what) (\(extensions)) into a dataset with its metadata: variable labels (d:label(name)), "
        + "value labels as string columns (d:value_labels(name)), dates from date formats, special missing "
        + "values as NA (d:missing_codes(name)); returns nil and a message when the file is missing, empty "
        + "or damaged, so wrap it in assert(). Kaplan has no date-time type: date-times (SAS DATETIME20., "
        + "E8601DT., Stata %tc, SPSS DATETIME) become their calendar day (UTC) by default, the time of day "
        + "dropped, since survival times are counted in days; {datetimes = \"seconds\"} keeps the whole value "
        + "as seconds since 1970-01-01 UTC (a number column, as R's POSIXct).",
      options: Self.schema, optionsArgument: 2, arguments: 2,
      example: format == .sas7bdat || format == .sav
        ? """
          local out = package.loaded.kaplan.settings.output_directory
          local ok, message = \(name)(out .. "/no-such-file\(extensions)")
          print(ok, message ~= nil)
          """
        : """
          local adsl = dataset("aml"):with{ {"AGE", {60, 71, 52, 48, 66, 59, 70, 45, 63, 58, 49, 61, 55, 67, 50,
            72, 64, 53, 69, 57, 62, 46, 68}} }:label("AGE", "Age (years)")
          assert(\(writer)(adsl, "\(file)"))
          local out = package.loaded.kaplan.settings.output_directory
          local d = assert(\(name)(out .. "/\(file)", {select = {"time", "AGE"}}))
          print(d:label("AGE"), #d)
          """
    ) { call in
      let path = try call.lua.string(1)
      let options = try Self.readOptions(call, argument: 2)
      let resolved = try policy.checkRead(path)
      do {
        let dataset = try RunWarnings.rewriting({ $0.replacingOccurrences(of: resolved, with: path) }) {
          try StatFileReader.read(path: resolved, format: format, options: options)
        }
        return [.object(try LuaDataset(dataset))]
      } catch let error as DatasetError {
        return [.nil, .string(String(describing: error).replacingOccurrences(of: resolved, with: path))]
      }
    }
  }

  /// `read(path [, opts])`, implemented in datasets.lua: the reader of the
  /// extension gets the options, so each checks its own.
  private var readAny: KaplanFunction {
    datasetsFunction(
      "read", signature: "read(path [, opts])",
      summary: "Reads a data file with the reader its extension names: .csv and .tsv (read_csv), .sas7bdat "
        + "(read_sas), .xpt (read_xpt), .dta (read_dta), .sav (read_sav), .xlsx (read_xlsx); opts go to that "
        + "reader. Returns what the reader returns (nil and a message on failure).",
      arguments: 2,
      example: """
        assert(write_csv(dataset("aml"), "aml.csv"))
        local out = package.loaded.kaplan.settings.output_directory
        print(#assert(read(out .. "/aml.csv")))
        """, body: nil)
  }
}
