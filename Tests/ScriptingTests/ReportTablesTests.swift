import Foundation
import LuaHost
import Scripting
import Testing

import TestSupport

/// table1() and subgroups() against R (scripts/fixtures/report_tables.R:
/// base R's tests, type-7 quantiles, coxph per subgroup and anova(m1, m2)
/// for the interaction), their printouts, tidy forms and errors.
@Suite struct ReportTablesTests {
  /// Summary statistics and rank/contingency tests are closed forms.
  static let closedForm = Tolerance.closedForm
  /// Fisher's p (merged partial tables) and the Cox fits: 1e-6, as the brief asks.
  static let fitted = Tolerance.iterative

  private static let setup = """
    local colon = dataset("colon")
    deaths = colon:where(colon.etype:eq(2))
    two = deaths:where(deaths.rx:ne("Lev"))
    local lung0 = dataset("lung")
    lung = lung0:with{sexf = if_else(lung0.sex:eq(1), "male", "female")}:relevel("sexf", "female")
    """

  private func number(_ value: Any?) -> Double {
    if let s = value as? String { return s == "NA" ? .nan : Double(s) ?? .nan }
    return (value as? NSNumber)?.doubleValue ?? .nan
  }

  private func objects(_ value: Any?) -> [[String: Any]] { value as? [[String: Any]] ?? [] }

