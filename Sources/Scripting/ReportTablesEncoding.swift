import Analysis
import LuaHost
import Survival

/// `table1` and `subgroups` results as plain Lua tables (NA as nil) for
/// `stdlib/kaplan/report_tables.lua` to print.
enum ReportTablesEncoding {
  private static func number(_ x: Double) -> LuaValue { x.isNaN ? .nil : .number(x) }

  private static func numbers(_ xs: [Double]) -> LuaValue { .array(xs.map(number)) }

  private static func integers(_ xs: [Int]) -> LuaValue { .array(xs.map { .integer($0) }) }

  static func table1(_ r: Table1Result) throws -> LuaValue {
    let t = r.table
    let shown = r.shownColumns
    let columns: [LuaValue] = shown.map { .record(["label": .string(t.columns[$0]), "n": .integer(t.columnN[$0])]) }
    let variables: [LuaValue] = t.variables.map { v in
      var fields: [(String, LuaValue)] = [
        ("name", .string(v.name)), ("label", .string(r.label(v.name))), ("type", .string(v.type.rawValue)),
        ("n", integers(shown.map { v.nonMissing[$0] })), ("missing", integers(shown.map { v.missing[$0] })),
      ]
      if v.type == .categorical {
        fields.append(("levels", .strings(v.levels)))
        fields.append(("counts", .array(v.levels.indices.map { k in integers(shown.map { v.counts[$0][k] }) })))
        fields.append(("percents", .array(v.levels.indices.map { k in
          numbers(shown.map { c in
            v.nonMissing[c] == 0 ? .nan : 100 * Double(v.counts[c][k]) / Double(v.nonMissing[c])
          })
        })))
      } else {
        let s = shown.map { v.summaries[$0] }
        fields += [
          ("mean", numbers(s.map(\.mean))), ("sd", numbers(s.map(\.sd))), ("median", numbers(s.map(\.median))),
          ("q1", numbers(s.map(\.q1))), ("q3", numbers(s.map(\.q3))), ("min", numbers(s.map(\.min))),
          ("max", numbers(s.map(\.max))),
        ]
      }
      if let test = v.test {
        var tf: [(String, LuaValue)] = [
          ("method", .string(test.method)), ("title", .string(test.title)), ("statistic", number(test.statistic)),
          ("p", number(test.p)),
        ]
        if let df = test.df { tf.append(("df", .integer(df))) }
        if let note = test.note { tf.append(("note", .string(note))) }
        fields.append(("test", .table(LuaTable(fields: tf))))
      } else if let note = v.testNote {
        fields.append(("test", .record(["note": .string(note)])))
      }
      return .table(LuaTable(fields: fields))
    }
    var fields: [(String, LuaValue)] = [
      ("columns", .array(columns)), ("variables", .array(variables)), ("continuous", .string(r.continuous)),
      ("missing", .string(r.missing)), ("digits", .integer(r.digits)), ("tests", .boolean(t.tests)),
      ("n_dropped", .integer(t.droppedCount)),
    ]
    if let by = t.by { fields.append(("by", .string(by))) }
    return .table(LuaTable(fields: fields))
  }

  private static func level(_ l: SubgroupLevel) -> LuaValue {
    var fields: [(String, LuaValue)] = [
      ("variable", .string(l.variable)), ("level", .string(l.level)), ("n", integers(l.n)),
      ("events", integers(l.events)),
      ("estimates", .array(l.estimates.map { e in
        .record([
          "term": .string(e.term), "level": .string(e.level), "coef": number(e.coef), "se": number(e.se),
          "z": number(e.z), "p": number(e.p), "hr": number(e.hr), "lower": number(e.lower), "upper": number(e.upper),
        ])
      })),
    ]
    if let note = l.note { fields.append(("note", .string(note))) }
    return .table(LuaTable(fields: fields))
  }

  /// `labels`: the subgrouping columns' labels (d:label), shown for their names.
  static func subgroups(_ a: SubgroupAnalysis, ties: CoxTies, labels: [String: String] = [:]) throws -> LuaValue {
    var rows = [level(a.overall)]
    for v in a.variables { rows += v.levels.map(level) }
    let variables: [LuaValue] = a.variables.map { v in
      var fields: [(String, LuaValue)] = [("name", .string(v.name))]
      if let label = labels[v.name] { fields.append(("label", .string(label))) }
      if let t = v.interaction {
        fields += [("chisq", number(t.statistic)), ("df", .integer(t.df)), ("p", number(t.p))]
      }
      if let note = v.interactionNote { fields.append(("note", .string(note))) }
      return .table(LuaTable(fields: fields))
    }
    return .table(LuaTable(fields: [
      ("formula", .string(a.formula.text)), ("treatment", .string(a.treatment)), ("arms", .strings(a.arms)),
      ("rows", .array(rows)), ("variables", .array(variables)), ("conf_level", .number(a.confidenceLevel)),
      ("ties", .string(ties.rawValue)),
    ]))
  }
}
