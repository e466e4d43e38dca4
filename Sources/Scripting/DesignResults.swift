import Datasets
import Foundation
import LuaHost
import Survival

/// One value of a design result: its table field and its tidy() column.
enum DesignValue {
  case number(Double)
  case integer(Int)
  case text(String)
}

/// A design result, shown as one record: the table's fields in order and
/// tidy()'s one row (the same names and values).
protocol DesignRecord {
  var fields: [(String, DesignValue)] { get }
}

/// events_needed's result.
struct EventsNeededResult: DesignRecord {
  let hazardRatio: Double, alpha: Double, power: Double, ratio: Double, sides: Int, method: LogRankEventsMethod
  var exact: Double {
    LogRankEvents.events(hazardRatio: hazardRatio, alpha: alpha, power: power, ratio: ratio, sides: sides,
                         method: method)
  }
  var fields: [(String, DesignValue)] {
    [("events", .integer(LogRankEvents.roundUp(exact))), ("events_exact", .number(exact)),
     ("hr", .number(hazardRatio)), ("alpha", .number(alpha)), ("power", .number(power)),
     ("ratio", .number(ratio)), ("sided", .integer(sides)), ("method", .text(method.rawValue))]
  }
}

/// The result of power_sim.
struct PowerSimResult: DesignRecord {
  let simulation: PowerSimulation
  let analysis: String
  let seed: Int
  var fields: [(String, DesignValue)] {
    let s = simulation
    return [("power", .number(s.power)), ("mc_se", .number(s.monteCarloSE)), ("reps", .integer(s.reps)),
            ("rejections", .integer(s.rejections)), ("alpha", .number(s.alpha)), ("analysis", .text(analysis)),
            ("mean_events", .number(s.meanEvents)), ("mean_n", .number(s.meanPatients)),
            ("short", .integer(s.shortReplicates)), ("seed", .integer(seed))]
  }
}

/// sample_size's result with the time unit its sentence names.
struct SampleSizeRecord: DesignRecord {
  let result: SampleSizeResult
  let unit: String
  var fields: [(String, DesignValue)] { result.fields + [("unit", .text(unit))] }
}

/// power's result with the time unit its sentence names.
struct PowerRecord: DesignRecord {
  let result: PowerResult
  let unit: String
  var fields: [(String, DesignValue)] { result.fields + (result.assumptions == nil ? [] : [("unit", .text(unit))]) }
}

enum DesignResults {
  static func assumptionFields(_ a: SurvivalDesignAssumptions) -> [(String, DesignValue)] {
    var out: [(String, DesignValue)] = [("hr", .number(a.hazardRatio))]
    if a.control.cuts.isEmpty && a.treatment.cuts.isEmpty && a.hazardRatio.isFinite {
      out.append(("median_control", .number(log(2) / a.control.rates[0])))
      out.append(("median_treatment", .number(log(2) / a.treatment.rates[0])))
    }
    out.append(("accrual", .number(a.accrual.duration)))
    if a.accrual.isPiecewise {
      // Piecewise accrual: the periods and relative rates as "6, 18" (6 significant digits).
      let text = { (xs: [Double]) in xs.map { String(format: "%.6g", $0) }.joined(separator: ", ") }
      out += [("accrual_periods", .text(text(a.accrual.periods))), ("accrual_rates", .text(text(a.accrual.rates)))]
    } else {
      out.append(("accrual_shape", .number(a.accrual.shape)))
    }
    out += [("follow_up", .number(a.followUp)), ("dropout_rate", .number(a.dropout)), ("alpha", .number(a.alpha)),
            ("sided", .integer(a.sides)), ("ratio", .number(a.ratio)), ("method", .text(a.method.rawValue))]
    return out
  }


  static func encode(_ fields: [(String, DesignValue)]) -> LuaValue {
    .table(LuaTable(fields: fields.map { name, v in
      switch v {
      case .number(let x): return (name, x.isNaN ? .nil : .number(x))
      case .integer(let i): return (name, .integer(i))
      case .text(let s): return (name, .string(s))
      }
    }))
  }

  static func tidy<T: DesignRecord>(_ type: T.Type, rows: String) -> Tidier {
    Tidier(T.self, rows: rows) { r, _ in
      var out = TidyTable()
      for (name, v) in r.fields {
        switch v {
        case .number(let x): out.numbers(name, [x])
        case .integer(let i): out.integers(name, [i])
        case .text(let s): try out.labels(name, [s])
        }
      }
      return try out.dataset()
    }
  }

