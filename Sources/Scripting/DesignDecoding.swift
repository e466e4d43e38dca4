import Foundation
import LuaHost
import Survival

/// Reads the design options shared by sample_size, power, simulate_trial and
/// power_sim (hazards, accrual, dropout, arms) into Survival's types. Every
/// mistake is an argument error naming the option and the offending value.
struct DesignDecoding {
  let call: KaplanCall
  /// The argument the options are (1 for `f{...}`).
  let argument: Int
  /// "option 'design': " inside power_sim, "" otherwise.
  let prefix: String

  func fail(_ message: String) -> LuaError { call.lua.argumentError(argument, prefix + message) }

  /// The numbers of an array value, nil when it is not a non-empty array of numbers.
  static func numbers(_ v: LuaValue?) -> [Double]? {
    switch v {
    case .table(let t)? where t.fields.isEmpty && !t.array.isEmpty:
      var out: [Double] = []
      for x in t.array {
        guard x.typeName == "number", let d = x.doubleValue else { return nil }
        out.append(d)
      }
      return out
    case .numbers(let xs, _)?: return xs.isEmpty ? nil : xs
    default: return nil
    }
  }

  /// The named fields of a table, refusing list entries and unknown keys.
  func record(_ v: LuaValue, option: String, keys: [String]) throws -> [String: LuaValue] {
    guard case .table(let t) = v else { throw fail("option '\(option)' must be a table, got \(v.typeName)") }
    if !t.array.isEmpty {
      throw fail("option '\(option)' takes named fields (\(keys.joined(separator: ", "))), got a list")
    }
    var out: [String: LuaValue] = [:]
    for (k, x) in t.fields where x != .nil {
      guard keys.contains(k) else {
        throw fail("option '\(option)' has an unknown field '\(k)' (fields: \(keys.joined(separator: ", ")))")
      }
      out[k] = x
    }
    return out
  }

  func positive(_ v: LuaValue?, _ what: String, allowZero: Bool = false) throws -> Double {
    guard let v, v.typeName == "number", let x = v.doubleValue, x.isFinite, allowZero ? x >= 0 : x > 0 else {
      let shown = v.map { OptionValues.shown($0) } ?? "nil"
      throw fail("\(what) must be a \(allowZero ? "non-negative" : "positive") number, got \(shown)")
    }
    return x
  }

  /// A hazard: a rate, or {rates = {...}, cuts = {...}}.
  func hazard(_ v: LuaValue, option: String) throws -> PiecewiseHazard {
    if v.typeName == "number" { return PiecewiseHazard(rates: [try positive(v, "option '\(option)'")]) }
    let r = try record(v, option: option, keys: ["rates", "cuts"])
    guard let rates = Self.numbers(r["rates"]) else {
      throw fail("option '\(option)' needs 'rates', an array of numbers")
    }
    let cuts: [Double]
    if let c = r["cuts"] {
      guard let cs = Self.numbers(c) else { throw fail("option '\(option)': 'cuts' must be an array of numbers") }
      cuts = cs
    } else {
      cuts = []
    }
    if let problem = PiecewiseHazard.problem(rates: rates, cuts: cuts) { throw fail("option '\(option)' \(problem)") }
    return PiecewiseHazard(rates: rates, cuts: cuts)
  }

