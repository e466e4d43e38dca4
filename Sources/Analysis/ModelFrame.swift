import Datasets

/// How the event column of `Surv()` is read.
public enum EventCoding: Sendable, Equatable {
  /// Survival: 0/1, false/true, or 1/2 (1 censored, 2 event), as R's `Surv`.
  case binary
  /// Competing risks: a status code (number) or label (string) column in
  /// which `censor` marks censoring and every other value is a cause.
  /// `nil` means `0` for numbers and `"censored"` for strings.
  case competingRisks(censor: StatusValue?)
}

/// A value of a competing-risks status column.
public enum StatusValue: Sendable, Equatable {
  case code(Double)
  case label(String)
}

/// Options of `ModelFrame`.
public struct ModelFrameOptions: Sendable, Equatable {
  /// Column of case weights (non-negative, finite), as R's `weights =`.
  public var weights: String?
  public var eventCoding: EventCoding
  /// Whether `pspline()` terms are allowed: only `cox()` fits them
  /// (`PenalisedCoxAnalysis`); every other use of the frame refuses them.
  public var allowsPenalisedSplines = false

  public init(weights: String? = nil, eventCoding: EventCoding = .binary) {
    self.weights = weights
    self.eventCoding = eventCoding
  }
}

/// The rows and variables a formula uses, checked and ready for the
/// numerics, as R's `model.frame` with `na.action = na.omit` followed by
/// `Surv()`, `strata()` and `cluster()` in `survfit`, `survdiff` and `coxph`.
///
/// Rows with a missing value in any variable used (response, terms, strata,
/// cluster, offset, weights) are dropped; every other problem is an error
/// naming the 1-based row of the original dataset and the column: unknown
/// columns (with a suggestion), times that are not numeric, negative or
/// infinite, `start >= stop`, event values other than 0/1 (1/2, false/true),
/// negative weights. Unlike R, which turns bad status values and
/// `start >= stop` into NA with a warning (so the row is silently dropped),
/// Kaplan refuses them.
public struct ModelFrame: Sendable {
  public let formula: Formula
  /// The original (0-based) row of each row of the frame, built on each
  /// access when no row was dropped (bind it once rather than index it in
  /// a loop; `selection[i]` is the same without building it).
  public var rows: [Int] { selection.indices }
  /// The rows kept: all of them, or the list.
  let selection: RowSelection
  /// The number of rows dropped for missing values.
  public let droppedCount: Int
  /// Entry times of `Surv(start, stop, event)`; `nil` for `Surv(time, event)`.
  public let start: [Double]?
  /// Follow-up times (the stop times of counting-process data).
  public let time: [Double]
  /// The event of each row as an `Int` code, the one representation of
  /// events from the model frame to the estimators: binary coding 0
  /// censored, 1 event (`SurvivalSample`'s `EventCode`, hence Kaplan–Meier,
  /// the log-rank tests and follow-up, take it as is); competing risks 0
  /// censored, k ≥ 1 the k-th entry of `causes` (`CumulativeIncidence`,
  /// `GrayTest`, `CompetingRisksRiskTable`, `AalenJohansenJackknife` and
  /// `FineGray` take these codes unchanged, the cause of interest named by
  /// its code). Only the Cox kernels take R's numeric status, whose weights
  /// and offsets share its buffers; `eventDoubles` is the one conversion.
  public let event: [Int]
  /// Competing risks: the causes present, in order (codes ascending, or
  /// labels in level order), as R's `cmprsk::cuminc` orders them; empty for
  /// binary coding.
  public let causes: [String]
  /// Case weights, if a weights column was given.
  public let weights: [Double]?
  /// The strata of `strata()` terms (all strata variables combined), as
  /// `coxph` and `survdiff` use them; labels as R's `strata()` writes them
  /// (`sex=1`, `sex=1, ph.ecog=0`).
  public let strata: Grouping?
  /// The cluster of each row (0-based, clusters in sorted order), for
  /// `cluster(id)`.
  public let cluster: [Int]?
  /// The sum of the `offset()` columns.
  public let offset: [Double]?
  /// The dataset column of each variable of the regular terms (all rows).
  let variableColumns: [FormulaVariable: Column]
  /// The transform variables (`log(x)`, `ns(x, df = 3)`, ...) evaluated on all rows.
  let transformed: [FormulaVariable: TransformedVariable]

