import Datasets
import Foundation
import Survival

/// What `predict` returns, as R `predict.coxph`'s `type`.
public enum CoxPredictionType: String, Sendable, CaseIterable {
  case lp, risk, expected, survival
}

/// The centring of `lp` and `risk`, as R `predict.coxph`'s `reference`.
public enum CoxPredictionReference: String, Sendable, CaseIterable {
  case strata, sample, zero
}

/// Predictions per row: `fit` and `se` (NaN where R gives NA: rows dropped
/// for missing values, or a profile with a missing value).
public struct CoxPrediction: Sendable {
  public let type: CoxPredictionType
  public let fit: [Double]
  public let se: [Double]
}

/// The baseline cumulative hazard of every stratum, as R `basehaz(fit, centered)`.
public struct CoxBaselineTable: Sendable {
  public let time: [Double]
  public let hazard: [Double]
  /// The stratum label per row; empty without strata.
  public let strata: [String]
  public let centered: Bool
}

/// Predictions of a fitted Cox model, as R survival 3.5 `predict.coxph`,
/// `survfit.coxph` and `basehaz`. The model frame and design matrix are
/// rebuilt from the dataset the fit keeps (the same rows, columns and factor
/// coding); profiles (`newdata`) are coded with the fit's levels by
/// `DesignProfile`.
struct CoxPredictionContext {
  let analysis: CoxAnalysis
  let frame: ModelFrame
  let design: DesignMatrix
  let profile: DesignProfile
  /// Coefficients with NA (singular) read as 0, as R does.
  let beta: [Double]
  let means: [Double]
  /// The mean of the fitted rows' offsets (0 without offset()): R's
  /// `predict.coxph` centres lp and risk on the plain mean (`mean(offset)`),
  /// `survfit.coxph` draws its default curve at the weighted mean
  /// (`offset.mean`).
  let offsetMean: Double
  let offsetWeightedMean: Double
  var p: Int { design.columnCount }

  /// The model frame and design matrix are the fit's own, kept by the
  /// model (`CoxAnalysis.fittedFrameAndDesign`: the design is built once and
  /// shared with the diagnostics), so that a prediction does not read the
  /// dataset again; a model that kept none (tt() terms) prepares them from
  /// the dataset, which gives the same errors as before.
  init(_ analysis: CoxAnalysis) throws {
    let (frame, design) = try analysis.fittedFrameAndDesign()
    self.analysis = analysis
    self.frame = frame
    self.design = design
    self.profile = DesignProfile(frame: frame, design: design)
    self.beta = analysis.fit.coefficients.map { $0.isNaN ? 0 : $0 }
    self.means = analysis.fit.means
    if let offset = frame.offset, !offset.isEmpty {
      self.offsetMean = offset.reduce(0, +) / Double(offset.count)
      if let w = frame.weights {
        let total = w.reduce(0, +)
        self.offsetWeightedMean = zip(offset, w).reduce(0) { $0 + $1.0 * $1.1 / total }
      } else {
        self.offsetWeightedMean = self.offsetMean
      }
    } else {
      self.offsetMean = 0
      self.offsetWeightedMean = 0
    }
  }

  /// Risk exp(lp) of the fitted rows, lp centred on the means (as the fit's).
  var fittedRisk: [Double] { analysis.fit.linearPredictor.map { Foundation.exp($0) } }

  /// The baseline hazard of each stratum (rows of the frame per stratum),
  /// with the x̄ terms of the design centred on the means.
  func baselines() -> [CoxBaselineHazard] {
    let n = design.rowCount
    let groups: [[Int]]
    if let strata = frame.strata {
      var g = [[Int]](repeating: [], count: strata.labels.count)
      let index = strata.index  // built on each access for a factor's own codes: read once
      for i in 0..<n { g[index[i]].append(i) }
      groups = g
    } else {
      groups = [Array(0..<n)]
    }
    let risk = fittedRisk
    let orders = fitOrderPerStratum(groupCount: groups.count)
    return groups.enumerated().map { s, rows in
      CoxBaselineHazard.compute(
        rows: rows, start: frame.start, stop: frame.time, status: frame.event, weights: frame.weights,
        risk: risk, x: design.values, columns: p, centre: means, efron: analysis.options.ties == .efron,
        sortedPositions: orders?[s])
    }
  }

