import Datasets

/// The model frame of a competing-risks analysis (`cuminc`, `finegray`):
/// `Surv(time, status)` with a status column of cause codes or labels, one
/// value of which means censored, as `cmprsk`'s `fstatus`/`cencode`.
///
/// Shared checks, with messages naming the function: no counting-process
/// response, no `cluster()`/`offset()`; the censoring value must occur in
/// the rows used (or, for a string column, be one of its declared levels:
/// data without censoring then stay expressible), since a misspelt value
/// would otherwise silently turn the censored rows into a cause.
///
/// The status codes are `frame.event` (0 censored, k ≥ 1 the k-th entry of
/// `causes`), which the estimators take unchanged.
struct CompetingRisksFrame {
  let frame: ModelFrame
  /// The censoring value as it reads in the column (`0`, `censored`).
  let censorText: String

  var causes: [String] { frame.causes }

  init(dataset: Dataset, formula: Formula, censor: StatusValue?, function: String) throws {
    if formula.response.start != nil {
      throw ModelFrameError(
        "\(function) needs Surv(time, status); Surv(start, stop, status) (delayed entry) is not supported")
    }
    if let c = formula.cluster {
      throw ModelFrameError("\(function) does not use cluster(\(c)); remove it from the formula")
    }
    if !formula.offsets.isEmpty {
      throw ModelFrameError("\(function) does not use offset(); remove it from the formula")
    }
    let frame = try ModelFrame(
      dataset: dataset, formula: formula,
      options: ModelFrameOptions(eventCoding: .competingRisks(censor: censor)))
    let name = formula.response.event
    let column = try ColumnLookup.column(name, in: dataset)
    let isText = column.kind == .string
    let censorText: String
    switch censor {
    case nil: censorText = isText ? "censored" : "0"
    case .code(let c): censorText = RValueFormat.number(c)
    case .label(let s): censorText = s
    }
    let occurs = frame.event.contains(0)
    var declared = false
    if case .factor(_, let levels) = column { declared = levels.contains(censorText) }
    // The numeric default 0 may be absent (data without censoring, as in R).
    let required = !(censor == nil && !isText)
    if required && !occurs && !declared {
      let shown = isText ? "\"\(censorText)\"" : censorText
      let values = frame.causes.map { isText ? "\"\($0)\"" : $0 }.joined(separator: ", ")
      throw ModelFrameError(
        "censoring value \(shown) does not occur in status column '\(name)' (values: \(values)); "
          + "give the value that means censored with the censor option, e.g. {censor = "
          + (frame.causes.first.map { isText ? "\"\($0)\"" : $0 } ?? "0") + "}")
    }
    self.frame = frame
    self.censorText = censorText
  }

  /// The 1-based index of `cause` among the causes; an error lists them.
  func causeIndex(_ cause: StatusValue) throws -> Int {
    let text: String
    switch cause {
    case .code(let c): text = RValueFormat.number(c)
    case .label(let s): text = s
    }
    if let i = causes.firstIndex(of: text) { return i + 1 }
    let name = frame.formula.response.event
    if text == censorText {
      throw ModelFrameError(
        "cause \(text) is the censoring value of status column '\(name)' (causes: \(causeList))")
    }
    throw ModelFrameError(
      "unknown cause '\(text)': status column '\(name)' has the causes \(causeList)")
  }

  var causeList: String { causes.isEmpty ? "none: every row is censored" : causes.joined(separator: ", ") }
}
