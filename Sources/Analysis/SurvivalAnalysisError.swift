/// Why a survival analysis cannot run on a formula or its options, as
/// opposed to the data (`ModelFrameError`) or the formula's syntax
/// (`FormulaError`): no groups to compare, delayed entry where a method needs
/// right-censored data, an option out of range, a time outside follow-up.
public struct SurvivalAnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
