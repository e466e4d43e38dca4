import Foundation

/// The data of a fitted Cox model as the diagnostics need it: the response,
/// the design matrix (column-major n × p, input order), case weights,
/// strata, offset and the fitted coefficients. R `survival` 3.5 computes its
/// residuals (`residuals.coxph`) and its proportional-hazards test
/// (`cox.zph`) from the same pieces of a `coxph` fit.
public struct CoxDiagnosticsInput: Sendable {
  public var start: [Double]?
  public var stop: [Double]
  /// 1 = event, 0 = censored.
  public var status: [Double]
  /// The n × p design: column-major, or one array per column (`CoxCovariates.columns`: a numeric
  /// variable's column is the dataset's own, so the diagnostics need no copy of the design).
  public var covariateColumns: CoxCovariates
  /// Column-major n × p (a copy when the design is held as columns).
  public var covariates: [Double] {
    get {
      switch covariateColumns {
      case .columnMajor(let values): return values
      case .columns(let columns): return columns.flatMap { $0 }
      }
    }
    set { covariateColumns = .columnMajor(newValue) }
  }
  public var columns: Int
  public var weights: [Double]?
  /// Stratum index per row (0-based, in R's level order).
  public var strata: [Int]?
  public var offset: [Double]?
  /// Fitted coefficients; NaN (R's NA for a collinear column) counts as 0.
  public var coefficients: [Double]
  public var ties: CoxTies

  public init(
    start: [Double]?, stop: [Double], status: [Double], covariates: [Double], columns: Int,
    weights: [Double]?, strata: [Int]?, offset: [Double]?, coefficients: [Double], ties: CoxTies
  ) {
    self.init(
      start: start, stop: stop, status: status, covariateColumns: .columnMajor(covariates), columns: columns,
      weights: weights, strata: strata, offset: offset, coefficients: coefficients, ties: ties)
  }

  public init(
    start: [Double]?, stop: [Double], status: [Double], covariateColumns: CoxCovariates, columns: Int,
    weights: [Double]?, strata: [Int]?, offset: [Double]?, coefficients: [Double], ties: CoxTies
  ) {
    self.start = start
    self.stop = stop
    self.status = status
    self.covariateColumns = covariateColumns
    self.columns = columns
    self.weights = weights
    self.strata = strata
    self.offset = offset
    self.coefficients = coefficients
    self.ties = ties
  }

  var n: Int { stop.count }

  /// Ties = "exact" is accepted: its residuals and zph use the Breslow risk
  /// sets at the exact fit's coefficients, as R does (`CoxRiskSetTable`).
  func validate(for what: String) throws {
    let n = self.n
    if columns <= 0 { throw CoxInputError("\(what): the model has no covariates") }
    let covariatesFit: Bool
    switch covariateColumns {
    case .columnMajor(let values): covariatesFit = values.count == n * columns
    case .columns(let arrays): covariatesFit = arrays.count == columns && arrays.allSatisfy { $0.count == n }
    }
    if status.count != n || !covariatesFit || coefficients.count != columns
      || (start?.count ?? n) != n || (weights?.count ?? n) != n || (strata?.count ?? n) != n
      || (offset?.count ?? n) != n
    {
      throw CoxInputError("\(what): the model's arrays have inconsistent lengths")
    }
    if let s = strata, s.contains(where: { $0 < 0 }) { throw CoxInputError("\(what): negative stratum index") }
  }
}

