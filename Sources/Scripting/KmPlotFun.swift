import Foundation
import Plots

/// `plot(km_fit, {fun = ...})`: the scale a Kaplan–Meier figure draws, as R
/// `plot.survfit(fun =)`: "surv" (S, the default), "event" (1 − S, rising
/// from 0; limits 1 − upper, 1 − lower) and "cumhaz" (−log S, the
/// cumulative hazard as R's `fun = "cumhaz"` draws it from a KM fit;
/// limits −log upper, −log lower). A transformed figure rises from 0, so it
/// is drawn as an incidence figure; "cumhaz" takes its default y range from
/// the data (0 to the largest finite value or limit). "cloglog" is
/// log(−log S) against time on a log axis, the classic check of
/// proportional hazards (parallel curves): as R's `fun = "cloglog"`
/// (`log(-log(y))`, `log = "x"`), the steps where S is 0 or 1 (and times
/// ≤ 0) are dropped, each curve starts at its first kept step, and the
/// limits are log(−log upper), log(−log lower), NaN where a limit is 0 or 1.
enum KmPlotFun: String, CaseIterable {
  case surv, event, cumhaz, cloglog

  static let choices = allCases.map { ($0.rawValue, $0) }

  /// The transformed figure and its default y title and range (for
  /// "cloglog", the range holds the limits only when `limits`: the bands are drawn).
  func apply(_ data: SurvivalPlotData, limits: Bool = true)
    -> (data: SurvivalPlotData, ylab: String?, ylim: [Double]?)
  {
    switch self {
    case .surv: return (data, nil, nil)
    case .cloglog: return Self.cloglog(data, limits: limits)
    case .event, .cumhaz:
      let f: (Double) -> Double = self == .event ? { 1 - $0 } : { $0 > 0 ? -log($0) : .nan }
      var out = data
      out.kind = .incidence
      out.series = data.series.map { s in
        var t = s
        t.value = s.value.map(f)
        t.lower = s.upper.map { $0.map(f) }
        t.upper = s.lower.map { $0.map(f) }
        t.censorMarks = s.censorMarks.map { CensorMark(time: $0.time, value: f($0.value)) }
        return t
      }
      if self == .event { return (out, "Cumulative event probability", nil) }
      var top = 0.0
      for s in out.series {
        for v in s.value + (s.upper ?? []) where v.isFinite { top = max(top, v) }
      }
      return (out, "Cumulative hazard", [0, top > 0 ? top * 1.04 : 1])
    }
  }

  /// log(−log S) of the steps where 0 < S < 1 and the time is positive.
  private static func cloglog(_ data: SurvivalPlotData, limits: Bool)
    -> (data: SurvivalPlotData, ylab: String?, ylim: [Double]?)
  {
    func f(_ v: Double) -> Double { v > 0 && v < 1 ? log(-log(v)) : .nan }
    var out = data
    out.kind = .incidence
    out.logTime = true
    out.series = data.series.map { s in
      let keep = s.time.indices.filter { s.time[$0] > 0 && s.value[$0] > 0 && s.value[$0] < 1 }
      var t = s
      t.time = keep.map { s.time[$0] }
      t.value = keep.map { f(s.value[$0]) }
      t.lower = s.upper.map { u in keep.map { f(u[$0]) } }
      t.upper = s.lower.map { l in keep.map { f(l[$0]) } }
      t.nRisk = keep.map { s.nRisk[$0] }
      t.nEvent = keep.map { s.nEvent[$0] }
      t.nCensor = keep.map { s.nCensor[$0] }
      t.censorMarks = s.censorMarks.filter { $0.time > 0 && $0.value > 0 && $0.value < 1 }.map {
        CensorMark(time: $0.time, value: f($0.value))
      }
      return t
    }
    var bottom = Double.infinity, top = -Double.infinity
    for s in out.series {
      for v in s.value + (limits ? (s.lower ?? []) + (s.upper ?? []) : []) where v.isFinite {
        bottom = min(bottom, v)
        top = max(top, v)
      }
    }
    guard bottom.isFinite && top.isFinite else { return (out, "log(-log(survival))", nil) }
    let pad = max(top - bottom, 1e-3) * 0.04
    return (out, "log(-log(survival))", [bottom - pad, top + pad])
  }
}
