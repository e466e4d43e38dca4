import FuzzDriver
import RunControl

@testable import Datasets

/// The conversions of text columns (issue 15), fed the CSV target's input
/// as one text per line: `as_number`, `as_date` in the format the first
/// byte picks, and `cut` of the numbers read. Properties beyond "no trap":
/// the strict conversion gives the loose one's column or a
/// `ColumnArgumentError` (never another error, never a different column);
/// every number read comes back from its shortest text (`CSVWriter`); every
/// date read comes back from its text in the same format; every cut code
/// lies within the intervals, and a value inside the breaks has one.
func checkConversions(_ first: UInt8, _ body: [UInt8]) {
  let lines = body.split(separator: 10, omittingEmptySubsequences: false).prefix(64)
  var levels: [String] = []
  var codes: [Int32] = []
  for line in lines {
    let text = String(decoding: line, as: UTF8.self)
    if let k = levels.firstIndex(of: text) {
      codes.append(Int32(k))
    } else {
      codes.append(Int32(levels.count))
      levels.append(text)
    }
  }
  let column = Column.factor(codes: codes, levels: levels)
  RunWarnings.withSink({ _ in }) {
    checkNumbers(column)
    checkDates(column, format: ["%Y-%m-%d", "%d/%m/%Y", "%d%b%Y", "%y-%m-%d"][Int(first >> 6)])
  }
}

private func checkNumbers(_ column: Column) {
  guard let loose = try? column.asNumber(strict: false) else { fuzzFailure("as_number{strict = false} threw") }
  agree(Result { try column.asNumber() }, loose, "as_number")
  let values = loose.asDoubles()
  for x in values where !x.isNaN {
    let text = CSVWriter.formatDouble(x)
    guard let back = Column.parseNumber(text), back.bitPattern == x.bitPattern || (x == 0 && back == 0) else {
      fuzzFailure("as_number(\"\(text)\") does not give back \(x)")
    }
  }
  let finite = Array(Set(values.filter(\.isFinite))).sorted()
  guard finite.count >= 2 else { return }
  let breaks = Array(finite.prefix(8))
  for right in [true, false] {
    guard case .factor(let cut, let labels)? = try? loose.cut(.values(breaks), right: right, includeLowest: true)
    else { fuzzFailure("cut at \(breaks) failed") }
    guard labels.count == breaks.count - 1 else { fuzzFailure("cut gave \(labels.count) labels for \(breaks)") }
    for (i, c) in cut.enumerated() {
      let x = values[i]
      if c >= Int32(labels.count) { fuzzFailure("cut code \(c) of \(x) beyond \(labels.count) intervals") }
      let inside = x >= breaks[0] && x <= breaks[breaks.count - 1]
      if inside != (c >= 0) { fuzzFailure("cut of \(x) at \(breaks) gave code \(c)") }
    }
  }
  _ = try? loose.cut(.count(1 + Int(finite.count % 7) + 1))
  _ = try? loose.quantileGroups(2 + finite.count % 4)
}

private func checkDates(_ column: Column, format pattern: String) {
  guard let format = try? DateFormat(pattern) else { fuzzFailure("the date format \(pattern) does not compile") }
  guard let loose = try? column.asDate(format: format, strict: false) else {
    fuzzFailure("as_date{strict = false} threw")
  }
  agree(Result { try column.asDate(format: format) }, loose, "as_date")
  guard case .date(let days) = loose else { fuzzFailure("as_date did not give dates") }
  for d in days where d != Column.naDate {
    let text = format.format(d)
    if format.parse(text) != d { fuzzFailure("date \(d) written \"\(text)\" in \(pattern) does not read back") }
  }
  _ = try? loose.asString(dateFormat: format)
  _ = try? loose.datePart(.year)
  _ = try? loose.addingDays(.scalar(.int(Int(Int32.max))))
}

/// The strict conversion equals the loose one, or fails with the error of
/// its argument.
private func agree(_ strict: Result<Column, Error>, _ loose: Column, _ name: String) {
  switch strict {
  case .success(let c):
    // Doubles bit for bit (NaN is NA on both sides); other kinds by value.
    let same = c.kind == loose.kind
      && (c.kind == .double
        ? c.asDoubles().elementsEqual(loose.asDoubles()) { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
        : c == loose)
    if !same { fuzzFailure("\(name): the strict and loose conversions differ") }
  case .failure(let e):
    if !(e is ColumnArgumentError) { fuzzFailure("\(name) threw \(e)") }
  }
}