  /// The combinations of the variables of the regular terms, labelled as
  /// `survfit` and `survdiff` label curves and groups (`arm=A`,
  /// `a=x, b=y`); `nil` for `~ 1` (R's `survfit` has no strata then).
  /// Computed on each access.
  public var groups: Grouping? {
    let parts = groupParts
    return parts.isEmpty ? nil : Grouping.combining(parts)
  }

  /// The curves of R's `survfit` for this formula: the group variables and
  /// the strata combined, labelled as `names(fit$strata)`
  /// (`rx=Obs, strata(sex)=sex=0`); `nil` for `~ 1`. `survdiff` and `coxph`
  /// use `groups` and `strata` separately instead. Computed on each access.
  public var curves: Grouping? {
    var parts = groupParts
    guard let strata = strata else { return parts.isEmpty ? nil : Grouping.combining(parts) }
    let strataName = "strata(" + formula.strata.joined(separator: ", ") + ")"
    let strataPart = (
      name: strataName,
      coding: Categorical(codes: strata.index.map { Int32($0) }, levels: strata.labels))
    parts.insert(strataPart, at: min(formula.strataPosition, parts.count))
    return Grouping.combining(parts)
  }

  private var groupParts: [(name: String, coding: Categorical)] {
    formula.variables.compactMap { v in
      variableColumns[v].map { column in
        (v.plainLabel, Categorical.coding(column, rows: selection, keepDeclaredLevels: false))
      }
    }
  }

  /// Variable `v` of the regular terms on the frame's rows, for `DesignMatrix`.
  func covariate(_ v: FormulaVariable) -> Covariate? {
    if let t = transformed[v] { return Covariate(t, rows: selection) }
    return variableColumns[v].map { Covariate($0, variable: v, rows: selection) }
  }

  /// The number of rows of the frame.
  public var count: Int { selection.count }

