/// A formula that does not parse: where, and what was expected there.
///
/// `description` reads
/// `formula 'Surv(t, e) ~ a +': expected a term at position 16`.
/// Positions count characters from 1; a problem at the end of the text is
/// reported at its last non-blank character.
public struct FormulaError: Error, Sendable, Equatable, CustomStringConvertible {
  public let formula: String
  public let position: Int
  public let message: String

  public init(formula: String, position: Int, message: String) {
    self.formula = formula
    self.position = position
    self.message = message
  }

  public var description: String {
    // A formula pasted from a file can be huge: quote its start only.
    let quoted = formula.count > 120 ? String(formula.prefix(100)) + "…" : formula
    return "formula '\(quoted)': \(message) at position \(position)"
  }
}

/// A dataset that does not fit a formula: an unknown column, a column of the
/// wrong type, or a bad value (the message names the 1-based row of the
/// original dataset and the column).
public struct ModelFrameError: Error, Sendable, Equatable, CustomStringConvertible {
  public let message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }

  /// A censoring type other than right-censoring, which only survreg() fits.
  static func survType(_ type: String) -> ModelFrameError {
    ModelFrameError(
      "Surv(..., type = \"\(type)\") is fitted by survreg() only; this analysis needs right-censored data")
  }
}
