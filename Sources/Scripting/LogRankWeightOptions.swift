import Analysis
import LuaHost
import Survival

/// `logrank`'s `weights` and `test` options: the weight names (lifelines'
/// `weightings` spelled as Klein and Moeschberger name the tests) and the
/// rule that rho and gamma belong to the Fleming–Harrington weight.
enum LogRankWeightOptions {
  /// `weights` values, in the order the help lists them.
  static let names: [(String, String)] = [
    ("logrank", "logrank"), ("gehan", "gehan"), ("tarone-ware", "tarone-ware"), ("peto-peto", "peto-peto"),
    ("modified-peto", "modified-peto"), ("fh", "fh"),
  ]

  static let weights = OptionSpec.choice(
    "weights", names, default: nil,
    doc: "\"logrank\", \"gehan\" (Gehan–Breslow–Wilcoxon: n at risk), \"tarone-ware\" (sqrt(n)), \"peto-peto\" "
      + "(Peto's S~(t)), \"modified-peto\" (S~(t) n/(n+1)), \"fh\" (S(t-)^rho (1 - S(t-))^gamma); default "
      + "\"fh\" when rho or gamma is given, else \"logrank\"")
  static let test = OptionSpec.choice(
    "test", [("chisq", false), ("maxcombo", true)], default: "chisq",
    doc: "\"chisq\" (survdiff's test) or \"maxcombo\": the largest |Z| of FH(0,0), FH(0,1), FH(1,0), FH(1,1) "
      + "with its multivariate-normal p-value (two groups)")

  /// The weight the options ask for; rho/gamma with another weight, or any
  /// weight with test = "maxcombo", is an error naming both options.
  static func weight(_ call: KaplanCall) throws -> (LogRankWeight, Bool) {
    let o = call.options
    let maxCombo = try o.choice("test", [("chisq", false), ("maxcombo", true)])
    let name = try o.optionalChoice("weights", names)
    let rhoGiven = o.has("rho") || o.has("gamma")
    if maxCombo && (name != nil || rhoGiven) {
      throw call.lua.argumentError(
        3, "test = \"maxcombo\" combines the FH(0,0), FH(0,1), FH(1,0) and FH(1,1) weights itself; "
          + "drop options 'weights', 'rho' and 'gamma'")
    }
    if let name, name != "fh", rhoGiven {
      throw call.lua.argumentError(3, "options 'rho' and 'gamma' apply to weights = \"fh\", got weights = \"\(name)\"")
    }
    switch name {
    case "gehan"?: return (.gehan, maxCombo)
    case "tarone-ware"?: return (.taroneWare, maxCombo)
    case "peto-peto"?: return (.petoPeto, maxCombo)
    case "modified-peto"?: return (.modifiedPeto, maxCombo)
    case "logrank"?: return (.logRank, maxCombo)
    default: return (.flemingHarrington(rho: try o.number("rho"), gamma: try o.number("gamma")), maxCombo)
    }
  }

  /// The weight's name as results carry it: "logrank", "gehan", ..., "fh(1, 0)".
  static func label(_ w: LogRankWeight) -> String {
    switch w {
    case .flemingHarrington(let rho, let gamma):
      if rho == 0 && gamma == 0 { return "logrank" }
      return "fh(\(OptionValues.shown(.number(rho))), \(OptionValues.shown(.number(gamma))))"
    case .gehan: return "gehan"
    case .taroneWare: return "tarone-ware"
    case .petoPeto: return "peto-peto"
    case .modifiedPeto: return "modified-peto"
    }
  }
}
