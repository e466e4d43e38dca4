import Datasets
import Survival

/// Options of a subgroup analysis (`subgroups()`).
public struct SubgroupOptions: Sendable, Equatable {
  /// The treatment column; nil: the formula's first term.
  public var treatment: String? = nil
  /// The subgrouping columns, in the order shown.
  public var by: [String] = []
  /// The Cox fits' options (ties, conf_level).
  public var cox = CoxAnalysisOptions()
  /// The subject column of (start, stop] data: N counts distinct subjects;
  /// nil: the formula's `cluster()` column.
  public var id: String? = nil

  public init() {}
}

/// Why a subgroup analysis cannot be made: the option (or "formula") at
/// fault and the reason.
public struct SubgroupError: Error, Sendable, Equatable, CustomStringConvertible {
  public let option: String?
  public let message: String

  public init(option: String?, _ message: String) {
    self.option = option
    self.message = message
  }

  public var description: String { option.map { "option '\($0)' \(message)" } ?? message }
}

/// The treatment effect in one subgroup: one per treatment coefficient
/// (one for two arms; k − 1 against the reference arm for k arms).
public struct SubgroupEstimate: Sendable, Equatable {
  /// R's coefficient name (`rxLev+5FU`).
  public let term: String
  /// The treatment level compared with the reference arm.
  public let level: String
  public let coef: Double
  public let se: Double
  public let z: Double
  public let p: Double
  public let hr: Double
  public let lower: Double
  public let upper: Double
}

/// One subgroup (a level of a subgrouping variable, or all patients).
public struct SubgroupLevel: Sendable, Equatable {
  public let variable: String
  public let level: String
  /// Subjects and events, per arm (the treatment's levels in order). On
  /// (start, stop] data a subject with several intervals counts once (by
  /// the `id` option or the `cluster()` column) and every interval that
  /// ends in an event counts as an event; otherwise a row is a subject.
  public let n: [Int]
  public let events: [Int]
  /// Empty when no model was fitted (`note` says why).
  public let estimates: [SubgroupEstimate]
  /// Why there is no hazard ratio, or the fit's warnings.
  public let note: String?
}

/// A subgrouping variable: its levels and the test of interaction.
public struct SubgroupVariable: Sendable, Equatable {
  public let name: String
  public let levels: [SubgroupLevel]
  /// Likelihood-ratio test of treatment × subgroup (nil when it cannot be fitted).
  public let interaction: ChiSquareTest?
  public let interactionNote: String?
}

/// Treatment effects within subgroups, as a CONSORT-style subgroup table and
/// forest plot give them: for each level of each subgrouping variable, the
/// rows and events per arm and the hazard ratio of the treatment from the
/// Cox model of `formula` (with its covariates and strata) fitted to that
/// level's rows (R: `coxph(formula, data = subset(d, g == level))`); and per
/// variable the likelihood-ratio test of interaction, comparing
/// `formula + factor(g)` with `formula + factor(g) + treatment:factor(g)` on
/// the rows where g is known (R: `anova(m1, m2)`; `factor(g)` is left out
/// of both when g is a stratum of the formula). A level where some arm has
/// no rows or no events gets its counts and a note instead of a hazard
/// ratio, as does one whose model cannot be fitted.
public struct SubgroupAnalysis: Sendable {
  public let formula: Formula
  public let treatment: String
  /// The treatment's levels; the first is the reference.
  public let arms: [String]
  /// All patients: the formula fitted to every row.
  public let overall: SubgroupLevel
  public let variables: [SubgroupVariable]
  public let confidenceLevel: Double

  /// Subgrouping variables may have at most this many levels.
  public static let levelLimit = 30

