import Analysis
import Datasets
import Foundation
import Survival

/// The `tidy()` forms of the report tables (table1, subgroups), read from
/// the same Swift values as their encoders (ReportTablesEncoding).
enum ReportTablesTidy {
  /// `table1`: one row per variable, level (categorical; NA for continuous)
  /// and column (the groups, then Overall when shown): variable, label,
  /// type, level, group, n (the level's count, or the non-missing values of
  /// a continuous variable), percent (of the non-missing values), mean, sd,
  /// median, q1, q3, min, max (continuous), missing, and the variable's test:
  /// test, statistic, p_value (NA without tests).
  static let table1 = Tidier(
    Table1Result.self,
    rows: "one row per variable, level and column: variable, label, type, level, group, n, percent, mean, sd, "
      + "median, q1, q3, min, max, missing, test, statistic, p_value"
  ) { r, _ in
    let t = r.table
    var variable: [String?] = [], label: [String?] = [], type: [String?] = [], level: [String?] = []
    var group: [String?] = [], n: [Int?] = [], missing: [Int?] = [], test: [String?] = []
    var percent: [Double] = [], statistic: [Double] = [], p: [Double] = []
    var stats: [[Double]] = Array(repeating: [], count: 7)
    for v in t.variables {
      let levels: [String?] = v.type == .categorical ? v.levels.map { $0 } : [nil]
      for (k, lev) in levels.enumerated() {
        for c in r.shownColumns {
          variable.append(v.name)
          label.append(r.label(v.name))
          type.append(v.type.rawValue)
          level.append(lev)
          group.append(t.columns[c])
          missing.append(v.missing[c])
          test.append(v.test?.method)
          statistic.append(v.test?.statistic ?? .nan)
          p.append(v.test?.p ?? .nan)
          if v.type == .categorical {
            n.append(v.counts[c][k])
            percent.append(v.nonMissing[c] == 0 ? .nan : 100 * Double(v.counts[c][k]) / Double(v.nonMissing[c]))
            for s in 0..<7 { stats[s].append(.nan) }
          } else {
            let s = v.summaries[c]
            n.append(v.nonMissing[c])
            percent.append(.nan)
            for (j, x) in [s.mean, s.sd, s.median, s.q1, s.q3, s.min, s.max].enumerated() { stats[j].append(x) }
          }
        }
      }
    }
    var out = TidyTable()
    try out.labels("variable", variable)
    try out.labels("label", label)
    try out.labels("type", type)
    try out.labels("level", level)
    try out.labels("group", group)
    out.integers("n", n)
    out.numbers("percent", percent)
    for (j, name) in ["mean", "sd", "median", "q1", "q3", "min", "max"].enumerated() { out.numbers(name, stats[j]) }
    out.integers("missing", missing)
    try out.labels("test", test)
    out.numbers("statistic", statistic)
    out.numbers("p_value", p)
    return try out.dataset()
  }

  /// `subgroups`: one row per subgroup (All patients first) and treatment
  /// contrast, as broom's tidy.coxph of each subgroup's model: subgroup,
  /// level, term, estimate (log HR; HR with {exponentiate = true}),
  /// std_error, statistic (z), p_value, conf_low, conf_high; then n and
  /// events (all arms), n_<arm> and events_<arm> per arm, p_interaction
  /// (the subgrouping variable's likelihood-ratio test) and note. A level
  /// without a hazard ratio has NA estimates and its note.
  static let subgroups = Tidier(
    SubgroupAnalysis.self,
    rows: "one row per subgroup level and treatment contrast: subgroup, level, term, estimate (log HR; HR with "
      + "{exponentiate = true}), std_error, statistic, p_value, conf_low, conf_high, n, events, n_<arm>, "
      + "events_<arm>, p_interaction, note",
    exponentiates: true
  ) { a, options in
    var subgroup: [String?] = [], level: [String?] = [], term: [String?] = [], note: [String?] = []
    var coef: [Double] = [], hr: [Double] = [], se: [Double] = [], z: [Double] = [], p: [Double] = []
    var lower: [Double] = [], upper: [Double] = [], pInteraction: [Double] = []
    var n: [Int?] = [], events: [Int?] = []
    var armN = [[Int?]](repeating: [], count: a.arms.count)
    var armEvents = [[Int?]](repeating: [], count: a.arms.count)
    func add(_ l: SubgroupLevel, interaction: Double) {
      let estimates: [SubgroupEstimate?] = l.estimates.isEmpty ? [nil] : l.estimates
      for e in estimates {
        subgroup.append(l.variable)
        level.append(l.level)
        term.append(e?.term)
        coef.append(e?.coef ?? .nan)
        hr.append(e?.hr ?? .nan)
        se.append(e?.se ?? .nan)
        z.append(e?.z ?? .nan)
        p.append(e?.p ?? .nan)
        lower.append(e?.lower ?? .nan)
        upper.append(e?.upper ?? .nan)
        n.append(l.n.reduce(0, +))
        events.append(l.events.reduce(0, +))
        for k in a.arms.indices {
          armN[k].append(l.n[k])
          armEvents[k].append(l.events[k])
        }
        pInteraction.append(interaction)
        note.append(l.note)
      }
    }
    add(a.overall, interaction: .nan)
    for v in a.variables {
      for l in v.levels { add(l, interaction: v.interaction?.p ?? .nan) }
    }
    var out = TidyTable()
    try out.labels("subgroup", subgroup)
    try out.labels("level", level)
    try out.labels("term", term)
    // The columns of a Cox model's coefficients, as tidy(cox()) writes them (CoxTidy).
    CoxTidy.coefficients(&out, beta: coef, hr: hr, se: se, robust: nil, z: z, p: p, lower: lower, upper: upper,
                         exponentiate: options.exponentiate)
    out.integers("n", n)
    out.integers("events", events)
    for (k, arm) in a.arms.enumerated() {
      out.integers("n_\(arm)", armN[k])
      out.integers("events_\(arm)", armEvents[k])
    }
    out.numbers("p_interaction", pInteraction)
    try out.labels("note", note)
    return try out.dataset()
  }
}