  /// The fit's sort of the rows (`CoxFit.sortedRows`: by stratum, time,
  /// row) as positions into each stratum's rows (rows ascending, as
  /// `baselines` lists them), so that the baseline hazard need not sort the
  /// times again (at 10⁶ rows the sort was a third of a `survfit` call).
  /// Nil for (start, stop] data or a fit that kept no order; the baseline
  /// checks the order and sorts when it is not one.
  private func fitOrderPerStratum(groupCount: Int) -> [[Int]]? {
    let n = design.rowCount
    guard frame.start == nil, let sorted = analysis.fit.sortedRows, sorted.count == n, n > 0 else { return nil }
    guard let strata = frame.strata else { return [sorted] }
    let index = strata.index
    guard index.count == n else { return nil }
    // Each row's position among its stratum's rows.
    var local = [Int](repeating: 0, count: n)
    var seen = [Int](repeating: 0, count: groupCount)
    for i in 0..<n {
      let g = index[i]
      guard g >= 0, g < groupCount else { return nil }
      local[i] = seen[g]
      seen[g] += 1
    }
    var orders = seen.map { c -> [Int] in
      var order: [Int] = []
      order.reserveCapacity(c)
      return order
    }
    for row in sorted {
      guard row >= 0, row < n else { return nil }
      orders[index[row]].append(local[row])
    }
    return orders
  }

  /// Design rows of `newdata` (row-major k × p; NaN rows for a missing value
  /// when `allowMissing`), the stratum of each row when `needStrata`, and
  /// each row's offset (the sum of its `offset()` columns, 0 without; R's
  /// `model.offset(mf2)`): a model with an offset predicts for new data only
  /// when the data carry the offset columns.
  func profiles(_ newdata: Dataset, needStrata: Bool, allowMissing: Bool) throws
    -> (x: [[Double]], strata: [Int], offset: [Double])
  {
    let offsets = analysis.formula.offsets
    var needed = profile.variables + offsets.filter { !profile.variables.contains($0) }
    if needStrata { needed += analysis.formula.strata }
    for name in needed where newdata[name] == nil {
      let role = offsets.contains(name) ? "the model's offset(\(name))" : "the model needs: "
        + needed.joined(separator: ", ")
      throw ModelFrameError("newdata has no column '\(name)' (\(role))")
    }
    var offsetColumns: [(String, [Double])] = []
    for name in offsets {
      guard let column = newdata[name] else { continue }
      switch column {
      case .double, .int, .bool: offsetColumns.append((name, column.asDoubles()))
      default:
        throw ModelFrameError(
          "newdata column '\(name)' (the model's offset) must be numeric, got \(column.kind.rawValue)")
      }
    }
    var rows: [[Double]] = []
    var strata: [Int] = []
    var rowOffsets: [Double] = []
    for r in 0..<newdata.rowCount {
      var values: [String: ProfileValue] = [:]
      var missing: String? = nil
      for name in profile.variables {
        guard let column = newdata[name] else { continue }
        if column.isMissing(r) {
          missing = missing ?? name
          continue
        }
        values[name] = ProfileValue(column, row: r)
      }
      var rowOffset = 0.0
      for (name, column) in offsetColumns {
        if newdata[name]?.isMissing(r) ?? true || !column[r].isFinite {
          missing = missing ?? name
        } else {
          rowOffset += column[r]
        }
      }
      rowOffsets.append(rowOffset)
      if let missing {
        guard allowMissing else {
          throw ModelFrameError("newdata row \(r + 1): column '\(missing)' is missing")
        }
        rows.append([Double](repeating: .nan, count: p))
      } else {
        do {
          rows.append(try profile.row(values))
        } catch let error as ModelFrameError {
          throw ModelFrameError("newdata row \(r + 1): " + error.message)
        }
      }
      if needStrata, let s = frame.strata {
        var parts: [String] = []
        for name in analysis.formula.strata {
          guard let column = newdata[name], !column.isMissing(r) else {
            throw ModelFrameError("newdata row \(r + 1): strata column '\(name)' is missing")
          }
          let coding = Categorical.coding(column, rows: [r], levelRows: [r], keepDeclaredLevels: false)
          parts.append("\(name)=\(coding.levels.first ?? "NA")")
        }
        let label = parts.joined(separator: ", ")
        guard let k = s.labels.firstIndex(of: label) else {
          throw ModelFrameError(
            "newdata row \(r + 1): stratum '\(label)' (column '\(analysis.formula.strata.joined(separator: ", "))') "
              + "is not a stratum of the model (strata: \(s.labels.joined(separator: "; ")))")
        }
        strata.append(k)
      } else {
        strata.append(0)
      }
    }
    return (rows, strata, rowOffsets)
  }

