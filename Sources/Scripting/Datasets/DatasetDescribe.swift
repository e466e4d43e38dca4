import Datasets
import LuaHost

/// `d:describe([{by = column}])`: a summary of each column as data, which
/// `stdlib/kaplan/datasets.lua` prints (result kind `describe`).
///
/// Numbers (double, int): missing, mean, SD (n − 1, R's `sd`), min,
/// quartiles (R's `quantile` type 7), max. Dates: the same as dates (SD in
/// days). Strings and bools: the number of levels and every count, which the
/// printer shortens to the most frequent levels as R's `summary.factor` does.
/// With `by`, one summary per level (distinct value) of that column (rows where it is NA are
/// in no group, as R's `split`), without the `by` column itself.
enum DatasetDescribe {
  static func method(body: ((KaplanCall) throws -> [LuaValue])?) -> KaplanFunction {
    datasetsFunction(
      "describe", receiver: "dataset", signature: "d:describe([opts])",
      summary: "A summary of every column: for numbers the type, missing count, mean, SD, min, quartiles "
        + "(R's type 7) and max; for strings the number of levels and the most frequent ones with counts.",
      options: [OptionSpec("by", .column, doc: "a column: one summary per group (its levels, in order)")],
      optionsArgument: 1, returns: "describe", arguments: 1,
      example: """
        local lung = dataset("lung")
        print(lung:describe())
        print(lung:describe{by = "sex"})
        print(lung:describe().groups[1].columns[2].q3)   -- the third quartile of time
        """, body: body)
  }

  static func body(_ call: KaplanCall) throws -> [LuaValue] {
    let d = try DatasetMethods.dataset(call)
    guard let by = try call.options.optionalString("by") else {
      return [.record(["rows": .integer(d.rowCount), "groups": .array([group(nil, d)])])]
    }
    let groups = try d.split(by: by).map { group($0.label, try $0.dataset.drop([by])) }
    return [.record(["rows": .integer(d.rowCount), "by": .string(by), "groups": .array(groups)])]
  }

  private static func group(_ label: String?, _ d: Dataset) -> LuaValue {
    let columns = d.describe().map { summary($0, label: d.attributes(of: $0.name).label) }
    var fields: [(String, LuaValue)] = [("rows", .integer(d.rowCount)), ("columns", .array(columns))]
    if let label { fields.append(("label", .string(label))) }
    return .table(LuaTable(fields: fields))
  }

  /// One column's summary; dates as ISO text (SD in days).
  private static func summary(_ s: ColumnSummary, label: String?) -> LuaValue {
    let isDate = s.kind == .date
    func number(_ x: Double?) -> LuaValue {
      guard let x, !x.isNaN else { return .nil }
      if isDate { return .string(CalendarDate.formatISO(Int32(x.rounded(.down)))) }
      return .number(x)
    }
    func scalar(_ x: Scalar?) -> LuaValue {
      guard let x else { return .nil }
      if isDate { return .string(x.description) }
      return scalarValue(x)
    }
    var fields: [(String, LuaValue)] = [
      ("name", .string(s.name)), ("type", .string(s.kind.rawValue)), ("rows", .integer(s.rows)),
      ("missing", .integer(s.missing)),
    ]
    if let label { fields.append(("label", .string(label))) }
    if s.kind == .string || s.kind == .bool {
      fields.append(("n_levels", .integer(s.levelCounts.count)))
      fields.append(("levels", .array(s.levelCounts.map {
        .record(["level": .string($0.level), "count": .integer($0.count)])
      })))
    } else {
      fields += [
        ("mean", number(s.mean)), ("sd", numberValue(s.sd)), ("min", scalar(s.min)), ("q1", number(s.q1)),
        ("median", number(s.median)), ("q3", number(s.q3)), ("max", scalar(s.max)),
      ]
    }
    return .table(LuaTable(fields: fields.filter { $0.1 != .nil }))
  }
}