  static var kinds: [ResultKind] { [
    ResultKind("events_needed", section: "Design", summary: "Events a log-rank test needs (events_needed()).",
               fields: [("events", "events, rounded up"), ("events_exact", "before rounding"),
                        ("hr", "hazard ratio"), ("alpha", "significance level"), ("power", "power"),
                        ("ratio", "allocation treatment : control"), ("sided", "sides"), ("method", "formula")],
               tidy: tidy(EventsNeededResult.self, rows: "one row: the result's fields")),
    ResultKind("sample_size", section: "Design", summary: "Patients and events of a design (sample_size()).",
               fields: [("n", "patients (n_control + n_treatment)"), ("n_control", "patients in control"),
                        ("n_treatment", "patients in treatment"), ("events", "events needed (rounded up)"),
                        ("events_exact", "before rounding"), ("prob_event", "pooled P(event) by the analysis"),
                        ("prob_event_control", "P(event), control"), ("prob_event_treatment", "P(event), treatment"),
                        ("power", "power"), ("hr", "hazard ratio"), ("...", "the assumptions")],
               tidy: tidy(SampleSizeRecord.self, rows: "one row: the result's fields")),
    ResultKind("power", section: "Design", summary: "Power of a log-rank design (power()).",
               fields: [("power", "power"), ("events", "expected (or given) events"), ("n", "patients, if given"),
                        ("prob_event", "pooled P(event), with n"), ("hr", "hazard ratio"), ("...", "the assumptions")],
               tidy: tidy(PowerRecord.self, rows: "one row: the result's fields")),
    ResultKind("power_sim", section: "Design", summary: "Power by simulation (power_sim()).",
               fields: [("power", "share of significant replicates"), ("mc_se", "Monte Carlo standard error"),
                        ("reps", "replicates"), ("rejections", "significant replicates"), ("alpha", "level"),
                        ("analysis", "the analysis"), ("mean_events", "mean events per replicate"),
                        ("mean_n", "mean patients analysed"), ("short", "replicates whose event cut-off was not "
                          + "reached"), ("seed", "master seed")],
               tidy: tidy(PowerSimResult.self, rows: "one row: the result's fields")),
  ] }

  /// A simulated trial as a dataset: id, arm, entry, time, event, rows by entry; with a calendar, entry_date
  /// after entry.
  static func dataset(_ t: SimulatedTrial, design: TrialDesign, calendar: TrialCalendar? = nil) throws -> Dataset {
    let order = t.entry.indices.sorted { t.entry[$0] != t.entry[$1] ? t.entry[$0] < t.entry[$1] : $0 < $1 }
    var names = ["id", "arm", "entry", "time", "event"]
    var columns: [Column] = [
      .int(Array(1...max(1, order.count)).prefix(order.count).map { $0 }),
      .factor(codes: order.map { t.arm[$0] }, levels: design.arms.map(\.name)),
      .double(order.map { t.entry[$0] }), .double(order.map { t.time[$0] }),
      .int(order.map { Int(t.event[$0]) }),
    ]
    if let calendar {
      names.insert("entry_date", at: 3)
      columns.insert(.date(order.map { calendar.date(t.entry[$0]) }), at: 3)
    }
    return try Dataset(names: names, columns: columns)
  }
}

extension SampleSizeResult {
  var fields: [(String, DesignValue)] {
    [("n", .integer(n)), ("n_control", .integer(nControl)), ("n_treatment", .integer(nTreatment)),
     ("events", .integer(events)), ("events_exact", .number(exactEvents)),
     ("prob_event", .number(pooledEventProbability)), ("prob_event_control", .number(controlEventProbability)),
     ("prob_event_treatment", .number(treatmentEventProbability)), ("power", .number(power))]
      + DesignResults.assumptionFields(assumptions)
  }
}

extension PowerResult {
  var fields: [(String, DesignValue)] {
    var out: [(String, DesignValue)] = [("power", .number(power)), ("events", .number(expectedEvents))]
    if let n { out.append(("n", .integer(n))) }
    if let p = pooledEventProbability { out.append(("prob_event", .number(p))) }
    if let a = assumptions {
      out += DesignResults.assumptionFields(a)
    } else {
      out += [("hr", .number(hazardRatio)), ("alpha", .number(alpha)), ("sided", .integer(sides)),
              ("ratio", .number(ratio)), ("method", .text(method.rawValue))]
    }
    return out
  }
}