  /// The JSON form of the Lua expression `expression`, after the setup.
  private func json(_ rt: KaplanRuntime, _ expression: String) throws -> [String: Any] {
    let out = try lua(rt, Self.setup + "\nreturn json(" + expression + ")")
    let text = out.first?.stringValue ?? ""
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  @Test func table1MatchesR() throws {
    let cases = try #require(try loadFixture("report_tables/table1.json") as? [[String: Any]])
    let rt = try makeRuntime()
    let calls = [
      "colon_rx": "table1(deaths, {by = 'rx', vars = {'sex', 'obstruct', 'differ', 'extent', 'age', 'nodes'}, "
        + "tests = true, overall = true})",
      "colon_two": "table1(two, {by = 'rx', vars = {'sex', 'perfor', 'differ', 'age', 'nodes'}, tests = true, "
        + "overall = true})",
      "lung_sex": "table1(lung, {by = 'sexf', vars = {'ph.ecog', 'age', 'wt.loss'}, tests = true, overall = true})",
    ]
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let t = try json(rt, try #require(calls[name]))
      let columns = objects(t["columns"])
      let groups = c["groups"] as? [String] ?? []
      #expect(columns.map { $0["label"] as? String } == groups + ["Overall"], "\(name) columns")
      #expect(columns.prefix(groups.count).map { ($0["n"] as? NSNumber)?.intValue }
        == (c["n"] as? [NSNumber] ?? []).map(\.intValue), "\(name) N")
      let ours = objects(t["variables"])
      for (v, ref) in zip(ours, objects(c["variables"])) {
        let label = "\(name) \(ref["name"] as? String ?? "?")"
        #expect(v["name"] as? String == ref["name"] as? String, "\(label) order")
        #expect(v["type"] as? String == ref["type"] as? String, "\(label) type")
        let test = v["test"] as? [String: Any] ?? [:]
        #expect(test["method"] as? String == ref["test"] as? String, "\(label) test")
        let tolerance = ref["test"] as? String == "fisher" ? Self.fitted : Self.closedForm
        #expect(approxEqual(number(test["p"]), number(ref["p"]), relative: tolerance), "\(label) p")
        #expect(approxEqual(number(test["statistic"]), number(ref["statistic"]), relative: Self.closedForm),
                "\(label) statistic")
        if ref["type"] as? String == "categorical" {
          #expect(v["levels"] as? [String] == ref["levels"] as? [String], "\(label) levels")
          // R's counts are per group, ours per level (columns in order).
          let counts = (v["counts"] as? [[NSNumber]] ?? []).map { $0.map(\.intValue) }
          let theirs = (ref["counts"] as? [[NSNumber]] ?? []).map { $0.map(\.intValue) }
          for (g, perLevel) in theirs.enumerated() {
            #expect(counts.map { $0[g] } == perLevel, "\(label) counts of group \(g)")
          }
          let missing = (v["missing"] as? [NSNumber] ?? []).map(\.intValue)
          #expect(Array(missing.prefix(groups.count)) == (ref["missing"] as? [NSNumber] ?? []).map(\.intValue))
        } else {
          for (k, s) in objects(ref["stats"]).enumerated() {
            for key in ["mean", "sd", "median", "q1", "q3", "min", "max"] {
              let ourValue = number((v[key] as? [Any])?[k])
              #expect(approxEqual(ourValue, number(s[key]), relative: Self.closedForm), "\(label) \(key) [\(k)]")
            }
            #expect(((v["n"] as? [NSNumber])?[k].intValue) == (s["n"] as? NSNumber)?.intValue, "\(label) n")
          }
        }
      }
    }
  }

  /// With cluster() the fits are robust, and a likelihood-ratio test of
  /// interaction would ignore the clustering: R's anova refuses, and so do we,
  /// with a note (the hazard ratios keep their robust intervals).
  /// A column's variable label (d:label, or read from a SAS/Stata/SPSS file)
  /// is its row label unless `labels` gives another, as gtsummary does.
  @Test func variableLabelsAreTheDefaultRowLabels() throws {
    let rt = try makeRuntime()
    let t = try json(rt, """
      table1(deaths:label('age', 'Age of patient'):label('nodes', 'Nodes'), \
      {by = 'rx', vars = {'age', 'nodes', 'sex'}, labels = {nodes = 'Positive nodes'}})
      """)
    let labels = objects(t["variables"]).map { $0["label"] as? String ?? "?" }
    #expect(labels == ["Age of patient", "Positive nodes", "sex"])
  }

  @Test func clusteredSubgroupsHaveNoLikelihoodRatioInteraction() throws {
    let rt = try makeRuntime()
    let s = try json(rt, "subgroups(two, 'Surv(time, status) ~ rx + cluster(id)', {by = {'sex'}, treatment = 'rx'})")
    let variable = try #require(objects(s["variables"]).first)
    #expect(variable["chisq"] == nil && variable["p"] == nil)
    #expect(variable["note"] as? String
      == "no interaction test: a likelihood-ratio test is not valid with a robust (cluster) variance")
    #expect(objects(objects(s["rows"]).first?["estimates"]).count == 1)
  }

  @Test func subgroupsMatchR() throws {
    let cases = try #require(try loadFixture("report_tables/subgroups.json") as? [[String: Any]])
    let rt = try makeRuntime()
    let data = ["colon_two": "two", "colon_strata": "two", "colon_three": "deaths", "lung_ecog": "lung"]
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let by = (c["variables"] as? [[String: Any]] ?? []).map { "'\($0["name"] as? String ?? "")'" }
      let call = "subgroups(\(data[name] ?? "?"), '\(c["formula"] as? String ?? "")', {by = {"
        + by.joined(separator: ", ") + "}, treatment = '\(c["treatment"] as? String ?? "")'})"
      let s = try json(rt, call)
      let rows = objects(s["rows"])
      var expected: [(String, [[String: Any]])] = [("All patients", objects(c["overall"]))]
      for v in objects(c["variables"]) {
        for l in objects(v["levels"]) { expected.append((l["level"] as? String ?? "?", objects(l["estimates"]))) }
      }
      #expect(rows.count == expected.count, "\(name) rows")
      for (row, (level, estimates)) in zip(rows, expected) {
        let label = "\(name) \(row["variable"] as? String ?? "?")=\(level)"
        #expect(row["level"] as? String == level, "\(label) level")
        let ours = objects(row["estimates"])
        #expect(ours.count == estimates.count, "\(label) estimates")
        // Only a level without a hazard ratio has a note (an unused arm level is dropped, as R's droplevels).
        #expect((row["note"] != nil) == estimates.isEmpty, "\(label) note")
        for (e, r) in zip(ours, estimates) {
          #expect(e["term"] as? String == r["term"] as? String, "\(label) term")
          for (key, ref) in [("coef", "coef"), ("se", "se"), ("hr", "hr"), ("lower", "lower"), ("upper", "upper"),
                             ("p", "p")] {
            #expect(approxEqual(number(e[key]), number(r[ref]), relative: Self.fitted), "\(label) \(key)")
          }
        }
      }
      for (v, r) in zip(objects(s["variables"]), objects(c["variables"])) {
        let label = "\(name) \(r["name"] as? String ?? "?") interaction"
        #expect(approxEqual(number(v["chisq"]), number(r["chisq"]), relative: Self.fitted), "\(label) chisq")
        #expect((v["df"] as? NSNumber)?.intValue == (r["df"] as? NSNumber)?.intValue, "\(label) df")
        #expect(approxEqual(number(v["p"]), number(r["p"]), relative: Self.fitted), "\(label) p")
      }
    }
  }

  @Test func subgroupsCountArmsAndExplainMissingHazardRatios() throws {
    let rt = try makeRuntime()
    let s = try json(rt, "subgroups(lung, 'Surv(time, status) ~ sexf + age', {by = 'ph.ecog'})")
    let rows = objects(s["rows"])
    // ECOG 3: one patient (a man who died): no women, so no hazard ratio.
    let ecog3 = try #require(rows.last)
    #expect(ecog3["level"] as? String == "3")
    #expect((ecog3["n"] as? [NSNumber])?.map(\.intValue) == [0, 1])
    #expect((ecog3["events"] as? [NSNumber])?.map(\.intValue) == [0, 1])
    #expect(ecog3["note"] as? String == "no HR: no rows in arm female")
    // The counts per arm add up to the rows used (lung has one missing ph.ecog).
    let all = try #require(rows.first)
    #expect((all["n"] as? [NSNumber])?.map(\.intValue) == [90, 138])
    #expect((all["events"] as? [NSNumber])?.map(\.intValue) == [53, 112])
    let printed = try lua(rt, Self.setup
      + "\nreturn tostring(subgroups(lung, 'Surv(time, status) ~ sexf + age', {by = 'ph.ecog'}))")
    let text = printed.first?.stringValue ?? ""
    #expect(text.contains("Note: ph.ecog = 3: no HR: no rows in arm female"))
    #expect(text.contains("female n/events"))
  }

  @Test func printsAlignedTables() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, Self.setup + """

      local t = table1(two, {by = "rx", vars = {"age", "sex", "nodes"}, labels = {age = "Age"}, tests = true})
      return tostring(t)
      """)
    let text = out.first?.stringValue ?? ""
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("Characteristic") == true)
    #expect(lines.contains { $0.hasPrefix("Age, median (Q1, Q3)") })
    #expect(lines.contains { $0.hasPrefix("  Missing") })  // nodes has missing values
    #expect(lines.contains { $0.contains("N = 315") && $0.contains("N = 304") })
    #expect(text.contains("Tests: chisq: Pearson's chi-squared test; wilcoxon: Wilcoxon rank-sum test"))
    // Aligned: the header's group labels start where their cells do.
    let header = lines[0]
    let second = lines[1]
    let col = try #require(header.range(of: "Lev+5FU")).lowerBound.utf16Offset(in: header)
    let cell = try #require(second.range(of: "N = 304")).lowerBound.utf16Offset(in: second)
    #expect(col + "Lev+5FU".count == cell + "N = 304".count)  // right-aligned columns
    // Without vars: every column but 'by' and the dates (clocc has two).
    let clocc = try lua(rt, "local t = table1(dataset('clocc'), {by = 'arm'}); local n = {}; "
      + "for i, v in ipairs(t.variables) do n[i] = v.name end; return table.concat(n, ',')")
    #expect(clocc.first?.stringValue == "id,age,sex,who_ps,n_metastases,os_months,os_event,death_cause,pfs_months,"
      + "pfs_event,first_event")
    let both = try lua(rt, Self.setup + "\nreturn tostring(table1(two, {vars = {'age'}, continuous = 'both', "
      + "digits = 2}))")
    let b = both.first?.stringValue ?? ""
    #expect(b.contains("  Mean (SD)") && b.contains("  Median (Q1, Q3)") && b.contains("Overall"))
  }

  @Test func tidyFormsGoThroughTheTidyRegistry() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, Self.setup + """

      local t = tidy(table1(two, {by = "rx", vars = {"sex", "age"}, tests = true}))
      local s = tidy(subgroups(two, "Surv(time, status) ~ rx + age", {by = "sex"}), {exponentiate = true})
      local m = cox(two:where(two.sex:eq(0)), "Surv(time, status) ~ rx + age")
      return table.concat(t:names(), ","), t:nrow(), t.n[1], t.percent[1], t.level[1], t.group[2],
        table.concat(s:names(), ","), s:nrow(), s.estimate[2], m.terms[2].hr, s.subgroup[2], s.level[2]
      """)
    #expect(out[0].stringValue == "variable,label,type,level,group,n,percent,mean,sd,median,q1,q3,min,max,missing,"
      + "test,statistic,p_value")
    #expect(out[1].doubleValue == 6)  // sex: 2 levels × 2 arms, age: 2 arms
    #expect(out[2].doubleValue == 149)  // R: table(two$sex, two$rx)
    #expect(out[4].stringValue == "0" && out[5].stringValue == "Lev+5FU")
    #expect(out[6].stringValue == "subgroup,level,term,estimate,std_error,statistic,p_value,conf_low,conf_high,n,"
      + "events,n_Obs,events_Obs,n_Lev+5FU,events_Lev+5FU,p_interaction,note")
    #expect(out[7].doubleValue == 3)
    #expect(out[8] == out[9])  // the subgroup's HR is cox() on that subgroup, to the last bit
    #expect(out[10].stringValue == "sex" && out[11].stringValue == "0")
  }

  @Test func subgroupFitsUseTheCoxOptions() throws {
    // conf_level and ties reach every subgroup's fit: a level's interval is cox()'s on that level's rows.
    let rt = try makeRuntime()
    let out = try lua(rt, Self.setup + """

      local s = subgroups(two, "Surv(time, status) ~ rx + age", {by = "sex", conf_level = 0.9, ties = "breslow"})
      local m = cox(two:where(two.sex:eq(1)), "Surv(time, status) ~ rx + age", {conf_level = 0.9, ties = "breslow"})
      return s.rows[3].estimates[1].lower, m.terms[2].lower, s.rows[3].estimates[1].hr, m.terms[2].hr, s.ties,
        s.conf_level
      """)
    #expect(out[0] == out[1] && out[2] == out[3])
    #expect(out[4].stringValue == "breslow" && out[5].doubleValue == 0.9)
  }

  @Test func errorsNameTheArgument() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, Self.setup + "\ntable1(two, {by = 'arm'})").contains(
      "bad argument #2 to 'table1' (option 'by' names column 'arm', which is not in the dataset; its columns: id, "
        + "study, rx,"))
    #expect(luaError(rt, Self.setup + "\ntable1(two, {vars = {'age', 'nodez'}})").contains(
      "(option 'vars' names column 'nodez', which is not in the dataset (did you mean 'nodes'?); its columns:"))
    #expect(luaError(rt, Self.setup + "\ntable1(two, {vars = {'age'}, tests = true})").contains(
      "bad argument #2 to 'table1' (option 'tests' needs a 'by' column to compare groups)"))
    #expect(luaError(rt, Self.setup + "\ntable1(two, {vars = {'age'}, labels = {agee = 'Age'}})").contains(
      "(option 'labels' names 'agee', which is not among the table's variables)"))
    #expect(luaError(rt, Self.setup + "\ntable1(two, {vars = {'rx'}, types = {rx = 'continuous'}})").contains(
      "(option 'types' makes 'rx' continuous, but it is a string column)"))
    #expect(luaError(rt, "local d = dataset('clocc')\ntable1(d, {vars = {'randomized'}})").contains(
      "(option 'vars' names the date column 'randomized'; summarise a number derived from it"))
    #expect(luaError(rt, Self.setup + "\ntable1(two, {continuous = 'iqr'})").contains(
      "bad argument #2 to 'table1' (option 'continuous' must be one of \"median_iqr\", \"mean_sd\", \"both\", "
        + "got \"iqr\")"))
    #expect(luaError(rt, Self.setup + "\nsubgroups(two, 'Surv(time, status) ~ rx', {by = 'sexx'})").contains(
      "bad argument #3 to 'subgroups' (option 'by' names column 'sexx', which is not in the dataset (did you mean "
        + "'sex'?); its columns:"))
    #expect(luaError(rt, Self.setup + "\nsubgroups(two, 'Surv(time, status) ~ age', {by = 'sex', treatment = 'rx'})")
      .contains("(option 'treatment' names 'rx', which is not a term of the formula 'Surv(time, status) ~ age'"))
    #expect(luaError(rt, Self.setup + "\nsubgroups(two, 'Surv(time, status) ~ rx', {by = 'age'})").contains(
      "(option 'by' column 'age' has"))
    #expect(luaError(rt, Self.setup + "\nsubgroups(two, 'Surv(time, status) ~ rx')").contains(
      "bad argument #3 to 'subgroups' (option 'by' must name at least one subgrouping column)"))
  }

  @Test func subgroupForestPlotIsDrawn() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, Self.setup + """

      local s = subgroups(lung, "Surv(time, status) ~ sexf + age", {by = "ph.ecog"})
      return plot(s, {file = "subgroups.svg", title = "By ECOG"})
      """)
    let path = try #require(out.first?.stringValue)
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    for text in [">By ECOG</text>", ">female n/events</text>", ">male n/events</text>", ">All patients</text>",
                 ">p interaction</text>", ">ph.ecog</text>", ">no rows in arm female</text>",
                 ">← favours male</text>", ">favours female →</text>", ">1.67 (1.20–2.32)</text>"] {
      #expect(svg.contains(text), "\(text)")
    }
    #expect(luaError(rt, Self.setup + "\nplot(subgroups(lung, 'Surv(time, status) ~ sexf', {by = 'ph.ecog'}), "
      + "{risk_table = true, file = 'x.svg'})").contains("option 'risk_table' applies to curves (km, cuminc)"))
  }
}
