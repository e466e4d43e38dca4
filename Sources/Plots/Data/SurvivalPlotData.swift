/// What a survival or cumulative-incidence figure shows: one step function
/// per group, the risk-set counts behind it, and annotation text.
///
/// The Lua binding fills this from a Kaplan–Meier fit (`survfit`-like
/// fields `time`, `surv`, `lower`, `upper`, `n_risk`, `n_event`,
/// `n_censor` per stratum), an Aalen–Johansen cumulative incidence for one
/// cause, or predicted survival from a Cox model.
public struct SurvivalPlotData: Equatable, Sendable {
  /// Whether the curves fall from 1 (survival) or rise from 0 (incidence).
  public enum Kind: String, Equatable, Sendable {
    case survival
    case incidence
  }

  public var kind: Kind
  public var series: [SurvivalSeries]
  /// Printed in the panel, e.g. "Log-rank p = 0.0023" or "Gray's test p = 0.041".
  public var pValueText: String?
  /// Printed under the p-value, e.g. "HR 0.58 (95% CI 0.38–0.88)".
  public var hazardRatioText: String?
  /// Where every curve starts (value 1 for survival, 0 for incidence).
  public var origin: Double
  /// Time on a base-10 log axis (R's `log = "x"`, as `plot.survfit(fun =
  /// "cloglog")` draws): times must be positive, each curve starts at its
  /// own first point (there is no common start value) and the layout works
  /// in log10 time (`SurvivalPlotLayout+LogTime`).
  public var logTime: Bool = false
  /// Several curves per group (the causes of a competing-risks result in one
  /// panel): series `i` takes colour `colorIndex[i]` and line type
  /// `lineIndex[i]`; nil: series `i` takes colour and line type `i`.
  public var colorIndex: [Int]? = nil
  public var lineIndex: [Int]? = nil
  /// The series whose counts the risk table shows (one per group when
  /// several curves share a risk set); nil: every series.
  public var tableSeries: [Int]? = nil
  /// The risk table's row labels, one per `tableSeries` entry (the group
  /// names); nil: the series' labels.
  public var tableLabels: [String]? = nil

  public init(
    kind: Kind = .survival, series: [SurvivalSeries], pValueText: String? = nil,
    hazardRatioText: String? = nil, origin: Double = 0
  ) {
    self.kind = kind
    self.series = series
    self.pValueText = pValueText
    self.hazardRatioText = hazardRatioText
    self.origin = origin
  }

  /// The value every curve starts from at `origin`.
  public var startValue: Double { kind == .survival ? 1 : 0 }
}

/// One group's step function and risk set.
///
/// `time` lists every distinct observed time of the group in increasing
/// order, event times and censoring times alike (as R's `survfit` does by
/// default). `value[i]` is the estimate on `[time[i], time[i+1])`; `nRisk[i]`,
/// `nEvent[i]` and `nCensor[i]` are the number at risk just before
/// `time[i]`, the events and the censorings at `time[i]`.
///
/// Number at risk at an arbitrary time t (the risk table's rule): the number
/// of subjects whose time is ≥ t, which is `nRisk[j]` for the first `j` with
/// `time[j] ≥ t`, and 0 when every time is < t. This is exact because `time`
/// holds every observed time. See `nRisk(at:)`.
public struct SurvivalSeries: Equatable, Sendable {
  public var label: String
  public var time: [Double]
  public var value: [Double]
  /// Lower and upper confidence limits per step (NaN where undefined, e.g.
  /// after the survival reaches 0); both or neither.
  public var lower: [Double]?
  public var upper: [Double]?
  public var nRisk: [Int]
  public var nEvent: [Int]
  public var nCensor: [Int]
  /// Censor marks (time, curve value). Defaults to every `time[i]` with
  /// `nCensor[i] > 0` at height `value[i]`, as survminer draws them.
  public var censorMarks: [CensorMark]
  /// The median (time where the curve crosses 0.5) when the fit reports
  /// one; `nil` computes it from the steps (see `medianTime`).
  public var median: Double?

  public init(
    label: String, time: [Double], value: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
    nRisk: [Int], nEvent: [Int], nCensor: [Int], censorMarks: [CensorMark]? = nil, median: Double? = nil
  ) {
    self.label = label
    self.time = time
    self.value = value
    self.lower = lower
    self.upper = upper
    self.nRisk = nRisk
    self.nEvent = nEvent
    self.nCensor = nCensor
    self.median = median
    if let censorMarks {
      self.censorMarks = censorMarks
    } else {
      var marks: [CensorMark] = []
      for i in 0..<min(time.count, value.count, nCensor.count) where nCensor[i] > 0 {
        marks.append(CensorMark(time: time[i], value: value[i]))
      }
      self.censorMarks = marks
    }
  }

  /// The number at risk at `t`: subjects with time ≥ t.
  public func nRisk(at t: Double) -> Int {
    // First index with time >= t (binary search; times are sorted).
    var lo = 0
    var hi = time.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if time[mid] < t { lo = mid + 1 } else { hi = mid }
    }
    return lo < nRisk.count ? nRisk[lo] : 0
  }

  /// Cumulative events at times ≤ t.
  public func cumulativeEvents(at t: Double) -> Int {
    var total = 0
    for i in 0..<time.count where time[i] <= t { total += nEvent[i] }
    return total
  }

  /// Cumulative censorings at times ≤ t.
  public func cumulativeCensored(at t: Double) -> Int {
    var total = 0
    for i in 0..<time.count where time[i] <= t { total += nCensor[i] }
    return total
  }

  /// The curve's value at `t` (right-continuous step function) given the
  /// value it starts from before the first step.
  public func value(at t: Double, start: Double) -> Double {
    var v = start
    for i in 0..<time.count {
      if time[i] > t { break }
      v = value[i]
    }
    return v
  }

  /// The time the curve reaches 0.5: `median` when given, otherwise the
  /// first step time whose value is ≤ 0.5 (survival) or ≥ 0.5 (incidence).
  /// When the curve sits exactly at 0.5 over an interval, R's `survfit`
  /// takes the midpoint of that interval, and so does this.
  public func medianTime(kind: SurvivalPlotData.Kind) -> Double? {
    if let median { return median.isFinite ? median : nil }
    let tolerance = 1.5e-8  // R's quantile tolerance, sqrt(.Machine$double.eps)
    for i in 0..<min(time.count, value.count) {
      let v = value[i]
      let reached = kind == .survival ? v <= 0.5 + tolerance : v >= 0.5 - tolerance
      guard reached else { continue }
      if abs(v - 0.5) < tolerance {
        if i + 1 < time.count { return (time[i] + time[i + 1]) / 2 }
        return nil
      }
      return time[i]
    }
    return nil
  }
}

/// A censoring mark: the time and the curve's height there.
public struct CensorMark: Equatable, Sendable {
  public var time: Double
  public var value: Double
  public init(time: Double, value: Double) {
    self.time = time
    self.value = value
  }
}
