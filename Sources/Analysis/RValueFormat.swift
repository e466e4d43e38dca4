import Datasets

/// Text of values as R writes them in factor levels and labels. Dates are
/// `CalendarDate.formatISO` (Datasets), which is R's `as.character` of a `Date`.
enum RValueFormat {
  /// R's `as.character` of a double (`RNumberText.asCharacter`, in Datasets
  /// so that the column functions write numbers the same way).
  static func number(_ x: Double) -> String { RNumberText.asCharacter(x) }
}
