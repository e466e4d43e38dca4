import Datasets
import Survival

/// The variance reported with a cumulative incidence curve.
public enum CumulativeIncidenceVariance: String, Sendable, CaseIterable {
  /// Gray's delta-method variance of R `cmprsk::cuminc` (the default).
  case aalen
  /// The infinitesimal-jackknife variance of R `survival::survfit` on a
  /// multi-state (factor status) response.
  case ij
}

/// Options of `CompetingRisksAnalysis`, as `cmprsk::cuminc`'s arguments
/// (`cencode`, `rho`) plus the interval settings of the Lua surface.
public struct CompetingRisksOptions: Sendable, Equatable {
  /// The status value meaning censored (nil: 0 for numbers, "censored" for strings).
  public var censor: StatusValue? = nil
  /// One cause to report (nil: all causes).
  public var cause: StatusValue? = nil
  public var confidenceLevel = 0.95
  public var confidenceType: CumulativeIncidence.ConfidenceType = .logLog
  /// The weight power of Gray's test (`rho`).
  public var rho = 0.0
  public var variance: CumulativeIncidenceVariance = .aalen

  public init() {}
}

/// Cumulative incidence of competing risks on a dataset: R
/// `cmprsk::cuminc(ftime, fstatus, group, strata, rho, cencode)` (cmprsk
/// 2.2-11) with the formula `Surv(time, status) ~ group + strata(s)`, or,
/// with `variance = .ij`, the same Aalen–Johansen estimates with the
/// standard errors of R `survival::survfit(Surv(time, factor(status)) ~
/// group)` (survival 3.5).
///
/// The pipeline: `Formula` → `ModelFrame` with competing-risks event coding
/// (incomplete rows dropped and counted) → `CumulativeIncidence.fitWithTests`
/// (or `AalenJohansenJackknife.fit` plus `GrayTest.testAll`) → curves
/// labelled with their group (`rx=Obs`) and cause name.
///
/// Groups are the combinations of the regular terms' variables (as
/// `survfit` labels curves); `strata()` stratifies Gray's test only, as
/// cuminc's `strata`. Each curve is laid out on every distinct time of its
/// group (events of any cause or censorings, `CompetingRisksRiskTable`), so
/// that a plot's risk table can read the number at risk anywhere; with the
/// cmprsk variance, estimate, variance and limits hold their value from the
/// cause's last jump, as `cmprsk::timepoints` reads them.
public struct CompetingRisksAnalysis: Sendable {
  /// One group × cause curve.
  public struct Curve: Sendable {
    /// The group label (`rx=Obs`); nil for `~ 1`.
    public let group: String?
    public let cause: String
    /// Subjects in the group, and its events of this cause.
    public let n: Int
    public let events: Int
    public let time: [Double]
    public let estimate: [Double]
    public let variance: [Double]
    public let lower: [Double]
    public let upper: [Double]
    /// At risk just before `time[j]`; events of this cause and censorings at it.
    public let nRisk: [Int]
    public let nEvent: [Int]
    public let nCensor: [Int]
  }

  /// Gray's test of one cause across the groups.
  public struct Test: Sendable {
    public let cause: String
    /// NaN when Gray's variance is singular (cmprsk prints −1 and p 1 there).
    public let statistic: Double
    public let df: Int
    public let p: Double
  }

  public let formula: Formula
  public let options: CompetingRisksOptions
  /// The causes reported (all, or the one asked for), in cmprsk's order.
  public let causes: [String]
  /// Every cause of the status column, in order.
  public let allCauses: [String]
  /// The censoring value as it reads in the column.
  public let censor: String
  /// Group labels; nil for `~ 1`.
  public let groups: [String]?
  /// The strata labels of Gray's test; empty without `strata()`.
  public let strata: [String]
  /// Curves cause-major, then group (cmprsk's order).
  public let curves: [Curve]
  /// One per reported cause; nil with fewer than two groups.
  public let tests: [Test]?
  public let n: Int
  public let droppedCount: Int

