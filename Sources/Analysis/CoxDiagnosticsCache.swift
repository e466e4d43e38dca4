import Foundation
import Survival

/// What the diagnostics of a fitted Cox model reuse instead of rebuilding
/// it from the dataset on each call (R's `residuals.coxph` and `cox.zph`
/// rebuild the model frame each time): the model frame the fit was computed
/// from (kept by `CoxAnalysis.init`; a frame of complete data shares the
/// dataset's columns); once asked for, the design as column arrays
/// (`columnDesign`: the dataset's own numeric columns and the indicator and
/// product columns, read in place by the diagnostics and by the fitted rows'
/// lp and risk: `CoxAnalysis.fittedFrameAndColumns`) and the column-major
/// design matrix (built only by the predictions that read it row by row:
/// `predict` of expected or survival, `survfit`, `baseline`,
/// `adjusted_curves`, through `CoxAnalysis.fittedFrameAndDesign`; the fit
/// handed its own to the kernel, which released it); the risk-set table
/// (`CoxRiskSets`: one row-major copy of the design, sorted order, risk
/// scores, risk-set sums and hazards); the martingale residuals; and the row
/// numbers of the per-row residual datasets (made with the fit, as R's fit
/// keeps its residuals' names). Memory of a diagnosed model: the indicator
/// columns, the row-major copy in the risk sets and a few vectors of n,
/// released with the model's handle (plus the column-major matrix once such
/// a prediction asked for it). Models with `tt()` terms keep nothing (their
/// fit ran on the expanded data; the diagnostics refuse them as before).
public final class CoxDiagnosticsCache: @unchecked Sendable {
  // Unchecked: `frame` is immutable; the lazily filled values are read and
  // written only under `lock`.
  public let frame: ModelFrame?
  private let lock = NSLock()
  private var design: DesignMatrix?
  private var columnDesign: DesignMatrix?
  private var input: CoxDiagnosticsInput?
  private var riskSets: CoxRiskSets?
  private var martingale: [Double]?
  private var rowNumbers: [Int]?

  init(frame: ModelFrame?) {
    self.frame = frame
  }

  /// The design matrix of the cached frame, built by `make` on first use.
  func design(_ make: () throws -> DesignMatrix) rethrows -> DesignMatrix {
    lock.lock()
    defer { lock.unlock() }
    if let design { return design }
    let built = try make()
    design = built
    return built
  }

  /// The design of the cached frame for the passes that read it column by column (the diagnostics, the
  /// fitted rows' lp and risk): the column-major matrix when a prediction built it already, else the
  /// design as column arrays (`DesignMatrix(columnArrays:)`: a numeric variable is the dataset's own
  /// column, so only indicator and product columns are made), built by `make` on first use.
  func columnDesign(_ make: () throws -> DesignMatrix) rethrows -> DesignMatrix {
    lock.lock()
    defer { lock.unlock() }
    if let design { return design }
    if let columnDesign { return columnDesign }
    let built = try make()
    columnDesign = built
    return built
  }

  /// Whether the design matrix has been built (by a diagnostic or a prediction).
  var hasDesign: Bool {
    lock.lock()
    defer { lock.unlock() }
    return design != nil
  }

  /// The kernels' view of the frame and design (`make` builds it on first use: the status as doubles).
  func input(_ make: () -> CoxDiagnosticsInput) -> CoxDiagnosticsInput {
    lock.lock()
    defer { lock.unlock() }
    if let input { return input }
    let built = make()
    input = built
    return built
  }

  /// The risk sets of `input` (which must be the cached frame's), built on first use; `sortedRows`, the
  /// fit's order of the rows (`CoxFit.sortedRows`), saves their sort.
  func riskSets(_ input: CoxDiagnosticsInput, sortedRows: [Int]? = nil) throws -> CoxRiskSets {
    lock.lock()
    defer { lock.unlock() }
    if let riskSets { return riskSets }
    let built = try CoxRiskSets(input, sortedRows: sortedRows)
    riskSets = built
    return built
  }

  /// The row numbers 1 … count (the `row` column of every per-row residual dataset), built once per
  /// model and shared by the datasets (R's fit keeps its residuals' names the same way).
  func rowNumbers(count: Int) -> [Int] {
    lock.lock()
    defer { lock.unlock() }
    if let rowNumbers, rowNumbers.count == count { return rowNumbers }
    let built = [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
      for i in 0..<count { (buffer.baseAddress.unsafelyUnwrapped + i).initialize(to: i + 1) }
      initialized = count
    }
    rowNumbers = built
    return built
  }

  /// The martingale residuals per frame row, computed by `compute` on first use.
  func martingale(_ compute: () throws -> [Double]) rethrows -> [Double] {
    lock.lock()
    defer { lock.unlock() }
    if let martingale { return martingale }
    let values = try compute()
    martingale = values
    return values
  }
}
