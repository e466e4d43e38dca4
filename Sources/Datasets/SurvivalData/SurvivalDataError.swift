/// A mistake in the input of a survival-data helper (`survsplit`,
/// `tmerge`, `landmark`): which argument it concerns, and the text.
///
/// The binding layer turns it into `bad argument #n to 'f' (...)`: an
/// `option` error names the key (`option 'cut': ...`), a `data` error is
/// the dataset argument's (a row whose times are wrong), an `argument`
/// error is the n-th argument's (counted as the script counts).
public enum SurvivalDataError: Error, Equatable, CustomStringConvertible {
  case option(String, String)
  case data(String)
  case argument(Int, String)

  public var description: String {
    switch self {
    case .option(let key, let message): return "option '\(key)': \(message)"
    case .data(let message): return message
    case .argument(_, let message): return message
    }
  }
}
