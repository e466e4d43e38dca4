import Datasets
import LuaHost

/// A summary to compute per group: what `count()`, `mean("age")`, ...
/// return, for `g:summarise{...}`. `order` numbers the summaries as they
/// were made, so that `summarise{n = count(), m = mean("x")}` gives its
/// columns in the order written (a Lua table keeps no order of its keys).
final class LuaSummary {
  let summary: Summary
  let order: Int
  init(_ summary: Summary, order: Int) {
    self.summary = summary
    self.order = order
  }

  var text: String {
    let column = summary.column.map { "\"\($0)\"" } ?? ""
    let p: String
    if case .quantile(let x) = summary.function { p = ", \(OptionValues.shown(.number(x)))" } else { p = "" }
    return "\(summary.function.name)(\(column)\(p)\(summary.naRm ? ", {na_rm = true}" : ""))"
  }
}

/// A dataset with grouping columns (`d:group_by{...}`), whose
/// `summarise{...}` gives one row per group.
final class LuaGrouped {
  let dataset: LuaDataset
  let keys: [String]
  init(_ dataset: LuaDataset, keys: [String]) {
    self.dataset = dataset
    self.keys = keys
  }
}

/// `d:group_by`, `g:summarise`, `d:summarise` and the summary functions
/// (`count`, `sum`, `mean`, `sd`, `median`, `min`, `max`, `quantile`,
/// `n_distinct`, `first`, `last`), as dplyr's `group_by() |> summarise()`.
/// Groups come out sorted by key (dplyr's order: strings in level order,
/// numbers ascending, NA last).
final class DatasetSummaryMethods {
  /// Summaries made so far in this runtime (see `LuaSummary.order`).
  private var made = 0

  var declarations: [KaplanFunction] {
    [groupBy, summariseGrouped, summariseDataset, ungroup] + functions
  }

  static var kinds: [ResultKind] { [
    ResultKind("grouped", section: "Datasets",
               summary: "A dataset with grouping columns (d:group_by{...}); g:summarise{...} gives one row per "
                 + "group, g:ungroup() the dataset.", fields: []),
    ResultKind("summary", section: "Datasets",
               summary: "A summary for summarise (count(), mean(\"age\"), ...): computed per group when "
                 + "summarise runs.", fields: []),
  ] }

  static func register(in runtime: KaplanRuntime, declarations: [KaplanFunction]) throws {
    try runtime.userdata.register(
      LuaGrouped.self, name: "grouped", in: runtime.lua, declarations: declarations,
      metamethods: [
        "__tostring": { call in
          let g = try call.object(1, as: LuaGrouped.self)
          return [.string("grouped dataset (\(g.dataset.dataset.rowCount) rows, by \(g.keys.joined(separator: ", ")))")]
        },
        "__len": { call in [.integer(try call.object(1, as: LuaGrouped.self).dataset.dataset.rowCount)] },
      ])
    try runtime.userdata.register(
      LuaSummary.self, name: "summary", in: runtime.lua, declarations: declarations,
      metamethods: ["__tostring": { call in [.string(try call.object(1, as: LuaSummary.self).text)] }])
  }

  // MARK: grouping

  var groupBy: KaplanFunction {
    DatasetMethods.method(
      "group_by", signature: "d:group_by{names}",
      summary: "The dataset grouped by one or more columns, for g:summarise{...}.", arguments: 1,
      example: "print(dataset(\"colon\"):group_by{\"rx\", \"sex\"}:summarise{n = count()})"
    ) { call in
      let object = try call.lua.object(1, as: LuaDataset.self)
      let keys = try stringList(call.lua, 2, what: "column names")
      do { _ = try object.dataset.select(keys) } catch let e as DatasetError {
        throw call.lua.argumentError(2, String(describing: e))
      }
      return [.object(LuaGrouped(object, keys: keys))]
    }
  }

