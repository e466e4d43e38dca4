/// Calendar parts of date columns and moving dates by days.
extension Column {
  /// Which part of a date `datePart` reads.
  public enum DatePart: String, Sendable, CaseIterable {
    case year, month, day
  }

  /// The year, month (1–12) or day of the month (1–31) of each date, as an
  /// int column (R's `as.integer(format(d, "%Y"))`, ...); NA for NA.
  public func datePart(_ part: DatePart) throws -> Column {
    guard case .date(let v) = self else {
      throw ColumnArgumentError("x", "a date column expected, got \(kind.columnPhrase)")
    }
    return .int(v.map { d in
      guard d != Column.naDate else { return Column.naInt }
      let c = CalendarDate.components(days: d)
      switch part {
      case .year: return c.year
      case .month: return c.month
      case .day: return c.day
      }
    })
  }

  /// Each date moved by `days` (a whole number, or a number column of them,
  /// one per row): R's `d + n`. NA in either gives NA; a date moved outside
  /// what a date column holds (±5.8 million years) is an error naming the
  /// row.
  public func addingDays(_ days: Operand) throws -> Column {
    guard case .date(let v) = self else {
      throw ColumnArgumentError("x", "a date column expected, got \(kind.columnPhrase)")
    }
    // One number for every row, or one per row.
    var constant = Double.nan
    var perRow: [Double] = []
    switch days {
    case .scalar(.int(let n)): constant = Double(n)
    case .scalar(.double(let x)): constant = x
    case .scalar(.missing): break
    case .column(let c):
      guard c.count == v.count else {
        throw ColumnArgumentError("days", "a column of \(v.count) rows expected, got \(c.count) rows")
      }
      guard c.kind == .int || c.kind == .double else {
        throw ColumnArgumentError("days", "a number or number column expected, got \(c.kind.columnPhrase)")
      }
      perRow = c.asDoubles()
    case .scalar(let s):
      throw ColumnArgumentError("days", "a number or number column expected, got \(s)")
    }
    let byRow = !perRow.isEmpty
    var out = [Int32](repeating: Column.naDate, count: v.count)
    for i in 0..<v.count where v[i] != Column.naDate {
      let n = byRow ? perRow[i] : constant
      if n.isNaN { continue }
      guard n == n.rounded(), abs(n) < 1e10 else {
        throw ColumnArgumentError("days", "row \(i + 1): a date moves by whole days, got \(RNumberText.asCharacter(n))")
      }
      guard let moved = Int32(exactly: Int(v[i]) + Int(n)), moved != Column.naDate else {
        throw ColumnArgumentError(
          "days", "row \(i + 1): \(CalendarDate.formatISO(v[i])) moved by \(Int(n)) days is outside the dates a "
            + "column holds")
      }
      out[i] = moved
    }
    return .date(out)
  }
}
