import Foundation

extension SurvivalPlotLayout {
  /// The figure on a base-10 log time axis (R `plot.survfit(log = "x")`,
  /// used by `fun = "cloglog"`): the data moved to log10 time, `xlim`
  /// (given in time units, positive) moved likewise, and the ticks of
  /// `Ticks.logTicks` labelled with the times themselves. The rest of the
  /// layout then runs unchanged on log10 time, which keeps the step shape
  /// (a monotone map of x). Number-at-risk tables, median guides and
  /// `breaks` have no meaning here and are refused.
  struct LogTimeAxis {
    var data: SurvivalPlotData
    var options: PlotOptions
    var lo: Double
    var hi: Double
    var ticks: [Double]
    var labels: [String]
  }

  static func logTimeAxis(_ data: SurvivalPlotData, options: PlotOptions) throws -> LogTimeAxis {
    func refuse(_ option: String, _ what: String) -> PlotError {
      .invalidOption(option: option, message: "\(option) is not drawn on a log time axis (\(what))")
    }
    if options.riskTable { throw refuse("risk_table", "fun = \"cloglog\"") }
    if options.cumulativeEvents { throw refuse("cumulative_events", "fun = \"cloglog\"") }
    if options.cumulativeCensored { throw refuse("cumulative_censored", "fun = \"cloglog\"") }
    if options.medianLines { throw refuse("median_lines", "fun = \"cloglog\"") }
    if options.breaks != nil { throw refuse("breaks", "the ticks are powers of ten and their multiples") }
    if let xlim = options.xlim, !(xlim[0] > 0) {
      throw PlotError.invalidOption(
        option: "xlim", message: "xlim must be positive on a log time axis (got {\(PlotOptions.show(xlim[0])), "
          + "\(PlotOptions.show(xlim[1]))})")
    }
    var moved = data
    for (g, s) in data.series.enumerated() {
      if let bad = s.time.first(where: { !($0 > 0) }) {
        throw PlotError.invalidData(
          "series \(g + 1) (\"\(s.label)\"): time \(PlotOptions.show(bad)) cannot be drawn on a log time axis")
      }
      moved.series[g].time = s.time.map { log10($0) }
      moved.series[g].censorMarks = s.censorMarks.map { CensorMark(time: log10($0.time), value: $0.value) }
    }
    let firsts = data.series.compactMap(\.time.first)
    let lasts = data.series.compactMap(\.time.last)
    guard let first = firsts.min(), let last = lasts.max() else {
      throw PlotError.invalidData("no point to draw on a log time axis")
    }
    let lower = options.xlim?[0] ?? first
    var upper = options.xlim?[1] ?? last
    if upper <= lower { upper = lower * 10 }
    var ticks = Ticks.logTicks(lower: lower, upper: upper, doublings: false)
    if ticks.isEmpty { ticks = [lower] }
    moved.origin = log10(min(first, lower))
    var options = options
    options.xlim = [log10(lower), log10(upper)]
    let labels = ticks.map { t -> String in
      let decimals = max(0, min(6, Int((-log10(t)).rounded(.up)) + 1))
      return Ticks.formatTrimmed(t, maxDecimals: decimals)
    }
    return LogTimeAxis(
      data: moved, options: options, lo: log10(lower), hi: log10(upper), ticks: ticks.map { log10($0) },
      labels: labels)
  }
}