  /// accrual = duration, {duration =, shape =} or piecewise {periods = {...}, rates = {...}}.
  func accrual(_ v: LuaValue?) throws -> TrialAccrual {
    guard let v else { return TrialAccrual(duration: 0) }
    if v.typeName == "number" { return TrialAccrual(duration: try positive(v, "option 'accrual'", allowZero: true)) }
    let r = try record(v, option: "accrual", keys: ["duration", "shape", "periods", "rates"])
    if r["periods"] != nil || r["rates"] != nil {
      if r["duration"] != nil || r["shape"] != nil {
        throw fail("option 'accrual' takes 'duration' (and 'shape') or piecewise 'periods' and 'rates', not both")
      }
      guard let periods = Self.numbers(r["periods"]), let rates = Self.numbers(r["rates"]) else {
        throw fail("option 'accrual': piecewise accrual needs 'periods' and 'rates', arrays of numbers")
      }
      if let problem = TrialAccrual.problem(periods: periods, rates: rates) {
        throw fail("option 'accrual' \(problem)")
      }
      return TrialAccrual(periods: periods, rates: rates)
    }
    let duration = try positive(r["duration"], "option 'accrual': 'duration'", allowZero: true)
    let shape = try r["shape"].map { try positive($0, "option 'accrual': 'shape'") } ?? 1
    return TrialAccrual(duration: duration, shape: shape)
  }

  /// dropout = {rate =} or {prob =, time =}: an exponential rate.
  func dropout(_ v: LuaValue?) throws -> Double {
    guard let v else { return 0 }
    let r = try record(v, option: "dropout", keys: ["rate", "prob", "time"])
    if let rate = r["rate"] {
      if r["prob"] != nil || r["time"] != nil { throw fail("option 'dropout' takes 'rate' or 'prob' and 'time'") }
      return try positive(rate, "option 'dropout': 'rate'", allowZero: true)
    }
    guard let p = r["prob"]?.doubleValue, r["prob"]?.typeName == "number", p >= 0, p < 1 else {
      let shown = r["prob"].map { OptionValues.shown($0) } ?? "nil"
      throw fail("option 'dropout' needs 'rate', or 'prob' (in [0, 1)) and 'time'; got prob \(shown)")
    }
    let t = try positive(r["time"], "option 'dropout': 'time'")
    return -log1p(-p) / t
  }

  /// The two arms' hazards and the hazard ratio of sample_size and power:
  /// hr with median_control or hazard_control; median_control with
  /// median_treatment; or surv_at = {t, s0, s1}.
  func hazards(_ o: OptionValues) throws -> (PiecewiseHazard, PiecewiseHazard, Double) {
    let hr = try o.optionalNumber("hr")
    if let s = try o.value("surv_at") {
      guard let xs = Self.numbers(s), xs.count == 3 else {
        throw fail("option 'surv_at' must be {t, s0, s1}, three numbers")
      }
      let (t, s0, s1) = (xs[0], xs[1], xs[2])
      guard t > 0, s0 > 0, s0 < 1, s1 > 0, s1 < 1, s0 != s1 else {
        throw fail("option 'surv_at' needs t > 0 and two different survival probabilities in (0, 1), got "
          + "{\(OptionValues.shown(.number(t))), \(OptionValues.shown(.number(s0))), "
          + "\(OptionValues.shown(.number(s1)))}")
      }
      for key in ["hr", "median_control", "median_treatment", "hazard_control", "hazard_treatment"] where o.has(key) {
        throw fail("option '\(key)' cannot be given with 'surv_at', which fixes both arms")
      }
      let lc = -log(s0) / t
      let lt = -log(s1) / t
      return (PiecewiseHazard(rates: [lc]), PiecewiseHazard(rates: [lt]), lt / lc)
    }
    let control: PiecewiseHazard
    if let mc = try o.optionalNumber("median_control") {
      if o.has("hazard_control") { throw fail("give 'median_control' or 'hazard_control', not both") }
      control = .exponential(median: mc)
    } else if let h = try o.value("hazard_control") {
      control = try hazard(h, option: "hazard_control")
    } else {
      throw fail("the control arm needs 'median_control', 'hazard_control' or 'surv_at'")
    }
    if let ht = try o.value("hazard_treatment") {
      if hr != nil || o.has("median_treatment") {
        throw fail("give one of 'hr', 'median_treatment' and 'hazard_treatment'")
      }
      if try o.choice("method", DesignLibrary.designMethods) != .lakatos {
        throw fail("option 'hazard_treatment' (hazards that need not be proportional) needs method = \"lakatos\"")
      }
      return (control, try hazard(ht, option: "hazard_treatment"), .nan)
    }
    if let mt = try o.optionalNumber("median_treatment") {
      if hr != nil { throw fail("give 'hr' or 'median_treatment', not both") }
      guard control.cuts.isEmpty else { throw fail("'median_treatment' needs an exponential control arm; use 'hr'") }
      let treatment = PiecewiseHazard.exponential(median: mt)
      if treatment.rates[0] == control.rates[0] {
        throw fail("option 'median_treatment' must differ from 'median_control', got "
          + "\(OptionValues.shown(.number(mt))) for both")
      }
      return (control, treatment, treatment.rates[0] / control.rates[0])
    }
    guard let hr else { throw fail("the treatment arm needs 'hr' or 'median_treatment'") }
    if hr == 1 { throw fail("option 'hr' must differ from 1, got 1") }
    return (control, control.scaled(by: hr), hr)
  }

