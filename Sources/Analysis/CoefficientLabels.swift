/// The label of one design-matrix column of a regression (a Cox or a
/// Fine–Gray model): R's coefficient name and the term, variable and factor
/// level it codes.
public struct CoefficientLabel: Sendable, Equatable {
  /// R's coefficient name (`names(coef(fit))`): `age`, `rxLev+5FU`,
  /// `celltypesmallcell`, `age:sex`.
  public let name: String
  /// The label of the formula term the column belongs to (`rx`, `age:sex`).
  public let term: String
  /// The formula variable (`rx`, `factor(ecog)`); for an interaction, its
  /// variables joined by `:`.
  public let variable: String
  /// The factor level of the column (`Lev+5FU`); nil for numeric covariates
  /// and interactions.
  public let level: String?
  /// The factor's reference level (`Obs`) for a factor column; else nil.
  public let referenceLevel: String?

  /// The label of each design column, from the term it belongs to.
  static func labels(design: DesignMatrix, frame: ModelFrame) -> [CoefficientLabel] {
    var out: [CoefficientLabel] = []
    for (k, term) in frame.formula.terms.enumerated() {
      let range = design.termColumns[k]
      let variable = term.variables.map(\.plainLabel).joined(separator: ":")
      var levels: [String]? = nil
      if term.variables.count == 1, case .categorical(let coding)? = frame.covariate(term.variables[0]),
        coding.levels.count == range.count + 1
      {
        levels = coding.levels
      }
      for (offset, j) in range.enumerated() {
        out.append(CoefficientLabel(
          name: design.columnNames[j], term: term.label, variable: variable,
          level: levels.map { $0[offset + 1] }, referenceLevel: levels?.first))
      }
    }
    return out
  }
}
