import Foundation
@testable import Plots

/// A deterministic two-arm trial for the plot tests: ~60 patients per arm,
/// exponential event times, uniform accrual over 60 months and analysis at
/// 120 months (administrative censoring) plus some loss to follow-up.
enum TrialData {
  /// A 64-bit linear congruential generator (Knuth's MMIX constants); the
  /// tests need reproducible numbers, not good ones.
  struct LCG {
    var state: UInt64
    mutating func next() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(UInt64(1) << 53)
    }
  }

  struct Subject {
    var time: Double
    var event: Bool
  }

  /// One arm: `n` subjects with event hazard log(2)/median, loss to
  /// follow-up hazard `lossRate`, entry uniform over 60 months, data cut
  /// at 120 months. Times rounded to 0.1 month, as a trial database does.
  static func arm(n: Int, medianMonths: Double, lossRate: Double, seed: UInt64) -> [Subject] {
    var rng = LCG(state: seed)
    var out: [Subject] = []
    for _ in 0..<n {
      let event = -log(1 - rng.next()) * medianMonths / log(2)
      let loss = -log(1 - rng.next()) / lossRate
      let entry = rng.next() * 60
      let admin = 120 - entry
      let t = min(event, loss, admin)
      let time = max((t * 10).rounded() / 10, 0.1)
      out.append(Subject(time: time, event: event <= min(loss, admin)))
    }
    return out
  }

  /// A Kaplan–Meier series (R's survfit: every distinct time, log-log 95%
  /// CI), computed here so the test data do not depend on the Survival module.
  static func kaplanMeier(_ subjects: [Subject], label: String) -> SurvivalSeries {
    let times = Array(Set(subjects.map(\.time))).sorted()
    var s = 1.0
    var varSum = 0.0
    var time: [Double] = []
    var value: [Double] = []
    var lower: [Double] = []
    var upper: [Double] = []
    var nRisk: [Int] = []
    var nEvent: [Int] = []
    var nCensor: [Int] = []
    let z = 1.959963984540054
    for t in times {
      let atRisk = subjects.filter { $0.time >= t }.count
      let d = subjects.filter { $0.time == t && $0.event }.count
      let c = subjects.filter { $0.time == t && !$0.event }.count
      if d > 0 {
        s *= 1 - Double(d) / Double(atRisk)
        if atRisk > d { varSum += Double(d) / Double(atRisk * (atRisk - d)) }
      }
      time.append(t)
      value.append(s)
      nRisk.append(atRisk)
      nEvent.append(d)
      nCensor.append(c)
      if s > 0 && s < 1 && varSum > 0 {
        let se = sqrt(varSum) / abs(log(s))
        lower.append(pow(s, exp(z * se)))
        upper.append(pow(s, exp(-z * se)))
      } else if s == 1 {
        lower.append(1)
        upper.append(1)
      } else {
        lower.append(.nan)
        upper.append(.nan)
      }
    }
    return SurvivalSeries(
      label: label, time: time, value: value, lower: lower, upper: upper, nRisk: nRisk,
      nEvent: nEvent, nCensor: nCensor)
  }

  static let control = arm(n: 62, medianMonths: 30, lossRate: 0.004, seed: 20_240_611)
  static let treatment = arm(n: 60, medianMonths: 55, lossRate: 0.004, seed: 19_870_305)

  /// Two-arm KM data with annotations.
  static func survival() -> SurvivalPlotData {
    SurvivalPlotData(
      kind: .survival,
      series: [kaplanMeier(control, label: "Observation"), kaplanMeier(treatment, label: "Lev+5FU")],
      pValueText: "Log-rank p = 0.0042", hazardRatioText: "HR 0.58 (95% CI 0.38–0.88)")
  }

  /// Cumulative incidence as 1 − KM of the same data (enough for geometry).
  static func incidence() -> SurvivalPlotData {
    var series = [kaplanMeier(control, label: "Observation"), kaplanMeier(treatment, label: "Lev+5FU")]
    for i in series.indices {
      let s = series[i]
      series[i] = SurvivalSeries(
        label: s.label, time: s.time, value: s.value.map { 1 - $0 },
        lower: s.upper.map { $0.map { 1 - $0 } }, upper: s.lower.map { $0.map { 1 - $0 } },
        nRisk: s.nRisk, nEvent: s.nEvent, nCensor: s.nCensor)
    }
    return SurvivalPlotData(kind: .incidence, series: series, pValueText: "Gray's test p = 0.013")
  }

  /// A Cox model with a factor (reference level shown) and numeric terms.
  static func forest() -> ForestPlotData {
    ForestPlotData(
      rows: [
        .reference(variable: "Treatment", label: "Observation"),
        ForestRow(variable: "Treatment", label: "Lev", hazardRatio: 0.98, lower: 0.78, upper: 1.23, pValue: 0.86),
        ForestRow(variable: "Treatment", label: "Lev+5FU", hazardRatio: 0.58, lower: 0.38, upper: 0.88, pValue: 0.0098),
        .reference(variable: "Sex", label: "Female"),
        ForestRow(variable: "Sex", label: "Male", hazardRatio: 1.12, lower: 0.91, upper: 1.38, pValue: 0.28),
        ForestRow(label: "Age (per 10 years)", hazardRatio: 1.04, lower: 0.95, upper: 1.14, pValue: 0.41),
        ForestRow(label: "Nodes > 4", hazardRatio: 2.48, lower: 1.96, upper: 3.14, pValue: 0.00000021),
        ForestRow(label: "Obstruction", hazardRatio: 1.27, lower: 0.98, upper: 1.65, pValue: 0.072),
      ],
      title: "Hazard ratios for overall survival")
  }
}