  /// Per-stratum weighted means of the design (R's `reference = "strata"`).
  func strataMeans() -> [[Double]] {
    guard let strata = frame.strata else { return [means] }
    let n = design.rowCount
    var sums = [[Double]](repeating: [Double](repeating: 0, count: p), count: strata.labels.count)
    var wsum = [Double](repeating: 0, count: strata.labels.count)
    let index = strata.index
    for i in 0..<n {
      let w = frame.weights?[i] ?? 1
      let s = index[i]
      wsum[s] += w
      for j in 0..<p { sums[s][j] += w * design.values[j * n + i] }
    }
    return sums.enumerated().map { s, row in row.map { $0 / wsum[s] } }
  }

  func quadratic(_ z: [Double]) -> Double {
    let v = analysis.fit.variance
    var q = 0.0
    for a in 0..<p {
      var s = 0.0
      for b in 0..<p {
        let x = v[a * p + b]
        if !x.isNaN { s += x * z[b] }
      }
      q += z[a] * s
    }
    return q
  }
}

extension CoxAnalysis {
  /// Predictions as R `predict(fit, newdata, type, se.fit = TRUE, reference)`;
  /// without `newdata`, one per row of the fitted dataset (NaN for rows
  /// dropped for missing values, as `na.exclude` pads them).
  ///
  /// `expected` and `survival` with `newdata` need its `Surv()` columns.
  /// Two departures from `predict.coxph` 3.5, both where its code is in
  /// error, and both checked against `survfit.coxph` instead (the expected
  /// events are the profile's curve's cumulative hazard at the row's time):
  /// with an offset, R multiplies the baseline by exp(lp) + offset where the
  /// risk is exp(lp + offset); for `Surv(start, stop, event)` new data R's
  /// `se.fit` reads the variance at the entry time for both ends and scales
  /// it by a fitted row's risk. Here the standard error of such a row is
  /// √(v(exit) − v(entry))·r, R's own formula for the fitted rows.
  public func predict(
    newdata: Dataset? = nil, type: CoxPredictionType = .lp, reference: CoxPredictionReference = .strata
  ) throws -> CoxPrediction {
    // The fitted rows' lp and risk read the design's columns in place (no column-major copy).
    if newdata == nil, let fitted = try predictFittedLinear(type: type, reference: reference) { return fitted }
    let c = try CoxPredictionContext(self)
    let p = c.p
    let hasStrata = c.frame.strata != nil
    switch type {
    case .lp, .risk:
      let useStrata = hasStrata && reference == .strata
      let centres = useStrata ? c.strataMeans() : [reference == .zero ? [Double](repeating: 0, count: p) : c.means]
      var fit: [Double] = []
      var se: [Double] = []
      if let newdata {
        let prof = try c.profiles(newdata, needStrata: useStrata, allowMissing: true)
        for (r, x) in prof.x.enumerated() {
          let centre = centres[useStrata ? prof.strata[r] : 0]
          let z = (0..<p).map { x[$0] - centre[$0] }
          // R: newoffset − mean(offset of the fit).
          let offset = c.frame.offset == nil ? 0 : prof.offset[r] - c.offsetMean
          fit.append(zip(z, c.beta).reduce(0) { $0 + $1.0 * $1.1 } + offset)
          se.append(c.quadratic(z).squareRoot())
        }
      } else {
        let offset = c.frame.offset
        (fit, se) = c.fittedLinear(centres: centres, useStrata: useStrata)
        // R returns the fit's own linear predictors when it needs no design (lp without strata reference);
        // with an offset it builds them (se.fit = TRUE), centring the offset on its mean.
        if !useStrata && !(reference == .zero && c.means.contains { $0 != 0 }) && offset == nil {
          fit = self.fit.linearPredictor
        }
        (fit, se) = (Self.pad(fit, frame: c.frame, count: dataset.rowCount),
                     Self.pad(se, frame: c.frame, count: dataset.rowCount))
      }
      if type == .risk {
        for i in fit.indices {
          fit[i] = Foundation.exp(fit[i])
          se[i] *= fit[i].squareRoot()
        }
      }
      return CoxPrediction(type: type, fit: fit, se: se)
    case .expected, .survival:
      let baselines = c.baselines()
      let kernels = baselines.map { CoxCurveKernel(baseline: $0, variance: self.fit.variance) }
      var fit: [Double] = []
      var se: [Double] = []
      if let newdata {
        let prof = try c.profiles(newdata, needStrata: hasStrata, allowMissing: true)
        let response = formula.response
        guard let timeColumn = newdata[response.stop], let eventColumn = newdata[response.event] else {
          throw ModelFrameError(
            "newdata needs the response columns '\(response.stop)' and '\(response.event)' for type = "
              + "\"\(type.rawValue)\"")
        }
        _ = eventColumn
        let times = timeColumn.asDoubles()
        let starts = response.start.flatMap { newdata[$0]?.asDoubles() }
        if response.start != nil && starts == nil {
          throw ModelFrameError("newdata needs the entry column '\(response.start ?? "")'")
        }
        for (r, x) in prof.x.enumerated() {
          let z = (0..<p).map { x[$0] - c.means[$0] }
          // The risk of the baseline's scale (the fit's lp includes the rows' offsets), times the row's offset.
          let lp = zip(z, c.beta).reduce(0) { $0 + $1.0 * $1.1 } + prof.offset[r]
          let e = kernels[prof.strata[r]].expected(
            z: z, risk: Foundation.exp(lp), entry: starts?[r], exit: times[r])
          fit.append(e.fit)
          se.append(e.se)
        }
      } else {
        // status − martingale residual: the hazard up to the exit, with a death's own tie share.
        (fit, se) = c.fittedExpected(kernels: kernels)
        (fit, se) = (Self.pad(fit, frame: c.frame, count: dataset.rowCount),
                     Self.pad(se, frame: c.frame, count: dataset.rowCount))
      }
      if type == .survival {
        for i in fit.indices {
          fit[i] = Foundation.exp(-fit[i])
          se[i] *= fit[i]
        }
      }
      return CoxPrediction(type: type, fit: fit, se: se)
    }
  }

