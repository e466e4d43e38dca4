import Foundation
import Datasets
import Survival

/// The residual types of R `residuals.coxph`.
public enum CoxResidualType: String, Sendable, CaseIterable {
  case martingale, deviance, score, schoenfeld, scaledsch, dfbeta, dfbetas

  /// One column per coefficient (the others are one value per row).
  public var isMatrix: Bool { self != .martingale && self != .deviance }
  /// One row per event rather than per input row.
  public var isPerEvent: Bool { self == .schoenfeld || self == .scaledsch }
}

/// Residuals of a Cox model, as R `survival` 3.5 `residuals.coxph(fit,
/// type, collapse)` on a fit with `na.action = na.exclude`: one row per
/// row of the input dataset (NA for the rows the fit dropped for a missing
/// value, so that they line up with the data), or one row per event for the
/// Schoenfeld types (in R's order: stratum, time, row), or one row per
/// cluster when collapsed (R's `rowsum` order: the cluster values sorted).
///
/// R's conventions: martingale, deviance, score and Schoenfeld residuals are
/// unweighted; dfbeta and dfbetas are multiplied by the case weight
/// (`weighted = TRUE`); dfbeta = L V (L the score residuals, V the
/// model-based variance), dfbetas = dfbeta / √diag V; scaled Schoenfeld =
/// d · s V + β̂ (d events); deviance = sign(M) √(−2(M + δ log(δ − M))),
/// computed after collapsing. The kernel is `CoxResidualKernel`.
///
/// Ties = "exact": martingale and deviance residuals with the Breslow hazard
/// at the exact coefficients (R's `coxmart2`/`agmart`, which `coxexact.fit`
/// and `agexact.fit` call); the other types are refused, as R refuses them.
public struct CoxResiduals: Sendable {
  public let type: CoxResidualType
  /// Column names of `values` (coefficient names, or the type's name).
  public let names: [String]
  /// Column-major rows × names.count.
  public let values: [Double]
  public let rowCount: Int
  /// 1-based input row of each output row (nil when collapsed).
  public let inputRows: [Int]?
  /// Per-event forms: the event time and stratum label of each row.
  public let times: [Double]?
  public let strata: [String]?
  /// Collapsed forms: the grouping column's name and its value per row.
  public let groupName: String?
  public let groupValues: Column?

  /// How to collapse residuals over rows (R's `collapse`).
  public enum Collapse: Sendable, Equatable {
    case none
    /// By the model's `cluster()` column (R's `collapse = TRUE`).
    case cluster
    /// By a column of the dataset.
    case column(String)
  }

