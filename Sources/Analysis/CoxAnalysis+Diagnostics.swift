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
    let (frame, design) = try fittedFrameAndColumns()
    let cached = diagnosticsCache.frame != nil
    let make = {
      CoxDiagnosticsInput(
        start: frame.start, stop: frame.time, status: frame.eventDoubles, covariateColumns: design.covariateColumns,
        columns: design.columnCount, weights: frame.weights, strata: frame.strata?.index, offset: frame.offset,
        coefficients: self.fit.coefficients, ties: self.fit.ties)
    }
    let input = cached ? diagnosticsCache.input(make) : make()
    return DiagnosticsData(
      frame: frame, design: design, input: input, cached: cached, cache: diagnosticsCache,
      sortedRows: cached ? fit.sortedRows : nil)
  }

  /// The fit's model frame and its design for column-by-column reading (`CoxDiagnosticsCache.columnDesign`:
  /// the dataset's own numeric columns, no n × p copy), or both prepared again for a model that kept no
  /// frame (tt() terms).
  func fittedFrameAndColumns() throws -> (frame: ModelFrame, design: DesignMatrix) {
    if let f = diagnosticsCache.frame {
      return (f, try diagnosticsCache.columnDesign { try DesignMatrix(frame: f, columnArrays: true) })
    }
    let prepared = try Self.prepare(dataset: dataset, formula: formula, options: options)
    return (prepared.frame, prepared.design)
  }

  /// The fit's model frame and its design matrix (built on first use and
  /// kept in `diagnosticsCache`), shared by the diagnostics and the
  /// predictions; for a model that kept no frame (tt() terms), both
  /// prepared again from the dataset (not kept).
  func fittedFrameAndDesign() throws -> (frame: ModelFrame, design: DesignMatrix) {
    if let f = diagnosticsCache.frame {
      return (f, try diagnosticsCache.design { try DesignMatrix(frame: f) })
    }
    let prepared = try Self.prepare(dataset: dataset, formula: formula, options: options)
    return (prepared.frame, prepared.design)
  }
}

extension DesignMatrix {
  /// The values as the Cox kernels read them: the column-major matrix, or the column arrays (shared).
  var covariateColumns: CoxCovariates {
    columnArrays.isEmpty ? .columnMajor(values) : .columns(columnArrays)
  }
}