/// The risk sets of a fitted Cox model at its death times, with the
/// hazard increments of Efron's or Breslow's approximation, built in
/// O(n p + n log n) with no n × n work (Therneau & Grambsch 2000, §3.3, §4.6).
///
/// Per stratum, the unique death times t_1 < … < t_D; row i is at risk at
/// the death times in [lo_i, hi_i) (start_i < t ≤ stop_i). The risk-set sums
/// S0 = Σ w r, S1 = Σ w r x are accumulated backwards from the last death
/// time (additions only for right-censored data, as R's sweeps), from which,
/// at a death time with m deaths of total weight W and death sums E0, E1,
/// Efron's sub-steps s = 0 … m−1 have denominators S0 − (s/m)E0, hazards
/// h_s = (W/m)/(S0 − (s/m)E0) and means x̄_s = (S1 − (s/m)E1)/(S0 − (s/m)E0)
/// (Breslow: one step with h = W/S0). A surviving row takes every h_s, a
/// dying row (1 − s/m)h_s; the Schoenfeld mean is the average of the x̄_s.
/// Covariates are centred on their column means first (residuals do not
/// change; round-off does).
///
/// Ties = "exact" uses Breslow's single step, as R survival 3.5 does for an
/// exact fit: its martingale residuals come from `coxexact.fit`/`agexact.fit`,
/// which call `coxmart2`/`agmart` with the Breslow hazard, and `cox.zph`
/// passes `efron = (method == "efron")` to `zph1`/`zph2`.
struct CoxRiskSetTable {
  let n: Int
  let p: Int
  /// The input row at each sorted position: every per-row array below is
  /// in the order of the rows sorted by (stratum, stop, row).
  let order: [Int]
  /// Row-major n × p, sorted order, centred.
  let x: [Double]
  /// exp(η_i), η centred on its mean (ratios within a risk set do not change).
  let risk: [Double]
  /// The case weight of each row; nil without case weights (every weight 1: the kernels then read no
  /// array, and r · 1 = r, so the numbers are those of an all-ones array).
  let rowWeight: [Double]?
  let isEvent: [Bool]
  /// Death-time range of each row ([lo, hi), global death-time indices). `rowLo` is nil for
  /// Surv(time, event) data without strata, where every lo is 0.
  let rowLo: [Int]?
  let hi: [Int]
  /// The global death-time indices of each stratum: `stratumStart[s]..<stratumStart[s+1]`.
  let stratumStart: [Int]
  /// The stratum of each row; nil without strata (every row in stratum 0).
  let rowStratum: [Int]?
  /// Per global death time.
  let deathTime: [Double]
  let deathStratum: [Int]
  let deathCount: [Int]
  /// Per death time: Σ_s h_s (survivors), Σ_s (1 − s/m)h_s (the dying).
  let hazard: [Double]
  let deadHazard: [Double]
  /// Per death time, p each: Σ_s h_s x̄_s, Σ_s (1 − s/m) h_s x̄_s, the average x̄_s.
  let xHazard: [Double]
  let deadXHazard: [Double]
  let deadMean: [Double]
  /// Events sorted by (stratum, time, row), R's order of Schoenfeld
  /// residuals: their sorted positions and their input rows.
  let eventPositions: [Int]
  let eventRows: [Int]
  /// The efron flag and the per-death-time sub-step data, for the zph information.
  let efron: Bool
  let deathRiskSum: [Double]
  let deathXSum: [Double]
  let riskSum: [Double]
  let xSum: [Double]
  let deathWeight: [Double]

  /// The weights, lo and strata as arrays of n (made here: for tests and cold paths; the kernels read
  /// the optional arrays above).
  var weight: [Double] { rowWeight ?? [Double](repeating: 1, count: n) }
  var lo: [Int] { rowLo ?? [Int](repeating: 0, count: n) }
  var stratumOfRow: [Int] { rowStratum ?? [Int](repeating: 0, count: n) }

