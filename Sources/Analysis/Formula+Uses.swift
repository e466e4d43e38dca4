extension Formula {
  /// Refuses the terms that cannot group survival curves or tests
  /// (`km`, `logrank`, `cuminc`): bases of several columns (`poly()`, `ns()`,
  /// `bs()`) and Cox's `tt()`. One-column transforms (`log(x)`, `I(x^2)`)
  /// group by their values, as R's `survfit` does.
  func checkGroupingTerms(function: String) throws {
    for v in variables {
      guard let t = v.transform else { continue }
      switch t.kind {
      case .elementwise: continue
      case .timeTransform:
        throw FormulaError(formula: text, position: t.position, message: "tt() is for cox() only, not \(function)")
      case .poly, .naturalSpline, .bSpline, .penalisedSpline:
        throw FormulaError(
          formula: text, position: t.position,
          message: "\(t.label) is a regression basis; \(function) groups curves by the values of its terms")
      }
    }
  }

  /// Refuses `tt()` in regressions other than `cox()`.
  func checkNoTimeTransform(function: String) throws {
    for v in variables {
      if let t = v.transform, case .timeTransform = t.kind {
        throw FormulaError(formula: text, position: t.position, message: "tt() is for cox() only, not \(function)")
      }
    }
  }

  /// Whether the formula has `pspline()` terms (fitted by `PenalisedCoxAnalysis`).
  public var hasPenalisedSplines: Bool { !penalisedSplineVariables.isEmpty }

  /// The `pspline()` variables, in formula order.
  var penalisedSplineVariables: [FormulaVariable] {
    variables.filter { v in
      if let t = v.transform, case .penalisedSpline = t.kind { return true }
      return false
    }
  }

  /// The `tt()` variables, in formula order.
  var timeTransformVariables: [FormulaVariable] {
    variables.filter { v in
      if let t = v.transform, case .timeTransform = t.kind { return true }
      return false
    }
  }
}