  public init(dataset original: Dataset, formula: Formula, options: SubgroupOptions) throws {
    // R's droplevels on the treatment and the subgrouping columns: a level no
    // row has is neither an arm nor a subgroup (and no NA coefficient).
    var dataset = original
    for name in ([options.treatment ?? formula.terms.first?.variables.first?.column] + options.by).compactMap({ $0 }) {
      dataset = try Self.droppingUnusedLevels(name, in: dataset)
    }
    if !formula.timeTransformVariables.isEmpty {
      throw SubgroupError(option: nil, "tt() terms are not supported in subgroups()")
    }
    let treatmentTerm = try Self.treatmentTerm(formula, options.treatment, dataset)
    let treatment = treatmentTerm.variables[0].column
    let treatmentColumn = try BaselineTable.column(treatment, option: "treatment", in: dataset)
    let (armCodes, arms) = BaselineTable.usedLevels(treatmentColumn)
    guard arms.count >= 2 else {
      throw SubgroupError(option: "treatment", "column '\(treatment)' has fewer than two values")
    }
    if treatmentColumn.kind != .string && treatmentColumn.kind != .bool && !treatmentTerm.variables[0].isFactorCall {
      let values = Set(treatmentColumn.asDoubles().filter { !$0.isNaN })
      guard values.count == 2, let low = values.min(), values.max() == low + 1 else {
        throw SubgroupError(
          option: "treatment",
          "column '\(treatment)' is numeric with values other than two consecutive numbers; write factor("
            + "\(treatment)) in the formula")
      }
    }
    if options.by.isEmpty { throw SubgroupError(option: "by", "must name at least one subgrouping column") }
    for g in options.by {
      _ = try BaselineTable.column(g, option: "by", in: dataset)
      if g == treatment { throw SubgroupError(option: "by", "names the treatment column '\(treatment)'") }
    }
    // (start, stop] data have several rows per subject: N counts subjects, so it needs their column.
    var subjects: [Int32]?
    if let id = options.id {
      subjects = try BaselineTable.column(id, option: "id", in: dataset).factorized().codes
    } else if formula.response.start != nil, formula.cluster == nil {
      throw SubgroupError(
        option: "id", "is needed with (start, stop] data: name the subject column (or write cluster(id) in the "
          + "formula), so that N counts subjects, not intervals")
    }
    self.formula = formula
    self.treatment = treatment
    self.arms = arms
    confidenceLevel = options.cox.confidenceLevel
    let context = Context(
      formula: formula, treatmentTerm: treatmentTerm.label, armCodes: armCodes, arms: arms, cox: options.cox,
      subjects: subjects)
    overall = context.level(variable: "All", label: "All patients", rows: Array(0..<dataset.rowCount), in: dataset)
    variables = try options.by.map { g in try context.variable(g, in: dataset) }
  }

  /// `dataset` with the string column `name` (if it is one) keeping only the levels some row has.
  private static func droppingUnusedLevels(_ name: String, in dataset: Dataset) throws -> Dataset {
    guard let k = dataset.index(of: name), case .factor(_, let levels) = dataset.columns[k] else { return dataset }
    let (codes, used) = BaselineTable.usedLevels(dataset.columns[k])
    guard used.count < levels.count else { return dataset }
    var columns = dataset.columns
    columns[k] = .factor(codes: codes, levels: used)
    return try Dataset(names: dataset.names, columns: columns)
  }

  /// The formula's term for the treatment: the named column's single-variable term, or the first term.
  private static func treatmentTerm(_ formula: Formula, _ name: String?, _ dataset: Dataset) throws -> Term {
    let single = formula.terms.filter { $0.variables.count == 1 && $0.variables[0].transform == nil }
    if let name {
      _ = try BaselineTable.column(name, option: "treatment", in: dataset)
      guard let term = single.first(where: { $0.variables[0].column == name }) else {
        throw SubgroupError(
          option: "treatment", "names '\(name)', which is not a term of the formula '\(formula.text)'; add it")
      }
      return term
    }
    guard let first = formula.terms.first, first.variables.count == 1, first.variables[0].transform == nil else {
      throw SubgroupError(option: nil, "the formula '\(formula.text)' has no treatment term; write it first, "
        + "or name it with the 'treatment' option")
    }
    return first
  }

  /// What every subgroup fit shares.
  private struct Context {
    let formula: Formula
    let treatmentTerm: String
    let armCodes: [Int32]
    let arms: [String]
    let cox: CoxAnalysisOptions
    /// The `id` column's codes per dataset row (nil: the frame's cluster on (start, stop] data).
    let subjects: [Int32]?

    func variable(_ g: String, in dataset: Dataset) throws -> SubgroupVariable {
      let column = try BaselineTable.column(g, option: "by", in: dataset)
      let (codes, labels) = BaselineTable.usedLevels(column)
      guard labels.count <= SubgroupAnalysis.levelLimit else {
        throw SubgroupError(
          option: "by", "column '\(g)' has \(labels.count) distinct values (at most \(SubgroupAnalysis.levelLimit)); "
            + "group it first, e.g. with cut()")
      }
      var rowsByLevel = [[Int]](repeating: [], count: labels.count)
      for i in 0..<codes.count where codes[i] >= 0 { rowsByLevel[Int(codes[i])].append(i) }
      let levels = labels.indices.map { k in level(variable: g, label: labels[k], rows: rowsByLevel[k], in: dataset) }
      let (test, note) = interaction(g, labels.count, in: dataset)
      return SubgroupVariable(name: g, levels: levels, interaction: test, interactionNote: note)
    }

