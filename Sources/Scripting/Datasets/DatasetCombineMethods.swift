import Datasets
import LuaHost

/// `bind_rows`, `d:distinct`, `d:slice`, `d:sample`, `d:pivot_wider` and
/// `d:pivot_longer`: the Lua face of Dataset+Combine and Dataset+Reshape.
/// One instance per runtime: `d:sample` without a seed draws from the
/// run's generator, seeded by `--seed`, so a script samples the same rows
/// on every run.
final class DatasetCombineMethods {
  private var generator: SampleGenerator

  init(seed: Int) {
    generator = SampleGenerator(seed: UInt64(bitPattern: Int64(seed)))
  }

  var declarations: [KaplanFunction] { [bindRows, distinct, slice, sample, pivotWider, pivotLonger] }

  /// A DatasetError as an argument error of argument `index` (as the caller
  /// counts it: 1 is the first after self).
  private static func arguing<T>(_ call: KaplanCall, _ index: Int, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as DatasetError {
      throw call.lua.argumentError(index + (call.declaration.receiver == nil ? 0 : 1), String(describing: e))
    }
  }

  /// `d:rename(old, new)` or `d:rename{old = "new", ...}` (all at once, so
  /// `{a = "b", b = "a"}` swaps two names).
  static func rename(_ call: KaplanCall) throws -> [LuaValue] {
    let d = try DatasetMethods.dataset(call)
    if case .table(let t) = try call.lua.value(2) {
      if !call.lua.isNil(3) { throw call.lua.argumentError(3, "no more arguments expected after {old = \"new\"}") }
      if let first = t.array.first {
        throw call.lua.argumentError(2, "old = \"new\" pairs expected, got a list entry \(OptionValues.shown(first))")
      }
      let pairs = try t.fields.sorted { $0.0 < $1.0 }.map { old, v -> (old: String, new: String) in
        guard case .string(let new) = v else {
          throw call.lua.argumentError(2, "the new name of '\(old)' must be a string, got \(OptionValues.shown(v))")
        }
        return (old, new)
      }
      return try DatasetMethods.value(try arguing(call, 1) { try d.renamed(pairs) })
    }
    return try DatasetMethods.value(try d.renamed(try call.lua.string(2), to: try call.lua.string(3)))
  }

  var bindRows: KaplanFunction {
    KaplanFunction(
      "bind_rows", section: "Datasets", signature: "bind_rows(d1, d2, ...)",
      summary: "The rows of several datasets one after another, columns matched by name (dplyr's bind_rows): "
        + "a column that a dataset lacks is NA in its rows; int with double gives double, strings give the "
        + "union of their levels in order of first appearance (the first dataset's levels, then each later "
        + "one's new levels, as dplyr/vctrs combine factors); other type conflicts are errors naming the column.",
      example: """
        local a = dataset.from{ {"id", {1, 2}}, {"arm", {"A", "B"}} }
        local b = dataset.from{ {"id", {3.5}}, {"dose", {10}} }
        print(bind_rows(a, b))
        """
    ) { call in
      var parts: [Dataset] = []
      for i in 1...max(call.lua.count, 1) {
        guard call.lua.isObject(i, of: LuaDataset.self) else {
          if call.lua.typeName(i) == "dataset" { _ = try call.lua.object(i, as: LuaDataset.self) }
          throw call.lua.argumentError(i, "dataset expected, got \(call.lua.typeName(i))")
        }
        parts.append(try call.lua.object(i, as: LuaDataset.self).dataset)
      }
      do { return try DatasetMethods.value(try Dataset.bindRows(parts)) } catch let e as DatasetError {
        throw LuaError.runtime("bind_rows: \(e)")
      }
    }
  }

  var distinct: KaplanFunction {
    DatasetMethods.method(
      "distinct", signature: "d:distinct([names [, opts]])",
      summary: "The first row of each distinct combination of the named columns (all columns when none are "
        + "given), in row order, as dplyr's distinct: only the named columns unless keep_all = true.",
      options: [OptionSpec("keep_all", .boolean, default: .boolean(false),
                           doc: "keep every column (the values of each combination's first row)")],
      optionsArgument: 2, arguments: 2,
      example: """
        local colon = dataset("colon")
        print(colon:distinct{"rx", "sex"})
        print(#colon:distinct({"id"}, {keep_all = true}))   -- one row per patient
        """
    ) { call in
      let d = try DatasetMethods.dataset(call)
      let keys = call.lua.isNil(2) ? [] : try stringList(call.lua, 2, what: "column names")
      let keepAll = try call.options.boolean("keep_all")
      return try DatasetMethods.value(try Self.arguing(call, 1) { try d.distinct(keys, keepAll: keepAll) })
    }
  }

  var slice: KaplanFunction {
    DatasetMethods.method(
      "slice", signature: "d:slice(i [, j])",
      summary: "Rows i through j (1-based, inclusive; j defaults to the last row and stops there; no rows when j < i, "
        + "as string.sub).",
      arguments: 2, example: "print(dataset(\"aml\"):slice(3, 5))"
    ) { call in
      let d = try DatasetMethods.dataset(call)
      let i = try wholeNumber(call.lua, 2, what: "i")
      let j = call.lua.isNil(3) ? d.rowCount : try wholeNumber(call.lua, 3, what: "j")
      return try DatasetMethods.value(try Self.arguing(call, 1) { try d.slice(from: i, to: j) })
    }
  }