  /// The full assumptions of sample_size and power.
  func assumptions(_ o: OptionValues) throws -> SurvivalDesignAssumptions {
    let (control, treatment, hr) = try hazards(o)
    guard let followUp = try o.optionalNumber("follow_up") else {
      throw fail("option 'follow_up' (time from the end of accrual to the analysis) is required")
    }
    let accrual = try accrual(try o.value("accrual"))
    if accrual.duration + followUp <= 0 { throw fail("accrual duration plus follow_up must be positive") }
    return SurvivalDesignAssumptions(
      control: control, treatment: treatment, hazardRatio: hr, accrual: accrual, followUp: followUp,
      dropout: try dropout(try o.value("dropout")), alpha: try o.number("alpha"), sides: try o.integer("sided"),
      ratio: try o.number("ratio"), method: try o.choice("method", DesignLibrary.designMethods))
  }

  /// Steps on which a hazard given as a Lua function is tabulated.
  static let functionHazardSteps = 500

  /// A hazard given as a Lua function h(t): its value at the midpoints of
  /// `functionHazardSteps` equal steps of [0, horizon] as a piecewise-constant
  /// hazard (the midpoint rule for the cumulative hazard, error O(step²)), the
  /// last value continuing past the horizon. The function is called here,
  /// once per step, in protected mode; what it returns is checked.
  func tabulated(_ function: LuaValue, option: String, horizon: Double) throws -> PiecewiseHazard {
    let steps = Self.functionHazardSteps
    let width = horizon / Double(steps)
    var rates: [Double] = []
    rates.reserveCapacity(steps)
    for i in 0..<steps {
      let t = (Double(i) + 0.5) * width
      let out = try call.lua.call(function, [.number(t)])
      guard let v = out.first, v.typeName == "number", let x = v.doubleValue, x.isFinite, x >= 0 else {
        let shown = out.first.map { OptionValues.shown($0) } ?? "nothing"
        throw fail("option '\(option)': the hazard function returned \(shown) at t = \(t); it must return a "
          + "finite number ≥ 0")
      }
      rates.append(x)
    }
    let cuts = (1..<steps).map { Double($0) * width }
    // Every rate was checked above, so the one problem left is a last rate of 0.
    if PiecewiseHazard.problem(rates: rates, cuts: cuts) != nil {
      throw fail("option '\(option)': the hazard function must be positive at the horizon (it continues from "
        + "there), got 0 at t = \(horizon - width / 2)")
    }
    return PiecewiseHazard(rates: rates, cuts: cuts)
  }