  public init(model: CoxAnalysis, type: CoxResidualType, collapse: Collapse = .none) throws {
    if model.fit.ties == .exact && type != .martingale && type != .deviance {
      // R residuals.coxph stops the same way: an exact fit has martingale residuals (Breslow hazard) only.
      throw ModelFrameError(
        "\(type.rawValue) residuals are not available for ties = \"exact\", as in R (martingale and deviance "
          + "residuals are, and so is zph; refit with ties = \"efron\" or \"breslow\" for the others)")
    }
    if type.isPerEvent && collapse != .none {
      throw ModelFrameError("collapse is not available for \(type.rawValue) residuals (one row per event, as in R)")
    }
    // Martingale and deviance residuals of a Surv(time, event) fit come from the fit itself (R's
    // fit$residuals): no design matrix and no risk sets.
    let kept = Self.keptMartingale(model: model, type: type)
    let data = kept == nil ? try model.diagnosticsData() : nil
    guard let frame = kept?.frame ?? data?.frame else {
      throw ModelFrameError("the model's data are not available for its residuals")
    }
    let fit = model.fit
    let n = frame.count
    let p = data?.design.columnCount ?? fit.coefficients.count
    let needScore = type == .score || type == .dfbeta || type == .dfbetas
    // Martingale residuals (and the deviance ones made from them) are kept with the model after the first call.
    let martingale: [Double]
    let score: [Double]
    let eventRows: [Int]
    let schoenfeld: [Double]
    do {
      if let kept {
        (martingale, score, eventRows, schoenfeld) = (kept.martingale, [], [], [])
      } else if let data {
        let riskSets = try data.riskSets()
        let input = data.input
        if type == .martingale || type == .deviance, data.cached {
          martingale = try model.diagnosticsCache.martingale {
            try CoxResidualKernel.compute(input, riskSets: riskSets, score: false, schoenfeld: false).martingale
          }
          (score, eventRows, schoenfeld) = ([], [], [])
        } else {
          let kernel = try CoxResidualKernel.compute(
            input, riskSets: riskSets, score: needScore, schoenfeld: type.isPerEvent)
          (martingale, score) = (kernel.martingale, kernel.score)
          (eventRows, schoenfeld) = (kernel.eventRows, kernel.schoenfeld)
        }
      } else {
        (martingale, score, eventRows, schoenfeld) = ([], [], [], [])
      }
    } catch let error as CoxInputError {
      throw ModelFrameError(error.message)
    }
    let names = type.isMatrix ? model.coefficients.map(\.name) : [type.rawValue]
    self.type = type
    self.names = names
    // The model-based variance (R's naive.var when robust, else var).
    let v = fit.naiveVariance.map { $0.isNaN ? 0 : $0 }

    if type.isPerEvent {
      let rows = eventRows
      let e = rows.count
      var values = schoenfeld
      if type == .scaledsch {
        let beta = fit.coefficients.map { $0.isNaN ? 0 : $0 }
        var scaled = [Double](repeating: 0, count: e * p)
        for k in 0..<e {
          for j in 0..<p {
            var s = 0.0
            for l in 0..<p { s += values[l * e + k] * v[l * p + j] }
            scaled[j * e + k] = s * Double(e) + beta[j]
          }
        }
        values = scaled
      }
      self.values = values
      self.rowCount = e
      self.inputRows = rows.map { frame.selection[$0] + 1 }
      self.times = rows.map { frame.time[$0] }
      self.strata = frame.strata.map { g in rows.map { g.labels[g.index[$0]] } }
      self.groupName = nil
      self.groupValues = nil
      return
    }

    // Per used row, column-major n × width.
    let width = names.count
    var perRow: [Double]
    // The status as doubles, for deviance residuals and collapsing only (a martingale call reads none).
    let status = { data?.input.status ?? frame.eventDoubles }
    switch type {
    case .martingale, .deviance:
      perRow = martingale
    case .score:
      perRow = score
    default:
      var out = [Double](repeating: 0, count: n * p)
      let w = frame.weights
      for i in 0..<n {
        for j in 0..<p {
          var s = 0.0
          for l in 0..<p { s += score[l * n + i] * v[l * p + j] }
          if type == .dfbetas { s /= v[j * p + j] > 0 ? v[j * p + j].squareRoot() : .nan }
          out[j * n + i] = s * (w?[i] ?? 1)
        }
      }
      perRow = out
    }

    // Collapse (R: rowsum by the group, groups sorted), then deviance.
    var group: [Int]? = nil
    var groupCount = 0
    var groupName: String? = nil
    var groupValues: Column? = nil
    switch collapse {
    case .none: break
    case .cluster:
      guard let cluster = frame.cluster, let name = model.formula.cluster else {
        throw ModelFrameError("collapse = true needs a cluster() term in the model formula")
      }
      group = cluster
      groupCount = (cluster.max() ?? -1) + 1
      groupName = name
      var first = [Int](repeating: 0, count: groupCount)
      for i in stride(from: n - 1, through: 0, by: -1) { first[cluster[i]] = frame.selection[i] }
      groupValues = model.dataset[name]?.gather(first)
    case .column(let name):
      guard let column = model.dataset[name] else {
        throw ModelFrameError("collapse column '\(name)' is not in the dataset")
      }
      let keys = column.asDoubles()
      var used: [Double] = []
      used.reserveCapacity(n)
      for i in 0..<n {
        let k = keys[frame.selection[i]]
        if k.isNaN {
          throw ModelFrameError("row \(frame.selection[i] + 1): collapse column '\(name)' is missing")
        }
        used.append(k)
      }
      let unique = Array(Set(used)).sorted()
      var index: [Double: Int] = [:]
      for (g, k) in unique.enumerated() { index[k] = g }
      let codes = used.map { index[$0] ?? 0 }
      group = codes
      groupCount = unique.count
      groupName = name
      var first = [Int](repeating: 0, count: groupCount)
      for i in stride(from: n - 1, through: 0, by: -1) { first[codes[i]] = frame.selection[i] }
      groupValues = column.gather(first)
    }
    var rows = n
    var statusOut: [Double] = []
    if let group = group {
      let statusValues = status()
      var summed = [Double](repeating: 0, count: groupCount * width)
      var summedStatus = [Double](repeating: 0, count: groupCount)
      for i in 0..<n {
        for j in 0..<width { summed[j * groupCount + group[i]] += perRow[j * n + i] }
        summedStatus[group[i]] += statusValues[i]
      }
      perRow = summed
      statusOut = summedStatus
      rows = groupCount
    }
    if type == .deviance {
      if group != nil {
        perRow = CoxDevianceResiduals.compute(martingale: perRow, status: statusOut)
      } else if let input = data?.input {
        perRow = CoxDevianceResiduals.compute(martingale: perRow, status: input.status)
      } else {
        // The fit's own martingale residuals: the frame's integer events, read in place.
        perRow = CoxDevianceResiduals.compute(martingale: perRow, events: frame.event)
      }
    }
    self.groupName = groupName
    self.groupValues = groupValues
    self.times = nil
    self.strata = nil
    if group != nil {
      self.values = perRow
      self.rowCount = rows
      self.inputRows = nil
      return
    }
    // Expand to every input row, NA for the dropped ones.
    let total = model.dataset.rowCount
    if case .all = frame.selection, total == n {
      // No row dropped: the values are per input row already (shared, not copied), and so are the row
      // numbers (kept by the model: R's fit keeps its residuals' names).
      self.values = perRow
      self.rowCount = total
      self.inputRows = model.diagnosticsCache.rowNumbers(count: total)
      return
    }
    var expanded = [Double](repeating: .nan, count: total * width)
    for j in 0..<width {
      for i in 0..<n { expanded[j * total + frame.selection[i]] = perRow[j * n + i] }
    }
    self.values = expanded
    self.rowCount = total
    self.inputRows = model.diagnosticsCache.rowNumbers(count: total)
  }

