import Datasets
import LuaHost

/// The metadata methods of datasets (`DatasetAttributes`): variable labels
/// (`d:label`, `d:labels`), the dataset's own label, value labels
/// (`d:value_labels`) and special missing codes (`d:missing_codes`). They
/// read what `read_sas`, `read_xpt`, `read_dta` and `read_sav` kept, and
/// `d:label(name, text)` sets a label, returning a new dataset.
///
/// The dataset's own label is set with `d:set_label(text)`, not with
/// `d:label(nil, text)`: a nil column name is far more often a variable
/// that was never assigned than a request for the dataset, so it is an
/// error that points to `set_label`. A label holding a NUL character is
/// refused (every file format would cut it there).
enum DatasetLabelMethods {
  static var declarations: [KaplanFunction] { [label, labels, setLabel, valueLabels, missingCodes] }

  private static func dataset(_ call: KaplanCall) throws -> Dataset { try DatasetMethods.dataset(call) }

  private static func checked(_ call: KaplanCall, _ d: Dataset, _ name: String, argument: Int) throws {
    guard d.index(of: name) != nil else {
      throw call.lua.argumentError(argument, "no column '\(name)' (columns: \(d.names.joined(separator: ", ")))")
    }
  }

  /// The dataset and its checked column name (argument 2), for methods on one column.
  private static func column(_ call: KaplanCall) throws -> (Dataset, String) {
    let d = try dataset(call)
    let name = try call.lua.string(2)
    try checked(call, d, name, argument: 2)
    return (d, name)
  }

  /// A label to set: a string without NUL, or nil (no label).
  private static func labelText(_ call: KaplanCall, _ argument: Int, of what: String) throws -> String? {
    let text = try call.lua.optionalString(argument)
    if let text, text.utf8.contains(0) {
      throw call.lua.argumentError(argument, "the label of \(what) contains a NUL character (\\0)")
    }
    return text
  }

  static var label: KaplanFunction {
    DatasetMethods.method(
      "label", signature: "d:label([name [, text]])",
      summary: "The label of column name (nil when it has none), or of the dataset without a name; with a text "
        + "(nil removes it), a new dataset with that column's label set (the dataset's label is set with "
        + "d:set_label). Labels come from SAS, Stata and SPSS files and are kept by select, where, sort, rename, "
        + "join and with (a replaced column keeps its label).",
      arguments: 2,
      example: """
        local d = dataset("aml"):label("time", "Weeks to relapse")
        print(d:label("time"), d:select{"time"}:label("time"))
        print(d:label(), d:set_label("AML trial"):label())
        """
    ) { call in
      let d = try dataset(call)
      let name = try call.lua.optionalString(2)
      let setting = call.lua.count >= 3
      if !setting {
        guard let name else { return [d.attributes.label.map(LuaValue.string) ?? .nil] }
        try checked(call, d, name, argument: 2)
        return [d.attributes(of: name).label.map(LuaValue.string) ?? .nil]
      }
      guard let name else {
        throw call.lua.argumentError(
          2, "column name expected, got nil (set the dataset's label with d:set_label(text))")
      }
      try checked(call, d, name, argument: 2)
      let text = try labelText(call, 3, of: "column '\(name)'")
      var a = d.attributes(of: name)
      a.label = text
      return try DatasetMethods.value(try d.with(attributes: a, of: name))
    }
  }

  static var labels: KaplanFunction {
    DatasetMethods.method(
      "labels", signature: "d:labels()", summary: "Column name → label, for the columns that have one.",
      arguments: 0,
      example: "local d = dataset(\"aml\"):label(\"x\", \"Maintenance chemotherapy\")\nprint(d:labels().x)"
    ) { call in
      let d = try dataset(call)
      let fields: [(String, LuaValue)] = d.names.compactMap { n in
        d.attributes(of: n).label.map { (n, .string($0)) }
      }
      return [.table(LuaTable(fields: fields))]
    }
  }

  static var setLabel: KaplanFunction {
    DatasetMethods.method(
      "set_label", signature: "d:set_label(text)",
      summary: "A new dataset with its own label (SAS's dataset label, Stata's data label) set to text; nil "
        + "removes it. write_xpt and write_dta write it as the file label.",
      arguments: 1,
      example: "print(dataset(\"aml\"):set_label(\"AML trial\"):label())"
    ) { call in
      let d = try dataset(call)
      return try DatasetMethods.value(d.with(label: try labelText(call, 2, of: "the dataset")))
    }
  }

  static var valueLabels: KaplanFunction {
    DatasetMethods.method(
      "value_labels", signature: "d:value_labels(name)",
      summary: "The value labels of a Stata or SPSS column: an array of {code =, label =} in the file's "
        + "order (codes are numbers, texts, or \".a\" for a tagged missing value); empty when it has none.",
      arguments: 1,
      example: "print(#dataset(\"aml\"):value_labels(\"x\"))   -- 0: aml has no value labels"
    ) { call in
      let (d, name) = try column(call)
      return [.array(d.attributes(of: name).valueLabels.map { v in
        let code: LuaValue
        switch v.code {
        case .number(let x): code = x == x.rounded() && abs(x) < 1e15 ? .integer(Int(x)) : .number(x)
        case .text(let s): code = .string(s)
        case .tagged: code = .string(v.code.description)
        }
        return .record(["code": code, "label": .string(v.label)])
      })]
    }
  }

  static var missingCodes: KaplanFunction {
    DatasetMethods.method(
      "missing_codes", signature: "d:missing_codes(name)",
      summary: "The special missing code of each row of a column, as a string column: \".A\"-\".Z\" (SAS), "
        + "\".a\"-\".z\" (Stata), the user-missing value of SPSS (\"99\"); NA where the value is present or a "
        + "plain NA. The column itself reads NA in those rows; value-labelled columns (read as strings) keep "
        + "their codes too.",
      arguments: 1,
      example: "print(dataset(\"aml\"):missing_codes(\"time\"):count())   -- 0 special missing values"
    ) { call in
      let (d, name) = try column(call)
      let codes = d.attributes(of: name).missingCodes
      var out = [Int32](repeating: -1, count: d.rowCount)
      switch d[name] {
      case .double(let v)? where !codes.isEmpty:
        for (i, x) in v.enumerated() {
          if let k = Column.missingCode(of: x), k <= codes.count { out[i] = Int32(k - 1) }
        }
      case .factor(let c, _)? where !codes.isEmpty:
        // A value-labelled column keeps the code in its factor code.
        for (i, x) in c.enumerated() {
          if let k = Column.missingCode(ofFactorCode: x), k <= codes.count { out[i] = Int32(k - 1) }
        }
      default:
        break
      }
      return [.object(try LuaColumn(.factor(codes: out, levels: codes), name: name))]
    }
  }
}
