import Datasets
import LuaHost

/// `d:join(e, opts)`: the Lua face of `Dataset.join` (dplyr's mutating and
/// filtering joins). The keys are one option, `by`, in three shapes: a name,
/// a list of names (the same in both datasets), or `{left = ..., right =
/// ...}` (a name or a list each); the relationship check is the option
/// `relationship`, with dplyr's four values.
enum DatasetJoinMethods {
  static let schema: [OptionSpec] = [
    OptionSpec("by", .either(.columns, .table), defaultText: "required",
               doc: "the key columns: a name, a list of names present in both, or {left = ..., right = ...} "
                 + "(a name or a list each, paired in order)"),
    OptionSpec.choice("how", Dataset.JoinKind.allCases.map { ($0.rawValue, $0) }, default: "left",
                      doc: "left (every row of d), inner (rows with a match), full (every row of both), semi "
                        + "(rows of d with a match, d's columns only), anti (rows of d without one)"),
    OptionSpec("suffix", .strings, defaultText: "{\".x\", \".y\"}",
               doc: "two suffixes for a column name that is in both datasets (not a key)"),
    OptionSpec.choice("relationship", Dataset.JoinRelationship.allCases.map { ($0.rawValue, $0) },
                      doc: "the expected relationship, checked on the rows that match: many_to_one (a row of d "
                        + "matches at most one row of e), one_to_many, one_to_one, many_to_many; without it a "
                        + "many-to-many match gives a warning"),
    OptionSpec.choice("na_matches", [("na", true), ("never", false)], default: "na",
                      doc: "whether a missing key matches a missing key (\"na\", as R's merge and dplyr) or "
                        + "nothing (\"never\", as SQL)"),
  ]

  static var declarations: [KaplanFunction] { [join] }

  static var join: KaplanFunction {
    DatasetMethods.method(
      "join", signature: "d:join(e, opts)",
      summary: "Joins two datasets on key columns, as dplyr's joins: each row of d in order followed by its "
        + "matches in e's order; how = \"left\" keeps unmatched rows of d (NA in e's columns), \"inner\" only "
        + "matched rows, \"full\" also the unmatched rows of e at the end, \"semi\"/\"anti\" filter d by "
        + "whether a row has a match. Keys compare by value (int with double as numbers, strings by text; "
        + "other type mismatches are errors); a missing key matches a missing key unless na_matches = "
        + "\"never\". The key columns come once, under d's names; other names in both get the suffixes.",
      options: schema, optionsArgument: 2, arguments: 2,
      example: """
        local subjects = dataset.from{ {"id", {1, 2, 3}}, {"arm", {"A", "B", "A"}} }
        local events = dataset.from{ {"subjid", {3, 1, 1, 4}}, {"day", {10, 5, 20, 7}} }
        print(subjects:join(events, {by = {left = "id", right = "subjid"}}))
        print(events:join(subjects, {by = {left = "subjid", right = "id"}, how = "inner",
                                     relationship = "many_to_one"}))
        print(subjects:join(events, {by = {left = "id", right = "subjid"}, how = "anti"}))
        """
    ) { call in
      let left = try DatasetMethods.dataset(call)
      guard call.lua.isObject(2, of: LuaDataset.self) else {
        if call.lua.typeName(2) == "dataset" { _ = try call.lua.object(2, as: LuaDataset.self) }
        throw call.lua.argumentError(2, "dataset expected, got \(call.lua.typeName(2))")
      }
      let right = try call.lua.object(2, as: LuaDataset.self).dataset
      let options = try joinOptions(call)
      do {
        return try DatasetMethods.value(try left.join(right, options))
      } catch let error as Dataset.JoinError {
        switch error {
        case .keys(let message): throw call.lua.argumentError(3, message)
        case .relationship(let message): throw LuaError.runtime("join: \(message)")
        }
      }
    }
  }

  /// The join's options from the checked table; the shapes of `by` and
  /// `suffix` are checked here, worded as OptionValues words a mistake.
  static func joinOptions(_ call: KaplanCall) throws -> Dataset.JoinOptions {
    let o = call.options
    func bad(_ key: String, _ what: String) -> LuaError { call.lua.argumentError(3, "option '\(key)': \(what)") }
    guard let by = try o.value("by") else {
      throw call.lua.argumentError(3, "option 'by' is required: the key columns, as {by = \"id\"} or "
        + "{by = {left = \"usubjid\", right = \"subjid\"}}")
    }
    func names(_ v: LuaValue, _ what: String) throws -> [String] {
      if case .string(let s) = v { return [s] }
      guard case .table(let t) = v, t.fields.isEmpty, !t.array.isEmpty,
        case let list = t.array.compactMap({ $0.typeName == "string" ? $0.stringValue : nil }),
        list.count == t.array.count
      else {
        throw bad("by", "\(what) must be a column name or a list of names, got \(OptionValues.shown(v))")
      }
      return list
    }
    var leftKeys: [String]
    var rightKeys: [String]
    if case .table(let t) = by, !t.fields.isEmpty {
      if !t.array.isEmpty {
        throw bad("by", "give either a list of names or {left = ..., right = ...}, not both")
      }
      for (key, _) in t.fields where key != "left" && key != "right" {
        throw bad("by", "unknown field '\(key)' (fields: left, right)")
      }
      guard let l = t.fields.first(where: { $0.0 == "left" })?.1,
        let r = t.fields.first(where: { $0.0 == "right" })?.1
      else { throw bad("by", "{left = ..., right = ...} needs both fields") }
      leftKeys = try names(l, "left")
      rightKeys = try names(r, "right")
      if leftKeys.count != rightKeys.count {
        throw bad("by", "\(leftKeys.count) left keys but \(rightKeys.count) right keys")
      }
    } else {
      leftKeys = try names(by, "by")
      rightKeys = leftKeys
    }
    var options = Dataset.JoinOptions(
      kind: Dataset.JoinKind(rawValue: try o.string("how")) ?? .left, leftKeys: leftKeys, rightKeys: rightKeys)
    if let suffix = try o.optionalStrings("suffix") {
      guard suffix.count == 2, suffix[0] != suffix[1] else {
        let got = suffix.count == 2 ? "two equal ones" : "\(suffix.count)"
        throw bad("suffix", "two different suffixes expected, got \(got)")
      }
      options.suffixes = (suffix[0], suffix[1])
    }
    if let r = try o.optionalString("relationship") { options.relationship = Dataset.JoinRelationship(rawValue: r) }
    options.naMatches = try o.string("na_matches") == "na"
    // A filtering join adds no columns and never repeats a row: these
    // options would do nothing, and no option is silently ignored.
    if options.kind == .semi || options.kind == .anti {
      for key in ["suffix", "relationship"] where o.has(key) {
        throw bad(key, "applies to left, inner and full joins, not how = \"\(options.kind.rawValue)\"")
      }
    }
    return options
  }
}
