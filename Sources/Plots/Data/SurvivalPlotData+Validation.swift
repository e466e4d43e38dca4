extension SurvivalPlotData {
  /// Checks the data is something a step plot can be drawn from: at least
  /// one series, equal array lengths, finite sorted times not before the
  /// origin, finite values, non-negative counts.
  func validate() throws {
    guard origin.isFinite else { throw PlotError.invalidData("origin must be finite") }
    guard !series.isEmpty else { throw PlotError.invalidData("no series to plot") }
    for (g, s) in series.enumerated() {
      let name = "series \(g + 1) (\"\(s.label)\")"
      let n = s.time.count
      func check(_ count: Int, _ field: String) throws {
        if count != n {
          throw PlotError.invalidData("\(name): \(field) has \(count) entries but time has \(n)")
        }
      }
      try check(s.value.count, "value")
      try check(s.nRisk.count, "n_risk")
      try check(s.nEvent.count, "n_event")
      try check(s.nCensor.count, "n_censor")
      if (s.lower == nil) != (s.upper == nil) {
        throw PlotError.invalidData("\(name): lower and upper must be given together")
      }
      if let lower = s.lower { try check(lower.count, "lower") }
      if let upper = s.upper { try check(upper.count, "upper") }
      for i in 0..<n {
        guard s.time[i].isFinite, s.time[i] >= origin else {
          throw PlotError.invalidData("\(name): time[\(i + 1)] = \(s.time[i]) is not a finite time ≥ origin \(origin)")
        }
        if i > 0 && s.time[i] <= s.time[i - 1] {
          throw PlotError.invalidData("\(name): times must be strictly increasing (time[\(i + 1)] = \(s.time[i]))")
        }
        guard s.value[i].isFinite else {
          throw PlotError.invalidData("\(name): value[\(i + 1)] is not finite")
        }
        if s.nRisk[i] < 0 || s.nEvent[i] < 0 || s.nCensor[i] < 0 {
          throw PlotError.invalidData("\(name): negative count at time[\(i + 1)]")
        }
      }
      for m in s.censorMarks where !(m.time.isFinite && m.value.isFinite) {
        throw PlotError.invalidData("\(name): censor mark at a non-finite position")
      }
    }
  }
}
