import Datasets

/// The columns of a parsed file, as R's haven 2.5 reads them then
/// `as_factor` turns value labels into factors:
///
/// - text: a string column, levels sorted (as `read_csv`); empty text NA;
/// - numbers with a date format (`TemporalFormat`): a date column; with a
///   date-time format the calendar day (UTC) or, with
///   `dateTimesAsSeconds`, seconds since 1970-01-01 (R's POSIXct); a
///   column's `columnTypes` entry wins ("date": the day, "double": the
///   seconds); times stay seconds;
/// - numbers with value labels (Stata, SPSS): a string column whose levels
///   are the values in increasing order, each shown by its label where it
///   has one and by the number where not, every label a level even when no
///   row has it (haven's `as_factor(levels = "default")`); the codes are
///   kept in `ColumnAttributes.valueLabels`; missing values are NA, a
///   special missing value with its code kept in the factor code
///   (`Column.factorCode(missing:)`) so that `d:missing_codes` finds it;
/// - Stata byte/int/long: int columns (double when a tagged missing value
///   `.a`–`.z` needs the tag);
/// - other numbers: double; special missing values (SAS `.A`–`.Z`, `._`,
///   Stata `.a`–`.z`, SPSS user-missing codes) are NA whose code is kept.
struct StatColumnAssembly {
  let state: ReadState

  func dataset() throws -> Dataset {
    let rows = state.builders.map(\.count).max() ?? 0
    var names: [String] = []
    var columns: [Column] = []
    var attributes = DatasetAttributes(label: state.fileLabel)
    for b in state.builders {
      b.pad(to: rows)
      var a = ColumnAttributes(label: b.label, format: b.format)
      columns.append(try column(b, attributes: &a))
      names.append(b.name)
      attributes.columns[b.name] = a
    }
    if let select = state.options.select {
      if let absent = select.first(where: { !names.contains($0) }) {
        throw DatasetError.invalid(
          "select: no column '\(absent)' in '\(state.path)' (columns: \(state.allNames.joined(separator: ", ")))")
      }
      let order = select.compactMap { names.firstIndex(of: $0) }
      names = order.map { names[$0] }
      columns = order.map { columns[$0] }
    }
    var d = try Dataset(names: names, columns: columns, attributes: attributes)
    d = try StatColumnTypes.apply(state.options, to: d, path: state.path)
    return d
  }

  private func column(_ b: ColumnBuilder, attributes a: inout ColumnAttributes) throws -> Column {
    switch b.storage {
    case .text:
      if let set = b.labelSet, let labels = state.valueLabels[set], !labels.isEmpty,
        state.options.valueLabelsAsFactors
      {
        a.valueLabels = labels
        return labelledText(b, labels)
      }
      return sortedFactor(codes: b.codes, levels: b.levels)
    case .number:
      if let set = b.labelSet, let labels = state.valueLabels[set], !labels.isEmpty {
        a.valueLabels = labels
        a.missingCodes = b.missingCodes
        if state.options.valueLabelsAsFactors { return labelledNumbers(b.numbers, labels) }
      }
      a.missingCodes = b.missingCodes
      switch TemporalFormat.of(b.format, in: state.format) {
      case .date?: return dates(b.numbers, secondsPerUnit: 86_400, unitIsDay: true)
      case .dateInSeconds?: return dates(b.numbers, secondsPerUnit: 1, unitIsDay: false)
      case .dateTime(let unit)?:
        // A column's own type wins over the file-wide `datetimes`: "date" is the calendar day even with
        // datetimes = "seconds" (the seconds converted as days were 86,400 times too late), "double" the
        // seconds even with datetimes = "date" (not the day number of the day).
        let forced = state.options.columnTypes[b.name]
        if forced == .double || (state.options.dateTimesAsSeconds && forced != .date) {
          let shift = Double(state.format.epochDays) * 86_400
          return .double(b.numbers.map { $0.isNaN ? $0 : $0 * unit + shift })
        }
        return dates(b.numbers, secondsPerUnit: unit, unitIsDay: false)
      case .time?, nil:
        break
      }
      if b.isInteger, b.missingCodes.isEmpty {
        return .int(b.numbers.map { $0.isNaN ? Column.naInt : Int($0) })
      }
      return .double(b.numbers)
    }
  }

  /// Days since 1970-01-01 from numbers counted from the format's epoch:
  /// whole days (`unitIsDay`), or `secondsPerUnit`-second units whose day
  /// is the floor. A value outside the date range is NA.
  private func dates(_ values: [Double], secondsPerUnit: Double, unitIsDay: Bool) -> Column {
    let epoch = Double(state.format.epochDays)
    return .date(values.map { x in
      guard x.isFinite else { return Column.naDate }
      let days = (unitIsDay ? x.rounded(.down) : (x * secondsPerUnit / 86_400).rounded(.down)) + epoch
      guard let d = Int32(exactly: days), d != Column.naDate else { return Column.naDate }
      return d
    })
  }

  private func sortedFactor(codes: [Int32], levels: [String]) -> Column {
    let order = levels.indices.sorted { levels[$0] < levels[$1] }
    var remap = [Int32](repeating: -1, count: levels.count)
    for (new, old) in order.enumerated() { remap[old] = Int32(new) }
    return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: order.map { levels[$0] })
  }

  private func labelledNumbers(_ values: [Double], _ labels: [ValueLabel]) -> Column {
    var labelOf: [Double: String] = [:]
    for l in labels { if case .number(let x) = l.code { labelOf[x] = labelOf[x] ?? l.label } }
    var distinct = Set<Double>(labelOf.keys)
    for x in values where !x.isNaN { distinct.insert(x) }
    let sorted = distinct.sorted()
    var levels: [String] = []
    var levelOfText: [String: Int32] = [:]
    var codeOf: [Double: Int32] = [:]
    for x in sorted {
      let text = labelOf[x] ?? RNumberText.asCharacter(x)
      if let known = levelOfText[text] {
        codeOf[x] = known
      } else {
        let code = Int32(truncatingIfNeeded: levels.count)
        levels.append(text)
        levelOfText[text] = code
        codeOf[x] = code
      }
    }
    return .factor(codes: values.map { x in
      guard x.isNaN else { return codeOf[x] ?? -1 }
      // A special missing value keeps its code k as factor code -1 - k (`Column.factorMissingCode`).
      guard let k = Column.missingCode(of: x) else { return -1 }
      return Column.factorCode(missing: k)
    }, levels: levels)
  }

  private func labelledText(_ b: ColumnBuilder, _ labels: [ValueLabel]) -> Column {
    var labelOf: [String: String] = [:]
    for l in labels { if case .text(let s) = l.code { labelOf[s] = labelOf[s] ?? l.label } }
    let shown = b.levels.map { labelOf[$0] ?? $0 }
    var all = Set(shown)
    for l in labelOf.values { all.insert(l) }
    let levels = all.sorted()
    let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
    let remap = shown.map { index[$0] ?? -1 }
    return .factor(codes: b.codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: levels)
  }
}
