import Foundation

/// R `survival` 3.x `cox.zph(fit, transform, terms, global)`: the score
/// tests of proportional hazards per term and GLOBAL, the scaled
/// Schoenfeld residuals and their variance, from the scores of
/// `CoxZphKernel`. Columns with an NA coefficient are left out, as R does.
public enum CoxZph {
  /// Events of a stratum from which two workers scale the residuals.
  public static let scaleThreshold = 50_000

  /// R's `transform` choices (a user function gives `.values`).
  public enum Transform: Sendable, Equatable {
    case km, rank, identity, log
    /// The transformed time of each row (only event rows are read).
    case values([Double])
  }

  public struct Result: Sendable {
    /// Term names, then "GLOBAL" when asked for.
    public let names: [String]
    public let chisq: [Double]
    public let df: [Int]
    public let p: [Double]
    /// Per event, in R's order: the input row (0-based), the transformed
    /// time (`x`), the time, the stratum index.
    public let eventRows: [Int]
    public let x: [Double]
    public let time: [Double]
    public let stratum: [Int]
    /// Column-major events × terms scaled Schoenfeld residuals (NaN is R's NA).
    public let y: [Double]
    /// Row-major terms × terms (R's `var`).
    public let variance: [Double]
    /// The term names of `y`'s columns.
    public let termNames: [String]
  }

  /// The transformed time of every row, as `cox.zph` computes `ttimes`.
  /// `km`: 1 − S(t−) of the Kaplan–Meier of all rows pooled (no strata, no
  /// weights; with delayed entry for (start, stop] data); `rank`: the
  /// average rank of the time among all rows. Both walk the times sorted
  /// once (RowOrder's radix sort): linear after the sort. `sortedRows`, the
  /// rows in that order already (the risk sets' order of a model without
  /// strata: the same sort by (stop, row)), saves the sort.
  public static func transformedTimes(
    _ input: CoxDiagnosticsInput, _ transform: Transform, sortedRows: [Int]? = nil
  ) -> [Double] {
    let times = input.stop
    switch transform {
    case .identity: return times
    case .log: return times.map { Foundation.log($0) }
    case .values(let v): return v
    case .rank, .km:
      let n = times.count
      let rows: [Int], sorted: [Double]
      if let sortedRows, sortedRows.count == n {
        (rows, sorted) = (sortedRows, sortedRows.map { times[$0] })
      } else {
        let order = RowOrder.sorted(strata: nil, key: times, descending: false)
        (rows, sorted) = (order.rows, order.keys)
      }
      let starts = input.start.map { RowOrder.sorted(strata: nil, key: $0, descending: false).keys }
      let rank = transform == .rank
      return [Double](unsafeUninitializedCapacity: n) { out, count in
        rows.withUnsafeBufferPointer { rows in
          sorted.withUnsafeBufferPointer { sorted in
            input.status.withUnsafeBufferPointer { status in
              var survival = 1.0
              var startsBefore = 0  // starts < t so far (rows with start ≥ t are not yet at risk)
              var k = 0
              while k < n {
                let t = sorted[k]
                var e = k
                var deaths = 0
                while e < n && sorted[e] == t {
                  if status[rows[e]] == 1 { deaths += 1 }
                  e += 1
                }
                // rank: positions k+1 … e share the average (k + 1 + e) / 2; km: 1 − S(t−).
                let value = rank ? Double(k + 1 + e) / 2 : 1 - survival
                for j in k..<e { out[rows[j]] = value }
                if !rank && deaths > 0 {
                  var atRisk = n - k
                  if let starts {
                    while startsBefore < starts.count && starts[startsBefore] < t { startsBefore += 1 }
                    atRisk -= starts.count - startsBefore
                  }
                  survival *= 1 - Double(deaths) / Double(atRisk)
                }
                k = e
              }
            }
          }
        }
        count = n
      }
    }
  }

