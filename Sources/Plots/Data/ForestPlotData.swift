/// What a forest plot of hazard ratios shows: one row per model term (or
/// factor level), with its estimate and confidence interval on a log axis.
public struct ForestPlotData: Equatable, Sendable {
  public var rows: [ForestRow]
  public var title: String?
  /// The confidence level of the intervals, printed in the column header
  /// ("HR (95% CI)").
  public var confidenceLevel: Double
  /// Text columns between the labels and the estimates (a subgroup plot's
  /// n/events per arm), one cell per row.
  public var columns: [ForestTextColumn] = []
  /// The header of the p column ("p"; "p interaction" for subgroups).
  public var pHeader = "p"
  /// Labels under the axis, left and right of 1 ("favours Lev+5FU",
  /// "favours Obs"), as CONSORT subgroup plots show them.
  public var favoursLeft: String?
  public var favoursRight: String?

  public init(rows: [ForestRow], title: String? = nil, confidenceLevel: Double = 0.95) {
    self.rows = rows
    self.title = title
    self.confidenceLevel = confidenceLevel
  }
}

/// A column of text in a forest plot: its header and one cell per row.
public struct ForestTextColumn: Equatable, Sendable {
  public var header: String
  public var cells: [String]

  public init(header: String, cells: [String]) {
    self.header = header
    self.cells = cells
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
  /// The estimate column's text when it is not the estimate's ("no HR").
  public var note: String?

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
