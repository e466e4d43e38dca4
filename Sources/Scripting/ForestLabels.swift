import Analysis
import LuaHost
import Plots

/// `plot(m, {labels = {age = "Age (years)", celltype = "Cell type"}})`:
/// new names for the rows of a Cox or Fine–Gray forest plot. A key is a
/// coefficient (`age`, `celltypesmallcell`: renames that row) or a factor
/// variable (`celltype`: renames the bold header its levels are grouped
/// under); a key that is neither is an error listing the names, so a typo
/// is never silently ignored. Without a key, a column's label (d:label)
/// names its factor header or its numeric term's row.
enum ForestLabels {
  static func apply(_ data: ForestPlotData, terms: [CoefficientLabel], dataset: LuaDataset?, call: KaplanCall) throws
    -> ForestPlotData
  {
    var byName: [String: String] = [:]
    if let d = dataset?.dataset {
      for l in terms {
        let key = l.level == nil ? l.name : l.variable
        if d.index(of: key) != nil, let label = d.attributes(of: key).label { byName[key] = label }
      }
    }
    guard case .table(let t)? = try call.options.value("labels") else { return relabel(data, terms, byName) }
    guard t.array.isEmpty, !t.fields.isEmpty else {
      throw call.lua.argumentError(
        2, "option 'labels' must map terms to labels for a forest plot, e.g. {age = \"Age (years)\"}, got "
          + (t.fields.isEmpty ? "an array" : "a table with both keys and array entries"))
    }
    let names = terms.map(\.name)
    let variables = terms.filter { $0.level != nil }.map(\.variable)
    for (key, value) in t.fields {
      guard value.typeName == "string", let label = value.stringValue else {
        throw call.lua.argumentError(
          2, "option 'labels' must map terms to strings, got \(OptionValues.shown(value)) for '\(key)'")
      }
      guard names.contains(key) || variables.contains(key) else {
        var known: [String] = []
        for n in variables + names where !known.contains(n) { known.append(n) }
        throw call.lua.argumentError(
          2, "option 'labels' names no term of the model: '\(key)' (terms: \(known.joined(separator: ", ")))")
      }
      byName[key] = label
    }
    return relabel(data, terms, byName)
  }

  private static func relabel(_ data: ForestPlotData, _ terms: [CoefficientLabel], _ byName: [String: String])
    -> ForestPlotData
  {
    guard !byName.isEmpty else { return data }
    // Rows are the forest's: a factor level's row carries its variable, a
    // numeric term's label is its coefficient name.
    var out = data
    let levelNames = Dictionary(
      terms.compactMap { l in l.level.map { ("\(l.variable)\u{0}\($0)", l.name) } }, uniquingKeysWith: { a, _ in a })
    for i in out.rows.indices {
      let row = out.rows[i]
      if let variable = row.variable {
        if !row.isReference, let name = levelNames["\(variable)\u{0}\(row.label)"], let label = byName[name] {
          out.rows[i].label = label
        }
        if let label = byName[variable] { out.rows[i].variable = label }
      } else if let label = byName[row.label] {
        out.rows[i].label = label
      }
    }
    return out
  }
}
