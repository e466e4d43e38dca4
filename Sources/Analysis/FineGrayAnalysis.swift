import Datasets
import Survival

/// Options of `FineGrayAnalysis`, as R `cmprsk::crr`'s arguments
/// (`failcode`, `cencode`, `cengroup`, `maxiter`) plus the interval level.
public struct FineGrayOptions: Sendable, Equatable {
  /// The status value meaning censored (nil: 0 for numbers, "censored" for strings).
  public var censor: StatusValue? = nil
  /// The cause of interest (nil: the first cause, as crr's `failcode = 1`).
  public var cause: StatusValue? = nil
  public var confidenceLevel = 0.95
  /// Column whose groups each get their own censoring distribution (crr's `cengroup`).
  public var censoringGroup: String? = nil
  /// crr's `maxiter`.
  public var maxIterations = 10

  public init() {}
}

/// The label of one coefficient of a Fine–Gray model (see `CoefficientLabel`).
public typealias FineGrayTerm = CoefficientLabel

/// Fine–Gray proportional subdistribution hazards regression on a dataset,
/// as R `cmprsk::crr(ftime, fstatus, cov1 = model.matrix(~ terms)[, -1],
/// cengroup, failcode, cencode)` (cmprsk 2.2-11) with the formula
/// `Surv(time, status) ~ terms`, and `predict.crr` for covariate profiles.
///
/// The pipeline: `Formula` → `ModelFrame` (competing-risks coding,
/// incomplete rows dropped and counted, also rows missing the censoring
/// group) → `DesignMatrix` (R's column names and treatment contrasts, as
/// for `cox`) → `FineGray.fit`. Non-convergence is reported in the fit,
/// never thrown.
public struct FineGrayAnalysis: Sendable {
  public let formula: Formula
  public let options: FineGrayOptions
  /// The cause modelled, the other causes (competing), and the censoring value.
  public let cause: String
  public let competingCauses: [String]
  public let censor: String
  /// One label per coefficient, in the order of `fit`'s vectors.
  public let terms: [FineGrayTerm]
  public let fit: FineGray
  /// Rows used; their events of the cause, competing events and censorings.
  public let n: Int
  public let events: Int
  public let competingEvents: Int
  public let censored: Int
  public let droppedCount: Int
  /// The censoring groups' labels (`sex=0`, ...) with `censoringGroup`.
  public let censoringGroups: [String]?
  /// Turns covariate profiles into design rows for `predict`.
  public let profile: DesignProfile

  public init(dataset: Dataset, formula: Formula, options: FineGrayOptions = FineGrayOptions()) throws {
    let formula = try formula.resolvingDot(in: dataset, weights: nil)
    try formula.checkNoTimeTransform(function: "finegray")
    guard !formula.terms.isEmpty else {
      throw ModelFrameError(
        "formula '\(formula.text)' has no covariates: a Fine–Gray model needs at least one term after '~'")
    }
    if !formula.strata.isEmpty {
      throw ModelFrameError(
        "finegray has no strata() (crr does not stratify); to estimate the censoring distribution "
          + "within groups give {cengroup = \"\(formula.strata[0])\"}")
    }
    guard options.confidenceLevel > 0, options.confidenceLevel < 1 else {
      throw ModelFrameError("the confidence level must be between 0 and 1, got \(options.confidenceLevel)")
    }
    let cr = try CompetingRisksFrame(
      dataset: dataset, formula: formula, censor: options.censor, function: "finegray")
    let frame = cr.frame
    let design = try DesignMatrix(frame: frame)
    let causeIndex = try options.cause.map { try cr.causeIndex($0) } ?? 1
    guard causeIndex <= cr.causes.count else {
      throw ModelFrameError(
        "no events: all \(frame.count) rows used are censored (column '\(formula.response.event)'), "
          + "so there is no cause to model")
    }

    let p = design.columnCount
    let inputs = try options.censoringGroup.map {
      try Self.groupedInputs(frame: frame, design: design, column: $0, dataset: dataset)
    } ?? Self.inputs(frame: frame, design: design)
    let (time, status, covariates, n) = (inputs.time, inputs.status, inputs.covariates, inputs.time.count)
    let censoringGroup = inputs.censoringGroup
    let censoringGroups = inputs.censoringGroups
    var events = 0, censored = 0
    status.withUnsafeBufferPointer { codes in
      for code in codes {
        if code == causeIndex { events += 1 } else if code == 0 { censored += 1 }
      }
    }
    guard events > 0 else {
      throw ModelFrameError(
        "no events of cause \(cr.causes[causeIndex - 1]) in the \(n) rows used, so there is nothing to model")
    }
    // The frame's codes as they are: crr's failcode is the cause's code,
    // cencode 0, and every other code a competing cause.
    let fit = try FineGray.fit(
      time: time, status: status, covariates: covariates, p: p, failCode: causeIndex, censorCode: 0,
      censoringGroup: censoringGroup, maxIterations: options.maxIterations,
      confidenceLevel: options.confidenceLevel)

    // A constant or collinear column leaves the information singular: crr
    // stops in solve(); here the coefficient would read 0 with se 0.
    let singular = (0..<p).filter { !(fit.standardErrors[$0] > 0) || !fit.coefficients[$0].isFinite }
    if !singular.isEmpty {
      throw ModelFrameError(
        "the covariate\(singular.count == 1 ? "" : "s") "
          + singular.map { "'\(design.columnNames[$0])'" }.joined(separator: ", ")
          + " cannot be estimated: constant in the rows used or a linear combination of other covariates")
    }

    self.formula = formula
    self.options = options
    self.cause = cr.causes[causeIndex - 1]
    self.competingCauses = cr.causes.enumerated().filter { $0.offset != causeIndex - 1 }.map(\.element)
    self.censor = cr.censorText
    self.terms = CoefficientLabel.labels(design: design, frame: frame)
    self.fit = fit
    self.n = n
    self.events = events
    self.competingEvents = n - events - censored
    self.censored = censored
    self.droppedCount = frame.droppedCount + (frame.count - n)
    self.censoringGroups = censoringGroups
    self.profile = DesignProfile(frame: frame, design: design)
  }

  /// Predicted cumulative incidence of the cause at `fit.failureTimes` for
  /// each profile (variable → value), as `predict.crr`.
  public func predict(_ profiles: [[String: ProfileValue]]) throws -> [[Double]] {
    try predict(rows: try profiles.map { try profile.row($0) })
  }

  /// As `predict`, from design rows (`cov1` rows of `predict.crr`).
  public func predict(rows: [[Double]]) throws -> [[Double]] {
    try rows.map { row in
      guard row.count == fit.p else {
        throw ModelFrameError(
          "a covariate row must have \(fit.p) values (\(profile.columnNames.joined(separator: ", "))), "
            + "got \(row.count)")
      }
      guard row.allSatisfy(\.isFinite) else { throw ModelFrameError("covariate rows must be finite") }
      return try fit.predict(row)
    }
  }
}
