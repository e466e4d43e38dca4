import Foundation
import Survival

/// What the diagnostics of a fitted Cox model reuse instead of rebuilding
/// it from the dataset on each call (R's `residuals.coxph` and `cox.zph`
/// rebuild the model frame each time): the model frame and design matrix
/// the fit was computed from (kept by `CoxAnalysis.init`, so the design
/// matrix is not built again), and, once a diagnostic has asked for them,
/// the risk-set table (`CoxRiskSets`: one row-major copy of the design,
/// sorted order, risk scores, risk-set sums and hazards) and the
/// martingale residuals. Memory: the design matrix twice (column-major
/// here, row-major in the risk sets) plus a few vectors of n, released with
/// the model's handle. Models with `tt()` terms keep nothing (their fit
/// ran on the expanded data; the diagnostics refuse them as before).
public final class CoxDiagnosticsCache: @unchecked Sendable {
  // Unchecked: `frame` and `design` are immutable; the two lazily filled
  // values are read and written only under `lock`.
  public let frame: ModelFrame?
  public let design: DesignMatrix?
  private let lock = NSLock()
  private var input: CoxDiagnosticsInput?
  private var riskSets: CoxRiskSets?
  private var martingale: [Double]?

  init(frame: ModelFrame?, design: DesignMatrix?) {
    self.frame = frame
    self.design = design
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

  /// The risk sets of `input` (which must be the cached frame's), built on first use.
  func riskSets(_ input: CoxDiagnosticsInput) throws -> CoxRiskSets {
    lock.lock()
    defer { lock.unlock() }
    if let riskSets { return riskSets }
    let built = try CoxRiskSets(input)
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