  /// simulate_trial's options (or power_sim's design) as a TrialDesign.
  func trial(_ o: OptionValues) throws -> TrialDesign {
    guard let n = try o.optionalInteger("n") else { throw fail("option 'n' (number of patients) is required") }
    // Per patient: the simulator's buffers, the dataset's columns and a sort, on each of two workers.
    try MemoryBudget.require(count: n, stride: 192, for: "a simulated trial of \(n) patients")
    guard let armsValue = try o.value("arms") else { throw fail("option 'arms' is required") }
    guard case .table(let armsTable) = armsValue, armsTable.array.isEmpty, !armsTable.fields.isEmpty else {
      throw fail("option 'arms' must name the arms: {control = {hazard = ...}, treatment = {...}}")
    }
    let defaultCure = try o.number("cure")
    // "control" first, then the other names in alphabetical order.
    let names = armsTable.fields.map(\.0).sorted { a, b in
      a == "control" ? b != "control" : (b == "control" ? false : a < b)
    }
    var arms: [TrialArm] = []
    // Arms whose hazard is a Lua function: tabulated once the horizon (accrual + follow_up) is known.
    var functions: [(arm: Int, function: LuaValue, horizon: Double?)] = []
    for name in names {
      guard let value = armsTable.fields.first(where: { $0.0 == name })?.1 else { continue }
      let option = "arms." + name
      let r = try record(value, option: option, keys: ["hazard", "median", "ratio", "cure", "horizon"])
      if r["horizon"] != nil && r["hazard"]?.typeName != "function" {
        throw fail("option '\(option).horizon' applies to a hazard given as a function")
      }
      let hazard: PiecewiseHazard
      if let h = r["hazard"], h.typeName == "function" {
        if r["median"] != nil { throw fail("option '\(option)' takes 'hazard' or 'median', not both") }
        let horizon = try r["horizon"].map { try positive($0, "option '\(option).horizon'") }
        functions.append((arms.count, h, horizon))
        hazard = PiecewiseHazard(rates: [1])  // replaced below
      } else if let h = r["hazard"] {
        if r["median"] != nil { throw fail("option '\(option)' takes 'hazard' or 'median', not both") }
        hazard = try self.hazard(h, option: option + ".hazard")
      } else if let m = r["median"] {
        hazard = .exponential(median: try positive(m, "option '\(option).median'"))
      } else {
        throw fail("option '\(option)' needs 'hazard' (a rate or {rates =, cuts =}) or 'median'")
      }
      let weight = try r["ratio"].map { try positive($0, "option '\(option).ratio'") } ?? 1
      var cure = defaultCure
      if let c = r["cure"] {
        guard c.typeName == "number", let x = c.doubleValue, x >= 0, x < 1 else {
          throw fail("option '\(option).cure' must be a number in [0, 1), got \(OptionValues.shown(c))")
        }
        cure = x
      }
      arms.append(TrialArm(name: name, hazard: hazard, cure: cure, weight: weight))
    }
    let accrual = try accrual(try o.value("accrual"))
    let cutoff: TrialCutoff
    switch (try o.optionalNumber("follow_up"), try o.optionalInteger("events")) {
    case (let f?, nil): cutoff = .followUp(f)
    case (nil, let e?):
      if e > n { throw fail("option 'events' (\(e)) cannot exceed n (\(n))") }
      cutoff = .events(e)
    case (nil, nil): throw fail("give 'follow_up' (time after accrual) or 'events' (event-driven cut-off)")
    case (_?, _?): throw fail("give 'follow_up' or 'events', not both")
    }
    if case .followUp(let f) = cutoff, accrual.duration + f <= 0 {
      throw fail("accrual duration plus follow_up must be positive")
    }
    for (j, function, given) in functions {
      let option = "arms.\(arms[j].name).hazard"
      let horizon: Double
      if let given {
        horizon = given
      } else if case .followUp(let f) = cutoff {
        horizon = accrual.duration + f
      } else {
        throw fail("option '\(option)' is a function: an event-driven design needs 'horizon' in the arm (the "
          + "longest follow-up to tabulate it over)")
      }
      let hazard = try tabulated(function, option: option, horizon: horizon)
      arms[j] = TrialArm(name: arms[j].name, hazard: hazard, cure: arms[j].cure, weight: arms[j].weight)
    }
    return TrialDesign(n: n, arms: arms, accrual: accrual, dropout: try dropout(try o.value("dropout")),
                       cutoff: cutoff)
  }
}