  static func pad(_ values: [Double], frame: ModelFrame, count: Int) -> [Double] {
    // Every row used: the values are per input row already.
    if case .all = frame.selection, values.count == count { return values }
    var out = [Double](repeating: .nan, count: count)
    for (i, r) in frame.rows.enumerated() { out[r] = values[i] }
    return out
  }

  /// Predicted survival curves, as R `survfit(fit, newdata, conf.type)`:
  /// one curve per profile (in its stratum when `newdata` has the strata
  /// columns; otherwise one per stratum and profile, labelled
  /// `stratum, profile`). Without `newdata`, the curve of the mean profile
  /// (R's default, `fit$means`) in each stratum.
  public func survfit(
    newdata: Dataset? = nil, confType: ConfidenceType = .logLog, confLevel: Double = 0.95
  ) throws -> KaplanMeierAnalysis {
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalAnalysisError("conf_level must be strictly between 0 and 1, got \(RValueFormat.number(confLevel))")
    }
    let c = try CoxPredictionContext(self)
    let p = c.p
    let baselines = c.baselines()
    let kernels = baselines.map { CoxCurveKernel(baseline: $0, variance: self.fit.variance) }
    let strataLabels = c.frame.strata?.labels ?? []
    var counts = [Int](repeating: 0, count: max(strataLabels.count, 1))
    let strataIndex = c.frame.strata?.index
    for i in 0..<c.design.rowCount { counts[strataIndex?[i] ?? 0] += 1 }
    var jobs: [(label: String, z: [Double], stratum: Int, offset: Double)] = []
    if let newdata {
      let hasStrataColumns = !formula.strata.isEmpty && formula.strata.allSatisfy { newdata[$0] != nil }
      let prof = try c.profiles(newdata, needStrata: hasStrataColumns, allowMissing: false)
      for (r, x) in prof.x.enumerated() {
        let z = (0..<p).map { x[$0] - c.means[$0] }
        if hasStrataColumns || strataLabels.isEmpty {
          jobs.append(("\(r + 1)", z, prof.strata[r], prof.offset[r]))
        } else {
          for (s, label) in strataLabels.enumerated() { jobs.append(("\(label), \(r + 1)", z, s, prof.offset[r])) }
        }
      }
    } else {
      // R's default curve: the means, and the (weighted) mean offset.
      let zero = [Double](repeating: 0, count: p)
      if strataLabels.isEmpty {
        jobs.append(("all", zero, 0, c.offsetWeightedMean))
      } else {
        for (s, label) in strataLabels.enumerated() { jobs.append((label, zero, s, c.offsetWeightedMean)) }
      }
    }
    let curves = jobs.map { job in
      let lp = zip(job.z, c.beta).reduce(0) { $0 + $1.0 * $1.1 } + job.offset
      return kernels[job.stratum].curve(
        z: job.z, risk: Foundation.exp(lp), n: counts[job.stratum], confType: confType, confLevel: confLevel)
    }
    return KaplanMeierAnalysis(
      predicted: curves, labels: jobs.map(\.label), formula: formula, count: n, droppedCount: droppedCount,
      confType: confType, confLevel: confLevel, weights: options.weights)
  }

  /// The baseline cumulative hazard per stratum, as R `basehaz(fit, centered)`:
  /// at the mean covariates (`fit$means`) when centred, at zero otherwise.
  public func baseline(centered: Bool = true) throws -> CoxBaselineTable {
    let c = try CoxPredictionContext(self)
    let baselines = c.baselines()
    // The fitted risks include the offsets: R's curve is at the (weighted) mean offset.
    let atMeans = Foundation.exp(c.offsetWeightedMean)
    let shift = atMeans * (centered ? 1 : Foundation.exp(-zip(c.means, c.beta).reduce(0) { $0 + $1.0 * $1.1 }))
    var time: [Double] = [], hazard: [Double] = [], strata: [String] = []
    for (s, b) in baselines.enumerated() {
      time += b.time
      hazard += b.cumhaz.map { $0 * shift }
      if let labels = c.frame.strata?.labels {
        strata += [String](repeating: labels[s], count: b.time.count)
      }
    }
    return CoxBaselineTable(time: time, hazard: hazard, strata: strata, centered: centered)
  }
}

extension KaplanMeierAnalysis {
  /// Predicted Cox curves in the shape of a Kaplan–Meier fit, so that they
  /// print, read (`at`, `quantiles`) and plot as one.
  init(
    predicted curves: [KaplanMeierCurve], labels: [String], formula: Formula, count: Int, droppedCount: Int,
    confType: ConfidenceType, confLevel: Double, weights: String?
  ) {
    self.formula = formula
    self.options = KaplanMeierOptions(confType: confType, confLevel: confLevel, weights: weights)
    self.count = count
    self.droppedCount = droppedCount
    self.labels = labels
    self.fit = KaplanMeier(predicted: curves, confType: confType, confLevel: confLevel)
  }
}
