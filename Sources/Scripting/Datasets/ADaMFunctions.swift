import Datasets
import LuaHost

/// `adtte(d, opts)`: CDISC ADaM time-to-event data as survival data
/// (`Datasets.ADaMTimeToEvent`): one PARAMCD, AVAL as the time, CNSR as the
/// event indicator EVENT, joined to ADSL.
enum ADaMFunctions {
  static var declarations: [KaplanFunction] { [adtte] }

  static let schema: [OptionSpec] = [
    OptionSpec("paramcd", .string, defaultText: "required", doc: "the parameter to analyse, e.g. \"OS\" or \"PFS\""),
    OptionSpec("adsl", .datasetValue, doc: "the subject-level dataset (ADSL) to join by USUBJID (and STUDYID when "
                 + "both have it); every subject must be in it once"),
    OptionSpec("keep", .strings, defaultText: "all of ADSL's variables",
               doc: "the ADSL variables to join, e.g. {\"TRT01P\", \"AGE\", \"SEX\"}"),
    OptionSpec("to", .choice(["days", "weeks", "months", "years"]),
               doc: "convert AVAL to this unit from AVALU's (a month is 365.25/12 days, a year 365.25 days)"),
  ]

  static var adtte: KaplanFunction {
    datasetsFunction(
      "adtte", signature: "adtte(d, opts)",
      summary: "The rows of one parameter of a CDISC ADaM ADTTE dataset as survival data: AVAL is the time, EVENT "
        + "= 1 where CNSR = 0 (an event) and 0 where CNSR > 0 (censored); STUDYID, USUBJID, PARAMCD, PARAM, AVALU, "
        + "CNSR, EVNTDESC, CNSDTDSC, STARTDT and ADT are kept when present, then the ADSL variables. AVALU must "
        + "hold one unit (days, weeks, months or years).",
      options: schema, optionsArgument: 2, arguments: 2,
      example: """
        local os = adtte(dataset("adtte"), {paramcd = "OS", adsl = dataset("adsl"), keep = {"TRT01P", "AGE"},
          to = "months"})
        print(os:head(3))
        print(km(os, "Surv(AVAL, EVENT) ~ TRT01P"))
        """
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self).dataset
      let o = call.options
      guard let paramcd = try o.optionalString("paramcd") else {
        var present: [String] = []
        if case .factor(let codes, let levels)? = d["PARAMCD"] {
          present = Set(codes.filter { $0 >= 0 }).map { levels[Int($0)] }.sorted()
        }
        throw call.lua.argumentError(2, "option 'paramcd' is required"
          + (present.isEmpty ? "" : " (present: \(present.joined(separator: ", ")))"))
      }
      var options = ADaMTimeToEvent.Options(paramcd: paramcd)
      if case .object(let adsl as LuaDataset)? = try o.value("adsl") { options.adsl = adsl.dataset }
      options.keep = try o.optionalStrings("keep")
      if let to = try o.optionalString("to") { options.to = ADaMTimeToEvent.Unit(text: to) }
      do {
        return [.object(try LuaDataset(try ADaMTimeToEvent.analysis(d, options)))]
      } catch let error as ADaMTimeToEvent.InputError {
        switch error.argument {
        case .adtte: throw call.lua.argumentError(1, error.message)
        case .paramcd, .adsl, .keep, .to:
          throw call.lua.argumentError(2, "option '\(error.argument)': \(error.message)")
        }
      }
    }
  }
}
