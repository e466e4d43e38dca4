import Datasets
import LuaHost

/// `cut`, `quantile_groups` and `recode`: groups and new values from a
/// column (Datasets' `Column+Cut.swift`, `Column+Recode.swift`), each as a
/// global and as a column method.
enum ColumnCutFunctions {
  static var declarations: [KaplanFunction] { cut + quantileGroups + recode }

  static let labelsOption = OptionSpec(
    "labels", .either(.strings, .boolean), defaultText: "intervals as R writes them, \"(0,10]\"",
    doc: "one label per interval (equal labels make one level), or false for the interval numbers (an int column)")
  static let digLabOption = OptionSpec(
    "dig_lab", .integer(.between(1, 50)), default: .integer(3),
    doc: "the least significant digits of the breaks in interval labels (more when needed to tell them apart)")

  /// The `labels` and `dig_lab` options as `CutLabels`.
  static func labels(_ call: KaplanCall) throws -> CutLabels {
    switch try call.options.value("labels") {
    case .boolean(false)?: return .codes
    case .boolean(true)?:
      throw ColumnFunctionPairs.locate(
        ColumnArgumentError("labels", "true is not a labelling; give an array of labels, or false for numbers"),
        call, ["labels": .option("labels")])
    case .table(let t)?: return .given(t.array.compactMap(\.stringValue))
    default: return .intervals(digits: try call.options.integer("dig_lab"))
    }
  }

  static var cut: [KaplanFunction] {
    ColumnFunctionPairs.pair(
      "cut", rest: "breaks [, opts]",
      summary: "Groups of a number column by intervals, as R's cut: a string column whose levels are the "
        + "intervals in break order, \"(0,10]\" (or labels); values outside the breaks, and NA, are NA. breaks is "
        + "an increasing array of cut points (-math.huge and math.huge allowed), or a number k for k intervals "
        + "of equal width over the values' range, widened by 1/1000 of it (as R).",
      options: [
        labelsOption,
        OptionSpec("right", .boolean, default: .boolean(true),
                   doc: "intervals closed on the right, (a,b]; false for [a,b)"),
        OptionSpec("include_lowest", .boolean, default: .boolean(false),
                   doc: "close the first interval on the left (or, with right = false, the last on the right)"),
        digLabOption,
      ], optionsArgument: 2, arguments: 2,
      example: """
        local lung = dataset("lung")
        local ages = cut(lung.age, {0, 45, 60, math.huge}, {labels = {"<45", "45-59", "60+"}})
        print(table.concat(ages:levels(), ", "))
        print(table.concat(lung.age:cut(4):levels(), " "))
        """
    ) { call in
      let places: [String: ColumnFunctionPairs.Place] = [
        "breaks": .argument(2), "labels": .option("labels"),
      ]
      let (column, _) = try ColumnFunctionPairs.subject(call, values: false)
      let breaks: CutBreaks
      if call.lua.typeName(2) == "number" {
        let k = try call.lua.number(2)
        guard k == k.rounded(), k >= 2, k <= 100_000 else {
          throw call.lua.argumentError(
            2, "the number of intervals must be a whole number from 2 to 100000, got \(OptionValues.shown(.number(k)))")
        }
        breaks = .count(Int(k))
      } else {
        breaks = .values(try numberList(call.lua, 2, what: "breaks"))
      }
      let labels = try labels(call)
      let result = try ColumnFunctionPairs.located(call, places) {
        try column.cut(
          breaks, labels: labels, right: try call.options.boolean("right"),
          includeLowest: try call.options.boolean("include_lowest"))
      }
      return try ColumnFunctionPairs.result(result, call, isValue: false)
    }
  }

  static var quantileGroups: [KaplanFunction] {
    ColumnFunctionPairs.pair(
      "quantile_groups", rest: "k [, opts]",
      summary: "k groups of about equal size (tertiles, quartiles, ...): the values cut at their quantiles "
        + "0, 1/k, ..., 1 (R's type 7, NA skipped), the lowest included, as R's cut(x, quantile(x, 0:k/k), "
        + "include.lowest = TRUE). Two equal quantiles (too many ties) are an error naming the value.",
      options: [labelsOption, digLabOption], optionsArgument: 2, arguments: 2,
      example: """
        local lung = dataset("lung")
        local quartile = quantile_groups(lung.age, 4)
        print(table.concat(quartile:levels(), " "))
        print(lung.age:quantile_groups(3, {labels = {"low", "mid", "high"}}):count().low)
        """
    ) { call in
      let (column, _) = try ColumnFunctionPairs.subject(call, values: false)
      let k = try wholeNumber(call.lua, 2, what: "the number of groups")
      let labels = try labels(call)
      let result = try ColumnFunctionPairs.located(call, ["k": .argument(2), "labels": .option("labels")]) {
        try column.quantileGroups(k, labels: labels)
      }
      return try ColumnFunctionPairs.result(result, call, isValue: false)
    }
  }