  var ungroup: KaplanFunction {
    KaplanFunction(
      "ungroup", receiver: "grouped", section: "Datasets", signature: "g:ungroup()",
      summary: "The dataset without its grouping.", arguments: 0,
      example: "print(#dataset(\"aml\"):group_by{\"x\"}:ungroup())"
    ) { call in [.object(try call.lua.object(1, as: LuaGrouped.self).dataset)] }
  }

  static let summariseSummary =
    "Summaries as a dataset: one row per group, sorted by the group columns (strings in level order, numbers "
    + "ascending, NA last; dplyr's order), with the group columns then one column per summary. Give summaries "
    + "as name = count(), name = mean(\"age\"), ... (columns in the order written) or as {name, summary} "
    + "entries (in list order, before the named ones)."

  var summariseGrouped: KaplanFunction {
    KaplanFunction(
      "summarise", receiver: "grouped", section: "Datasets", signature: "g:summarise{name = summary, ...}",
      summary: Self.summariseSummary, arguments: 1,
      example: """
        local colon = dataset("colon")
        print(colon:group_by{"rx"}:summarise{
          n = count(), mean_age = mean("age"), events = sum("status"), q90 = quantile("age", 0.9)})
        """
    ) { call in
      let g = try call.lua.object(1, as: LuaGrouped.self)
      return try Self.summarise(call, g.dataset.dataset, keys: g.keys)
    }
  }

  var summariseDataset: KaplanFunction {
    DatasetMethods.method(
      "summarise", signature: "d:summarise{name = summary, ...}",
      summary: "Summaries of the whole dataset as a one-row dataset (see g:summarise for groups).",
      arguments: 1,
      example: "print(dataset(\"lung\"):summarise{n = count(), age = median(\"age\"), wt = mean(\"wt.loss\", "
        + "{na_rm = true})})"
    ) { call in try Self.summarise(call, try DatasetMethods.dataset(call), keys: []) }
  }

  static func summarise(_ call: KaplanCall, _ d: Dataset, keys: [String]) throws -> [LuaValue] {
    let spec = try call.lua.table(2)
    var entries: [(name: String, summary: Summary)] = []
    func summary(_ v: LuaValue, _ what: String) throws -> LuaSummary {
      guard case .object(let s as LuaSummary) = v else {
        throw call.lua.argumentError(
          2, "\(what): a summary expected (count(), mean(\"x\"), ...), got \(OptionValues.shown(v))")
      }
      return s
    }
    for (i, item) in spec.array.enumerated() {
      guard case .table(let pair) = item, pair.fields.isEmpty, pair.array.count == 2,
        case .string(let name) = pair.array[0]
      else {
        throw call.lua.argumentError(2, "entry \(i + 1) must be {name, summary}, got \(OptionValues.shown(item))")
      }
      entries.append((name: name, summary: try summary(pair.array[1], "entry \(i + 1)").summary))
    }
    let named = try spec.fields.map { ($0.0, try summary($0.1, "'\($0.0)'")) }
    for (name, s) in named.sorted(by: { ($0.1.order, $0.0) < ($1.1.order, $1.0) }) {
      entries.append((name: name, summary: s.summary))
    }
    if entries.isEmpty { throw call.lua.argumentError(2, "no summaries given (e.g. {n = count()})") }
    do {
      return try DatasetMethods.value(try d.summarise(by: keys, entries))
    } catch let e as DatasetError {
      throw call.lua.argumentError(2, String(describing: e))
    }
  }

  // MARK: summary functions

  private static let naRm = [
    OptionSpec("na_rm", .boolean, default: .boolean(false),
               doc: "skip missing values (R's na.rm = TRUE); otherwise a missing value makes the result NA"),
  ]

