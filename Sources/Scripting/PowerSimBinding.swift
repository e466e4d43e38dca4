import Datasets
import Foundation
import LuaHost
import Survival

/// power_sim's body: the design through simulate_trial's schema, then either
/// the Swift simulation (built-in analyses, every core) or a loop calling the
/// script's function on each replicate's dataset (serial: Lua is
/// single-threaded), which polls the run's stop between replicates (and the
/// Lua hook stops a long function).
enum PowerSimBinding {
  /// The built-in analyses' names.
  static let analyses = ["logrank", "fh", "cox", "rmst", "maxcombo"]

  static func run(_ call: KaplanCall) throws -> [LuaValue] {
    let o = call.options
    guard let designValue = try o.value("design") else {
      throw call.lua.argumentError(1, "option 'design' is required (a simulate_trial design)")
    }
    let parsed = try OptionValues.parse(
      designValue, function: "power_sim", schema: DesignLibrary.trialOptions,
      error: { call.lua.argumentError(1, "option 'design': " + $0) })
    let design = try DesignDecoding(call: call, argument: 1, prefix: "option 'design': ").trial(parsed)
    let calendar = try TrialCalendar(
      call, parsed, accrual: design.accrual.duration, argument: 1, prefix: "option 'design': ")
    let reps = try o.integer("reps")
    // The seed may come with the design (a simulate_trial design as it was written, as in issue 21's example)
    // or beside it, not both: either is the master seed, so replicate 1 is simulate_trial's trial.
    if parsed.has("seed") && o.has("seed") {
      throw call.lua.argumentError(1, "give the seed once: in 'design' or beside it, not both")
    }
    let seedValue = parsed.has("seed") ? try parsed.integer("seed") : try o.integer("seed")
    let seed = UInt64(bitPattern: Int64(seedValue))
    let alpha = try o.number("alpha")
    let analysisValue = try o.value("analysis") ?? .string("logrank")
    if let name = analysisValue.stringValue, analysisValue.typeName == "string" {
      if name != "fh" && (o.has("rho") || o.has("gamma")) {
        throw call.lua.argumentError(1, "options 'rho' and 'gamma' apply to analysis = \"fh\" only")
      }
      if name != "rmst" && o.has("tau") {
        throw call.lua.argumentError(1, "option 'tau' applies to analysis = \"rmst\" only")
      }
      guard design.arms.count == 2 else {
        throw call.lua.argumentError(
          1, "the built-in analyses compare two arms; the design has \(design.arms.count) (use a function)")
      }
      let rho = try o.number("rho")
      let gamma = try o.number("gamma")
      let analysis: SimulatedAnalysis
      var label = name
      switch name {
      case "cox": analysis = .coxWald
      case "maxcombo": analysis = .maxCombo
      case "rmst":
        guard let tau = try o.optionalNumber("tau") else {
          throw call.lua.argumentError(1, "analysis = \"rmst\" needs option 'tau' (the truncation time)")
        }
        analysis = .rmst(tau: tau)
        label = "rmst(tau = \(OptionValues.shown(.number(tau))))"
      case "fh":
        analysis = .logRank(rho: rho, gamma: gamma)
        label = "fh(\(OptionValues.shown(.number(rho))), \(OptionValues.shown(.number(gamma))))"
      default: analysis = .logRank(rho: 0, gamma: 0)
      }
      let bar = ProgressBar.forTerminal(total: reps, label: "power_sim")
      var progress: (@Sendable (Int) -> Void)?
      if let bar { progress = { done in bar.update(done) } }
      let sim = try PowerSimulation.run(
        design: design, analysis: analysis, reps: reps, seed: seed, alpha: alpha, progress: progress)
      bar?.finish()
      let r = PowerSimResult(simulation: sim, analysis: label, seed: seedValue)
      return call.result(DesignResults.encode(r.fields), of: r)
    }
    if o.has("rho") || o.has("gamma") || o.has("alpha") || o.has("tau") {
      throw call.lua.argumentError(1, "options 'rho', 'gamma', 'tau' and 'alpha' apply to the built-in analyses; "
        + "a function decides itself")
    }
    let bar = ProgressBar.forTerminal(total: reps, label: "power_sim")
    defer { bar?.finish() }
    var trial = SimulatedTrial()
    var rejections = 0
    var events = 0
    var patients = 0
    var short = 0
    for i in 1...reps {
      try Cancellation.check()
      TrialSimulator.simulate(design, seed: TrialDesign.replicateSeed(master: seed, index: i), into: &trial)
      events += trial.events
      patients += trial.count
      if trial.eventsShort > 0 { short += 1 }
      let data = try LuaDataset(try DesignResults.dataset(trial, design: design, calendar: calendar))
      let out = try call.lua.call(analysisValue, [.object(data)])
      guard case .boolean(let reject)? = out.first else {
        throw LuaError.runtime("power_sim: the analysis function returned \(out.first?.typeName ?? "nothing") "
          + "for replicate \(i); it must return true (significant) or false")
      }
      if reject { rejections += 1 }
      bar?.update(i)
    }
    let sim = PowerSimulation(reps: reps, rejections: rejections, totalEvents: events, totalPatients: patients,
                              shortReplicates: short, alpha: .nan)
    let r = PowerSimResult(simulation: sim, analysis: "function", seed: seedValue)
    return call.result(DesignResults.encode(r.fields), of: r)
  }
}
