import Datasets
import LuaHost

/// The metadata methods of datasets (`DatasetAttributes`): variable labels
/// (`d:label`, `d:labels`), the dataset's own label, value labels
/// (`d:value_labels`) and special missing codes (`d:missing_codes`). They
/// read what `read_sas`, `read_xpt`, `read_dta` and `read_sav` kept, and
/// `d:label(name, text)` sets a label, returning a new dataset.
enum DatasetLabelMethods {
  static var declarations: [KaplanFunction] { [label, labels, valueLabels, missingCodes] }

  private static func dataset(_ call: KaplanCall) throws -> Dataset { try DatasetMethods.dataset(call) }

  private static func checked(_ call: KaplanCall, _ d: Dataset, _ name: String, argument: Int) throws {
    guard d.index(of: name) != nil else {
      throw call.lua.argumentError(argument, "no column '\(name)' (columns: \(d.names.joined(separator: ", ")))")
    }
  }

  static var label: KaplanFunction {
    DatasetMethods.method(
      "label", signature: "d:label([name [, text]])",
      summary: "The label of column name (nil when it has none), or of the dataset without a name; with a text "
        + "(nil removes it), a new dataset with that label set. Labels come from SAS, Stata and SPSS files and "
        + "are kept by select, where, sort, rename, join and with (a replaced column keeps its label).",
      arguments: 2,
      example: """
        local d = dataset("aml"):label("time", "Weeks to relapse")
        print(d:label("time"), d:select{"time"}:label("time"))
        print(d:label(), d:label(nil, "AML trial"):label())
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
      let text = try call.lua.optionalString(3)
      guard let name else { return try DatasetMethods.value(d.with(label: text)) }
      try checked(call, d, name, argument: 2)
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

  static var valueLabels: KaplanFunction {
    DatasetMethods.method(
      "value_labels", signature: "d:value_labels(name)",
      summary: "The value labels of a Stata or SPSS column: an array of {code =, label =} in the file's "
        + "order (codes are numbers, texts, or \".a\" for a tagged missing value); empty when it has none.",
      arguments: 1,
      example: "print(#dataset(\"aml\"):value_labels(\"x\"))   -- 0: aml has no value labels"
    ) { call in
      let d = try dataset(call)
      let name = try call.lua.string(2)
      try checked(call, d, name, argument: 2)
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
        + "plain NA. The column itself reads NA in those rows. A value-labelled column read as strings keeps no "
        + "codes: read it with {value_labels = false} to have them.",
      arguments: 1,
      example: "print(dataset(\"aml\"):missing_codes(\"time\"):count())   -- 0 special missing values"
    ) { call in
      let d = try dataset(call)
      let name = try call.lua.string(2)
      try checked(call, d, name, argument: 2)
      let codes = d.attributes(of: name).missingCodes
      var out = [Int32](repeating: -1, count: d.rowCount)
      if case .double(let v)? = d[name], !codes.isEmpty {
        for (i, x) in v.enumerated() {
          if let k = Column.missingCode(of: x), k <= codes.count { out[i] = Int32(k - 1) }
        }
      }
      return [.object(try LuaColumn(.factor(codes: out, levels: codes), name: name))]
    }
  }
}
