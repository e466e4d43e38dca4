/// What a forest plot of hazard ratios shows: one row per model term (or
/// factor level), with its estimate and confidence interval on a log axis.
public struct ForestPlotData: Equatable, Sendable {
  public var rows: [ForestRow]
  public var title: String?
  /// The confidence level of the intervals, printed in the column header
  /// ("HR (95% CI)").
  public var confidenceLevel: Double

  public init(rows: [ForestRow], title: String? = nil, confidenceLevel: Double = 0.95) {
    self.rows = rows
    self.title = title
    self.confidenceLevel = confidenceLevel
  }
}

/// One row of a forest plot.
///
/// A factor with levels contributes one row per level: the reference level
/// with `isReference = true` (drawn as "reference", no estimate) and the
/// others with their hazard ratio against it. Rows sharing a `variable` are
/// grouped under that name, which is printed once, as survminer's `ggforest`
/// does; numeric covariates leave `variable` nil and use `label` alone.
public struct ForestRow: Equatable, Sendable {
  public var variable: String?
  public var label: String
  public var hazardRatio: Double?
  public var lower: Double?
  public var upper: Double?
  public var pValue: Double?
  public var isReference: Bool

  public init(
    variable: String? = nil, label: String, hazardRatio: Double?, lower: Double?, upper: Double?,
    pValue: Double?, isReference: Bool = false
  ) {
    self.variable = variable
    self.label = label
    self.hazardRatio = hazardRatio
    self.lower = lower
    self.upper = upper
    self.pValue = pValue
    self.isReference = isReference
  }

  /// A factor's reference level.
  public static func reference(variable: String? = nil, label: String) -> ForestRow {
    ForestRow(
      variable: variable, label: label, hazardRatio: nil, lower: nil, upper: nil, pValue: nil,
      isReference: true)
  }
}
