import Datasets

/// The arrays `FineGray.fit` reads, from a Fine–Gray model's frame and
/// design matrix (issue 14: a call from a script within 1.2× of its kernel).
///
/// Without a censoring group every row of the frame is used, so the frame's
/// times and status codes and the design's column-major values are already
/// the fit's inputs: they are passed as they are (shared, copy on write)
/// after the finiteness check. Gathering them through a list of used rows,
/// as the censoring-group path must, cost five fresh arrays at 10^6 rows
/// (the row list, times, codes and an n × p copy of the design: some
/// 50 MB of page faults for p = 3) and a tenth of the call. The values are
/// the same either way, so the fit is unchanged bit for bit
/// (`FineGrayInputsTests`).
struct FineGrayInputs {
  let time: [Double]
  let status: [Int]
  /// Column-major n × p.
  let covariates: [Double]
  let censoringGroup: [Int]?
  let censoringGroups: [String]?
}

extension FineGrayAnalysis {
  /// Every row of the frame: its arrays as they are.
  static func inputs(frame: ModelFrame, design: DesignMatrix) throws -> FineGrayInputs {
    let n = frame.count
    try checkRowsUsed(n, censoringGroup: nil)
    let p = design.columnCount
    for j in 0..<p {
      try design.column(j).withUnsafeBufferPointer { column in
        for i in 0..<n where !column[i].isFinite {
          throw nonFinite(frame: frame, design: design, row: i, column: j, value: column[i])
        }
      }
    }
    // `values` holds the columns one after the other (n × p, column-major), the layout the fit reads.
    return FineGrayInputs(
      time: frame.time, status: frame.event, covariates: p == 0 ? [] : design.values, censoringGroup: nil,
      censoringGroups: nil)
  }

  /// With a censoring group (crr's `cengroup`): rows missing it are dropped
  /// like any incomplete row, and the arrays gathered from those kept.
  static func groupedInputs(frame: ModelFrame, design: DesignMatrix, column name: String, dataset: Dataset)
    throws -> FineGrayInputs
  {
    var keep = [Bool](repeating: true, count: frame.count)
    let column = try ColumnLookup.column(name, in: dataset)
    let rows = frame.rows
    for (i, row) in rows.enumerated() where column.isMissing(row) { keep[i] = false }
    let kept = rows.indices.filter { keep[$0] }.map { rows[$0] }
    let coding = Categorical.coding(column, rows: kept, levelRows: kept, keepDeclaredLevels: false)
    let used = keep.indices.filter { keep[$0] }
    try checkRowsUsed(used.count, censoringGroup: name)
    let p = design.columnCount
    let n = used.count
    var covariates = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      let values = design.column(j)
      let base = values.startIndex
      for (i, r) in used.enumerated() {
        let x = values[base + r]
        guard x.isFinite else { throw nonFinite(frame: frame, design: design, row: r, column: j, value: x) }
        covariates[j * n + i] = x
      }
    }
    return FineGrayInputs(
      time: used.map { frame.time[$0] }, status: used.map { frame.event[$0] }, covariates: covariates,
      censoringGroup: coding.codes.map { Int($0) }, censoringGroups: coding.levels.map { "\(name)=\($0)" })
  }

  private static func checkRowsUsed(_ n: Int, censoringGroup: String?) throws {
    guard n > 0 else {
      throw ModelFrameError(
        "no complete rows: the censoring group '\(censoringGroup ?? "")' is missing in every row")
    }
  }

  /// "row 12: covariate 'age' is Inf; covariates must be finite" (`row`: of the frame).
  private static func nonFinite(frame: ModelFrame, design: DesignMatrix, row: Int, column j: Int, value: Double)
    -> ModelFrameError
  {
    ModelFrameError(
      "row \(frame.selection[row] + 1): covariate '\(design.columnNames[j])' is "
        + "\(RValueFormat.number(value)); covariates must be finite")
  }
}
