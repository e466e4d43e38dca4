import Datasets
import Foundation
import LuaHost
import Survival

/// Designing a trial (issue 21): events_needed, sample_size and power (the
/// log-rank formulas of Schoenfeld and Freedman with Lachin–Foulkes event
/// probabilities), simulate_trial (a seeded trial dataset) and power_sim
/// (power by simulation, built-in analyses on all cores or a script's
/// function). Printed by `stdlib/kaplan/design.lua`; numerics in
/// `Survival/Design/`.
struct DesignLibrary: KaplanLibrary {
  let name = "design"

  static let methods: [(String, LogRankEventsMethod)] = [("schoenfeld", .schoenfeld), ("freedman", .freedman)]
  /// sample_size and power{n} also take Lakatos's method, which needs the whole design.
  static let designMethods = methods + [("lakatos", .lakatos)]

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [eventsNeeded, sampleSize, power, simulateTrial, powerSim], kinds: DesignResults.kinds)
  }

  private static func testOptions(lakatos: Bool) -> [OptionSpec] { [
    OptionSpec("alpha", .number(.probability), default: .number(0.05),
               doc: "significance level (in total over the sides)"),
    OptionSpec("sided", .integer(.between(1, 2)), default: .integer(2), doc: "1 or 2 sides of the test"),
    OptionSpec("ratio", .number(.positive), default: .number(1),
               doc: "allocation ratio, treatment : control (2 for 2:1)"),
    OptionSpec.choice("method", lakatos ? designMethods : methods, default: "schoenfeld",
                      doc: "\"schoenfeld\" (log hazard ratio), \"freedman\" (hazard ratio)"
                        + (lakatos ? " or \"lakatos\" (Markov model; non-proportional hazards)" : "")),
  ] }

  private static var designOptions: [OptionSpec] { [
    OptionSpec("hr", .number(.positive), doc: "hazard ratio, treatment / control"),
    OptionSpec("median_control", .number(.positive), doc: "median survival of the control arm (exponential)"),
    OptionSpec("median_treatment", .number(.positive), doc: "median survival of the treatment arm (instead of hr)"),
    OptionSpec("hazard_control", .either(.number(.positive), .table),
               doc: "control hazard: a rate or piecewise {rates = {...}, cuts = {...}}"),
    OptionSpec("surv_at", .numbers, doc: "{t, s0, s1}: survival at time t in control and treatment (exponential)"),
    OptionSpec("hazard_treatment", .either(.number(.positive), .table),
               doc: "treatment hazard, rate or {rates =, cuts =}, for non-proportional hazards (method \"lakatos\")"),
    OptionSpec("accrual", .either(.number(.nonNegative), .table), defaultText: "0 (all at once)",
               doc: "accrual duration, or {duration =, shape =}: fraction enrolled by u is (u/duration)^shape; or "
                 + "piecewise {periods = {lengths}, rates = {relative rates}}"),
    OptionSpec("follow_up", .number(.nonNegative), doc: "time from the end of accrual to the analysis"),
    OptionSpec("dropout", .table, doc: "exponential dropout: {rate = r} or {prob = p, time = t}"),
    OptionSpec("unit", .string, default: .string("months"), doc: "the time unit the printed sentence names"),
  ] + testOptions(lakatos: true) }

  private var eventsNeeded: KaplanFunction {
    KaplanFunction(
      "events_needed", section: "Design", signature: "events_needed{opts}",
      summary: "The number of events a two-arm log-rank test needs: Schoenfeld's formula D = (z_a + z_b)^2 "
        + "(1 + r)^2 / (r log(hr)^2), or Freedman's D = (z_a + z_b)^2 (1 + r hr)^2 / (r (1 - hr)^2), rounded up. "
        + "Prints a sentence for the protocol; tidy() gives one row. References: Schoenfeld (1983) Biometrics "
        + "39:499-503; Freedman (1982) Statistics in Medicine 1:121-129; the published examples checked are listed "
        + "in docs/design-references.md.",
      options: [
        OptionSpec("hr", .number(.positive), doc: "hazard ratio, treatment / control (required)"),
        OptionSpec("power", .number(.probability), default: .number(0.8), doc: "power"),
      ] + Self.testOptions(lakatos: false),
      optionsArgument: 1, returns: "events_needed",
      example: """
        local e = events_needed{hr = 0.7, alpha = 0.05, power = 0.8}
        print(e)
        print(e.events, e.events_exact)
        """
    ) { call in
      let o = call.options
      guard let hr = try o.optionalNumber("hr") else { throw call.lua.argumentError(1, "option 'hr' is required") }
      if hr == 1 { throw call.lua.argumentError(1, "option 'hr' must differ from 1, got 1") }
      let r = EventsNeededResult(
        hazardRatio: hr, alpha: try o.number("alpha"), power: try o.number("power"), ratio: try o.number("ratio"),
        sides: try o.integer("sided"), method: try o.choice("method", Self.methods))
      try Self.checkPowerAboveAlpha(call, power: r.power, alpha: r.alpha, sides: r.sides)
      try LogRankEvents.checkCounts(events: r.exact)
      return call.result(DesignResults.encode(r.fields), of: r)
    }
  }

  private var sampleSize: KaplanFunction {
    KaplanFunction(
      "sample_size", section: "Design", signature: "sample_size{opts}",
      summary: "Patients and events for a two-arm log-rank test: the events from events_needed's formula, "
        + "then patients = events / P(event), with P(event) per arm from exponential or piecewise-exponential "
        + "hazards, accrual over a period (uniform, shaped or piecewise), follow-up after accrual and exponential "
        + "dropout (Lachin and Foulkes 1986), rounded up per arm. Give the arms as hr with median_control (or "
        + "hazard_control), median_control with median_treatment, or surv_at = {t, s0, s1}. method = \"lakatos\" "
        + "sums the log-rank statistic's mean and variance over the study (Lakatos 1988), so the arms' hazards "
        + "need not be proportional (hazard_treatment, e.g. a delayed effect). References: Lachin and Foulkes "
        + "(1986) Biometrics 42:507-519; Lakatos (1988) Biometrics 44:229-241. With accrual, Stata's power logrank "
        + "approximates P(event) by Simpson's rule and SAS PROC POWER sums Lakatos's terms on a coarser grid, so "
        + "their numbers differ slightly (docs/design-references.md).",
      options: Self.designOptions + [
        OptionSpec("power", .number(.probability), default: .number(0.8), doc: "power")
      ],
      optionsArgument: 1, returns: "sample_size",
      example: """
        local s = sample_size{hr = 0.7, median_control = 12, accrual = 24, follow_up = 12,
                              dropout = {prob = 0.05, time = 12}}
        print(s)
        print(tidy(s))
        -- a delayed effect: no difference for 3 months, then hr 0.6 (Lakatos's method)
        local h = math.log(2) / 12
        print(sample_size{hazard_control = h, hazard_treatment = {rates = {h, 0.6 * h}, cuts = {3}},
                          accrual = 24, follow_up = 12, method = "lakatos"}.n)
        -- piecewise accrual: 6 months at a third of the rate of the next 18
        print(sample_size{hr = 0.7, median_control = 12, follow_up = 12,
                          accrual = {periods = {6, 18}, rates = {1, 3}}})
        """
    ) { call in
      let a = try DesignDecoding(call: call, argument: 1, prefix: "").assumptions(call.options)
      let power = try call.options.number("power")
      try Self.checkPowerAboveAlpha(call, power: power, alpha: a.alpha, sides: a.sides)
      let result = SampleSizeResult(assumptions: a, power: power)
      try LogRankEvents.checkCounts(events: result.exactEvents, patients: result.exactPatients)
      let r = SampleSizeRecord(result: result, unit: try call.options.string("unit"))
      return call.result(DesignResults.encode(r.fields), of: r)
    }
  }

  /// The formulas need z_a + z_b > 0: a power at or below alpha/sided
  /// would square a negative sum into a positive number of events.
  static func checkPowerAboveAlpha(_ call: KaplanCall, power: Double, alpha: Double, sides: Int) throws {
    guard power > alpha / Double(sides) else {
      throw call.lua.argumentError(
        1, "option 'power' must be above alpha/sided (\(OptionValues.shown(.number(alpha / Double(sides))))), "
          + "got \(OptionValues.shown(.number(power)))")
    }
  }

  private var power: KaplanFunction {
    KaplanFunction(
      "power", section: "Design", signature: "power{opts}",
      summary: "The power of a two-arm log-rank test, the inverse of sample_size: from a number of events and "
        + "hr, or from n patients and the design's assumptions (expected events n P(event)).",
      options: Self.designOptions + [
        OptionSpec("n", .integer(.positive), doc: "number of patients (with the design's assumptions)"),
        OptionSpec("events", .number(.positive), doc: "number of events (with hr only)"),
      ],
      optionsArgument: 1, returns: "power",
      example: """
        print(power{events = 247, hr = 0.7})
        print(power{n = 400, hr = 0.7, median_control = 12, accrual = 24, follow_up = 12})
        """
    ) { call in
      let o = call.options
      let r: PowerResult
      if let events = try o.optionalNumber("events") {
        if o.has("n") { throw call.lua.argumentError(1, "give 'n' or 'events', not both") }
        for key in ["median_control", "median_treatment", "hazard_control", "hazard_treatment", "surv_at", "accrual",
                    "follow_up", "dropout", "unit"] where o.has(key) {
          throw call.lua.argumentError(1, "option '\(key)' is not used with 'events' (only hr, alpha, sided, "
            + "ratio, method)")
        }
        guard let hr = try o.optionalNumber("hr"), hr != 1 else {
          throw call.lua.argumentError(1, "option 'hr' (not 1) is required with 'events'")
        }
        let method = try o.choice("method", Self.designMethods)
        if method == .lakatos {
          throw call.lua.argumentError(1, "method \"lakatos\" needs the design (n and the arms), not 'events'")
        }
        r = PowerResult(events: events, hazardRatio: hr, alpha: try o.number("alpha"), ratio: try o.number("ratio"),
                        sides: try o.integer("sided"), method: method)
      } else if let n = try o.optionalInteger("n") {
        r = PowerResult(n: n, assumptions: try DesignDecoding(call: call, argument: 1, prefix: "").assumptions(o))
      } else {
        throw call.lua.argumentError(1, "give 'events' (with hr) or 'n' (with the design's assumptions)")
      }
      let record = PowerRecord(result: r, unit: try o.string("unit"))
      return call.result(DesignResults.encode(record.fields), of: record)
    }
  }

  static var trialOptions: [OptionSpec] { [
    OptionSpec("n", .integer(.between(1, 10_000_000)), doc: "number of patients (required)"),
    OptionSpec("arms", .table, doc: "by name: {hazard = rate, {rates =, cuts =} or function(t) (or median =), "
      + "ratio = allocation weight, cure = fraction, horizon = time a function hazard is tabulated to}; "
      + "\"control\" comes first, the others alphabetically"),
    OptionSpec("accrual", .either(.number(.nonNegative), .table), defaultText: "0 (all at once)",
               doc: "accrual duration, {duration =, shape =}, or piecewise {periods = {lengths}, rates = {relative "
                 + "rates}}"),
    OptionSpec("dropout", .table, doc: "exponential dropout: {rate = r} or {prob = p, time = t}"),
    OptionSpec("cure", .number(.between(0, 0.999999)), default: .number(0),
               doc: "cure fraction of every arm (an arm's own cure overrides it)"),
    OptionSpec("follow_up", .number(.nonNegative), doc: "analysis at accrual duration + follow_up"),
    OptionSpec("events", .integer(.positive), doc: "event-driven analysis at the calendar time of this event"),
    OptionSpec("seed", .integer(.any), default: .integer(1), doc: "random seed (same seed, same data)"),
    OptionSpec("start_date", .string, doc: "calendar date of time 0 (\"YYYY-MM-DD\"): the data get entry_date, "
      + "each entry as a date (time_unit days per unit; months are 365.25 / 12 days)"),
    OptionSpec.choice("time_unit", TrialCalendar.units, default: "months",
                      doc: "unit of the design's times, to turn entries into dates (with start_date)"),
  ] }

  private var simulateTrial: KaplanFunction {
    KaplanFunction(
      "simulate_trial", section: "Design", signature: "simulate_trial{opts}",
      summary: "A simulated two-or-more-arm trial as a dataset (id, arm, entry, time, event; rows by entry): "
        + "fixed arm sizes by allocation ratio, entry over the accrual period, event times from each arm's "
        + "(piecewise) exponential hazard or hazard function (tabulated at the midpoints of 500 equal steps up to "
        + "accrual + follow_up, or the arm's horizon, constant after) with an optional cure fraction, exponential "
        + "dropout, and a cut-off "
        + "after follow_up or at the given number of events (patients not yet enrolled then are left out). "
        + "The same seed gives the same data on every machine; it is replicate 1 of power_sim with that seed.",
      options: Self.trialOptions, optionsArgument: 1,
      example: """
        local d = simulate_trial{n = 200, arms = {control = {median = 12}, treatment = {median = 18}},
                                 accrual = 12, follow_up = 12, seed = 42}
        print(d:head())
        print(logrank(d, "Surv(time, event) ~ arm"))
        -- entry dates from a start date
        print(simulate_trial{n = 10, arms = {control = {median = 12}}, accrual = 12, follow_up = 12,
                             start_date = "2026-01-15"}:head(3))
        -- a delayed effect as a hazard function: the treatment arm's hazard falls after 3 months
        local h = math.log(2) / 12
        local late = simulate_trial{n = 200, arms = {control = {hazard = h},
                                    treatment = {hazard = function(t) return t < 3 and h or 0.6 * h end}},
                                    accrual = 12, follow_up = 12, seed = 42}
        print(late:head(3))
        """
    ) { call in
      let o = call.options
      let design = try DesignDecoding(call: call, argument: 1, prefix: "").trial(o)
      let seed = UInt64(bitPattern: Int64(try o.integer("seed")))
      let calendar = try TrialCalendar(call, o, accrual: design.accrual.duration, argument: 1, prefix: "")
      var trial = SimulatedTrial()
      TrialSimulator.simulate(design, seed: TrialDesign.replicateSeed(master: seed, index: 1), into: &trial)
      return [.object(try LuaDataset(try DesignResults.dataset(trial, design: design, calendar: calendar)))]
    }
  }

  private var powerSim: KaplanFunction {
    KaplanFunction(
      "power_sim", section: "Design", signature: "power_sim{opts}",
      summary: "Power by simulation: reps trials of a simulate_trial design, each analysed, and the share "
        + "significant at alpha with its Monte Carlo standard error mc_se = sqrt(p(1 - p)/reps). Built-in "
        + "analyses (\"logrank\"; \"fh\", Fleming-Harrington G(rho, gamma); \"cox\", the Wald test of the arm; "
        + "\"rmst\", the RMST difference at tau over its SE; \"maxcombo\") run in Swift on every core without "
        + "building datasets; a function(d) returning true (reject) or false runs once per replicate on "
        + "simulate_trial's dataset. Replicate i is drawn from a seed made of seed and i, so the result does not "
        + "depend on the number of threads. On a terminal (stderr a tty, CI unset) a progress bar is drawn on "
        + "stderr.",
      options: [
        OptionSpec("design", .table, doc: "a simulate_trial design (its seed, if given, is the master seed); two "
                     + "arms for built-in analyses"),
        OptionSpec("analysis", .either(.choice(PowerSimBinding.analyses), .function), default: .string("logrank"),
                   doc: "\"logrank\", \"fh\" (with rho, gamma), \"cox\", \"rmst\" (with tau), \"maxcombo\", or "
                     + "function(d) return reject end"),
        OptionSpec("tau", .number(.positive), doc: "truncation time of analysis \"rmst\""),
        OptionSpec("rho", .number(.nonNegative), default: .number(0), doc: "Fleming-Harrington rho (analysis \"fh\")"),
        OptionSpec("gamma", .number(.nonNegative), default: .number(0),
                   doc: "Fleming-Harrington gamma (analysis \"fh\")"),
        OptionSpec("reps", .integer(.between(1, 10_000_000)), default: .integer(1000), doc: "number of trials"),
        OptionSpec("seed", .integer(.any), default: .integer(1), doc: "master seed (or give it in design)"),
        OptionSpec("alpha", .number(.probability), default: .number(0.05),
                   doc: "two-sided level of the built-in tests"),
      ],
      optionsArgument: 1, returns: "power_sim",
      example: """
        local h = math.log(2) / 12
        local p = power_sim{design = {n = 600, arms = {control = {hazard = h}, treatment = {hazard = 0.7 * h}},
                                      events = 247}, analysis = "logrank", reps = 500, seed = 1}
        print(p)
        print(power_sim{design = {n = 300, arms = {control = {hazard = h}, treatment = {hazard = 0.7 * h}},
                                  accrual = 12, follow_up = 12}, analysis = "rmst", tau = 18, reps = 200})
        print(power_sim{design = {n = 100, arms = {control = {median = 6}, treatment = {median = 12}},
                                  follow_up = 12}, reps = 20,
                        analysis = function(d) return logrank(d, "Surv(time, event) ~ arm").p < 0.05 end})
        """
    ) { call in try PowerSimBinding.run(call) }
  }
}