    /// The counts and the treatment's hazard ratio(s) in the rows `rows`.
    func level(variable: String, label: String, rows: [Int], in dataset: Dataset) -> SubgroupLevel {
      var n = [Int](repeating: 0, count: arms.count)
      var events = [Int](repeating: 0, count: arms.count)
      func result(_ estimates: [SubgroupEstimate], _ note: String?) -> SubgroupLevel {
        SubgroupLevel(variable: variable, level: label, n: n, events: events, estimates: estimates, note: note)
      }
      let subset: Dataset
      let frame: ModelFrame
      do {
        subset = try dataset.rows(rows)
        frame = try ModelFrame(dataset: subset, formula: formula, options: ModelFrameOptions(weights: cox.weights))
      } catch {
        return result([], "no model: \(error)")
      }
      // (start, stop] data: a subject counts once per arm (its intervals share the id).
      let bySubject = frame.start != nil || subjects != nil
      var seen = Set<Int>()
      for (k, row) in frame.rows.enumerated() {
        let arm = armCodes[rows[row]]
        guard arm >= 0 else { continue }
        if frame.event[k] != 0 { events[Int(arm)] += 1 }
        guard bySubject else {
          n[Int(arm)] += 1
          continue
        }
        // A row without a subject (NA id) is a subject of its own.
        let subject = subjects.map { Int($0[rows[row]]) } ?? frame.cluster.map { $0[k] } ?? -1
        let key = subject >= 0 ? subject &* arms.count &+ Int(arm) : -1 - k
        if seen.insert(key).inserted { n[Int(arm)] += 1 }
      }
      if let empty = n.indices.first(where: { n[$0] == 0 }) {
        return result([], "no HR: no rows in arm \(arms[empty])")
      }
      if let none = events.indices.first(where: { events[$0] == 0 }) {
        return result([], "no HR: no events in arm \(arms[none])")
      }
      do {
        let fit = try CoxAnalysis(dataset: subset, formula: formula, options: cox)
        // A level of the treatment that no row has is a column of zeros (NA); it is not an arm.
        let columns = fit.coefficients.indices.filter { j in
          let label = fit.coefficients[j]
          return label.term == treatmentTerm && (label.level.map { arms.contains($0) } ?? true)
        }
        let estimates = columns.map { j in
          let f = fit.fit
          let label = fit.coefficients[j]
          return SubgroupEstimate(
            term: label.name, level: label.level ?? arms[arms.count - 1], coef: f.coefficients[j],
            se: f.standardErrors[j], z: f.z[j], p: f.p[j], hr: f.hazardRatios[j], lower: f.lower[j], upper: f.upper[j])
        }
        if estimates.contains(where: { $0.coef.isNaN }) {
          return result([], "no HR: the treatment is collinear with the covariates in this subgroup")
        }
        return result(estimates, fit.warnings.isEmpty ? nil : fit.warnings.joined(separator: "; "))
      } catch {
        return result([], "no HR: \(error)")
      }
    }

    /// The likelihood-ratio test of treatment × factor(g).
    func interaction(_ g: String, _ levelCount: Int, in dataset: Dataset) -> (ChiSquareTest?, String?) {
      guard levelCount >= 2 else { return (nil, "no interaction test: fewer than two levels") }
      let factor = "factor(\(Self.quoted(g)))"
      let main = formula.strata.contains(g) ? "" : " + \(factor)"
      do {
        let smaller = try Formula(parsing: formula.text + main)
        let larger = try Formula(parsing: formula.text + main + " + \(treatmentTerm):\(factor)")
        let m1 = try CoxAnalysis(dataset: dataset, formula: smaller, options: cox)
        let m2 = try CoxAnalysis(dataset: dataset, formula: larger, options: cox)
        // R's anova.coxph refuses robust fits ("Can't do anova tables with
        // robust variances"): the likelihood ratio ignores the clustering.
        if m1.isRobust || m2.isRobust {
          return (nil, "no interaction test: a likelihood-ratio test is not valid with a robust (cluster) variance")
        }
        let test = try CoxComparison(m1, m2).test
        guard test.df > 0 else { return (nil, "no interaction test: the interaction terms are all collinear") }
        return (test, nil)
      } catch {
        return (nil, "no interaction test: \(error)")
      }
    }

    /// A column name as a formula writes it: backquoted unless syntactic.
    static func quoted(_ name: String) -> String {
      let syntactic = name.first.map { $0.isLetter || $0 == "." } ?? false
        && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
      return syntactic ? name : "`\(name)`"
    }
  }
}
