import Datasets
import Foundation
import LuaHost

/// simulate_trial's `start_date` and `time_unit`: simulated entry times (in
/// the design's unit from the start of accrual) as calendar dates, so the data
/// look like a trial's (issue 21: "arm, entry date, time, event"). A month is
/// 365.25 / 12 days and a year 365.25 days; an entry falls on the day it is in
/// (the start date plus the whole days elapsed).
struct TrialCalendar {
  static let units: [(String, Double)] = [
    ("days", 1), ("weeks", 7), ("months", 365.25 / 12), ("years", 365.25),
  ]

  /// Days since 1970-01-01 of time 0.
  let start: Int32
  let daysPerUnit: Double

  /// nil without `start_date`; `time_unit` alone is an error (it would do nothing), and so is an accrual
  /// whose last entry would fall past the year 9999.
  init?(_ call: KaplanCall, _ o: OptionValues, accrual: Double, argument: Int, prefix: String) throws {
    guard let text = try o.optionalString("start_date") else {
      if o.has("time_unit") {
        throw call.lua.argumentError(argument, prefix + "option 'time_unit' applies with 'start_date'")
      }
      return nil
    }
    guard let day = CalendarDate.parseISO(text) else {
      let shown = OptionValues.shown(.string(text))
      throw call.lua.argumentError(
        argument, prefix + "option 'start_date' must be a date as \"YYYY-MM-DD\", got \(shown)")
    }
    start = day
    daysPerUnit = try o.choice("time_unit", Self.units)
    // 9999-12-31 is day 2,932,896 after 1970-01-01.
    guard Double(day) + accrual * daysPerUnit <= 2_932_896 else {
      throw call.lua.argumentError(
        argument, prefix + "option 'start_date': entries over an accrual of \(OptionValues.shown(.number(accrual))) "
          + "would fall after the year 9999")
    }
  }

  /// The date of an entry `t` units after time 0 (entries are at most the accrual's duration, checked to
  /// end before the year 10000, so the sum fits).
  func date(_ t: Double) -> Int32 {
    let days = min(max((t * daysPerUnit).rounded(.down), 0), 2_932_896)
    return start &+ Int32(days)
  }
}
