import Datasets
import LuaHost

/// The survival-data helpers of the datasets library: `survsplit` (R's
/// `survSplit`), `landmark`, and `tmerge` with its `tdc`, `event`, `cumtdc`
/// and `cumevent` terms (R's `tmerge`). The work is in Datasets
/// (`SurvivalSplit`, `Landmark`, `TimeDependentMerge`); this file checks
/// the arguments and words the errors.
enum SurvivalDataFunctions {
  static var declarations: [KaplanFunction] { [survsplit, landmark] + TmergeFunctions.declarations }

  /// A `SurvivalDataError` as the argument error of the call: option
  /// errors belong to the options argument, data errors to the dataset.
  static func rethrow(_ call: KaplanCall, options: Int, data: Int = 1, _ body: () throws -> Dataset) throws
    -> [LuaValue]
  {
    do {
      return [.object(try LuaDataset(try body()))]
    } catch let error as SurvivalDataError {
      switch error {
      case .option: throw call.lua.argumentError(options, error.description)
      case .data: throw call.lua.argumentError(data, error.description)
      case .argument(let n, let message): throw call.lua.argumentError(n, message)
      }
    } catch let error as DatasetError {
      throw call.lua.argumentError(data, String(describing: error))
    }
  }

  // MARK: survsplit

  static let splitSchema: [OptionSpec] = [
    OptionSpec("cut", .either(.number(.any), .table),
               doc: "the cut points: a number or an array of increasing numbers ≥ 0 ({} cuts nothing)"),
    OptionSpec("start", .column, default: .string("tstart"),
               doc: "the start column: an existing column for (start, stop] data, else the name of the new one"),
    OptionSpec("stop", .column, default: .string("time"), doc: "the stop (follow-up time) column"),
    OptionSpec("event", .column, default: .string("status"),
               doc: "the event column (0/1, 1/2, true/false, cause codes, or a string column whose first level "
                 + "is censoring)"),
    OptionSpec("episode", .string, doc: "the name of a column to add: the interval's number, 1 + the cut points "
                 + "at or before its start"),
    OptionSpec("id", .string, doc: "the name of a column to add: the row number of the subject (1-based)"),
    OptionSpec("zero", .number(.any), default: .number(0),
               doc: "the start of follow-up of right-censored data (every stop time must be after it)"),
  ]

  static var survsplit: KaplanFunction {
    datasetsFunction(
      "survsplit", signature: "survsplit(d, opts)",
      summary: "Splits each subject's follow-up at the cut points into (start, stop] rows, as R's survSplit: "
        + "pieces before the last are censored, the last keeps the event; rows keep their order. A cut at "
        + "or outside a row's interval cuts nothing; rows with an NA time are kept whole. Cox on the result "
        + "with Surv(tstart, time, status) fits as on the unsplit data.",
      options: splitSchema, optionsArgument: 2, arguments: 2,
      example: """
        local d = dataset("aml")
        local s = survsplit(d, {cut = {10, 20}, episode = "period"})
        print(s:head(8))
        print(cox(s, "Surv(tstart, time, status) ~ x").terms[1].coef)
        """
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self).dataset
      guard let cutValue = try call.options.value("cut") else {
        throw call.lua.argumentError(2, "option 'cut' is required (the cut points, e.g. {cut = {6, 12}})")
      }
      var split = SurvivalSplit(cuts: try cutPoints(cutValue, call: call))
      split.start = try call.options.string("start")
      split.stop = try call.options.string("stop")
      split.event = try call.options.string("event")
      split.episode = try call.options.optionalString("episode")
      split.id = try call.options.optionalString("id")
      split.zero = try call.options.number("zero")
      return try rethrow(call, options: 2) { try split.apply(to: d) }
    }
  }

  /// The numbers of `cut`: one number, or an array of numbers (possibly empty).
  static func cutPoints(_ value: LuaValue, call: KaplanCall) throws -> [Double] {
    if let x = value.doubleValue, value.typeName == "number" { return [x] }
    guard case .table(let t) = value, t.fields.isEmpty else {
      throw call.lua.argumentError(2, "option 'cut' must be a number or an array of numbers, got "
        + OptionValues.shown(value))
    }
    return try t.array.enumerated().map { i, item in
      guard item.typeName == "number", let x = item.doubleValue else {
        throw call.lua.argumentError(
          2, "option 'cut': cut point \(i + 1) must be a number, got \(OptionValues.shown(item))")
      }
      return x
    }
  }

  // MARK: landmark

  static let landmarkSchema: [OptionSpec] = [
    OptionSpec("time", .column, default: .string("time"), doc: "the follow-up time (stop) column"),
    OptionSpec("event", .column, default: .string("status"), doc: "the event column (kept as it is)"),
    OptionSpec("start", .column, doc: "the start column of (start, stop] data"),
  ]

  static var landmark: KaplanFunction {
    datasetsFunction(
      "landmark", signature: "landmark(d, t0 [, opts])",
      summary: "The subjects still at risk at the landmark time t0, with the clock reset to t0: rows with time "
        + "> t0 (an event or censoring exactly at t0 is left out), time becoming time - t0. With (start, stop] "
        + "data, the intervals with stop > t0, start becoming max(start, t0) - t0 and stop - t0.",
      options: landmarkSchema, optionsArgument: 3, arguments: 3,
      example: """
        local d = dataset("lung")
        local at6 = landmark(d, 182.5)
        print(#d, #at6, at6.time:min())
        print(km(at6, "Surv(time, status) ~ sex"))
        """
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self).dataset
      var landmark = Landmark(time: try call.lua.number(2))
      landmark.stop = try call.options.string("time")
      landmark.event = try call.options.string("event")
      landmark.start = try call.options.optionalString("start")
      return try rethrow(call, options: 3) { try landmark.apply(to: d) }
    }
  }
}
