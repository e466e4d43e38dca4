import Foundation

/// Martingale, score and Schoenfeld residuals of a fitted Cox model, as R
/// `survival` 3.5 `residuals.coxph` (its C routines `coxfit6`/`agfit4` for
/// the martingale residuals, `coxscore2`/`agscore3` for the score
/// residuals and `coxscho` for the Schoenfeld residuals), for Efron and
/// Breslow ties, strata, case weights, offsets and (start, stop] data.
/// Residuals are per row, unweighted (R's default `weighted = FALSE`); the
/// case weights enter through the hazard.
///
/// With the risk-set table (`CoxRiskSetTable`), row i at risk at the death
/// times [lo, hi), with r = exp(η):
/// - martingale M_i = δ_i − r_i Λ_i, Λ_i the hazard it accrued (a dying row
///   takes (1 − s/m) of each Efron sub-step at its own death time);
/// - score L_i = ∫ (x_i − x̄(t)) dM_i(t) (Therneau & Grambsch 2000, §4.6);
/// - Schoenfeld s_i = x_i − x̄(t_i) for each event, x̄ the average of the
///   Efron sub-step means.
/// One pass over the rows after the table: O(n p).
public enum CoxResidualKernel {
  public struct Result: Sendable {
    /// Per input row.
    public let martingale: [Double]
    /// Column-major n × p, input order; empty when not asked for.
    public let score: [Double]
    /// Event rows in R's order (stratum, time, row).
    public let eventRows: [Int]
    /// Column-major events × p, in `eventRows` order; empty when not asked for.
    public let schoenfeld: [Double]
  }

  /// - Parameter riskSets: the model's risk sets when already built (`CoxRiskSets` of the same input).
  public static func compute(
    _ input: CoxDiagnosticsInput, riskSets: CoxRiskSets? = nil, score wantScore: Bool, schoenfeld wantSchoenfeld: Bool
  ) throws -> Result {
    try input.validate(for: "residuals")
    if input.ties == .exact && (wantScore || wantSchoenfeld) {
      // R residuals.coxph: "score residuals are not available for the exact method" (and so for the types
      // built on them); only the martingale residuals come with an exact fit.
      throw CoxInputError(
        "\(wantScore ? "score" : "Schoenfeld") residuals are not available for ties = \"exact\" (as in R; "
          + "martingale and deviance residuals are, and so is zph)")
    }
    let table = try riskSets?.table ?? CoxRiskSetTable(input)
    let n = table.n
    let p = table.p
    let cumHazard = table.cumulative(table.hazard, width: 1)
    let cumXHazard = table.cumulative(table.xHazard, width: p)
    var martingale = [Double](repeating: 0, count: n)
    var score = [Double](repeating: 0, count: wantScore ? n * p : 0)
    // i runs over the table's sorted positions; results go to the input row.
    let rowLo = table.rowLo, rowStratum = table.rowStratum
    for i in 0..<n {
      let row = table.order[i]
      let lo = rowLo?[i] ?? 0, hi = table.hi[i]
      let dies = table.isEvent[i]
      if lo >= hi {
        martingale[row] = dies ? 1 : 0
        continue
      }
      let s = rowStratum?[i] ?? 0
      let end = dies ? hi - 1 : hi
      let r = table.risk[i]
      let h = cumHazard[end + s] - cumHazard[lo + s]
      let d = hi - 1
      martingale[row] = (dies ? 1 : 0) - r * (h + (dies ? table.deadHazard[d] : 0))
      if wantScore {
        for j in 0..<p {
          let xj = table.x[i * p + j]
          var v = -r * (xj * h - (cumXHazard[(end + s) * p + j] - cumXHazard[(lo + s) * p + j]))
          if dies {
            v += (xj - table.deadMean[d * p + j]) - r * (xj * table.deadHazard[d] - table.deadXHazard[d * p + j])
          }
          score[j * n + row] = v
        }
      }
    }
    try Cancellation.check()
    let events = table.eventRows
    var schoenfeld = [Double](repeating: 0, count: wantSchoenfeld ? events.count * p : 0)
    if wantSchoenfeld {
      let e = events.count
      for (k, i) in table.eventPositions.enumerated() {
        let d = table.hi[i] - 1
        for j in 0..<p { schoenfeld[j * e + k] = table.x[i * p + j] - table.deadMean[d * p + j] }
      }
    }
    return Result(martingale: martingale, score: score, eventRows: events, schoenfeld: schoenfeld)
  }
}
