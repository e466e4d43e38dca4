import Survival

extension CoxAnalysis {
  /// The data of the fit as the diagnostics (`CoxResiduals`, `CoxZphAnalysis`) read it.
  struct DiagnosticsData {
    let frame: ModelFrame
    let design: DesignMatrix
    let input: CoxDiagnosticsInput
    /// Whether frame and design are the fit's own (kept in `diagnosticsCache`).
    let cached: Bool
    let cache: CoxDiagnosticsCache
    /// The fit's order of the frame's rows (`CoxFit.sortedRows`).
    let sortedRows: [Int]?

    /// The model's risk sets, built once per model when the frame is the
    /// fit's (in the fit's own sorted order); nil otherwise (the kernel then builds its own).
    func riskSets() throws -> CoxRiskSets? {
      cached ? try cache.riskSets(input, sortedRows: sortedRows) : nil
    }
  }

  /// The fit's model frame and (built once) design matrix from the cache, or, for a model
  /// that kept none (tt() terms), prepared again from the dataset, which
  /// gives the same errors as before.
  func diagnosticsData() throws -> DiagnosticsData {
    let frame: ModelFrame
    let design: DesignMatrix
    let cached: Bool
    if let f = diagnosticsCache.frame {
      (frame, design, cached) = (f, try diagnosticsCache.design { try DesignMatrix(frame: f) }, true)
    } else {
      let prepared = try Self.prepare(dataset: dataset, formula: formula, options: options)
      (frame, design, cached) = (prepared.frame, prepared.design, false)
    }
    let make = {
      CoxDiagnosticsInput(
        start: frame.start, stop: frame.time, status: frame.eventDoubles, covariates: design.values,
        columns: design.columnCount, weights: frame.weights, strata: frame.strata?.index, offset: frame.offset,
        coefficients: self.fit.coefficients, ties: self.fit.ties)
    }
    let input = cached ? diagnosticsCache.input(make) : make()
    return DiagnosticsData(
      frame: frame, design: design, input: input, cached: cached, cache: diagnosticsCache,
      sortedRows: cached ? fit.sortedRows : nil)
  }
}
