import Analysis
import Datasets
import LuaHost
import Survival

/// A fitted Fine–Gray model kept for `m:predict` (the result table itself
/// is plain data; `competing.lua` keeps this handle beside it).
final class FineGrayModel {
  let analysis: FineGrayAnalysis
  init(_ analysis: FineGrayAnalysis) { self.analysis = analysis }
}

/// The Swift half of competing risks (R `cmprsk` `cuminc`, `timepoints`,
/// `crr`, `predict.crr`; `survival::survfit` multi-state for the IJ
/// variance): `core.competing.cuminc(d, formula, opts)` and
/// `core.competing.finegray(d, formula, opts)` decode and check the
/// options, run `CompetingRisksAnalysis` / `FineGrayAnalysis` and return
/// plain tables (`finegray` also a model handle);
/// `core.competing.predict(handle, profiles)` gives predicted cumulative
/// incidence. `stdlib/kaplan/competing.lua` builds the public `cuminc()` and
/// `finegray()` with printing, `ci:at`, `m:predict` and help.
struct CompetingRisksLibrary: KaplanLibrary {
  let name = "competing"

  /// The options of `cuminc()` and `finegray()`, in the order messages list them.
  static let cumincOptionNames = ["censor", "cause", "conf_level", "conf_type", "rho", "variance"]
  static let finegrayOptionNames = ["cause", "censor", "conf_level", "cengroup", "max_iter"]

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(internals: try installInternals(in: runtime))
  }

  func installInternals(in runtime: KaplanRuntime) throws -> [(String, LuaValue)] {
    let lua = runtime.lua
    try lua.registerType(FineGrayModel.self, name: "kaplan.finegray_model")
    return [
      ("cuminc", lua.function("cuminc") { call in
        let (d, formula) = try datasetAndFormula(call)
        let options = try cumincOptions(try call.optionalTable(3))
        let analysis = try analysisStep("cuminc") {
          try CompetingRisksAnalysis(dataset: d, formula: formula, options: options)
        }
        return [CompetingRisksEncoding.cuminc(analysis)]
      }),
      ("finegray", lua.function("finegray") { call in
        let (d, formula) = try datasetAndFormula(call)
        let options = try finegrayOptions(try call.optionalTable(3))
        let analysis = try analysisStep("finegray") {
          try FineGrayAnalysis(dataset: d, formula: formula, options: options)
        }
        return [CompetingRisksEncoding.finegray(analysis), .object(FineGrayModel(analysis))]
      }),
      // predict(handle, profiles) -> {time, rows = {{...}, ...}, cif = {{...}, ...}}
      ("predict", lua.function("predict") { call in
        let model = try call.object(1, as: FineGrayModel.self).analysis
        let profiles = try predictProfiles(try call.value(2))
        return try analysisStep("predict") {
          let rows = try profiles.map { p -> [Double] in
            switch p {
            case .named(let values): return try model.profile.row(values)
            case .row(let x): return x
            }
          }
          let cif = try model.predict(rows: rows)
          return [.record([
            "time": .numbers(model.fit.failureTimes, nanAsNil: true),
            "rows": .array(rows.map { .numbers($0, nanAsNil: true) }),
            "cif": .array(cif.map { .numbers($0, nanAsNil: true) }),
          ])]
        }
      }),
      ("cuminc_options", .strings(CompetingRisksLibrary.cumincOptionNames)),
      ("finegray_options", .strings(CompetingRisksLibrary.finegrayOptionNames)),
    ]
  }
}

private func datasetAndFormula(_ call: LuaCall) throws -> (Dataset, String) {
  let d = try call.object(1, as: LuaDataset.self).dataset
  guard case .string(let formula) = try call.value(2) else {
    throw call.argumentError(2, "formula string expected, got \(call.typeName(2))")
  }
  return (d, formula)
}

