import Datasets
import LuaHost

/// The `types` and `levels` options of every reader (`read_csv`,
/// `read_xlsx`, `read_sas` and the other ReadStat readers): maps of column
/// names whose shapes the option schema cannot check (`{age = "int"}`,
/// `{arm = {"A", "B"}}`), checked and worded here once.
enum ColumnOptionShapes {
  static func read(
    _ call: KaplanCall, argument: Int
  ) throws -> (types: [String: Column.Kind], levels: [String: [String]]) {
    let o = call.options
    func bad(_ key: String, _ what: String) -> LuaError {
      call.lua.argumentError(argument, "option '\(key)': \(what)")
    }
    var types: [String: Column.Kind] = [:]
    var levels: [String: [String]] = [:]
    if case .table(let t)? = try o.value("types") {
      if let first = t.array.first {
        throw bad("types", "column name = type expected, got a list entry \(OptionValues.shown(first))")
      }
      for (column, v) in t.fields {
        guard let s = v.stringValue, let kind = Column.Kind(rawValue: s) else {
          throw bad("types", "type of '\(column)' must be one of \"double\", \"int\", \"string\", \"bool\", \"date\", "
            + "got \(OptionValues.shown(v))")
        }
        types[column] = kind
      }
    }
    if case .table(let t)? = try o.value("levels") {
      if let first = t.array.first {
        throw bad("levels", "column name = {levels} expected, got a list entry \(OptionValues.shown(first))")
      }
      for (column, v) in t.fields {
        guard case .table(let list) = v, list.fields.isEmpty, !list.array.isEmpty,
          case let given = list.array.compactMap({ $0.typeName == "string" ? $0.stringValue : nil }),
          given.count == list.array.count
        else {
          throw bad("levels", "levels of '\(column)' must be an array of strings, got \(OptionValues.shown(v))")
        }
        if let twice = given.enumerated().first(where: { given[..<$0.offset].contains($0.element) })?.element {
          throw bad("levels", "level '\(twice)' of '\(column)' is given twice")
        }
        levels[column] = given
      }
    }
    return (types, levels)
  }
}
