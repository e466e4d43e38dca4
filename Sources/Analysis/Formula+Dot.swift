import Datasets

extension Formula {
  /// `Surv(time, status) ~ .` as R's `terms(formula, data = d)` reads it:
  /// the `.` stands for every column of the dataset that the formula does
  /// not otherwise use as the response, and (unlike R, which keeps them)
  /// not the `strata()`, `cluster()`, `offset()` or weights columns either,
  /// so that `~ . + strata(sex)` does not fit `sex` twice. Columns already
  /// written on the right (`~ . + log(bili)`) stay, as in R. The formula
  /// keeps the text as written; its terms are those of the expanded text.
  /// Without a `.`, the formula itself.
  public func resolvingDot(in dataset: Dataset, weights: String?) throws -> Formula {
    guard let position = dotPosition else { return self }
    var excluded = Set(response.columnNames + strata + offsets)
    if let cluster { excluded.insert(cluster) }
    if let weights { excluded.insert(weights) }
    let names = dataset.names.filter { !excluded.contains($0) }
    guard !names.isEmpty else {
      throw FormulaError(
        formula: text, position: position, message: "'.' stands for no column: the dataset has no other column")
    }
    if let bad = names.first(where: { $0.contains("`") }) {
      throw FormulaError(
        formula: text, position: position,
        message: "'.' cannot include column '\(bad)': a name with a backquote cannot be written in a formula")
    }
    let chars = Array(text)
    let expansion = "(" + names.map(FormulaVariable.deparse).joined(separator: " + ") + ")"
    let expanded = String(chars[..<(position - 1)]) + expansion + String(chars[position...])
    let parsed = try Formula(parsing: expanded)
    return Formula(
      text: text, response: parsed.response, terms: parsed.terms, strata: parsed.strata,
      cluster: parsed.cluster, offsets: parsed.offsets, strataPosition: parsed.strataPosition,
      removedColumns: parsed.removedColumns)
  }
}