/// A status value option (`censor`, `cause`): a code (number) or a label (string).
private func statusValue(_ options: OptionTable, _ key: String) throws -> StatusValue? {
  guard let v = options.value(key) else { return nil }
  switch v {
  case .integer(let i): return .code(Double(i))
  case .number(let x):
    guard x.isFinite else { throw options.wrong(key, "a finite number or a string", got: v) }
    return .code(x)
  case .string(let s): return .label(s)
  default: throw options.wrong(key, "a number or a string", got: v)
  }
}

private func cumincOptions(_ table: LuaTable?) throws -> CompetingRisksOptions {
  let t = try OptionTable(table, function: "cuminc", allowed: CompetingRisksLibrary.cumincOptionNames)
  var o = CompetingRisksOptions()
  o.censor = try statusValue(t, "censor")
  o.cause = try statusValue(t, "cause")
  if let x = try t.probability("conf_level") { o.confidenceLevel = x }
  let types: [(String, CumulativeIncidence.ConfidenceType)] = [("log-log", .logLog), ("plain", .plain)]
  if let c = try t.choice("conf_type", types) { o.confidenceType = c }
  if let x = try t.number("rho") {
    guard x.isFinite else { throw t.wrong("rho", "a finite number (default 0)", got: .number(x)) }
    o.rho = x
  }
  if let v = try t.choice("variance", CumulativeIncidenceVariance.allCases.map { ($0.rawValue, $0) }) {
    o.variance = v
  }
  return o
}

private func finegrayOptions(_ table: LuaTable?) throws -> FineGrayOptions {
  let t = try OptionTable(table, function: "finegray", allowed: CompetingRisksLibrary.finegrayOptionNames)
  var o = FineGrayOptions()
  o.censor = try statusValue(t, "censor")
  o.cause = try statusValue(t, "cause")
  if let x = try t.probability("conf_level") { o.confidenceLevel = x }
  if let v = t.value("cengroup") {
    guard let s = v.stringValue else { throw t.wrong("cengroup", "a column name (string)", got: v) }
    o.censoringGroup = s
  }
  if let x = try t.number("max_iter") {
    guard x >= 0, x == x.rounded(), x < 1e9 else { throw t.wrong("max_iter", "a whole number ≥ 0", got: .number(x)) }
    o.maxIterations = Int(x)
  }
  return o
}

/// A profile for `predict`: variable → value, or a row of design values.
private enum Profile {
  case named([String: ProfileValue])
  case row([Double])
}

/// `m:predict(profiles)`'s argument: one profile (`{age = 60, rx = "Lev"}`
/// or a design row `{0, 1, 60}`) or an array of them.
private func predictProfiles(_ value: LuaValue) throws -> [Profile] {
  guard case .table(let t) = value else {
    throw LuaError.runtime(
      "predict: profiles expected (a table such as {age = 60, rx = \"Lev\"} or an array of them), got \(value.typeName)")
  }
  if t.array.isEmpty && t.fields.isEmpty {
    throw LuaError.runtime("predict: no profiles given (e.g. m:predict{ {age = 60, rx = \"Lev\"} })")
  }
  let isList = t.fields.isEmpty && t.array.allSatisfy { if case .table = $0 { return true } else { return false } }
  let items = isList ? t.array.compactMap(\.tableValue) : [t]
  return try items.enumerated().map { i, p in
    let which = isList ? "profile \(i + 1)" : "the profile"
    if !p.array.isEmpty {
      guard p.fields.isEmpty else {
        throw LuaError.runtime("predict: \(which) mixes named values and a row of numbers")
      }
      return .row(try p.array.map { v in
        guard let x = v.doubleValue else {
          throw LuaError.runtime("predict: \(which) must hold numbers in a design row, got \(v.typeName)")
        }
        return x
      })
    }
    var named: [String: ProfileValue] = [:]
    for (key, v) in p.fields {
      switch v {
      case .integer(let x): named[key] = .number(Double(x))
      case .number(let x): named[key] = .number(x)
      case .string(let s): named[key] = .text(s)
      case .boolean(let b): named[key] = .boolean(b)
      default:
        throw LuaError.runtime("predict: '\(key)' in \(which) must be a number, string or boolean, got \(v.typeName)")
      }
    }
    return .named(named)
  }
}
