/// Why per-subject survival buffers were rejected.
///
/// Indices are 0-based positions in the buffers the caller passed; the
/// Analysis layer maps them back to dataset rows.
public enum SurvivalInputError: Error, Equatable, CustomStringConvertible {
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
  /// An option outside its domain (confidence level, quantile probability, ...).
  case invalidOption(String)

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
    case let .invalidOption(message):
      return message
    }
  }
}
