import RunControl

/// How a plot draws a fitted curve that stops being finite (a hazard that
/// overflows far beyond follow-up, a survival average that underflows to
/// 0/0): up to its last finite point before the first that is not, with one
/// warning; a curve with fewer than two finite points is left out. The one
/// rule of `ParametricPlot` (flexsurv fits) and `SurvregFigure` (survreg
/// fits), which each had their own copy (session-7 review).
enum FiniteCurvePrefix {
  /// How many leading points of the curve `label` to draw (nil: none), where
  /// `isFinite(i)` says whether point i (at `times[i]`) and its limits are
  /// finite, for i in 0..<count.
  static func drawnCount(label: String, times: [Double], count: Int, isFinite: (Int) -> Bool) -> Int? {
    var end = 0
    while end < count && isFinite(end) { end += 1 }
    guard end < count else { return count }
    let last = end > 0 && end - 1 < times.count ? times[end - 1] : 0
    RunWarnings.emit("plot: the \(label) curve is not finite beyond t = \(last); drawn up to there")
    return end > 1 ? end : nil
  }
}
