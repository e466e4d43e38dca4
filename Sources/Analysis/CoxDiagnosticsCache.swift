import Foundation
import Survival

/// What the diagnostics of a fitted Cox model reuse instead of rebuilding
/// it from the dataset on each call (R's `residuals.coxph` and `cox.zph`
/// rebuild the model frame each time): the model frame the fit was computed
/// from (kept by `CoxAnalysis.init`; a frame of complete data shares the
/// dataset's columns), and, once a diagnostic has asked for them, the
/// column-major design matrix (the fit handed its own to the kernel, which
/// released it: a model nobody diagnoses keeps no n × p copy), which the
/// predictions (`predict`, `survfit`, `baseline`, `adjusted_curves`) share
/// (`CoxAnalysis.fittedFrameAndDesign`),
/// the risk-set table (`CoxRiskSets`: one row-major copy of the design,
/// sorted order, risk scores, risk-set sums and hazards) and the
/// martingale residuals. Memory: the design matrix twice (column-major
/// here, row-major in the risk sets) plus a few vectors of n, released with
/// the model's handle. Models with `tt()` terms keep nothing (their fit
/// ran on the expanded data; the diagnostics refuse them as before).
public final class CoxDiagnosticsCache: @unchecked Sendable {
  // Unchecked: `frame` is immutable; the lazily filled values are read and
  // written only under `lock`.
  public let frame: ModelFrame?
  private let lock = NSLock()
  private var design: DesignMatrix?
  private var input: CoxDiagnosticsInput?
  private var riskSets: CoxRiskSets?
  private var martingale: [Double]?

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
