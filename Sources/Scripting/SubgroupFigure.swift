import Analysis
import Plots

/// The forest plot of a `subgroups` result (`plot(s)`), as CONSORT-style
/// trial reports draw it: All patients, then each subgrouping variable in
/// bold with its levels below; columns of n/events per arm; the hazard
/// ratio of the treatment with its interval on a log axis with a line at 1;
/// "HR (95% CI)" text; the interaction p on each variable's first row; and
/// "favours" labels either side of 1. A level without a hazard ratio keeps
/// its counts and shows its note's reason instead of an estimate.
enum SubgroupFigure {
  /// `labels` titles a subgrouping variable by its column label (d:label).
  static func data(_ a: SubgroupAnalysis, labels: [String: String] = [:]) -> ForestPlotData {
    let contrasts = a.arms.count > 2
    var rows: [ForestRow] = []
    var cells = [[String]](repeating: [], count: a.arms.count)
    func add(_ l: SubgroupLevel, variable: String?, label: String, p: Double?) {
      let estimates: [SubgroupEstimate?] = l.estimates.isEmpty ? [nil] : l.estimates
      for (k, e) in estimates.enumerated() {
        var row = ForestRow(
          variable: variable, label: contrasts && e != nil ? "\(label): \(e?.level ?? "") vs \(a.arms[0])" : label,
          hazardRatio: e?.hr, lower: e?.lower, upper: e?.upper, pValue: k == 0 ? p : nil)
        if e == nil { row.note = shortNote(l.note) }
        rows.append(row)
        for arm in a.arms.indices { cells[arm].append(k == 0 ? "\(l.n[arm])/\(l.events[arm])" : "") }
      }
    }
    add(a.overall, variable: nil, label: "All patients", p: nil)
    for v in a.variables {
      for (k, l) in v.levels.enumerated() {
        add(l, variable: labels[v.name] ?? v.name, label: l.level, p: k == 0 ? v.interaction?.p : nil)
      }
    }
    var data = ForestPlotData(rows: rows, confidenceLevel: a.confidenceLevel)
    data.columns = a.arms.indices.map { ForestTextColumn(header: "\(a.arms[$0]) n/events", cells: cells[$0]) }
    data.pHeader = "p interaction"
    data.favoursLeft = "favours " + (a.arms.count == 2 ? a.arms[1] : "treatment")
    data.favoursRight = "favours " + a.arms[0]
    return data
  }

  /// "no events in arm Obs" from "no HR: no events in arm Obs".
  private static func shortNote(_ note: String?) -> String {
    guard let note else { return "no HR" }
    return note.hasPrefix("no HR: ") ? String(note.dropFirst(7)) : "no HR"
  }
}