  public init(dataset: Dataset, formula: Formula, options: CompetingRisksOptions = CompetingRisksOptions())
    throws
  {
    guard options.confidenceLevel > 0, options.confidenceLevel < 1 else {
      throw ModelFrameError("the confidence level must be between 0 and 1, got \(options.confidenceLevel)")
    }
    guard options.rho.isFinite else { throw ModelFrameError("rho must be finite") }
    try formula.checkGroupingTerms(function: "cuminc")
    let cr = try CompetingRisksFrame(
      dataset: dataset, formula: formula, censor: options.censor, function: "cuminc")
    let frame = cr.frame
    let selected = try options.cause.map { [try cr.causeIndex($0)] }
      ?? Array(1..<(cr.causes.count + 1))
    let grouping = frame.groups
    let k = grouping?.count ?? 1
    // The groups as the kernels read them: a factor's own 32-bit codes, or indices.
    let codes = grouping?.codes ?? .wide([Int](repeating: 0, count: frame.count))
    let m = cr.causes.count
    // Every reported curve is laid out on the distinct times of its group,
    // with the risk table's counts: 8 × reported causes × rows numbers at
    // most, asked of the budget first (all causes of a status column of
    // 65,536 codes make this the largest allocation).
    try MemoryBudget.require(
      count: 8 * selected.count, stride: max(frame.count, 1) * MemoryLayout<Double>.stride,
      for: "\(selected.count * k) cumulative incidence curves")
    try Cancellation.check()
    // The risk table's event counts, of the reported causes only (with
    // Aalen's variance, from the fit's own sort).
    let table: CompetingRisksRiskTable

    var grayTests: [GrayTest] = []
    var curves: [Curve] = []
    func label(_ g: Int) -> String? { grouping?.labels[g] }
    switch options.variance {
    case .aalen:
      let fitted: (incidence: CumulativeIncidence, tests: [GrayTest], table: CompetingRisksRiskTable,
                   steps: [[CumulativeIncidence.Curve.Steps]])
      switch codes {
      case .compact(let codes):
        fitted = try CumulativeIncidence.fitWithTestsAndRiskTable(
          time: frame.time, status: frame.event, groupCodes: codes, strata: frame.strata?.index, rho: options.rho,
          groupCount: k, causeCount: m, testCauses: k > 1 ? selected : [], curveCauses: selected,
          tableCauses: selected, confidenceLevel: options.confidenceLevel, confidenceType: options.confidenceType)
      case .wide(let index):
        fitted = try CumulativeIncidence.fitWithTestsAndRiskTable(
          time: frame.time, status: frame.event, group: index, strata: frame.strata?.index, rho: options.rho,
          groupCount: k, causeCount: m, testCauses: k > 1 ? selected : [], curveCauses: selected,
          tableCauses: selected, confidenceLevel: options.confidenceLevel, confidenceType: options.confidenceType)
      }
      let (tests, risk, steps) = (fitted.tests, fitted.table, fitted.steps)
      grayTests = tests
      table = risk
      for (position, c) in selected.enumerated() {
        for g in 0..<k {
          // A group's size is its number at risk at its first time.
          let rows = table.groups[g]
          let s = steps[g][position]
          curves.append(Curve(
            group: label(g), cause: cr.causes[c - 1], n: rows.nRisk.first ?? 0,
            events: rows.nEvent[position].reduce(0, +),
            time: rows.time, estimate: s.estimate, variance: s.variance, lower: s.lower, upper: s.upper,
            nRisk: rows.nRisk, nEvent: rows.nEvent[position], nCensor: rows.nCensor))
        }
      }
    case .ij:
      let group = grouping?.index ?? [Int](repeating: 0, count: frame.count)
      table = try CompetingRisksRiskTable.tabulate(
        time: frame.time, status: frame.event, group: group, groupCount: k, causeCount: m, causes: selected)
      // The multi-state fit carries every state (all causes) at every time.
      try MemoryBudget.require(
        count: 3 * (m + 1), stride: max(frame.count, 1) * MemoryLayout<Double>.stride,
        for: "the Aalen–Johansen states of \(m) causes")
      let aj = try AalenJohansenJackknife.fit(
        time: frame.time, status: frame.event, group: group, groupCount: k, causeCount: m)
      if k > 1 && m > 0 {
        grayTests = try GrayTest.tests(
          time: frame.time, status: frame.event, group: group, strata: frame.strata?.index,
          causes: selected, causeCount: m, rho: options.rho)
      }
      let z = Normal.quantile(1 - (1 - options.confidenceLevel) / 2)
      for (position, c) in selected.enumerated() {
        for g in 0..<k {
          let rows = table.groups[g]
          let estimate = aj.curves[g].pstate[c]
          let variance = aj.curves[g].standardError[c].map { $0 * $0 }
          var lower = [Double](), upper = [Double]()
          lower.reserveCapacity(estimate.count)
          upper.reserveCapacity(estimate.count)
          for (e, v) in zip(estimate, variance) {
            let ci = CumulativeIncidence.confidenceInterval(
              estimate: e, variance: v, z: z, type: options.confidenceType)
            lower.append(ci.lower)
            upper.append(ci.upper)
          }
          curves.append(Curve(
            group: label(g), cause: cr.causes[c - 1], n: rows.nRisk.first ?? 0,
            events: rows.nEvent[position].reduce(0, +),
            time: rows.time, estimate: estimate, variance: variance, lower: lower, upper: upper,
            nRisk: rows.nRisk, nEvent: rows.nEvent[position], nCensor: rows.nCensor))
        }
      }
    }

    self.formula = formula
    self.options = options
    self.causes = selected.map { cr.causes[$0 - 1] }
    self.allCauses = cr.causes
    self.censor = cr.censorText
    self.groups = grouping?.labels
    self.strata = frame.strata?.labels ?? []
    self.curves = curves
    if k > 1 {
      // One test per reported cause, in the order of `selected`.
      self.tests = zip(selected, grayTests).map { c, t in
        Test(cause: cr.causes[c - 1], statistic: t.statistic, df: t.df, p: t.p)
      }
    } else {
      self.tests = nil
    }
    self.n = frame.count
    self.droppedCount = frame.droppedCount
  }
}
