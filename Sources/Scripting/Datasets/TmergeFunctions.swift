import Datasets
import LuaHost

/// `tmerge` and its terms `tdc`, `event`, `cumtdc`, `cumevent`, and
/// `tcount`: R's `survival::tmerge` in a Lua shape,
///
///     local d = tmerge(base, base, {id = "id", death = event("futime", "status")})
///     d = tmerge(d, labs, {id = "id", albumin = tdc("day", "alb")})
///
/// Terms named `name = term` are added in the order of their names, terms
/// given as `{name, term}` in the list's order first (as `dataset.from`),
/// since a Lua table has no order of its own. A result remembers which
/// variables are events (their censoring values) and tdcs, and R's tcount,
/// beside its dataset (`TmergeStates`), so the next call continues it.
final class TmergeStates {
  private var entries: [(dataset: Weak, state: TimeDependentMerge.State)] = []
  private struct Weak { weak var value: LuaDataset? }

  func state(of d: LuaDataset) -> TimeDependentMerge.State? {
    entries.first { $0.dataset.value === d }?.state
  }

  func remember(_ state: TimeDependentMerge.State, for d: LuaDataset) {
    entries.removeAll { $0.dataset.value == nil }
    entries.append((Weak(value: d), state))
  }
}

enum TmergeFunctions {
  static var declarations: [KaplanFunction] {
    let states = TmergeStates()
    return [tmerge(states), tcount(states)] + TimeDependentMerge.Kind.allCases.map(term)
  }

  static let schema: [OptionSpec] = [
    OptionSpec("tstart_name", .string, default: .string("tstart"), doc: "the name of the start column (first call)"),
    OptionSpec("tstop_name", .string, default: .string("tstop"), doc: "the name of the stop column (first call)"),
    OptionSpec("delay", .number(.nonNegative), default: .number(0),
               doc: "tdc and cumtdc times after a subject's first start take effect this much later"),
    OptionSpec("na_rm", .boolean, default: .boolean(true),
               doc: "leave out rows of data2 whose value is NA (else they set NA)"),
    OptionSpec("tdcstart", .number(.any), defaultText: "NA",
               doc: "the value of a numeric tdc before its first time"),
  ]

  static func term(_ kind: TimeDependentMerge.Kind) -> KaplanFunction {
    let meaning: String
    switch kind {
    case .tdc: meaning = "a time-dependent covariate: from each time on, the value (or 1; 0 before)"
    case .cumtdc: meaning = "a cumulative time-dependent covariate: the running sum of the values (or count)"
    case .event: meaning = "an event at each time: the value (or 1) on the interval ending there"
    case .cumevent: meaning = "a cumulative event: the running count (or sum) on the interval ending there"
    }
    return datasetsFunction(
      kind.rawValue, signature: "\(kind.rawValue)(time [, value])",
      summary: "A tmerge term, \(meaning); time and value are columns of tmerge's second dataset.",
      arguments: 2,
      example: """
        local base = dataset.from{ {"id", {1, 2}}, {"futime", {10, 20}}, {"dead", {1, 0}} }
        local visits = dataset.from{ {"id", {1, 2, 2}}, {"day", {4, 5, 12}}, {"alb", {3.1, 2.8, 2.5}} }
        local d = tmerge(base, base, {id = "id", death = event("futime", "dead")})
        print(tmerge(d, visits, {id = "id", alb = \(kind.rawValue)("day", "alb")}))
        """
    ) { call in
      let time = try call.lua.string(1)
      let value = try call.lua.optionalString(2)
      var fields: [(String, LuaValue)] = [("tmerge_term", .string(kind.rawValue)), ("time", .string(time))]
      if let value { fields.append(("value", .string(value))) }
      return [.table(LuaTable(fields: fields))]
    }
  }

