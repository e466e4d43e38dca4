import Datasets
import Foundation
import LuaHost
import RunControl

/// The global functions of the datasets library: `read_csv`, `write_csv`,
/// `dataset(name)`, `dataset.from`, `datasets`, `date`, `months_between`,
/// `years_between`.
struct DatasetFunctions {
  let policy: SandboxPolicy
  let stdlib: String

  var declarations: [KaplanFunction] { [readCSV, writeCSV, bundled, from, list, date, monthsBetween, yearsBetween] }

  // MARK: read_csv

  static let csvSchema: [OptionSpec] = [
    OptionSpec("delimiter", .string, defaultText: "tab for .tsv and .tab files, else a comma",
               doc: "the field delimiter: one character"),
    OptionSpec("missing", .strings, defaultText: "{\"\", \"NA\", \"NaN\", \".\"}",
               doc: "the texts read as NA (replaces the default list)"),
    OptionSpec("types", .table, doc: "column types to force, as {id = \"string\", dose = \"double\"} (double, "
                 + "int, string, bool, date)"),
    OptionSpec("levels", .table, doc: "level order of string columns, as {arm = {\"systemic\", \"combined\"}}"),
    OptionSpec("date_format", .string, doc: "the format of date columns, e.g. \"%d/%m/%Y\" (ISO dates are "
                 + "always recognised)"),
    OptionSpec("skip", .integer(.nonNegative), default: .integer(0), doc: "lines to skip before the header"),
    OptionSpec("comment", .string, doc: "the prefix of comment lines to skip, e.g. \"#\""),
  ]

  /// CSVOptions from the checked options; the shapes inside `types` and
  /// `levels` (a map of columns) are checked here, worded as OptionValues
  /// words a mistake.
  static func csvOptions(_ call: KaplanCall, argument: Int) throws -> CSVOptions {
    let o = call.options
    var options = CSVOptions()
    func bad(_ key: String, _ what: String) -> LuaError {
      call.lua.argumentError(argument, "option '\(key)': \(what)")
    }
    if let s = try o.optionalString("delimiter") {
      guard s.count == 1, let ch = s.first, ch.isASCII else {
        throw bad("delimiter", "one ASCII character expected, got \(OptionValues.shown(.string(s)))")
      }
      options.delimiter = ch
    }
    if let missing = try o.optionalStrings("missing") { options.missing = Set(missing) }
    (options.columnTypes, options.levels) = try ColumnOptionShapes.read(call, argument: argument)
    if let format = try o.optionalString("date_format") {
      do { options.dateFormat = try DateFormat(format) } catch { throw bad("date_format", "\(error)") }
    }
    options.skip = try o.integer("skip")
    options.comment = try o.optionalString("comment")
    return options
  }

  var readCSV: KaplanFunction {
    let policy = self.policy
    return datasetsFunction(
      "read_csv", signature: "read_csv(path [, opts])",
      summary: "Reads a CSV or TSV file into a dataset (types inferred over all rows, as R's read.csv); returns "
        + "nil and a message when the file is missing or malformed, so wrap it in assert().",
      options: Self.csvSchema, optionsArgument: 2, arguments: 2,
      example: """
        assert(write_csv(dataset("aml"), "aml.csv"))
        local out = package.loaded.kaplan.settings.output_directory
        local d = assert(read_csv(out .. "/aml.csv", {levels = {x = {"Nonmaintained", "Maintained"}}}))
        print(d.x:levels()[1])
        """
    ) { call in
      let path = try call.lua.string(1)
      let options = try Self.csvOptions(call, argument: 2)
      let resolved = try policy.checkRead(path)
      do {
        // Warnings name the file as the script did, as errors do below.
        let dataset = try RunWarnings.rewriting({ $0.replacingOccurrences(of: resolved, with: path) }) {
          try CSVReader.read(path: resolved, options: options)
        }
        return [.object(try LuaDataset(dataset))]
      } catch let error as DatasetError {
        // Expected failures (a missing file, a malformed row) return nil, message.
        return [.nil, .string(String(describing: error).replacingOccurrences(of: resolved, with: path))]
      }
    }
  }

