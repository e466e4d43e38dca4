import Foundation
import Plots

/// `plot(km_fit, {fun = ...})`: the scale a Kaplan–Meier figure draws, as R
/// `plot.survfit(fun =)`: "surv" (S, the default), "event" (1 − S, rising
/// from 0; limits 1 − upper, 1 − lower) and "cumhaz" (−log S, the
/// cumulative hazard as R's `fun = "cumhaz"` draws it from a KM fit;
/// limits −log upper, −log lower). A transformed figure rises from 0, so it
/// is drawn as an incidence figure; "cumhaz" takes its default y range from
/// the data (0 to the largest finite value or limit).
enum KmPlotFun: String, CaseIterable {
  case surv, event, cumhaz

  static let choices = allCases.map { ($0.rawValue, $0) }

  /// The transformed figure and its default y title and range.
  func apply(_ data: SurvivalPlotData) -> (data: SurvivalPlotData, ylab: String?, ylim: [Double]?) {
    switch self {
    case .surv: return (data, nil, nil)
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
}