  /// The column name a summary function takes. A column or a number there
  /// is what someone used to R's `sum(x)` types: say what to write instead.
  private static func columnName(_ call: KaplanCall, _ function: String) throws -> String {
    if case .string(let name) = try call.lua.value(1) { return name }
    let columnMethods: Set<String> = ["sum", "mean", "sd", "median", "min", "max", "quantile"]
    var message = "\(function)(\"name\") makes a summary for summarise{}, so it takes a column name"
    if (try? call.lua.object(1, as: LuaColumn.self)) != nil {
      message += columnMethods.contains(function)
        ? "; for the \(function) of a column write c:\(function)(...), e.g. d.age:\(function)()" : ""
    } else if case .number = try call.lua.value(1), function == "min" || function == "max" {
      message += "; for numbers use math.\(function)"
    }
    throw call.lua.argumentError(1, message + ", got \(OptionValues.shown(try call.lua.value(1)))")
  }

  private func make(_ summary: Summary) -> [LuaValue] {
    made += 1
    return [.object(LuaSummary(summary, order: made))]
  }

  private var functions: [KaplanFunction] {
    let simple: [(Summary.Function, String)] = [
      (.sum, "The sum of a column per group (int for int and bool columns, NA on integer overflow, as R)."),
      (.mean, "The mean of a column per group."),
      (.sd, "The standard deviation of a column per group (denominator n - 1; NA for fewer than two values)."),
      (.median, "The median of a column per group (the mean of the middle two for an even count)."),
      (.min, "The smallest value per group, in the column's type (numbers, dates)."),
      (.max, "The largest value per group, in the column's type (numbers, dates)."),
      (.nDistinct, "The number of distinct values per group (NA counts as one value unless na_rm, as dplyr's "
        + "n_distinct)."),
      (.first, "The value of the first row of each group (with na_rm, the first that is not missing)."),
      (.last, "The value of the last row of each group (with na_rm, the last that is not missing)."),
    ]
    var out: [KaplanFunction] = [
      KaplanFunction(
        "count", section: "Datasets", signature: "count()",
        summary: "The number of rows per group, for summarise (dplyr's n()).", arguments: 0,
        example: "print(dataset(\"aml\"):group_by{\"x\"}:summarise{n = count()})"
      ) { _ in self.make(Summary(.count)) },
    ]
    for (function, text) in simple {
      // min and max of numbers are Lua's math.min/math.max (datasets.lua).
      let extreme = function == .min || function == .max
      let signature = "\(function.name)(name [, opts]\(extreme ? " | x, y, ..." : ""))"
      let numbers = extreme ? " Given numbers, \(function.name)(x, y, ...) is math.\(function.name)." : ""
      out.append(KaplanFunction(
        function.name, section: "Datasets", signature: signature,
        summary: text + " For summarise." + numbers, options: Self.naRm, optionsArgument: 2,
        arguments: extreme ? nil : 2,
        example: "print(dataset(\"lung\"):group_by{\"sex\"}:summarise{x = \(function.name)(\"age\"), "
          + "y = \(function.name)(\"wt.loss\", {na_rm = true})})"
      ) { call in
        self.make(Summary(
          function, column: try Self.columnName(call, function.name), naRm: try call.options.boolean("na_rm")))
      })
    }
    out.append(KaplanFunction(
      "quantile", section: "Datasets", signature: "quantile(name, p [, opts])",
      summary: "The p-quantile of a column per group (R's default, type 7), for summarise.",
      options: Self.naRm, optionsArgument: 3, arguments: 3,
      example: "print(dataset(\"lung\"):group_by{\"sex\"}:summarise{q1 = quantile(\"age\", 0.25), "
        + "q3 = quantile(\"age\", 0.75)})"
    ) { call in
      let name = try Self.columnName(call, "quantile")
      let p = try call.lua.number(2)
      guard p >= 0, p <= 1 else {
        throw call.lua.argumentError(2, "p must lie in [0, 1], got \(OptionValues.shown(.number(p)))")
      }
      return self.make(Summary(.quantile(p), column: name, naRm: try call.options.boolean("na_rm")))
    })
    return out
  }
}
