import Datasets

/// Reading the `Surv()` response: times and event codes, checked row by row.
extension ModelFrame {
  static func times(_ column: Column, name: String, rows: RowSelection) throws -> [Double] {
    let values = rows.gather(column.asDoubles())
    for (i, t) in values.enumerated() where !(t >= 0 && t.isFinite) {
      let row = rows[i]
      guard t.isFinite else {
        throw ModelFrameError("row \(row + 1): time must be finite, got \(RValueFormat.number(t)) in column '\(name)'")
      }
      throw ModelFrameError(
        "row \(row + 1): time must not be negative, got \(RValueFormat.number(t)) in column '\(name)'")
    }
    return values
  }

  /// 0/1 events; numbers whose largest value is 2 are read as 1/2 (1
  /// censored), as R's `Surv` does.
  static func binaryEvents(_ column: Column, name: String, rows: RowSelection) throws -> [Int] {
    switch column {
    case .bool(let values):
      return try rows.indices.map { row in
        guard values[row] <= 1 else {
          throw ModelFrameError("row \(row + 1): event column '\(name)' holds an invalid boolean")
        }
        return Int(values[row])
      }
    case .double, .int:
      let values = column.asDoubles()
      let largest = values.lazy.filter { !$0.isNaN }.max() ?? 0
      let shift: Double = largest == 2 ? 1 : 0
      return try rows.indices.map { row in
        let v = values[row] - shift
        guard v == 0 || v == 1 else {
          throw ModelFrameError(
            "row \(row + 1): event must be 0/1 (or 1/2, or true/false), got "
              + "\(RValueFormat.number(values[row])) in column '\(name)'")
        }
        return Int(v)
      }
    case .factor, .date:
      throw ModelFrameError(
        "event column '\(name)' must be 0/1 or true/false, but it holds \(column.analysisKindNoun)"
          + (column.kind == .string ? "; for several causes use competing risks" : ""))
    }
  }

  /// Largest range of whole status codes (`max − min`) coded through a
  /// table rather than by hashing.
  static let denseStatusRange = 1 << 16

  /// `competingEvents` for numeric status codes that are whole numbers in
  /// a small range (0, 1, 2 in practice): the causes and each row's code
  /// through a table over the range, in two passes, instead of hashing
  /// every row twice (a set of the values, then a dictionary lookup per
  /// row: at 10^6 rows as long as cuminc's kernel). The same causes, in the
  /// same order, and the same codes; nil when the codes are not such.
  static func denseCompetingEvents(_ values: [Double], rows: [Int], censorCode: Double) -> ([Int], [String])? {
    guard let first = rows.first else { return nil }
    var low = values[first], high = low
    for row in rows {
      let v = values[row]
      guard v.rounded() == v, abs(v) < 9e15 else { return nil }
      low = min(low, v)
      high = max(high, v)
    }
    guard high - low <= Double(denseStatusRange) else { return nil }
    let base = Int(low)
    var present = [Bool](repeating: false, count: Int(high) - base + 1)
    for row in rows { present[Int(values[row]) - base] = true }
    var position = [Int](repeating: 0, count: present.count)
    var causeCodes: [Double] = []
    for k in present.indices where present[k] && Double(base + k) != censorCode {
      causeCodes.append(Double(base + k))
      position[k] = causeCodes.count
    }
    return (rows.map { position[Int(values[$0]) - base] }, causeCodes.map(RValueFormat.number))
  }

  static func competingEvents(
    _ column: Column, name: String, rows selection: RowSelection, censor: StatusValue?
  ) throws -> ([Int], [String]) {
    let rows = selection.indices
    switch column {
    case .double, .int:
      let censorCode: Double
      switch censor {
      case nil: censorCode = 0
      case .code(let c): censorCode = c
      case .label(let text):
        guard let c = Double(text) else {
          throw ModelFrameError(
            "censoring value '\(text)' is not a number, but status column '\(name)' holds numbers")
        }
        censorCode = c
      }
      let values = column.asDoubles()
      if let dense = denseCompetingEvents(values, rows: rows, censorCode: censorCode) { return dense }
      let causeCodes = Array(Set(rows.map { values[$0] }.filter { $0 != censorCode })).sorted()
      var position = [Double: Int]()
      for (i, c) in causeCodes.enumerated() { position[c] = i + 1 }
      let codes = rows.map { position[values[$0]] ?? 0 }
      return (codes, causeCodes.map(RValueFormat.number))
    case .factor(let codes, let levels):
      let censorLabel: String
      switch censor {
      case nil: censorLabel = "censored"
      case .label(let text): censorLabel = text
      case .code(let c): censorLabel = RValueFormat.number(c)
      }
      let censorCode = levels.firstIndex(of: censorLabel) ?? -1
      var present = [Bool](repeating: false, count: levels.count)
      for row in rows {
        let code = Int(codes[row])
        guard code < levels.count else {
          throw ModelFrameError("row \(row + 1): status column '\(name)' has an invalid level code")
        }
        present[code] = true
      }
      var position = [Int](repeating: 0, count: levels.count)
      var causes: [String] = []
      for (i, level) in levels.enumerated() where present[i] && i != censorCode {
        causes.append(level)
        position[i] = causes.count
      }
      return (rows.map { position[Int(codes[$0])] }, causes)
    case .bool, .date:
      throw ModelFrameError(
        "status column '\(name)' must hold cause codes (numbers) or labels (strings), "
          + "but it holds \(column.analysisKindNoun)")
    }
  }
}