  /// - Parameter sortedRows: the rows already in (stratum, stop, row) order (`CoxFit.sortedRows`, the
  ///   fit's own sort); checked in one pass, and sorted again when they are not in that order.
  init(_ input: CoxDiagnosticsInput, sortedRows presorted: [Int]? = nil) throws {
    let n = input.n
    let p = input.columns
    self.n = n
    self.p = p
    try MemoryBudget.require(count: n, stride: (2 * p + 14) * 8, for: "the Cox residuals (\(n) × \(p))")
    // Every per-row array below is in the sorted order of one radix sort of
    // the rows by (stratum, stop, row) (RowOrder, on two cores), so that the
    // kernels' passes read the rows and the per-death-time sums in step
    // (sequential memory) instead of jumping to each row's death time.
    let strataOfInput = input.strata
    let counting = input.start != nil
    // Centred row-major covariates, the status and the risk scores in sorted order, scattered from
    // the rows read in order (`CoxRiskSetGather`, on two workers). The fit's order brings the stop
    // times from the same scatter and is checked afterwards (`CoxPresortedRows`); otherwise, or when
    // it fails the check, the rows are sorted.
    let beta = input.coefficients.map { $0.isNaN ? 0 : $0 }
    let fitOrder = presorted.flatMap { CoxRiskSetGather.presorted(input, rows: $0, beta: beta) }
    let order =
      fitOrder?.order ?? RowOrder.sorted(strata: strataOfInput, key: input.stop, descending: false)
    let sortedRows = order.rows
    let sortedStops = order.keys
    let (x, risk, isEvent) =
      fitOrder.map { (x: $0.x, risk: $0.risk, isEvent: $0.isEvent) }
      ?? CoxRiskSetGather.centred(input, sortedRows: sortedRows, beta: beta)
    // No all-ones weights and no all-zero strata: nil when the model has none.
    let weight = input.weights.map { w in sortedRows.map { w[$0] } }
    let stratumOfRow = strataOfInput.map { s in sortedRows.map { s[$0] } }
    let strataCount = (strataOfInput?.max() ?? 0) + 1
    try Cancellation.check()

    // One walk of the sorted rows (`CoxRiskSetWalk`, on two workers) gives the events in R's order (as
    // sorted positions), the death times of each stratum and each row's hi.
    let walk = CoxRiskSetWalk.walk(
      stops: sortedStops, isEvent: isEvent, weight: weight, stratum: stratumOfRow, blockStart: order.blockStart)
    let events = walk.events, deathTime = walk.deathTime, deathStratum = walk.deathStratum
    let deathCount = walk.deathCount, deathWeight = walk.deathWeight, hi = walk.hi
    let totalDeaths = deathTime.count
    var stratumStart = [Int](repeating: 0, count: strataCount + 1)
    do {
      var counts = [Int](repeating: 0, count: strataCount)
      for s in deathStratum { counts[s] += 1 }
      for s in 0..<strataCount { stratumStart[s + 1] = stratumStart[s] + counts[s] }
    }
    // lo: the stratum's first death time, or for (start, stop] data the
    // first death time after the start (binary search in the stratum).
    func upperBound(_ t: Double, _ from: Int, _ to: Int) -> Int {
      var a = from, b = to
      while a < b {
        let mid = (a + b) / 2
        if deathTime[mid] <= t { a = mid + 1 } else { b = mid }
      }
      return a
    }
    // Without strata or start times every row's lo is 0: no array.
    var rowLo: [Int]? = nil
    if counting || strataOfInput != nil {
      var lo = [Int](repeating: 0, count: n)
      for k in 0..<n {
        let s = stratumOfRow?[k] ?? 0
        lo[k] = input.start.map { upperBound($0[sortedRows[k]], stratumStart[s], stratumStart[s + 1]) }
          ?? stratumStart[s]
      }
      rowLo = lo
    }
    try Cancellation.check()
    // Backward difference arrays: a row joins at hi − 1 and leaves after lo (it is at risk on [lo, hi)).
    // Right-censored rows never leave (lo is the stratum's first death time): no removals, and the
    // additions on two workers (`CoxRiskSetTableSplit.scatter`).
    let width = p + 1
    var addAt: [Double]
    var removeAt: [Double] = []
    var deathRiskSum: [Double]
    var deathXSum: [Double]
    if !counting {
      (addAt, deathRiskSum, deathXSum) = CoxRiskSetTableSplit.scatter(
        risk: risk, weight: weight, x: x, isEvent: isEvent, lo: rowLo, hi: hi, p: p, deaths: totalDeaths)
    } else {
      let lo = rowLo ?? [Int](repeating: 0, count: n)
      addAt = [Double](repeating: 0, count: totalDeaths * width)
      removeAt = [Double](repeating: 0, count: totalDeaths * width)
      deathRiskSum = [Double](repeating: 0, count: totalDeaths)
      deathXSum = [Double](repeating: 0, count: totalDeaths * p)
      for i in 0..<n where lo[i] < hi[i] {
        let v = weight.map { risk[i] * $0[i] } ?? risk[i]
        let a = (hi[i] - 1) * width
        addAt[a] += v
        for j in 0..<p { addAt[a + 1 + j] += v * x[i * p + j] }
        if lo[i] > stratumStart[stratumOfRow?[i] ?? 0] {
          let r = lo[i] * width
          removeAt[r] += v
          for j in 0..<p { removeAt[r + 1 + j] += v * x[i * p + j] }
        }
        if isEvent[i] {
          let d = hi[i] - 1
          deathRiskSum[d] += v
          for j in 0..<p { deathXSum[d * p + j] += v * x[i * p + j] }
        }
      }
    }
    var riskSum = [Double](repeating: 0, count: totalDeaths)
    var xSum = [Double](repeating: 0, count: totalDeaths * p)
    var running = [Double](repeating: 0, count: width)
    for s in 0..<strataCount {
      for j in 0..<width { running[j] = 0 }
      var d = stratumStart[s + 1] - 1
      while d >= stratumStart[s] {
        for j in 0..<width { running[j] += addAt[d * width + j] }
        riskSum[d] = running[0]
        for j in 0..<p { xSum[d * p + j] = running[1 + j] }
        if counting { for j in 0..<width { running[j] -= removeAt[d * width + j] } }
        d -= 1
      }
    }
    let efron = input.ties == .efron
    let (hazard, deadHazard, xHazard, deadXHazard, deadMean) = CoxRiskSetTableSplit.hazards(
      efron: efron, deathCount: deathCount, deathWeight: deathWeight, riskSum: riskSum, deathRiskSum: deathRiskSum,
      xSum: xSum, deathXSum: deathXSum, p: p, rows: n)
    self.x = x
    self.risk = risk
    self.rowWeight = weight
    self.isEvent = isEvent
    self.rowLo = rowLo
    self.hi = hi
    self.stratumStart = stratumStart
    self.rowStratum = stratumOfRow
    self.deathTime = deathTime
    self.deathStratum = deathStratum
    self.deathCount = deathCount
    self.hazard = hazard
    self.deadHazard = deadHazard
    self.xHazard = xHazard
    self.deadXHazard = deadXHazard
    self.deadMean = deadMean
    self.order = sortedRows
    self.eventPositions = events
    self.eventRows = events.map { sortedRows[$0] }
    self.efron = efron
    self.deathRiskSum = deathRiskSum
    self.deathXSum = deathXSum
    self.riskSum = riskSum
    self.xSum = xSum
    self.deathWeight = deathWeight
  }

