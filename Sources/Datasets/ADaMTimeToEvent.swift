import Foundation

/// CDISC ADaM time-to-event data (ADTTE, the ADaM Basic Data Structure for
/// Time-to-Event Analyses, CDISC ADaM BDS-TTE v1.0) as survival data: the
/// rows of one parameter (`PARAMCD`), the analysis value `AVAL` as the time,
/// and the censoring flag `CNSR` as an event indicator `EVENT` (CNSR = 0 is an
/// event, 1; a positive CNSR is a censoring, 0), joined to the subject-level
/// dataset ADSL by `USUBJID` (and `STUDYID` when both datasets have it).
///
/// Units: `AVALU` (when present) must hold one unit over the selected rows,
/// one of DAYS, WEEKS, MONTHS, YEARS (case-insensitive, singular too). With
/// `to`, AVAL is converted through days: a week is 7 days, a year 365.25
/// days and a month a twelfth of that, 30.4375 days (the convention of
/// `months_between` and of R's survival literature); AVALU then says the new
/// unit.
public enum ADaMTimeToEvent {
  public enum Unit: String, Sendable, CaseIterable {
    case days = "DAYS", weeks = "WEEKS", months = "MONTHS", years = "YEARS"

    /// Length in days.
    public var days: Double {
      switch self {
      case .days: return 1
      case .weeks: return 7
      case .months: return 365.25 / 12
      case .years: return 365.25
      }
    }

    /// DAYS, days, Day, ... (the plural or singular, any case).
    public init?(text: String) {
      let t = text.trimmingCharacters(in: .whitespaces).uppercased()
      guard let u = Unit(rawValue: t) ?? Unit(rawValue: t + "S") else { return nil }
      self = u
    }
  }

  public struct Options: Sendable {
    public var paramcd: String
    public var adsl: Dataset?
    /// ADSL variables to join (nil: all of ADSL's other variables).
    public var keep: [String]?
    public var to: Unit?

    public init(paramcd: String, adsl: Dataset? = nil, keep: [String]? = nil, to: Unit? = nil) {
      self.paramcd = paramcd
      self.adsl = adsl
      self.keep = keep
      self.to = to
    }
  }

  /// What is wrong with the data or a request, worded for the script (the
  /// binding names the function and argument).
  public struct InputError: Error, CustomStringConvertible, Equatable {
    public enum Argument: Sendable, Equatable { case adtte, paramcd, adsl, keep, to }
    public let argument: Argument
    public let message: String
    public var description: String { message }
  }

  /// The variables an ADTTE dataset must have.
  public static let required = ["USUBJID", "PARAMCD", "AVAL", "CNSR"]
  /// Kept from ADTTE when present, in this order, before the ADSL variables.
  public static let carried = [
    "STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", "AVALU", "CNSR", "EVENT", "EVNTDESC", "CNSDTDSC", "STARTDT",
    "ADT",
  ]

  public static func analysis(_ adtte: Dataset, _ options: Options) throws -> Dataset {
    func fail(_ argument: InputError.Argument, _ message: String) -> InputError {
      InputError(argument: argument, message: message)
    }
    let absent = required.filter { adtte[$0] == nil }
    guard absent.isEmpty else {
      throw fail(.adtte, "not an ADTTE dataset: no variable\(absent.count == 1 ? "" : "s") "
        + absent.joined(separator: ", ") + " (an ADTTE needs " + required.joined(separator: ", ") + ")")
    }
    // The rows of the parameter.
    guard case .factor(let codes, let levels)? = adtte["PARAMCD"] else {
      throw fail(.adtte, "PARAMCD must be a string variable, got \(adtte["PARAMCD"]?.kind.rawValue ?? "none")")
    }
    var present: [String] = []
    var seen = Set<Int32>()
    for c in codes where c >= 0 && seen.insert(c).inserted { present.append(levels[Int(c)]) }
    guard let code = levels.firstIndex(of: options.paramcd).map(Int32.init), seen.contains(code) else {
      throw fail(.paramcd, "no PARAMCD '\(options.paramcd)' in the data (present: "
        + present.sorted().joined(separator: ", ") + ")")
    }
    let rows = codes.indices.filter { codes[$0] == code }
    var d = try adtte.rows(rows)

    // Time and its unit.
    let aval: [Double]
    switch d["AVAL"] {
    case .double(let v)?: aval = v
    case .int? : aval = d["AVAL"]?.asDoubles() ?? []
    default: throw fail(.adtte, "AVAL must be numeric, got \(d["AVAL"]?.kind.rawValue ?? "none")")
    }
    var unit: Unit?
    if let avalu = d["AVALU"] {
      guard case .factor(let uc, let ul) = avalu else {
        throw fail(.adtte, "AVALU must be a string variable, got \(avalu.kind.rawValue)")
      }
      var found: [String: Int] = [:]
      for c in uc where c >= 0 { found[ul[Int(c)], default: 0] += 1 }
      let units = found.keys.compactMap(Unit.init(text:))
      if let unknown = found.keys.sorted().first(where: { Unit(text: $0) == nil }) {
        throw fail(.adtte, "AVALU '\(unknown)' of PARAMCD '\(options.paramcd)' is not a unit of time (DAYS, WEEKS, "
          + "MONTHS, YEARS)")
      }
      if Set(units).count > 1 {
        throw fail(.adtte, "AVALU of PARAMCD '\(options.paramcd)' mixes units: "
          + found.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) rows)" }.joined(separator: ", "))
      }
      unit = units.first
    }
    var time = aval
    if let to = options.to {
      guard let from = unit else {
        throw fail(.to, "cannot convert to \(to.rawValue.lowercased()): the data have no AVALU to say AVAL's unit")
      }
      let factor = from.days / to.days
      if from != to { time = aval.map { $0 * factor } }
      unit = to
    }

