import Datasets

/// The `Surv()` response of complete, valid data read in one pass per
/// column, with the dataset's arrays used in place where they already hold
/// what the frame needs (issue 14: at 10^6 rows the general path's mask, row
/// list, gathers and conversions cost as much as a Kaplan–Meier fit).
///
/// It answers nil — and `ModelFrame` takes its general path, which gives
/// the same frame and every error — unless every column used has no
/// missing value, times are numbers, finite and ≥ 0 (start < stop for
/// counting-process data), and events are what `ModelFrame.binaryEvents`
/// (0/1, 1/2, false/true) or a small range of whole codes (competing risks)
/// accept. So on the data it accepts it is the general path with every row
/// kept, one pass fused with the check for missing values.
struct CleanResponse {
  let time: [Double]
  let start: [Double]?
  let event: [Int]
  let causes: [String]

  init?(resolver: ColumnResolver, formula: Formula, coding: EventCoding) throws {
    guard resolver.dataset.rowCount > 0 else { return nil }
    let response = formula.response
    guard let time = Self.times(try resolver.column(response.stop)) else { return nil }
    var start: [Double]? = nil
    if let name = response.start {
      guard let values = Self.times(try resolver.column(name)),
        !zip(values, time).contains(where: { !($0 < $1) })
      else { return nil }
      start = values
    }
    let eventColumn = try resolver.column(response.event)
    switch coding {
    case .binary:
      guard let event = Self.binaryEvents(eventColumn) else { return nil }
      self.event = event
      causes = []
    case .competingRisks(let censor):
      guard let (event, causes) = Self.competingEvents(eventColumn, censor: censor) else { return nil }
      self.event = event
      self.causes = causes
    }
    // The other columns used: a missing value there drops rows.
    let responseNames = [response.start, response.stop, response.event].compactMap { $0 }
    for (name, column) in zip(resolver.usedNames, resolver.used) where !responseNames.contains(name) {
      if column.analysisHasMissing { return nil }
    }
    self.time = time
    self.start = start
  }

  /// The times of a numeric column with no value missing, infinite or
  /// negative: a double column itself (no copy).
  static func times(_ column: Column) -> [Double]? {
    switch column {
    case .double(let values):
      // NaN fails both comparisons; one flag over the buffer, no early exit, so the loop vectorises.
      var bad = false
      values.withUnsafeBufferPointer { v in
        for t in v { bad = bad || !(t >= 0 && t <= .greatestFiniteMagnitude) }
      }
      return bad ? nil : values
    case .int(let values):
      // Column.naInt is negative.
      var bad = false
      let doubles = values.map { x -> Double in
        bad = bad || x < 0
        return Double(x)
      }
      return bad ? nil : doubles
    case .factor, .bool, .date:
      return nil
    }
  }

  /// `ModelFrame.binaryEvents` of a column with no missing or invalid
  /// value: an integer column of 0/1 is the events itself (no copy); the
  /// largest value 2 means 1/2 coding (1 censored), as R's `Surv`.
  static func binaryEvents(_ column: Column) -> [Int]? {
    switch column {
    case .int(let values):
      // Bit v set for each value v in 0...2, bit 3 for anything else (NA
      // is Int.min): one OR over the buffer, which vectorises.
      let seen = valuesSeen(values, below: 3)
      let hasZero = seen & 1 != 0, hasTwo = seen & 4 != 0
      if seen & 8 != 0 || (hasZero && hasTwo) { return nil }
      return hasTwo ? values.map { $0 - 1 } : values
    case .double(let values):
      var outside = false, hasZero = false, hasTwo = false
      values.withUnsafeBufferPointer { v in
        for x in v {
          outside = outside || !(x == 0 || x == 1 || x == 2)
          hasZero = hasZero || x == 0
          hasTwo = hasTwo || x == 2
        }
      }
      if outside || (hasZero && hasTwo) { return nil }
      let shift = hasTwo ? 1 : 0
      return values.map { Int($0) - shift }
    case .bool(let values):
      var outside = false
      let events = values.map { x -> Int in
        outside = outside || x > 1
        return Int(x)
      }
      return outside ? nil : events
    case .factor, .date:
      return nil
    }
  }

  /// `ModelFrame.competingEvents` of an integer status column with no
  /// missing value whose codes span a small range: each row's code through
  /// a table over the range; the column itself when the codes are already
  /// the frame's (censoring 0, causes 1, 2, ... all present).
  static func competingEvents(_ column: Column, censor: StatusValue?) -> ([Int], [String])? {
    guard case .int(let values) = column else { return nil }
    let censorCode: Double
    switch censor {
    case nil: censorCode = 0
    case .code(let c): censorCode = c
    case .label(let text):
      guard let c = Double(text) else { return nil }
      censorCode = c
    }
    var low = Int.max, high = Int.min
    // Codes in 0..<63 (the usual 0, 1, 2) are seen in one pass.
    let seen = valuesSeen(values, below: 63)
    if seen & (1 << 63) == 0 {
      low = seen.trailingZeroBitCount
      high = 63 - seen.leadingZeroBitCount
    } else {
      values.withUnsafeBufferPointer { v in
        for x in v {
          low = min(low, x)
          high = max(high, x)
        }
      }
    }
    // Column.naInt is Int.min; codes as doubles are exact below 2^53.
    let limit = 1 << 52
    guard low > -limit, high < limit, high - low <= ModelFrame.denseStatusRange else { return nil }
    var present = [Bool](repeating: false, count: high - low + 1)
    if seen & (1 << 63) == 0 {
      for k in present.indices { present[k] = seen & (1 << UInt64(low + k)) != 0 }
    } else {
      values.withUnsafeBufferPointer { v in
        for x in v { present[x - low] = true }
      }
    }
    var position = [Int](repeating: 0, count: present.count)
    var causeCodes: [Double] = []
    var identity = true
    for k in present.indices where present[k] {
      let code = Double(low + k)
      if code != censorCode {
        causeCodes.append(code)
        position[k] = causeCodes.count
      }
      identity = identity && position[k] == low + k
    }
    let causes = causeCodes.map(RValueFormat.number)
    if identity { return (values, causes) }
    return (values.map { position[$0 - low] }, causes)
  }
}

/// Bit v set for each value v in 0..<limit that occurs, bit `limit` for
/// any other value (limit at most 63): one OR over the buffer, no branch.
func valuesSeen(_ values: [Int], below limit: Int) -> UInt64 {
  var seen: UInt64 = 0
  let cap = UInt(limit)
  values.withUnsafeBufferPointer { v in
    for x in v { seen |= 1 << UInt64(min(UInt(bitPattern: x), cap)) }
  }
  return seen
}

extension Column {
  /// Whether any value is missing: one pass over the buffer, no early exit.
  var analysisHasMissing: Bool {
    var missing = false
    switch self {
    case .double(let v): v.withUnsafeBufferPointer { for x in $0 { missing = missing || x.isNaN } }
    case .int(let v): v.withUnsafeBufferPointer { for x in $0 { missing = missing || x == Column.naInt } }
    case .factor(let c, _): c.withUnsafeBufferPointer { for x in $0 { missing = missing || x < 0 } }
    case .bool(let v): v.withUnsafeBufferPointer { for x in $0 { missing = missing || x == Column.naBool } }
    case .date(let v): v.withUnsafeBufferPointer { for x in $0 { missing = missing || x == Column.naDate } }
    }
    return missing
  }
}