  static func lowerBound(_ a: [Double], _ t: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if a[mid] < t { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  static func upperBound(_ a: [Double], _ t: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if a[mid] <= t { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// - Parameters:
  ///   - terms: the design columns of each term (one per column for R's `terms = FALSE`).
  ///   - scaleThreshold: events of a stratum from which two workers scale the residuals (tests lower it).
  public static func test(
    _ fullInput: CoxDiagnosticsInput, riskSets: CoxRiskSets? = nil, transform: Transform, terms fullTerms: [[Int]],
    termNames fullNames: [String], global: Bool = true, scaleThreshold: Int = scaleThreshold
  ) throws -> Result {
    try fullInput.validate(for: "the proportional-hazards test (zph)")
    // km and rank from the model's risk sets when it has them (no strata, no start): one per event, in
    // the table's order of the events, which is R's (no array of n, no gather by input row).
    let fromTable = riskSets.flatMap { sets -> [Double]? in
      guard transform == .km || transform == .rank else { return nil }
      return CoxZphEventTimes.eventValues(sets.table, input: fullInput, rank: transform == .rank)
    }
    let ttimes = fromTable == nil
      ? transformedTimes(fullInput, transform, sortedRows: fullInput.strata == nil ? riskSets?.table.order : nil)
      : []
    // One transformed time per row (the result's per-event gathers read them unchecked).
    if fromTable == nil && ttimes.count != fullInput.n {
      throw CoxInputError(
        "the proportional-hazards test (zph): \(ttimes.count) transformed times for \(fullInput.n) rows")
    }
    // Drop the columns whose coefficient is NA.
    let keep = (0..<fullInput.columns).filter { !fullInput.coefficients[$0].isNaN }
    if keep.isEmpty { throw CoxInputError("the proportional-hazards test (zph): every coefficient is NA") }
    var input = fullInput
    var newIndex = [Int](repeating: -1, count: fullInput.columns)
    for (k, j) in keep.enumerated() { newIndex[j] = k }
    if keep.count < fullInput.columns {
      let n = fullInput.n
      switch fullInput.covariateColumns {
      case .columns(let arrays):
        input.covariateColumns = .columns(keep.map { arrays[$0] })
      case .columnMajor(let values):
        var cov: [Double] = []
        cov.reserveCapacity(n * keep.count)
        for j in keep { cov.append(contentsOf: values[(j * n)..<((j + 1) * n)]) }
        input.covariateColumns = .columnMajor(cov)
      }
      input.columns = keep.count
      input.coefficients = keep.map { fullInput.coefficients[$0] }
    }
    var terms: [[Int]] = []
    var names: [String] = []
    for (t, columns) in fullTerms.enumerated() {
      let mapped = columns.map { newIndex[$0] }.filter { $0 >= 0 }
      if !mapped.isEmpty {
        terms.append(mapped)
        names.append(fullNames[t])
      }
    }
    let nvar = input.columns
    let coef = input.coefficients
    let nterm = terms.count
    // Columns → terms: 1 for a one-column term, β̂_j for a term of several.
    var tmat = [Double](repeating: 0, count: nvar * nterm)
    for (t, columns) in terms.enumerated() {
      for j in columns { tmat[j * nterm + t] = columns.count == 1 ? 1 : coef[j] }
    }
    // The prebuilt risk sets hold every column; with a column dropped the table is built for the rest
    // (and the per-event times, in that table's order of the events, are the same events in the same order).
    // A term's column of residuals: its columns' Schoenfeld residuals times tmat, added column after column
    // (each event's sum in column order, from 0), made by the kernel in its pass over the events.
    var scores = try CoxZphKernel.scores(
      input, riskSets: keep.count == fullInput.columns ? riskSets : nil,
      times: fromTable.map { .perEvent($0) } ?? .perRow(ttimes), termWeights: (tmat, nterm))
    let q = 2 * nvar
    let imat = scores.information
    func statistic(_ thetaColumns: [Int]) throws -> Double {
      let kk = Array(0..<nvar) + thetaColumns.map { nvar + $0 }
      let m = kk.count
      var a = [Double](repeating: 0, count: m * m)
      for (r, i) in kk.enumerated() { for (c, j) in kk.enumerated() { a[r * m + c] = imat[i * q + j] } }
      var u = [Double](repeating: 0, count: m)
      for (r, j) in thetaColumns.enumerated() { u[nvar + r] = scores.u[j] }
      let solved = try LinearSolve.solve(a, m, u)
      var s = 0.0
      for r in 0..<m { s += solved[r] * u[r] }
      return s
    }
    var chisq: [Double] = []
    var df: [Int] = []
    for columns in terms {
      chisq.append(try statistic(columns))
      df.append(columns.count)
    }
    var tableNames = names
    if global {
      chisq.append(try statistic(Array(0..<nvar)))
      df.append(nvar)
      tableNames.append("GLOBAL")
    }
    let pValues = zip(chisq, df).map { ChiSquare.upperTail($0, df: Double($1)) }

    // Scaled residuals.
    let strataCount = scores.strataCount
    var used = scores.used
    for columns in terms where columns.count > 1 {
      if columns.contains(where: { j in (0..<strataCount).contains { used[$0 * nvar + j] == 0 } }) {
        for s in 0..<strataCount {
          let top = columns.map { used[s * nvar + $0] }.max() ?? 0
          for j in columns { used[s * nvar + j] = top }
        }
      }
    }
    var vmean = [Double](repeating: 0, count: nvar * nvar)
    for a in 0..<nvar {
      for b in 0..<nvar {
        var w = 0
        for s in 0..<strataCount { w += min(used[s * nvar + a], used[s * nvar + b]) }
        vmean[a * nvar + b] = imat[a * q + b] / Double(w == 0 ? 1 : w)
      }
    }
    let e = scores.eventRows.count
    // Taken out of `scores` (which lives on for its event rows), so that scaling it in place copies nothing.
    var sresid = scores.termResiduals
    scores.termResiduals = []
    var vterm = [Double](repeating: 0, count: nterm * nterm)
    for a in 0..<nterm {
      for b in 0..<nterm {
        var s = 0.0
        for i in 0..<nvar {
          let ta = tmat[i * nterm + a]
          if ta == 0 { continue }
          for j in 0..<nvar { s += ta * vmean[i * nvar + j] * tmat[j * nterm + b] }
        }
        vterm[a * nterm + b] = s
      }
    }
    var usedTerm = [Int](repeating: 0, count: strataCount * nterm)
    for s in 0..<strataCount {
      for (t, columns) in terms.enumerated() { usedTerm[s * nterm + t] = used[s * nvar + columns[0]] }
    }
    let eventStratum = CoxZphEventGather.strata(input.strata, at: scores.eventRows)
    // The events of each stratum (one counting pass), so that scaling them is
    // linear in the events however many strata there are (matched sets).
    // One stratum: the events in their own order (no permutation array).
    var eventStart = [Int](repeating: 0, count: strataCount + 1)
    var byStratum: [Int]? = nil
    if strataCount == 1 {
      eventStart[1] = e
    } else {
      for s in eventStratum { eventStart[s + 1] += 1 }
      for s in 0..<strataCount { eventStart[s + 1] += eventStart[s] }
      var order = [Int](repeating: 0, count: e)
      var fill = eventStart
      for (row, s) in eventStratum.enumerated() {
        order[fill[s]] = row
        fill[s] += 1
      }
      byStratum = order
    }
    // Then β̂ (one-column terms; 1 otherwise) is added to each residual: in the scaling pass for the events
    // it scales (after their values, as a pass of its own adds it), in a pass of its own for the others.
    let add = terms.map { columns in columns.count == 1 ? coef[columns[0]] : 1 }
    var unscaled: [Int] = []
    for s in 0..<strataCount {
      let k = (0..<nterm).filter { usedTerm[s * nterm + $0] > 0 }
      if k.isEmpty {
        unscaled.append(s)
        continue
      }
      let m = k.count
      var sub = [Double](repeating: 0, count: m * m)
      for (r, a) in k.enumerated() { for (c, b) in k.enumerated() { sub[r * m + c] = vterm[a * nterm + b] } }
      // s · sub⁻¹ for each event of the stratum (sub is symmetric), one inverse per stratum.
      let inverse = try LinearSolve.inverse(sub, m)
      let from = eventStart[s], to = eventStart[s + 1]
      // Each event's values are its own: from `scaleThreshold` events, two workers take half of the
      // stratum's events each (the same operations per event, so the same numbers).
      let workers = to - from >= scaleThreshold ? 2 : 1
      sresid.withUnsafeMutableBufferPointer { sresid in
        inverse.withUnsafeBufferPointer { inverse in
          k.withUnsafeBufferPointer { k in
            withOptionalReads(byStratum) { byStratum in
            add.withUnsafeBufferPointer { add in
              // Worker w writes the rows of its own events only (byStratum is a permutation).
              let out = DisjointWrites(sresid)
              let reads = (
                inverse: SharedReads(inverse), k: SharedReads(k), byStratum: byStratum, add: SharedReads(add))
              DispatchQueue.concurrentPerform(iterations: workers) { w in
                let sresid = out.baseAddress.unsafelyUnwrapped, add = reads.add.buffer
                let inverse = reads.inverse.buffer, k = reads.k.buffer, byStratum = reads.byStratum?.buffer
                var rhs = [Double](repeating: 0, count: m)
                rhs.withUnsafeMutableBufferPointer { rhs in
                  let count = to - from
                  for position in (from + w * count / workers)..<(from + (w + 1) * count / workers) {
                    let row = byStratum?[position] ?? position
                    for r in 0..<m { rhs[r] = sresid[k[r] * e + row] }
                    for t in 0..<nterm { sresid[t * e + row] = .nan }
                    for r in 0..<m {
                      var v = 0.0
                      for c in 0..<m { v += inverse[r * m + c] * rhs[c] }
                      sresid[k[r] * e + row] = v
                    }
                    for t in 0..<nterm { sresid[t * e + row] += add[t] }
                  }
                }
              }
            }
            }
          }
        }
      }
    }
    sresid.withUnsafeMutableBufferPointer { sresid in
      for s in unscaled {
        for position in eventStart[s]..<eventStart[s + 1] {
          let row = byStratum?[position] ?? position
          for t in 0..<nterm { sresid[t * e + row] += add[t] }
        }
      }
    }
    let variance = try LinearSolve.inverse(vterm, nterm)
    return Result(
      names: tableNames, chisq: chisq, df: df, p: pValues, eventRows: scores.eventRows,
      x: fromTable ?? CoxZphEventGather.values(ttimes, at: scores.eventRows),
      time: scores.eventTimes,
      stratum: eventStratum, y: sresid, variance: variance, termNames: names)
  }
}

/// Dense solves of the small (2p × 2p) systems of `CoxZph`, by Gaussian
/// elimination with partial pivoting (R's `solve`, LAPACK `dgesv`).
enum LinearSolve {
  static func solve(_ matrix: [Double], _ m: Int, _ rhs: [Double]) throws -> [Double] {
    var a = matrix
    var b = rhs
    for col in 0..<m {
      var pivot = col
      for r in (col + 1)..<max(m, col + 1) where abs(a[r * m + col]) > abs(a[pivot * m + col]) { pivot = r }
      if !(abs(a[pivot * m + col]) > 1e-300) {
        throw CoxInputError("the information matrix of the proportional-hazards test is singular")
      }
      if pivot != col {
        for c in 0..<m { a.swapAt(col * m + c, pivot * m + c) }
        b.swapAt(col, pivot)
      }
      let d = a[col * m + col]
      for r in (col + 1)..<max(m, col + 1) {
        let f = a[r * m + col] / d
        if f == 0 { continue }
        for c in col..<m { a[r * m + c] -= f * a[col * m + c] }
        b[r] -= f * b[col]
      }
    }
    var x = [Double](repeating: 0, count: m)
    for r in stride(from: m - 1, through: 0, by: -1) {
      var s = b[r]
      for c in (r + 1)..<max(m, r + 1) { s -= a[r * m + c] * x[c] }
      x[r] = s / a[r * m + r]
    }
    return x
  }

  static func inverse(_ matrix: [Double], _ m: Int) throws -> [Double] {
    var out = [Double](repeating: 0, count: m * m)
    for c in 0..<m {
      var e = [Double](repeating: 0, count: m)
      e[c] = 1
      let col = try solve(matrix, m, e)
      for r in 0..<m { out[r * m + c] = col[r] }
    }
    return out
  }
}