    // The event indicator.
    let cnsr = d["CNSR"]?.asDoubles() ?? []
    guard d["CNSR"]?.kind == .int || d["CNSR"]?.kind == .double else {
      throw fail(.adtte, "CNSR must be numeric (0 = event, 1 or more = censored), got "
        + (d["CNSR"]?.kind.rawValue ?? "none"))
    }
    var event = [Int](repeating: Column.naInt, count: cnsr.count)
    for (i, c) in cnsr.enumerated() where !c.isNaN {
      guard c >= 0, c == c.rounded() else {
        throw fail(.adtte, "CNSR must be 0 (event) or a positive integer (censored), got \(RNumberText.asCharacter(c)) "
          + "in row \(rows[i] + 1)")
      }
      event[i] = c == 0 ? 1 : 0
    }
    var names = d.names, columns = d.columns
    func set(_ name: String, _ column: Column) {
      if let k = names.firstIndex(of: name) { columns[k] = column } else {
        names.append(name)
        columns.append(column)
      }
    }
    set("AVAL", .double(time))
    set("EVENT", .int(event))
    if let unit { set("AVALU", .factor(codes: [Int32](repeating: 0, count: time.count), levels: [unit.rawValue])) }
    let order = carried.filter { names.contains($0) }
    d = try Dataset(names: names, columns: columns).select(order)

    guard let adsl = options.adsl else {
      if let keep = options.keep, !keep.isEmpty {
        throw fail(.keep, "keep names ADSL variables: give adsl too")
      }
      return d
    }
    return try join(d, adsl: adsl, keep: options.keep, paramcd: options.paramcd)
  }

  /// ADTTE rows joined to ADSL's `keep` variables; every subject must be in
  /// ADSL once. A kept variable that ADTTE carries too comes from ADSL.
  static func join(_ d: Dataset, adsl: Dataset, keep: [String]?, paramcd: String) throws -> Dataset {
    func fail(_ argument: InputError.Argument, _ message: String) -> InputError {
      InputError(argument: argument, message: message)
    }
    guard adsl["USUBJID"] != nil else { throw fail(.adsl, "not an ADSL dataset: no variable USUBJID") }
    let keys = d["STUDYID"] != nil && adsl["STUDYID"] != nil ? ["STUDYID", "USUBJID"] : ["USUBJID"]
    let wanted = keep ?? adsl.names.filter { !keys.contains($0) }
    let absent = wanted.filter { adsl[$0] == nil }
    guard absent.isEmpty else {
      throw fail(.keep, "ADSL has no variable\(absent.count == 1 ? "" : "s") " + absent.joined(separator: ", "))
    }
    let right = try adsl.select(keys + wanted.filter { !keys.contains($0) })
    let left = try d.drop(wanted.filter { !keys.contains($0) && d[$0] != nil })
    var options = Dataset.JoinOptions(kind: .anti, leftKeys: keys, rightKeys: keys)
    let unmatched = try left.join(right, options)
    if unmatched.rowCount > 0 {
      let subject = unmatched["USUBJID"]?.value(at: 0).description ?? "?"
      throw fail(.adsl, "\(unmatched.rowCount) row\(unmatched.rowCount == 1 ? "" : "s") of PARAMCD '\(paramcd)' "
        + "have no subject in ADSL (first: USUBJID \(subject))")
    }
    options.kind = .left
    options.relationship = .manyToOne
    do {
      return try left.join(right, options)
    } catch let error as Dataset.JoinError {
      throw fail(.adsl, "ADSL must have one row per subject: \(error)")
    }
  }
}
