import Datasets

extension ModelFrame {
  /// The events of `Surv(time, status == "Dead")`, `Surv(time, status !=
  /// 0)` or `Surv(time, status %in% c("Dead", "Died"))`: 1 where the
  /// comparison holds, else 0, as R evaluates the comparison (a string
  /// column compares its labels, a number or boolean column its values).
  /// Unlike R, a label that is not a level of the column is an error when
  /// no value of the comparison is one (R would make every row censored
  /// without a word); `%in%` may list labels some data do not have.
  static func conditionEvents(
    _ column: Column, name: String, condition: EventCondition, rows: [Int]
  ) throws -> [Int] {
    if let ordering = condition.ordering {
      return try orderedEvents(column, name: name, condition: condition, ordering: ordering, rows: rows)
    }
    let hit: (Int) -> Bool
    switch column {
    case .factor(let codes, let levels):
      var wanted = [Bool](repeating: false, count: levels.count)
      var unknown: [String] = []
      for value in condition.values {
        let label: String
        switch value {
        case .text(let s): label = s
        case .number(let x): label = RValueFormat.number(x)
        }
        if let k = levels.firstIndex(of: label) { wanted[k] = true } else { unknown.append(label) }
      }
      if unknown.count == condition.values.count, let label = unknown.first {
        throw ModelFrameError(
          "Surv(..., \(condition.text)): \"\(label)\" is not a value of column '\(name)' (its values: "
            + levels.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ") + (levels.count > 20 ? ", ..." : "")
            + ")")
      }
      hit = { row in codes[row] >= 0 && Int(codes[row]) < wanted.count && wanted[Int(codes[row])] }
    case .double, .int, .bool:
      let numbers = try condition.values.map { value -> Double in
        switch value {
        case .number(let x): return x
        case .text(let s):
          if case .bool = column, s == "TRUE" || s == "FALSE" { return s == "TRUE" ? 1 : 0 }
          throw ModelFrameError(
            "Surv(..., \(condition.text)): column '\(name)' holds \(column.analysisKindNoun), "
              + "so compare it with a number, not the string \"\(s)\"")
        }
      }
      let values = column.asDoubles()
      hit = { row in numbers.contains(values[row]) }
    case .date:
      throw ModelFrameError(
        "Surv(..., \(condition.text)): event column '\(name)' holds dates; compare a status column")
    }
    return rows.map { row in hit(row) != condition.negated ? 1 : 0 }
  }

  /// `Surv(time, status > 1)`: 1 where the number column's value is
  /// beyond the bound, as R's comparison; strings and dates have no order.
  static func orderedEvents(
    _ column: Column, name: String, condition: EventCondition, ordering: String, rows: [Int]
  ) throws -> [Int] {
    switch column {
    case .double, .int, .bool: break
    case .factor, .date:
      throw ModelFrameError(
        "Surv(..., \(condition.text)): column '\(name)' holds \(column.analysisKindNoun), which has no order "
          + "for an event; compare a number column, or use == or %in%")
    }
    guard case .number(let bound)? = condition.values.first else {
      throw ModelFrameError("Surv(..., \(condition.text)): compare the event column with a number")
    }
    let values = column.asDoubles()
    return rows.map { row in
      let v = values[row]
      let hit: Bool
      switch ordering {
      case "<": hit = v < bound
      case "<=": hit = v <= bound
      case ">": hit = v > bound
      default: hit = v >= bound
      }
      return hit ? 1 : 0
    }
  }
}