  /// Prefix sums of `values` (width `w` per death time) restarting at 0 in
  /// each stratum: entry (d + stratum(d)) is the sum over the stratum's death
  /// times before d, so a row's integral over [lo, end) is a difference of
  /// two entries of its own stratum.
  func cumulative(_ values: [Double], width w: Int) -> [Double] {
    let strata = stratumStart.count - 1
    var out = [Double](repeating: 0, count: (deathTime.count + strata) * w)
    for s in 0..<strata {
      let from = stratumStart[s], to = stratumStart[s + 1]
      for d in from..<to {
        let k = d + s
        for j in 0..<w { out[(k + 1) * w + j] = out[k * w + j] + values[d * w + j] }
      }
    }
    return out
  }
}

/// The risk-set table of a fitted Cox model, built once and shared by its
/// diagnostics (residuals of every type, zph), so that a second diagnostic
/// of the same model costs its own pass only. Holds a row-major copy of the
/// centred design matrix and a few vectors of n (`CoxRiskSetTable`).
public final class CoxRiskSets: Sendable {
  let table: CoxRiskSetTable

  /// - Parameter sortedRows: the fit's order of the rows (`CoxFit.sortedRows`), which saves the sort.
  public init(_ input: CoxDiagnosticsInput, sortedRows: [Int]? = nil) throws {
    try input.validate(for: "the Cox diagnostics")
    table = try CoxRiskSetTable(input, sortedRows: sortedRows)
  }
}