  public init(dataset: Dataset, formula: Formula, options: ModelFrameOptions = ModelFrameOptions())
    throws
  {
    let formula = try formula.resolvingDot(in: dataset, weights: options.weights)
    if let type = formula.response.type, type != "right" { throw ModelFrameError.survType(type) }
    let resolver = try ColumnResolver(dataset: dataset, formula: formula, weights: options.weights)
    if !options.allowsPenalisedSplines, let t = formula.penalisedSplineVariables.first?.transform {
      throw FormulaError(
        formula: formula.text, position: t.position,
        message: "\(t.label): a penalised spline is fitted by cox() only (its print and tidy), not by this "
          + "function; use ns(x, df = k) or bs(x, df = k) here")
    }
    // Transforms are evaluated over all rows first (R's model.frame before
    // na.omit), so that a NaN they make (log(-1)) drops its row.
    let transformed = try TransformedVariable.evaluateAll(formula, dataset: dataset)
    let response = formula.response
    // Complete, valid data (the common case) take the clean path: one pass
    // per column, the columns used in place. Anything else (a missing
    // value, a bad time or event, a column of the wrong type, a transform
    // or an event condition) takes the general path below, which drops
    // incomplete rows and reports errors; both give the same frame on data
    // the clean path accepts.
    if transformed.isEmpty, response.eventCondition == nil,
      let clean = try CleanResponse(resolver: resolver, formula: formula, coding: options.eventCoding)
    {
      self.selection = .all(count: dataset.rowCount)
      self.start = clean.start
      self.time = clean.time
      self.event = clean.event
      self.causes = clean.causes
    } else {
      let selection = try Self.completeRows(
        resolver, rowCount: dataset.rowCount, marking: { missing in
          for t in transformed.values { t.markMissing(&missing) }
        })
      self.selection = selection
      let stopColumn = try resolver.numeric(response.stop, role: "time")
      let time = try Self.times(stopColumn, name: response.stop, rows: selection)
      if let startName = response.start {
        let startColumn = try resolver.numeric(startName, role: "start time")
        let start = try Self.times(startColumn, name: startName, rows: selection)
        for i in 0..<selection.count where !(start[i] < time[i]) {
          throw ModelFrameError(
            "row \(selection[i] + 1): start (\(RValueFormat.number(start[i]))) must be less than stop "
              + "(\(RValueFormat.number(time[i]))) in columns '\(startName)' and '\(response.stop)'")
        }
        self.start = start
      } else {
        self.start = nil
      }
      self.time = time
      let eventColumn = try resolver.column(response.event)
      switch options.eventCoding {
      case .binary:
        if let condition = response.eventCondition {
          event = try Self.conditionEvents(
            eventColumn, name: response.event, condition: condition, rows: selection.indices)
        } else {
          event = try Self.binaryEvents(eventColumn, name: response.event, rows: selection)
        }
        causes = []
      case .competingRisks(let censor):
        if let condition = response.eventCondition {
          throw ModelFrameError(
            "Surv(..., \(condition.text)) makes a 0/1 event; competing risks need the status column itself "
              + "with its censoring value (the censor option)")
        }
        (event, causes) = try Self.competingEvents(
          eventColumn, name: response.event, rows: selection, censor: censor)
      }
    }
    let selection = self.selection
    self.formula = formula
    self.droppedCount = dataset.rowCount - selection.count

    if let w = options.weights {
      let column = try resolver.numeric(w, role: "weights")
      let values = selection.gather(column.asDoubles())
      for (i, v) in values.enumerated() where !(v >= 0 && v.isFinite) {
        throw ModelFrameError(
          "row \(selection[i] + 1): weight must be non-negative and finite, got \(RValueFormat.number(v)) "
            + "in column '\(w)'")
      }
      weights = values
    } else {
      weights = nil
    }

    if formula.offsets.isEmpty {
      offset = nil
    } else {
      var sum = [Double](repeating: 0, count: selection.count)
      for name in formula.offsets {
        let values = try resolver.numeric(name, role: "offset").asDoubles()
        for i in 0..<selection.count { sum[i] += values[selection[i]] }
      }
      offset = sum
    }

    if formula.strata.isEmpty {
      strata = nil
    } else {
      strata = Grouping.combining(
        try formula.strata.map { name in
          (name, Categorical.coding(try resolver.column(name), rows: selection, keepDeclaredLevels: false))
        })
    }

    if let name = formula.cluster {
      let coding = Categorical.coding(try resolver.column(name), rows: selection, keepDeclaredLevels: false)
      cluster = coding.codes.map { Int($0) }
    } else {
      cluster = nil
    }

    var variableColumns: [FormulaVariable: Column] = [:]
    for v in formula.variables {
      if let t = transformed[v] {
        // A one-column transform groups curves by its values, as R's survfit.
        if t.columns.count == 1 { variableColumns[v] = .double(t.columns[0]) }
      } else {
        variableColumns[v] = try resolver.column(v.column)
      }
    }
    self.variableColumns = variableColumns
    self.transformed = transformed
  }

  /// The rows with no missing value in any column used (R's `na.omit`);
  /// an error when there are none, naming the columns that are all NA.
  static func completeRows(
    _ resolver: ColumnResolver, rowCount: Int, marking markMore: (inout [Bool]) -> Void = { _ in }
  ) throws -> RowSelection {
    if rowCount == 0 { throw ModelFrameError("the dataset has no rows") }
    var missing = [Bool](repeating: false, count: rowCount)
    for column in resolver.used { column.analysisMarkMissing(&missing) }
    markMore(&missing)
    var kept: [Int] = []
    kept.reserveCapacity(rowCount)
    for i in missing.indices where !missing[i] { kept.append(i) }
    if kept.count == rowCount { return .all(count: rowCount) }
    guard kept.isEmpty else { return .listed(kept) }
    let empty = zip(resolver.usedNames, resolver.used).filter { _, column in
      (0..<column.count).allSatisfy { column.isMissing($0) }
    }.map { "'\($0.0)'" }
    if !empty.isEmpty {
      throw ModelFrameError(
        "no complete rows: column\(empty.count == 1 ? "" : "s") \(empty.joined(separator: ", ")) "
          + "\(empty.count == 1 ? "is" : "are") missing (NA) in all \(rowCount) rows")
    }
    throw ModelFrameError(
      "no complete rows: each of the \(rowCount) rows has a missing value in a column used ("
        + resolver.usedNames.joined(separator: ", ") + ")")
  }
}
