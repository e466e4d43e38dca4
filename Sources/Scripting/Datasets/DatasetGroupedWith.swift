import Datasets
import LuaHost

/// `g:with{...}` of a grouped dataset: columns computed within each group,
/// as dplyr's `group_by() |> mutate()`. `stdlib/kaplan/grouped.lua` calls
/// each function once per group; the two Swift halves here split the rows
/// into groups (`group_parts`) and put the values returned for each group
/// back in the rows' places (`group_assemble`).
enum DatasetGroupedWith {
  static let summary =
    "Columns added or replaced, computed within each group (dplyr's grouped mutate): a value that is a function "
    + "is called once per group with the group's rows as a dataset (in row order) and returns a column of as "
    + "many rows or one value (repeated); other values are as d:with's. The result is grouped by the same columns "
    + "(g:ungroup() gives the dataset). Window and scaling functions within groups are written so: "
    + "function(rows) return rows.time:cumsum() end, rows.age:scale(), rows.x:lag(), rows.x:rank()."

  /// The public declaration; with `body` nil, grouped.lua implements it.
  static func declaration(body: ((KaplanCall) throws -> [LuaValue])?) -> KaplanFunction {
    KaplanFunction(
      "with", receiver: "grouped", section: "Datasets",
      signature: "g:with{name = function(rows) ... end | value, ...}", summary: summary, arguments: 1,
      example: """
        local aml = dataset("aml")
        local g = aml:group_by{"x"}:with{
          n_arm = function(rows) return #rows end,
          order = function(rows) return rows.time:rank{ties = "first"} end,
          total = function(rows) return rows.time:cumsum() end,
        }
        print(g:ungroup():head(3))
        """, body: body)
  }

  /// The grouping of `g` (argument 1) by its keys.
  static func grouping(_ call: LuaCall) throws -> (LuaGrouped, Grouping) {
    let g = try call.object(1, as: LuaGrouped.self)
    return (g, try g.dataset.dataset.grouping(by: g.keys))
  }

  static func internals(_ lua: LuaState) throws -> [(String, LuaValue)] {
    let parts = declaration { call in
      guard call.lua.typeName(2) == "table" else {
        throw call.lua.argumentError(2, "table of columns expected, got \(call.lua.typeName(2))")
      }
      let spec = try call.lua.table(2)
      for (i, item) in spec.array.enumerated() {
        guard case .table(let pair) = item, pair.fields.isEmpty, pair.array.count == 2, case .string = pair.array[0]
        else {
          throw call.lua.argumentError(
            2, "entry \(i + 1) must be {name, values}, got \(OptionValues.shown(item))")
        }
      }
      let (g, grouping) = try grouping(call.lua)
      let d = g.dataset.dataset
      var rows = [[Int]](repeating: [], count: grouping.count)
      for (i, c) in grouping.codes.enumerated() { rows[Int(c)].append(i) }
      let data = try rows.map { LuaValue.object(try LuaDataset(try d.rows($0))) }
      let labels = try grouping.firstRows.map { row in
        try g.keys.map { try d.column(named: $0).value(at: row).description }.joined(separator: ", ")
      }
      return [.record([
        "data": .array(data), "labels": .strings(labels), "keys": .strings(g.keys),
        "rows": .array(try rows.map { .object(try LuaColumn(.int($0), name: "rows", derived: true)) }),
      ])]
    }
    // g, the rows of each group (group_parts' rows), the results, the name.
    let assemble: LuaCallback = { call in
      let (g, grouping) = try grouping(call)
      let rowColumns = try call.table(2).array
      let results = try call.table(3).array
      let name = try call.string(4)
      let label = "with: the function for '\(name)'"
      var rows: [[Int]] = []
      var pieces: [Column] = []
      for k in 0..<grouping.count {
        guard k < rowColumns.count, case .object(let r as LuaColumn) = rowColumns[k], case .int(let group) = r.column
        else { throw LuaError.runtime("\(label): the groups' rows are missing") }
        let value = k < results.count ? results[k] : .nil
        let piece: Column
        if case .object(let c as LuaColumn) = value {
          guard c.column.count == group.count else {
            throw LuaError.runtime(
              "\(label) returned a column of \(c.column.count) rows for group \(k + 1) of \(group.count) rows "
                + "(a column of the group's rows or one value expected)")
          }
          piece = c.column
        } else if value == .nil {
          piece = Column.missing(.double, count: group.count)
        } else if let s = scalarFrom(value) {
          piece = s == .missing ? Column.missing(.double, count: group.count)
            : try Column(values: [Scalar](repeating: s, count: group.count), name: name)
        } else {
          throw LuaError.runtime(
            "\(label) returned a \(value.typeName) for group \(k + 1) (a column or one value expected)")
        }
        rows.append(group)
        pieces.append(piece)
      }
      let count = g.dataset.dataset.rowCount
      try requireColumn(rows: count)
      do {
        return [try columnValue(try Column.scattered(pieces, rows: rows, count: count), name: name)]
      } catch let conflict as Column.KindConflict {
        throw LuaError.runtime(
          "\(label) returned \(conflict.first.rawValue) values for one group and \(conflict.second.rawValue) "
            + "for another")
      }
    }
    return [
      ("group_parts", try BindingRegistry.callback(parts, in: lua) ?? .nil),
      ("group_assemble", lua.function("with", assemble)),
    ]
  }
}