  static func tmerge(_ states: TmergeStates) -> KaplanFunction {
    datasetsFunction(
      "tmerge", signature: "tmerge(data1, data2, {id =, [tstart =, tstop =,] name = term, ...} [, opts])",
      summary: "Builds (tstart, tstop] data as R's tmerge: the first call sets each subject's follow-up from "
        + "data2 (tstop = column, or an event(time, status) term), later calls add terms from data2's rows: "
        + "tdc(time [, value]), event(time [, value]), cumtdc, cumevent. A time inside an interval splits it. "
        + "Terms given as {name, term} come first, in order, then name = term in the order of the names. "
        + "tcount(d) gives R's counts of where the times fell.",
      options: schema, optionsArgument: 4, arguments: 4,
      example: """
        local base = dataset.from{ {"id", {1, 2}}, {"futime", {10, 20}}, {"dead", {1, 0}} }
        local visits = dataset.from{ {"id", {1, 2, 2}}, {"day", {4, 5, 12}}, {"alb", {3.1, 2.8, 2.5}} }
        local d = tmerge(base, base, {id = "id", death = event("futime", "dead")})
        d = tmerge(d, visits, {id = "id", alb = tdc("day", "alb")})
        print(d)
        print(tcount(d))
        """
    ) { call in
      let first = try call.lua.object(1, as: LuaDataset.self)
      let data2 = try call.lua.object(2, as: LuaDataset.self).dataset
      var merge = try spec(call)
      let o = call.options
      if states.state(of: first) != nil, o.has("tstart_name") || o.has("tstop_name") {
        throw call.lua.argumentError(4, "options 'tstart_name' and 'tstop_name' apply only to the first call")
      }
      merge.tstartName = try o.string("tstart_name")
      merge.tstopName = try o.string("tstop_name")
      merge.delay = try o.number("delay")
      merge.naRm = try o.boolean("na_rm")
      merge.tdcstart = try o.optionalNumber("tdcstart") ?? .nan
      do {
        let (d, state) = try merge.apply(data1: first.dataset, state: states.state(of: first), data2: data2)
        let result = try LuaDataset(d)
        states.remember(state, for: result)
        return [.object(result)]
      } catch let error as SurvivalDataError {
        switch error {
        case .option: throw call.lua.argumentError(3, error.description)
        case .data: throw call.lua.argumentError(1, error.description)
        case .argument(let n, let message): throw call.lua.argumentError(n, message)
        }
      } catch let error as DatasetError {
        throw call.lua.argumentError(1, String(describing: error))
      }
    }
  }

  /// The third argument: id, tstart/tstop (first call) and the terms.
  static func spec(_ call: KaplanCall) throws -> TimeDependentMerge {
    let t = try call.lua.table(3)
    func bad(_ message: String) -> LuaError { call.lua.argumentError(3, message) }
    guard case .string(let id)? = t["id"] else {
      throw bad("id = the name of the subject id column expected, got \(OptionValues.shown(t["id"] ?? .nil))")
    }
    var terms: [TimeDependentMerge.Term] = []
    func term(_ name: String, _ value: LuaValue) throws {
      guard case .table(let term) = value, case .string(let kindName)? = term["tmerge_term"],
        let kind = TimeDependentMerge.Kind(rawValue: kindName), case .string(let time)? = term["time"]
      else {
        throw bad("'\(name)' must be a term: tdc(time [, value]), event(...), cumtdc(...) or cumevent(...); got "
          + OptionValues.shown(value))
      }
      if terms.contains(where: { $0.name == name }) { throw bad("term '\(name)' is given twice") }
      var column: String?
      if let v = term["value"] {
        guard case .string(let s) = v else {
          throw bad("the value of term '\(name)' must be a column name, got \(OptionValues.shown(v))")
        }
        column = s
      }
      terms.append(.init(name: name, kind: kind, time: time, value: column))
    }
    for (i, item) in t.array.enumerated() {
      guard case .table(let pair) = item, pair.fields.isEmpty, pair.array.count == 2,
        case .string(let name) = pair.array[0]
      else { throw bad("entry \(i + 1) must be {name, term}, got \(OptionValues.shown(item))") }
      try term(name, pair.array[1])
    }
    var merge = TimeDependentMerge(id: id, terms: [])
    for (key, value) in t.fields.sorted(by: { $0.0 < $1.0 }) {
      switch key {
      case "id": continue
      case "tstart", "tstop":
        guard case .string(let column) = value else {
          throw bad("\(key) = a column of data2 expected, got \(OptionValues.shown(value))")
        }
        if key == "tstart" { merge.tstart = column } else { merge.tstop = column }
      default: try term(key, value)
      }
    }
    merge.terms = terms
    return merge
  }

  static func tcount(_ states: TmergeStates) -> KaplanFunction {
    datasetsFunction(
      "tcount", signature: "tcount(d)",
      summary: "Where the times of each tmerge term fell, as R's tcount: early (before follow-up), late (after), "
        + "gap, within (split an interval), boundary, leading (at a first start), trailing (at a last stop), "
        + "tied, missid (ids not in the data).", arguments: 1,
      example: """
        local base = dataset.from{ {"id", {1, 2}}, {"futime", {10, 20}}, {"dead", {1, 0}} }
        print(tcount(tmerge(base, base, {id = "id", death = event("futime", "dead")})))
        """
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self)
      guard let state = states.state(of: d) else {
        throw call.lua.argumentError(1, "not a result of tmerge (or a dataset made from one by another method)")
      }
      var columns: [Column] = [try Column(values: state.tcount.map { .string($0.0) })]
      for k in TimeDependentMerge.tcountNames.indices { columns.append(.int(state.tcount.map { $0.1[k] })) }
      return [.object(try LuaDataset(try Dataset(names: ["variable"] + TimeDependentMerge.tcountNames,
                                                 columns: columns)))]
    }
  }
}