  /// The fit's own martingale residuals (`CoxFit.martingale`) with the model
  /// frame they belong to, for the martingale and deviance types; nil when
  /// the fit has none ((start, stop] data) or kept no frame (tt() terms).
  private static func keptMartingale(
    model: CoxAnalysis, type: CoxResidualType
  ) -> (frame: ModelFrame, martingale: [Double])? {
    guard type == .martingale || type == .deviance, let frame = model.diagnosticsCache.frame,
      let martingale = model.fit.martingale, martingale.count == frame.count
    else { return nil }
    return (frame, martingale)
  }

  /// The residuals as a dataset: `row` (or the collapsing column), `time`
  /// and `strata` for the per-event types, then one column per name.
  public func dataset() throws -> Dataset {
    var names: [String] = []
    var columns: [Column] = []
    if let rows = inputRows {
      names.append("row")
      columns.append(.int(rows))
    }
    if let groupName, let groupValues {
      names.append(groupName)
      columns.append(groupValues)
    }
    if let times {
      names.append("time")
      columns.append(.double(times))
    }
    if let strata {
      var levels: [String] = []
      var index: [String: Int32] = [:]
      let codes: [Int32] = strata.map { s in
        if let c = index[s] { return c }
        let c = Int32(levels.count)
        index[s] = c
        levels.append(s)
        return c
      }
      names.append("strata")
      columns.append(.factor(codes: codes, levels: levels))
    }
    for (j, name) in self.names.enumerated() {
      names.append(name)
      // One column: the values themselves (shared, no copy of 10^6 doubles).
      columns.append(.double(self.names.count == 1 ? values : Array(values[(j * rowCount)..<((j + 1) * rowCount)])))
    }
    return try Dataset(names: names, columns: columns)
  }
}
