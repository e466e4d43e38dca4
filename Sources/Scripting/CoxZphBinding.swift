import Analysis
import Datasets
import LuaHost
import Survival

/// `m:zph([opts])`: the proportional-hazards test of a Cox model, as R
/// `survival` 3.x `cox.zph` (`CoxZphAnalysis`), with its result kind
/// `cox_zph` (printed by `stdlib/kaplan/cox_zph.lua` as `print.cox.zph`,
/// plotted by `plot(z)`, tidied by `tidy(z)`).
enum CoxZphBinding {
  static var functions: [KaplanFunction] { [zph] }

  static var kinds: [ResultKind] { [
    ResultKind("cox_zph", section: "Survival",
               summary: "Test of proportional hazards of a Cox model (m:zph()), as R's cox.zph.", fields: [
                 ("table", "one row per term, then GLOBAL: {term, chisq, df, p}"),
                 ("x", "the transformed event times"), ("time", "the event times"),
                 ("y", "per term (named by the term): its scaled Schoenfeld residuals, one per event (NA where "
                   + "the term does not vary in the event's stratum)"),
                 ("terms", "the term names, in the order of y"),
                 ("var", "the variance matrix of the scaled residuals (rows)"),
                 ("transform", "\"km\", \"rank\", \"identity\", \"log\" or \"user\""),
                 ("strata", "the stratum of each event, when the model has strata"),
                 ("rows", "the input row of each event"),
               ], tidy: tidy),
  ] }

  private static let transforms = ["km", "rank", "identity", "log"]

  private static var zph: KaplanFunction {
    KaplanFunction(
      "zph", receiver: "cox", section: "Survival", signature: "m:zph([opts])",
      summary: "Test of proportional hazards, as R's cox.zph (survival 3.x: the score test): a chi-square per "
        + "term and GLOBAL, with the scaled Schoenfeld residuals against transformed time (plot(z) draws "
        + "them with a smooth and its band).",
      options: [
        OptionSpec("transform", .either(.choice(transforms), .function), default: .string("km"),
                   doc: "time scale: \"km\" (1 - Kaplan-Meier, as R), \"rank\", \"identity\", \"log\", or a "
                     + "function of time"),
        OptionSpec("terms", .boolean, default: .boolean(true),
                   doc: "test each term (a factor's columns together); false: each coefficient"),
        OptionSpec("global", .boolean, default: .boolean(true), doc: "add the GLOBAL test of all terms"),
      ],
      optionsArgument: 1, returns: "cox_zph",
      example: """
        local m = cox(dataset("veteran"), "Surv(time, status) ~ trt + celltype + karno")
        local z = m:zph()
        print(z)
        print(z.table[3].p, #z.x)
        print(m:zph{transform = "identity", terms = false})
        print(m:zph{transform = function(t) return math.sqrt(t) end})
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      let o = call.options
      var transform = CoxZphAnalysis.Transform.km
      switch try o.value("transform") {
      case let value? where value.typeName == "function":
        let lua = call.lua
        transform = .custom { t in
          let out = try lua.call(value, [.number(t)])
          guard let first = out.first, first.typeName == "number", let x = first.doubleValue, x.isFinite else {
            throw lua.argumentError(
              2, "option 'transform' must return a finite number for each time, got "
                + (out.first.map { $0.typeName } ?? "nothing") + " at time \(t)")
          }
          return x
        }
      case let value?:
        switch value.stringValue ?? "km" {
        case "rank": transform = .rank
        case "identity": transform = .identity
        case "log": transform = .log
        default: transform = .km
        }
      default: break
      }
      let analysis = try CoxZphAnalysis(
        model: model, transform: transform, terms: try o.boolean("terms"), global: try o.boolean("global"))
      return try call.result(encode(analysis), of: analysis)
    }
  }

  static func encode(_ a: CoxZphAnalysis) throws -> LuaValue {
    let r = a.result
    let rows: [LuaValue] = r.names.indices.map { i in
      .record([
        "term": .string(r.names[i]), "chisq": CoxEncoding.number(r.chisq[i]), "df": .integer(r.df[i]),
        "p": CoxEncoding.number(r.p[i]),
      ])
    }
    let e = r.x.count
    let k = r.termNames.count
    var y: [(String, LuaValue)] = []
    // Each term's residuals are a view of its part of the result's column-major array (no copy).
    for t in 0..<k { y.append((r.termNames[t], try ResultArray.numbers(r.y, range: (t * e)..<((t + 1) * e)))) }
    let variance: [LuaValue] = try (0..<k).map { i in
      try ResultArray.numbers(Array(r.variance[(i * k)..<((i + 1) * k)]))
    }
    var fields: [(String, LuaValue)] = [
      ("table", .array(rows)),
      ("x", try ResultArray.numbers(r.x)),
      ("time", try ResultArray.numbers(r.time)),
      ("y", .table(LuaTable(fields: y))),
      ("terms", .strings(r.termNames)),
      ("var", .array(variance)),
      ("transform", .string(a.transformName)),
      ("rows", try ResultArray.counts(a.eventRows)),
    ]
    if !a.eventStrata.isEmpty { fields.append(("strata", .strings(a.eventStrata))) }
    return .table(LuaTable(fields: fields))
  }

  /// tidy(z): term, statistic (chisq), df, p_value.
  static let tidy = Tidier(CoxZphAnalysis.self, rows: "one row per term, then GLOBAL: term, statistic, df, p_value") {
    a, _ in
    var t = TidyTable()
    try t.labels("term", a.result.names.map { $0 })
    t.numbers("statistic", a.result.chisq)
    t.integers("df", a.result.df.map { $0 })
    t.numbers("p_value", a.result.p)
    return try t.dataset()
  }
}
