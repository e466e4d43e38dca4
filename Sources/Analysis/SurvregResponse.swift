import Datasets
import Foundation
import Survival

/// The response of `survreg()`: `Surv(time, event)` (right-censored),
/// `Surv(time, event, type = "left")`, and `Surv(lower, upper, type =
/// "interval2")` as R's `Surv` reads them, on the scale of the distribution
/// (log time for the Weibull, exponential, log-normal and log-logistic).
///
/// The model frame is built on two stand-in columns (a time that is NaN where
/// the response is missing, and a zero event), so that it drops the rows R's
/// `na.omit` drops while the response itself, which the Cox frame's checks
/// would refuse (negative times for the Gaussian, missing interval ends), is
/// read here, row by row of the frame.
enum SurvregResponse {
  static let timeName = ".survreg.time"
  static let eventName = ".survreg.event"

  struct Values {
    var lower: [Double]
    var upper: [Double]
    var status: [SurvregCensoring]
  }

  struct Columns {
    let dataset: Dataset
    let formula: Formula
    let distribution: SurvregDistribution
    let type: String
    let first: Column
    let second: Column

    init(formula: Formula, dataset: Dataset, distribution: SurvregDistribution) throws {
      let response = formula.response
      if response.start != nil {
        throw ModelFrameError(
          "survreg() takes Surv(time, event) or Surv(lower, upper, type = \"interval2\"), "
            + "not Surv(start, stop, event)")
      }
      if let condition = response.eventCondition, response.type == "interval2" {
        throw ModelFrameError(
          "Surv(..., \(condition.text), type = \"interval2\"): the ends are times, not a comparison")
      }
      self.formula = formula
      self.distribution = distribution
      self.type = response.type ?? "right"
      let first = try ColumnLookup.column(response.stop, in: dataset)
      let second = try ColumnLookup.column(response.event, in: dataset)
      for (name, column) in [(response.stop, first)] + (type == "interval2" ? [(response.event, second)] : []) {
        switch column {
        case .double, .int: break
        default:
          throw ModelFrameError("time column '\(name)' must be numeric, but it holds \(column.analysisKindNoun)")
        }
      }
      self.first = first
      self.second = second
      let n = dataset.rowCount
      var stand = [Double](repeating: 1, count: n)
      for i in 0..<n {
        let missing = type == "interval2"
          ? Self.absentEnd(first, i) && Self.absentEnd(second, i) : first.isMissing(i) || second.isMissing(i)
        if missing { stand[i] = .nan }
      }
      for name in [timeName, eventName] where dataset.index(of: name) != nil {
        throw ModelFrameError("the dataset has a column named '\(name)', which survreg() uses itself")
      }
      self.dataset = try Dataset(
        names: dataset.names + [timeName, eventName],
        columns: dataset.columns + [.double(stand), .int([Int](repeating: 0, count: n))],
        attributes: dataset.attributes)
    }

    /// An end of an interval2 response that R's `Surv` reads as absent: NA, or
    /// not finite (`Surv(t, Inf, type = "interval2")` is right-censored at t).
    static func absentEnd(_ column: Column, _ row: Int) -> Bool {
      if column.isMissing(row) { return true }
      if case .double(let values) = column { return !values[row].isFinite }
      return false
    }

    /// The response at the frame's rows, checked: finite times, > 0 on the
    /// log scale (R: "Invalid survival times for this distribution"), a
    /// lower end below the upper.
    func values(rows: RowSelection) throws -> Values {
      let n = rows.count
      var lower = [Double](repeating: 0, count: n)
      var upper: [Double] = []
      var status = [SurvregCensoring](repeating: .exact, count: n)
      let a = first.asDoubles()
      let response = formula.response
      let log = distribution.isLogTime
      func time(_ t: Double, _ row: Int, _ name: String) throws -> Double {
        guard t.isFinite else {
          throw ModelFrameError(
            "row \(row + 1): time must be finite, got \(RValueFormat.number(t)) in column '\(name)'")
        }
        if log {
          guard t > 0 else {
            throw ModelFrameError(
              "row \(row + 1): time must be > 0 for dist = \"\(distribution.rawValue)\" (a log-time model), got "
                + "\(RValueFormat.number(t)) in column '\(name)'")
          }
          return Foundation.log(t)
        }
        return t
      }
      if type == "interval2" {
        let b = second.asDoubles()
        upper = [Double](repeating: 0, count: n)
        for i in 0..<n {
          let row = rows[i]
          // R's Surv(type = "interval2") reads a non-finite end (Inf, -Inf) as an absent one.
          let lo = a[row].isFinite ? a[row] : .nan, hi = b[row].isFinite ? b[row] : .nan
          if lo.isNaN || (log && lo == 0 && !hi.isNaN) {
            // No lower end (or 0 on the log scale): left-censored at the upper.
            lower[i] = try time(hi, row, response.event)
            status[i] = .left
          } else if hi.isNaN {
            lower[i] = try time(lo, row, response.stop)
            status[i] = .right
          } else {
            guard lo <= hi else {
              throw ModelFrameError(
                "row \(row + 1): the lower end \(RValueFormat.number(lo)) (column '\(response.stop)') is above the "
                  + "upper end \(RValueFormat.number(hi)) (column '\(response.event)')")
            }
            lower[i] = try time(lo, row, response.stop)
            if lo == hi {
              status[i] = .exact
            } else {
              upper[i] = try time(hi, row, response.event)
              status[i] = .interval
            }
          }
        }
        return Values(lower: lower, upper: upper, status: status)
      }
      let events: [Int]
      if let condition = response.eventCondition {
        events = try ModelFrame.conditionEvents(second, name: response.event, condition: condition, rows: rows.indices)
      } else {
        events = try ModelFrame.binaryEvents(second, name: response.event, rows: rows)
      }
      let censored: SurvregCensoring = type == "left" ? .left : .right
      for i in 0..<n {
        let row = rows[i]
        lower[i] = try time(a[row], row, response.stop)
        status[i] = events[i] == 0 ? censored : .exact
      }
      return Values(lower: lower, upper: upper, status: status)
    }
  }
}