  var writeCSV: KaplanFunction {
    let policy = self.policy
    return datasetsFunction(
      "write_csv", signature: "write_csv(d, path)",
      summary: "Writes a dataset as CSV (NA as NA, dates ISO) under the output directory (--out); returns true, "
        + "or nil and a message.", arguments: 2,
      example: "assert(write_csv(dataset(\"aml\"), \"aml.csv\"))"
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self).dataset
      let path = try call.lua.string(2)
      let resolved = try policy.checkWrite(path)
      do {
        try CSVWriter.write(d, path: resolved)
        return [.boolean(true)]
      } catch {
        return [.nil, .string("cannot write '\(path)': \(error)")]
      }
    }
  }

  // MARK: bundled and built datasets

  var bundled: KaplanFunction {
    let stdlib = self.stdlib
    let policy = self.policy
    return datasetsFunction(
      "dataset", signature: "dataset(name)",
      summary: "Loads a bundled dataset (datasets() lists them): colon, lung, veteran, aml, myeloid, heart, "
        + "the synthetic trial clocc, and synthetic CDISC ADaM data adsl and adtte (see adtte()).", arguments: 1,
      example: "local lung = dataset(\"lung\")\nprint(#lung, #lung:names())"
    ) { call in
      let name = try call.lua.string(1)
      do {
        let dataset = try BundledDatasets.load(name, stdlib: stdlib)
        // The files pass the sandbox's check too (the stdlib is a read root),
        // so that a run record lists them with their hashes (issue 19).
        for file in ["\(name).csv", "\(name).schema.tsv"] { _ = try? policy.checkRead("\(stdlib)/data/\(file)") }
        return [.object(try LuaDataset(dataset))]
      } catch {
        throw call.lua.argumentError(1, String(describing: error))
      }
    }
  }

  var list: KaplanFunction {
    let stdlib = self.stdlib
    return datasetsFunction(
      "datasets", signature: "datasets()",
      summary: "The bundled datasets with their size and a one-line description.", returns: "datasets",
      arguments: 0, example: "print(datasets())\nprint(datasets()[1].name)"
    ) { _ in
      let entries = try BundledDatasets.list(stdlib: stdlib)
      return [.array(entries.map { e in
        .record([
          "name": .string(e.name), "rows": .integer(e.rows), "columns": .integer(e.columns),
          "description": .string(e.description),
        ])
      })]
    }
  }

  var from: KaplanFunction {
    datasetsFunction(
      "dataset.from", signature: "dataset.from{ {name, values}, ... } or dataset.from{name = values, ...}",
      summary: "Builds a dataset from Lua arrays or columns: {name, values} entries in the list's order, then "
        + "name = values entries sorted by name.", arguments: 1,
      example: "local d = dataset.from{ {\"time\", {5, 8, 12}}, {\"event\", {1, 0, 1}} }\nprint(d)"
    ) { call in
      let spec = try call.lua.table(1)
      var names: [String] = []
      var columns: [Column] = []
      // Each array column is asked of the memory budget before it is
      // built (its values as Scalars, then its buffer), with the columns
      // built before it: the dataset's lease comes only at the end, and
      // eight columns of one shared 4M-row table reached 590 MB under
      // --max-memory 200M before it refused (review of issue 12).
      var built = 0
      func add(_ value: LuaValue, name: String) throws {
        if case .table(let t) = value {
          let rows = t.array.count
          do {
            try MemoryBudget.require(
              built + rows * (MemoryLayout<Scalar>.stride + 8), for: "column '\(name)' of \(rows) rows")
          } catch { throw call.lua.argumentError(1, String(describing: error)) }
          built += rows * 8
        }
        names.append(name)
        columns.append(try columnFrom(value, name: name, call: call.lua, argument: 1))
      }
      for (i, item) in spec.array.enumerated() {
        guard case .table(let pair) = item, pair.fields.isEmpty, pair.array.count == 2,
          case .string(let n) = pair.array[0]
        else {
          throw call.lua.argumentError(1, "entry \(i + 1) must be {name, values}, got \(OptionValues.shown(item))")
        }
        try add(pair.array[1], name: n)
      }
      for (n, v) in spec.fields.sorted(by: { $0.0 < $1.0 }) { try add(v, name: n) }
      do {
        return [.object(try LuaDataset(try Dataset(names: names, columns: columns)))]
      } catch let error as DatasetError {
        throw call.lua.argumentError(1, String(describing: error))
      }
    }
  }

  // MARK: dates

  var date: KaplanFunction {
    datasetsFunction(
      "date", signature: "date(text [, format]) or date(days)",
      summary: "A calendar date: date(\"2004-03-01\"), date(\"01/03/2004\", \"%d/%m/%Y\"), or days since "
        + "1970-01-01. a - b gives days; a + n, a - n move by n days.", arguments: 2,
      example: "local cutoff = date(\"2012-06-30\")\nprint(cutoff - date(\"2002-01-01\"), cutoff + 1)"
    ) { call in
      if call.lua.typeName(1) == "number" {
        try noMoreArguments(call.lua, after: 1)
        let days = try call.lua.number(1)
        // Days since 1970-01-01; anything else would trap in Int32(_:).
        guard let d = Int32(exactly: days), d != Column.naDate else {
          throw call.lua.argumentError(
            1, "days since 1970-01-01 must be a whole number between -2147483647 and 2147483647, got "
              + OptionValues.shown(.number(days)))
        }
        return [.object(LuaDate(days: d))]
      }
      let text = try call.lua.string(1)
      let format = try call.lua.optionalString(2)
      let parsed: Int32?
      if let format {
        do { parsed = try DateFormat(format).parse(text) } catch {
          throw call.lua.argumentError(2, String(describing: error))
        }
      } else {
        parsed = CalendarDate.parseISO(text)
      }
      guard let days = parsed else {
        throw call.lua.argumentError(1, "'\(text)' is not a date in format \(format ?? "%Y-%m-%d")")
      }
      return [.object(LuaDate(days: days))]
    }
  }

  var monthsBetween: KaplanFunction {
    datasetsFunction(
      "months_between", signature: "months_between(a, b)",
      summary: "Months from a to b, dates or date columns (or ISO texts): (b - a) in days / 30.4375; a "
        + "column when either is a column.", arguments: 2,
      example: "print(months_between(date(\"2020-01-01\"), date(\"2021-01-01\")))"
    ) { call in try Self.between(call.lua, name: "months", Column.monthsBetween) }
  }

  var yearsBetween: KaplanFunction {
    datasetsFunction(
      "years_between", signature: "years_between(a, b)",
      summary: "Years from a to b, dates or date columns (or ISO texts): (b - a) in days / 365.25; a column "
        + "when either is a column.", arguments: 2,
      example: "print(years_between(date(\"1950-06-15\"), date(\"2004-03-01\")))"
    ) { call in try Self.between(call.lua, name: "years", Column.yearsBetween) }
  }

  /// `months_between` / `years_between`: a column when either argument is a
  /// column, a number for two dates.
  private static func between(
    _ call: LuaCall, name: String, _ f: (Operand, Operand) throws -> Column
  ) throws -> [LuaValue] {
    var a = try operand(call, 1), b = try operand(call, 2)
    guard case .scalar(let x) = a, case .scalar(let y) = b else { return [try columnValue(try f(a, b), name: name)] }
    // Two scalars: compute on a one-row date column, return the number.
    if case .date = x { a = .column(try Column(values: [x])) } else if case .date = y {
      b = .column(try Column(values: [y]))
    }
    let column = try f(a, b)
    return [column.count == 1 ? scalarValue(column.value(at: 0)) : try columnValue(column, name: name)]
  }
}