  static var recode: [KaplanFunction] {
    ColumnFunctionPairs.pair(
      "recode", rest: "map [, opts]",
      summary: "New values for old: map is {old = new, ...} (string keys; [1] = ... for number keys) or a list "
        + "of {old, new} pairs; values not in it are kept (or become the default); NA stays NA, and NA as a new "
        + "value (or as the default) makes values missing. The result's type is the new values' (all strings, "
        + "numbers, booleans or dates). Levels of a string result: with {old = new} in the column's own order; "
        + "with pairs, the pairs' order first.",
      options: [
        OptionSpec("default", .scalarValue,
                   doc: "the value of everything not in map (instead of keeping it); NA makes it missing"),
      ], optionsArgument: 2, arguments: 2,
      example: """
        local colon = dataset("colon")
        local arm = recode(colon.rx, {Obs = "observation", Lev = "levamisole", ["Lev+5FU"] = "combination"})
        print(table.concat(arm:levels(), ", "))
        local died = colon.status:recode({{1, "died"}, {0, "alive"}})
        print(table.concat(died:levels(), ", "))
        print(colon.sex:recode({[1] = "male"}, {default = "female"}):count().female)
        """
    ) { call in
      let (column, _) = try ColumnFunctionPairs.subject(call, values: false)
      let recoding = try Self.recoding(call.lua, 2)
      let defaultValue = try call.options.value("default").flatMap(scalarFrom)
      let result = try ColumnFunctionPairs.located(call, ["map": .argument(2), "default": .option("default")]) {
        try column.recoded(recoding, defaultValue: defaultValue)
      }
      return try ColumnFunctionPairs.result(result, call, isValue: false)
    }
  }

  /// The mapping at `index`: a list of {old, new} pairs (ordered), or a
  /// table old = new with keys of any type (read raw, sorted: numbers, then
  /// strings, then booleans, so that messages do not depend on Lua's order).
  static func recoding(_ lua: LuaCall, _ index: Int) throws -> Column.Recoding {
    guard lua.typeName(index) == "table" else {
      throw lua.argumentError(
        index, "mapping expected ({old = new, ...} or {{old, new}, ...}), got \(lua.typeName(index))")
    }
    let entries = try lua.entries(index)
    func scalar(_ v: LuaValue, _ what: String) throws -> Scalar {
      switch v {
      case .integer(let i): return .int(i)
      case .number(let x): return x.isNaN ? .missing : .double(x)
      case .string(let s): return .string(s)
      case .boolean(let b): return .bool(b)
      case .object(let d as LuaDate): return .date(d.days)
      case .object(_ as LuaNA): return .missing
      default:
        throw lua.argumentError(
          index, "\(what) is a \(v.typeName); strings, numbers, booleans, dates or NA expected")
      }
    }
    func naKey(_ what: String) -> Error {
      lua.argumentError(index, "\(what) is NA, but NA stays NA in recode (c:fill_na(value) gives it a value)")
    }
    let isPairs = !entries.isEmpty && entries.allSatisfy { $0.value.typeName == "table" }
    if isPairs {
      var pairs: [(position: Int, old: Scalar, new: Scalar)] = []
      for (key, value) in entries {
        guard case .integer(let i) = key, i >= 1, i <= entries.count else {
          throw lua.argumentError(index, "a list of {old, new} pairs expected, but it has the key \(shownKey(key))")
        }
        guard case .table(let t) = value, t.fields.isEmpty, t.array.count == 2 else {
          throw lua.argumentError(index, "pair \(i) must be {old, new}, got \(OptionValues.shown(value))")
        }
        let old = try scalar(t.array[0], "the old value of pair \(i)")
        if case .missing = old { throw naKey("the old value of pair \(i)") }
        pairs.append((i, old, try scalar(t.array[1], "the new value of pair \(i)")))
      }
      pairs.sort { $0.position < $1.position }
      return Column.Recoding(pairs: pairs.map { ($0.old, $0.new) }, ordered: true)
    }
    var pairs: [(old: Scalar, new: Scalar)] = []
    for (key, value) in entries {
      let old = try scalar(key, "the key \(shownKey(key))")
      if case .missing = old { throw naKey("a key") }
      pairs.append((old, try scalar(value, "the new value of \(shownKey(key))")))
    }
    pairs.sort { order($0.old, $1.old) }
    return Column.Recoding(pairs: pairs, ordered: false)
  }

  private static func shownKey(_ key: LuaValue) -> String {
    if case .object = key { return key.typeName }
    return key.typeName == "table" || key.typeName == "function" ? "of type \(key.typeName)" : OptionValues.shown(key)
  }

  /// Numbers, then strings, then booleans, then dates; each ascending.
  private static func order(_ a: Scalar, _ b: Scalar) -> Bool {
    func rank(_ s: Scalar) -> (Int, Double, String) {
      switch s {
      case .int(let i): return (0, Double(i), "")
      case .double(let x): return (0, x, "")
      case .string(let t): return (1, 0, t)
      case .bool(let v): return (2, v ? 1 : 0, "")
      case .date(let d): return (3, Double(d), "")
      case .missing: return (4, 0, "")
      }
    }
    let (ra, rb) = (rank(a), rank(b))
    if ra.0 != rb.0 { return ra.0 < rb.0 }
    if ra.1 != rb.1 { return ra.1 < rb.1 }
    return ra.2.utf8.lexicographicallyPrecedes(rb.2.utf8)
  }
}
