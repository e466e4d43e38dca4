/// Why per-subject survival buffers were rejected.
///
/// Indices are 0-based positions in the buffers the caller passed; the
/// Analysis layer maps them back to dataset rows.
public enum SurvivalInputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No subjects at all.
  case empty
  /// A buffer whose length differs from `time`'s.
  case lengthMismatch(argument: String, expected: Int, actual: Int)
  /// A time that is negative, NaN or infinite.
  case invalidTime(argument: String, index: Int, value: Double)
  /// A delayed-entry interval whose entry is not before its exit.
  case entryNotBeforeExit(index: Int, entry: Double, exit: Double)
  /// An event indicator other than 0 or 1.
  case invalidEvent(index: Int, value: Double)
  /// A weight that is negative, NaN or infinite.
  case invalidWeight(index: Int, value: Double)
  /// A group index outside `0..<groupCount`.
  case invalidGroup(index: Int, value: Int, groupCount: Int)
  /// A competing-risks status code outside `0...causeCount` (0 censored,
  /// c ≥ 1 an event of cause c).
  case invalidStatus(index: Int, value: Int, causeCount: Int)
  /// A negative code where 0-based codes are expected (status, group,
  /// stratum or censoring group of the competing-risks estimators).
  case negativeCode(argument: String, index: Int, value: Int)
  /// A matrix or vector whose size does not follow from its dimensions
  /// (`shape` says which: `n × p, column-major`, `p`, `n × n`).
  case shapeMismatch(argument: String, shape: String, expected: Int, actual: Int)
  /// More subjects than the kernels' 31-bit row indices address.
  case tooManyRows(count: Int, limit: Int)
  /// An option outside its domain (confidence level, quantile probability, ...).
  case invalidOption(String)

  /// The most rows a kernel indexes: row numbers travel in 31 bits (a sort
  /// key's top bit carries a flag; the concordance packs ranks beside them).
  public static let rowLimit = Int(Int32.max) - 1

  /// Throws `tooManyRows` when `count` exceeds `rowLimit`.
  static func checkRowCount(_ count: Int) throws {
    if count > rowLimit { throw SurvivalInputError.tooManyRows(count: count, limit: rowLimit) }
  }

  public var description: String {
    switch self {
    case .empty:
      return "no subjects: the survival data are empty"
    case let .lengthMismatch(argument, expected, actual):
      return "'\(argument)' has \(actual) values but 'time' has \(expected)"
    case let .invalidTime(argument, index, value):
      return "'\(argument)' at index \(index) is \(value); times must be finite and non-negative"
    case let .entryNotBeforeExit(index, entry, exit):
      return "entry time \(entry) is not before exit time \(exit) at index \(index)"
    case let .invalidEvent(index, value):
      return "'event' at index \(index) is \(value); events must be 0 (censored) or 1 (event)"
    case let .invalidWeight(index, value):
      return "'weights' at index \(index) is \(value); weights must be finite and non-negative"
    case let .invalidGroup(index, value, groupCount):
      return "'group' at index \(index) is \(value); groups must be in 0..<\(groupCount)"
    case let .invalidStatus(index, value, causeCount):
      return "'status' at index \(index) is \(value); status codes must be in 0...\(causeCount) "
        + "(0 censored, c an event of cause c)"
    case let .negativeCode(argument, index, value):
      return "'\(argument)' at index \(index) is \(value); codes must be 0 or more"
    case let .shapeMismatch(argument, shape, expected, actual):
      return "'\(argument)' has \(actual) values; as \(shape) it needs \(expected)"
    case let .tooManyRows(count, limit):
      return "\(count) rows: at most \(limit) rows can be analysed at once"
    case let .invalidOption(message):
      return message
    }
  }
}