  var sample: KaplanFunction {
    DatasetMethods.method(
      "sample", signature: "d:sample(n [, opts])",
      summary: "n rows drawn at random: distinct rows in the order drawn, or with replace = true a bootstrap "
        + "sample. The generator is xoshiro256** seeded through SplitMix64: the same seed gives the same rows "
        + "everywhere; without a seed the rows come from the run's generator (kaplan run --seed).",
      options: [
        OptionSpec("replace", .boolean, default: .boolean(false), doc: "draw with replacement (bootstrap)"),
        OptionSpec("seed", .integer(.any), doc: "the seed of this draw"),
      ],
      optionsArgument: 2, arguments: 2,
      example: """
        local aml = dataset("aml")
        print(aml:sample(5, {seed = 42}))
        local boot = aml:sample(#aml, {replace = true, seed = 1})
        print(#boot, boot.time:mean())
        """
    ) { call in
      let d = try DatasetMethods.dataset(call)
      let n = try wholeNumber(call.lua, 2, what: "n")
      let seed = try call.options.optionalInteger("seed").map { UInt64(bitPattern: Int64($0)) }
        ?? self.generator.next()
      let replace = try call.options.boolean("replace")
      return try DatasetMethods.value(try Self.arguing(call, 1) { try d.sample(n, replace: replace, seed: seed) })
    }
  }

  var pivotWider: KaplanFunction {
    DatasetMethods.method(
      "pivot_wider", signature: "d:pivot_wider{opts}",
      summary: "The wide form (tidyr's pivot_wider): one row per combination of the other columns, in order of "
        + "first appearance, and one column per value of names_from (in order of first appearance) holding "
        + "values_from; NA where a combination has no row; two rows for one cell are an error.",
      options: [
        OptionSpec("names_from", .column, defaultText: "required", doc: "the column whose values name the new columns"),
        OptionSpec("values_from", .column, defaultText: "required", doc: "the column whose values fill them"),
      ],
      optionsArgument: 1, arguments: 1,
      example: """
        local long = dataset.from{ {"id", {1, 1, 2}}, {"visit", {"week1", "week2", "week1"}}, {"ldl", {3.1, 2.8, 4.0}} }
        print(long:pivot_wider{names_from = "visit", values_from = "ldl"})
        """
    ) { call in
      let d = try DatasetMethods.dataset(call)
      guard let names = try call.options.optionalString("names_from"),
        let values = try call.options.optionalString("values_from")
      else { throw call.lua.argumentError(2, "options 'names_from' and 'values_from' are required") }
      return try DatasetMethods.value(try Self.arguing(call, 1) {
        try d.pivotWider(namesFrom: names, valuesFrom: values)
      })
    }
  }

  var pivotLonger: KaplanFunction {
    DatasetMethods.method(
      "pivot_longer", signature: "d:pivot_longer{opts}",
      summary: "The long form (tidyr's pivot_longer): for each row, one row per column of cols (in the order "
        + "given) with the other columns, the column's name (names_to, a string column) and its value "
        + "(values_to; the columns' types combine as in bind_rows).",
      options: [
        OptionSpec("cols", .columns, defaultText: "required", doc: "the columns to stack"),
        OptionSpec("names_to", .string, default: .string("name"), doc: "the name of the column of names"),
        OptionSpec("values_to", .string, default: .string("value"), doc: "the name of the column of values"),
      ],
      optionsArgument: 1, arguments: 1,
      example: """
        local wide = dataset.from{ {"id", {1, 2}}, {"week1", {3.1, 4.0}}, {"week2", {2.8, 3.5}} }
        print(wide:pivot_longer{cols = {"week1", "week2"}, names_to = "visit", values_to = "ldl"})
        """
    ) { call in
      let d = try DatasetMethods.dataset(call)
      guard case let value? = try call.options.value("cols") else {
        throw call.lua.argumentError(2, "option 'cols' is required")
      }
      let cols: [String]
      if case .string(let s) = value { cols = [s] } else { cols = try call.options.optionalStrings("cols") ?? [] }
      let namesTo = try call.options.string("names_to")
      let valuesTo = try call.options.string("values_to")
      return try DatasetMethods.value(try Self.arguing(call, 1) {
        try d.pivotLonger(cols, namesTo: namesTo, valuesTo: valuesTo)
      })
    }
  }
}

/// A whole-number argument (a float with a whole value counts); anything
/// else is an error naming the argument and the value (`2.5`, `NA`, `nan`).
func wholeNumber(_ call: LuaCall, _ index: Int, what: String) throws -> Int {
  if call.isObject(index, of: LuaNA.self) { throw call.argumentError(index, "\(what) must be a whole number, got NA") }
  switch try call.value(index) {
  case .integer(let i): return i
  case .number(let x) where x == x.rounded() && Swift.abs(x) < 9e15: return Int(x)
  case let v: throw call.argumentError(index, "\(what) must be a whole number, got \(OptionValues.shown(v))")
  }
}
