import Datasets
import LuaHost

/// `add_days`, `year`, `month` and `day` of date columns (Datasets'
/// `Column+DateParts.swift`), each as a global (which also takes one date)
/// and as a column method. `months_between` and `years_between` stay in
/// DatasetFunctions.
enum ColumnDateFunctions {
  typealias Pairs = ColumnFunctionPairs

  static var declarations: [KaplanFunction] {
    Pairs.pair(
      "add_days", rest: "days",
      summary: "Each date of a date column (or one date) moved by days: a whole number, or a number column of "
        + "them (one per row); NA in either gives NA, as R's d + n.",
      arguments: 1,
      example: "print(add_days(date(\"2004-02-28\"), 2))\n"
        + "local d = dataset.from{ {\"start\", {date(\"2004-03-01\"), date(\"2004-05-10\")}}, {\"t\", {30, 365}} }\n"
        + "print(d.start:add_days(d.t)[2])"
    ) { call in
      let (column, isValue) = try Pairs.subject(call, values: true)
      try requireDate(call, column, isValue: isValue)
      let days = try operand(call.lua, 2)
      let result = try Pairs.located(call, ["days": .argument(2)]) { try column.addingDays(days) }
      return try Pairs.result(result, call, isValue: isValue)
    }
      + part(.year, "The year of each date of a date column (or of one date): an int column, NA for NA.")
      + part(.month, "The month (1 to 12) of each date of a date column (or of one date): an int column, NA for NA.")
      + part(.day, "The day of the month (1 to 31) of each date of a date column (or of one date): an int column, "
        + "NA for NA.")
  }

  /// A single value that is not a date is named as the caller wrote it
  /// (`year(5)`: "got 5"), not as the one-row column it was read into.
  static func requireDate(_ call: KaplanCall, _ column: Column, isValue: Bool) throws {
    guard isValue, column.kind != .date else { return }
    throw call.lua.argumentError(
      1, "a date or a date column expected, got \(OptionValues.shown(try call.lua.value(1)))")
  }

  static func part(_ part: Column.DatePart, _ summary: String) -> [KaplanFunction] {
    let name = part.rawValue
    return Pairs.pair(
      name, rest: "", summary: summary, arguments: 0,
      example: "print(\(name)(date(\"2004-03-01\")))\n"
        + "local d = dataset.from{ {\"visit\", {date(\"2004-03-01\"), date(\"2005-11-20\")}} }\n"
        + "print(d.visit:\(name)()[2])"
    ) { call in
      let (column, isValue) = try Pairs.subject(call, values: true)
      try requireDate(call, column, isValue: isValue)
      return try Pairs.result(try Pairs.located(call, [:]) { try column.datePart(part) }, call, isValue: isValue)
    }
  }
}
