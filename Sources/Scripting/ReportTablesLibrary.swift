import Analysis
import Datasets
import LuaHost
import Survival

/// The tables of a trial report, declared through the binding layer:
/// `table1` (baseline characteristics by arm, gtsummary's `tbl_summary` +
/// `add_p`) and `subgroups` (treatment hazard ratios within subgroups with
/// interaction tests). `stdlib/kaplan/report_tables.lua` prints them; their
/// `tidy()` forms are in `Tidy/ReportTablesTidy.swift`.
struct ReportTablesLibrary: KaplanLibrary {
  let name = "report_tables"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [table1, subgroups], kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("table1", section: "Reports", summary: "A table of baseline characteristics by group (table1()).",
               fields: [
                 ("by", "the grouping column, if any"),
                 ("columns", "per column: label and n (the groups, then Overall when shown)"),
                 ("variables", "per variable: name, label, type, levels, counts, percents, n, missing, mean, sd, "
                   + "median, q1, q3, min, max (per column) and test {method, statistic, df, p, note}"),
                 ("continuous", "\"median_iqr\", \"mean_sd\" or \"both\""), ("missing", "the missing option"),
                 ("digits", "decimals of statistics and percentages"), ("tests", "whether tests were run"),
                 ("n_dropped", "rows left out for a missing 'by' value"),
               ], tidy: ReportTablesTidy.table1),
    ResultKind("subgroups", section: "Reports", summary: "Treatment hazard ratios within subgroups (subgroups()).",
               fields: [
                 ("formula", "the Cox formula"), ("treatment", "the treatment column"),
                 ("arms", "the treatment's levels (the first is the reference)"),
                 ("rows", "per subgroup (All patients first): variable, level, n and events per arm, estimates "
                   + "(per treatment contrast: term, level, coef, se, z, p, hr, lower, upper), note"),
                 ("variables", "per subgrouping variable: name, label (d:label), chisq, df, p (interaction LRT), note"),
                 ("conf_level", "level of the HR intervals"), ("ties", "the ties method"),
               ], tidy: ReportTablesTidy.subgroups),
  ] }

  private static let continuousChoices = ["median_iqr", "mean_sd", "both"]
  private static let missingChoices = ["ifany", "show", "hide"]
  private static let ties: [(String, CoxTies)] = [("efron", .efron), ("breslow", .breslow), ("exact", .exact)]

  private var table1: KaplanFunction {
    KaplanFunction(
      "table1", section: "Reports", signature: "table1(d [, opts])",
      summary: "A table of baseline characteristics by arm (\"Table 1\"), as R's gtsummary tbl_summary(by =) "
        + "with add_p() and add_overall(): n (%) per level for categorical variables (string and bool columns, "
        + "and numbers with fewer than 10 distinct values; every level shown, 0/1 and FALSE/TRUE included), "
        + "median (Q1, Q3; R's type-7 quantiles) and/or mean (SD) for continuous ones, missing counts, N per "
        + "arm in the header. Percentages are of the non-missing values. Tests (tests = true), as gtsummary "
        + "chooses them: Fisher's exact test when an expected count is below 5 (else Pearson's chi-square "
        + "without continuity correction; a table too large to enumerate gets the chi-square with a note), "
        + "Wilcoxon rank-sum for two groups (exact below 50 values per group without ties, else the normal "
        + "approximation with tie and continuity correction, as R's wilcox.test), "
        + "Kruskal-Wallis for more. tidy(t) gives one row per variable, level and column.",
      options: [
        OptionSpec("by", .column, doc: "grouping column (the arm); rows where it is missing are left out first "
                     + "(a number value only they have is no level; a string column shows all its levels)"),
        OptionSpec("vars", .columns, defaultText: "every column but 'by' and date columns",
                   doc: "the variables, in order (not date columns)"),
        OptionSpec(
          "labels", .table,
          doc: "labels by variable name: {age = \"Age (years)\"}; default: each column's variable label (d:label)"),
        OptionSpec("types", .table,
                   doc: "types by variable name, \"categorical\" or \"continuous\", overriding the default"),
        OptionSpec("continuous", .choice(Self.continuousChoices), default: .string("median_iqr"),
                   doc: "statistics of continuous variables: \"median_iqr\" (median (Q1, Q3)), \"mean_sd\" "
                     + "(mean (SD)) or \"both\""),
        OptionSpec("tests", .boolean, default: .boolean(false), doc: "add a p-value column (needs 'by')"),
        OptionSpec("missing", .choice(Self.missingChoices), default: .string("ifany"),
                   doc: "a Missing row per variable: \"ifany\" (when some value is missing, as gtsummary), "
                     + "\"show\" (always) or \"hide\""),
        OptionSpec("overall", .boolean, default: .boolean(false), doc: "add an Overall column (with 'by')"),
        OptionSpec("digits", .integer(.between(0, 6)), default: .integer(1),
                   doc: "decimals of the statistics and percentages"),
      ],
      optionsArgument: 2, returns: "table1",
      example: """
        local colon = dataset("colon")
        local d = colon:where(colon.etype:eq(2))
        local t = table1(d, {by = "rx", vars = {"age", "sex", "nodes", "differ"},
                             labels = {age = "Age (years)", nodes = "Positive nodes"}, tests = true})
        print(t)
        print(tidy(t):head())
        """
    ) { call in
      guard call.lua.isObject(1, of: LuaDataset.self) else {
        throw call.lua.argumentError(1, "dataset expected, got \(call.lua.typeName(1))")
      }
      let dataset = try call.lua.object(1, as: LuaDataset.self).dataset
      let o = call.options
      var options = BaselineTableOptions()
      options.by = try o.optionalString("by")
      options.variables = try o.optionalStrings("vars")
      options.tests = try o.boolean("tests")
      let typeChoices: [String: BaselineTableOptions.VariableType] = [
        "categorical": .categorical, "continuous": .continuous,
      ]
      for (name, text) in try stringMap(call, "types") {
        guard let type = typeChoices[text] else {
          throw call.lua.argumentError(
            2, "option 'types' must map names to \"categorical\" or \"continuous\", got \"\(text)\" for '\(name)'")
        }
        options.types[name] = type
      }
      let labels = try stringMap(call, "labels")
      let table: BaselineTable
      do {
        table = try BaselineTable(dataset: dataset, options: options)
      } catch let error as BaselineTableError {
        throw call.lua.argumentError(2, error.description)
      }
      let names = Set(table.variables.map(\.name))
      if let stray = labels.keys.sorted().first(where: { !names.contains($0) }) {
        throw call.lua.argumentError(2, "option 'labels' names '\(stray)', which is not among the table's variables")
      }
      // A variable label (from a SAS, Stata or SPSS file, or d:label) is the
      // default row label, as gtsummary takes the label attribute.
      var rowLabels = labels
      for name in names where rowLabels[name] == nil {
        if let label = dataset.attributes(of: name).label, !label.isEmpty { rowLabels[name] = label }
      }
      let overall = try o.boolean("overall")
      if overall && options.by == nil {
        throw call.lua.argumentError(2, "option 'overall' needs a 'by' column (without it the table is overall)")
      }
      let result = Table1Result(
        table: table, labels: rowLabels, continuous: try o.string("continuous"), missing: try o.string("missing"),
        overall: overall || options.by == nil, digits: try o.integer("digits"))
      return try call.result(ReportTablesEncoding.table1(result), of: result)
    }
  }

  private var subgroups: KaplanFunction {
    KaplanFunction(
      "subgroups", section: "Reports", signature: "subgroups(d, formula [, opts])",
      summary: "Treatment effects within subgroups, as a CONSORT-style subgroup table shows them: per level of "
        + "each 'by' column, N and events per arm and the treatment's hazard ratio (CI) from the Cox model "
        + "of the formula (its covariates and strata) fitted to that level's rows, and per column the "
        + "likelihood-ratio test of treatment × subgroup (formula + factor(g) against formula + factor(g) + "
        + "treatment:factor(g), as R's anova(m1, m2)). A level where an arm has no rows or no events keeps its "
        + "counts and gets a note instead of a hazard ratio. The treatment is the formula's first term "
        + "unless named. N counts subjects: on (start, stop] data, by the 'id' column (or the formula's "
        + "cluster()), a subject with several intervals once. tidy(s) gives one row per level (and treatment "
        + "contrast).",
      options: [
        OptionSpec("by", .columns, doc: "the subgrouping columns (at most 30 levels each), in order"),
        OptionSpec("treatment", .column, defaultText: "the formula's first term",
                   doc: "the treatment column (a term of the formula)"),
        OptionSpec("conf_level", .number(.probability), default: .number(0.95),
                   doc: "level of the hazard-ratio confidence intervals"),
        OptionSpec.choice("ties", Self.ties, default: "efron", doc: "ties method of the Cox fits"),
        OptionSpec("id", .column, defaultText: "the formula's cluster() column",
                   doc: "the subject column of (start, stop] data (needed there): N counts subjects, not intervals; "
                     + "events count the intervals that end in one"),
      ],
      optionsArgument: 3, returns: "subgroups",
      example: """
        local colon = dataset("colon")
        local d = colon:where(colon.etype:eq(2) & colon.rx:ne("Lev"))
        local s = subgroups(d, "Surv(time, status) ~ rx + age", {by = {"sex", "obstruct", "differ"}})
        print(s)
        print(tidy(s, {exponentiate = true}))
        """
    ) { call in
      let (dataset, formula) = try analysisArguments(call)
      let o = call.options
      var options = SubgroupOptions()
      options.by = try o.optionalStrings("by") ?? []
      options.treatment = try o.optionalString("treatment")
      options.cox.confidenceLevel = try o.number("conf_level")
      options.cox.ties = try o.choice("ties", Self.ties)
      options.id = try o.optionalString("id")
      let analysis: SubgroupAnalysis
      do {
        analysis = try SubgroupAnalysis(dataset: dataset, formula: formula, options: options)
      } catch let error as SubgroupError {
        throw call.lua.argumentError(error.option == nil ? 2 : 3, error.description)
      } catch let error as BaselineTableError {
        throw call.lua.argumentError(3, error.description)
      }
      let labels = Dictionary(
        options.by.compactMap { name in dataset.attributes(of: name).label.map { (name, $0) } },
        uniquingKeysWith: { first, _ in first })
      return try call.result(
        ReportTablesEncoding.subgroups(analysis, ties: options.cox.ties, labels: labels), of: analysis)
    }
  }

  /// A `{name = "text"}` option (labels, types): every key and value a string.
  private func stringMap(_ call: KaplanCall, _ key: String) throws -> [String: String] {
    guard let value = try call.options.value(key) else { return [:] }
    guard case .table(let t) = value else { return [:] }
    if !t.array.isEmpty {
      throw call.lua.argumentError(2, "option '\(key)' must map variable names to strings, got a list")
    }
    var map: [String: String] = [:]
    for (name, v) in t.fields {
      guard let text = v.stringValue, v.typeName == "string" else {
        throw call.lua.argumentError(2, "option '\(key)' must map variable names to strings, got a \(v.typeName) "
          + "for '\(name)'")
      }
      map[name] = text
    }
    return map
  }
}

/// The Swift value behind a `table1` result: the table and how it is shown.
struct Table1Result {
  let table: BaselineTable
  let labels: [String: String]
  let continuous: String
  let missing: String
  /// Whether the Overall column is shown (always without groups).
  let overall: Bool
  let digits: Int

  func label(_ name: String) -> String { labels[name] ?? name }

  /// The table's columns as shown: the groups, then Overall when shown
  /// (indices into the variables' per-column arrays).
  var shownColumns: [Int] {
    let groups = Array(0..<table.groupCount)
    return overall ? groups + [table.groupCount] : groups
  }
}
