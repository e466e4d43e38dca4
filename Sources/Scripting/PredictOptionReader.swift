import LuaHost

/// The options table of a parametric model's `m:predict` (survreg's curve types and `m:rmst`, flexsurv's
/// predict), read in one place: which option belongs to which `type`, the numbers a type needs, and the
/// interval options (`conf_level`, `bootstrap`, `seed`). The two libraries declared and read these as two
/// near copies; the messages are kept word for word (the binding tests pin them), so flexsurv still says
/// "required" where survreg says "needed".
struct PredictOptionReader {
  let call: KaplanCall
  /// The argument number of the options table in messages (a method's messages do not count self).
  let argument: Int

  /// The interval options every parametric predict declares alike.
  static let intervalOptions: [OptionSpec] = [
    OptionSpec("conf_level", .number(.probability), defaultText: "the model's conf_level",
               doc: "level of the conf_low/conf_high columns"),
    OptionSpec("bootstrap", .integer(.between(1, 100_000)), defaultText: "none (delta method)",
               doc: "B: refit on B resamples of the fitted rows (on two cores); se_fit is the replicates' "
                 + "standard deviation, conf_low/conf_high their percentiles"),
    OptionSpec("seed", .integer(.nonNegative), default: .integer(20_240_601),
               doc: "seed of the bootstrap (the same seed gives the same result)"),
  ]

  /// What the interval options ask for: the level (nil: the model's), B replicates (0: the delta method)
  /// and the bootstrap's seed.
  struct Interval {
    var confidenceLevel: Double?
    var bootstrap: Int
    var seed: UInt64
  }

  func interval() throws -> Interval {
    let o = call.options
    return Interval(
      confidenceLevel: try o.optionalNumber("conf_level"), bootstrap: try o.optionalInteger("bootstrap") ?? 0,
      seed: UInt64(max(0, try o.integer("seed"))))
  }

  /// `average`, false when not given (also where the schema gives it no default).
  func average() throws -> Bool {
    call.options.has("average") ? try call.options.boolean("average") : false
  }

  /// Refuses an option given with a type it does not belong to: `option 'p' is for type = "quantile"`.
  func belongs(_ key: String, to owner: String, type: String) throws {
    if type != owner && call.options.has(key) { throw error("option '\(key)' is for type = \"\(owner)\"") }
  }

  /// Refuses the first given option of `keys`: `option 'times' is not for type = "mean"`, with `why` in
  /// parentheses after it when given.
  func refuse(_ keys: [String], for type: String, why: String? = nil) throws {
    for key in keys where call.options.has(key) {
      throw error("option '\(key)' is not for type = \"\(type)\"" + (why.map { " (\($0))" } ?? ""))
    }
  }

  /// The numbers of an option the type cannot go without: `option 'times' is <verb> for type = "survival"`.
  func numbers(_ key: String, for type: String, verb: String) throws -> [Double] {
    guard let values = try call.options.optionalNumbers(key) else { throw missing(key, for: type, verb: verb) }
    return values
  }

  /// The error of an option the type cannot go without.
  func missing(_ key: String, for type: String, verb: String) -> LuaError {
    error("option '\(key)' is \(verb) for type = \"\(type)\"")
  }

  /// An error about the options argument.
  func error(_ message: String) -> LuaError { call.lua.argumentError(argument, message) }
}
