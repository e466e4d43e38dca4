import Foundation

/// Input validation and the one-time preparation of a Cox fit: the rows are
/// sorted once (by stratum, then time), copied into a contiguous row-major
/// buffer, and each covariate is centred and scaled as R `coxph` does.
///
/// Centring and scaling follow R `survival` 3.5 `coxph.fit`/`coxfit6`: a column
/// whose values all lie in `nocenter` (default {−1, 0, 1}) is left alone;
/// any other column has its weighted mean subtracted and is multiplied by
/// Σw / Σ w|x − mean|. Neither changes the mathematics of the fit (Newton–
/// Raphson is affine invariant); they change round-off and which columns the
/// Cholesky tolerance deems redundant, so R's choice is kept.

/// A problem with the arrays handed to a Cox fit (lengths, codes, values).
public struct CoxInputError: Error, Equatable, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Validated, sorted, centred and scaled data shared by the likelihood kernels.
struct CoxPreparedData {
  let n: Int
  let p: Int
  /// Row-major n × p, in sorted order, centred and scaled.
  var x: [Double]
  let time: [Double]
  /// For counting-process data, the entry times in sorted (stop) order.
  let start: [Double]?
  let status: [Double]
  let weight: [Double]
  let offset: [Double]
  let stratum: [Int]
  /// `order[k]` is the original row at sorted position k.
  let order: [Int]
  /// For counting-process data: sorted positions ordered by stratum, then
  /// start time descending (the removal order of the risk-set sweep).
  let byStartDescending: [Int]?
  /// Column means subtracted (0 for columns left alone).
  let means: [Double]
  /// Column scale factors applied after centring.
  let scale: [Double]
  let events: Int

  /// Checks lengths and values; throws `CoxInputError` with a message naming the argument.
  static func validate(
    n: Int, p: Int, covariates: [Double], time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, cluster: [Int]?, initial: [Double]?
  ) throws {
    func check(_ name: String, _ count: Int?) throws {
      if let count = count, count != n {
        throw CoxInputError("\(name) has \(count) values but time has \(n)")
      }
    }
    if n == 0 { throw CoxInputError("no observations: time is empty") }
    try check("status", status.count)
    try check("start", start?.count)
    try check("weights", weights?.count)
    try check("strata", strata?.count)
    try check("offset", offset?.count)
    try check("cluster", cluster?.count)
    if p < 0 || covariates.count != n * p {
      throw CoxInputError(
        "covariates has \(covariates.count) values, expected n × p = \(n) × \(p) (column-major)")
    }
    if let initial = initial, initial.count != p {
      throw CoxInputError("init has \(initial.count) values but the model has \(p) coefficients")
    }
    for (i, t) in time.enumerated() where !t.isFinite {
      throw CoxInputError("time[\(i + 1)] is not a finite number")
    }
    if let start = start {
      for i in 0..<n {
        if !start[i].isFinite { throw CoxInputError("start[\(i + 1)] is not a finite number") }
        if !(start[i] < time[i]) {
          throw CoxInputError("stop time must be > start time (row \(i + 1))")
        }
      }
    }
    var events = 0
    for (i, s) in status.enumerated() {
      if s == 1 { events += 1 } else if s != 0 {
        throw CoxInputError("status[\(i + 1)] is \(s); status must be 0 (censored) or 1 (event)")
      }
    }
    if events == 0 { throw CoxInputError("no events: a Cox model cannot be fitted with 0 failures") }
    // v − v is 0 for a finite v and NaN otherwise: one branch-free pass,
    // and a search for the culprit only when there is one.
    let allFinite = covariates.withUnsafeBufferPointer { cov -> Bool in
      var probe = 0.0
      for v in cov { probe += v - v }
      return probe == 0
    }
    if !allFinite {
      for (i, v) in covariates.enumerated() where !v.isFinite {
        throw CoxInputError("covariate column \(i / n + 1), row \(i % n + 1) is not a finite number")
      }
    }
    if let weights = weights {
      for (i, w) in weights.enumerated() where !(w > 0 && w.isFinite) {
        throw CoxInputError("weights[\(i + 1)] is \(w); case weights must be finite and > 0")
      }
    }
    if let offset = offset {
      for (i, o) in offset.enumerated() where !o.isFinite {
        throw CoxInputError("offset[\(i + 1)] is not a finite number")
      }
    }
    if let initial = initial, initial.contains(where: { !$0.isFinite }) {
      throw CoxInputError("init must be finite")
    }
  }

  /// Sorts and copies. Right-censored data are ordered by (stratum, time,
  /// row) ascending, as R's `order(strata, time)`; the kernels sweep it
  /// backwards. Counting-process data are ordered by (stratum, stop
  /// descending, row), as `agreg.fit`'s `sort.end`. With `scaled` false the
  /// centred columns keep their scale (R `agexact.fit` only centres).
  init(
    n: Int, p: Int, covariates: [Double], time: [Double], start: [Double]?, status: [Double],
    weights: [Double]?, strata: [Int]?, offset: [Double]?, nocenter: [Double], scaled: Bool = true
  ) {
    self.n = n
    self.p = p
    let strataIn = strata ?? [Int](repeating: 0, count: n)
    // The sort hands back the sorted times and the stratum boundaries, so
    // neither is gathered again.
    let sorted = RowOrder.sorted(strata: strata, key: time, descending: start != nil)
    let order = sorted.rows
    self.order = order
    self.time = sorted.keys
    self.start = start.map { s in order.map { s[$0] } }
    self.status = order.map { status[$0] }
    self.weight = weights.map { w in order.map { w[$0] } } ?? [Double](repeating: 1, count: n)
    self.offset = offset.map { o in order.map { o[$0] } } ?? [Double](repeating: 0, count: n)
    var stratum = [Int](repeating: 0, count: n)
    for b in 0..<(sorted.blockStart.count - 1) where sorted.blockStart[b] < sorted.blockStart[b + 1] {
      let value = strataIn[order[sorted.blockStart[b]]]
      for k in sorted.blockStart[b]..<sorted.blockStart[b + 1] { stratum[k] = value }
    }
    self.stratum = stratum
    self.events = status.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }

    if let startSorted = self.start {
      // Positions in stop order, re-sorted by stratum then start descending.
      let byStart = RowOrder.order(strata: self.stratum, key: startSorted, descending: true)
      self.byStartDescending = byStart
    } else {
      self.byStartDescending = nil
    }

    var means = [Double](repeating: 0, count: p)
    var scale = [Double](repeating: 1, count: p)
    // Means and scales in the input order (sequential reads).
    var totalWeight = 0.0
    for k in 0..<n { totalWeight += self.weight[k] }
    covariates.withUnsafeBufferPointer { cov in
      for j in 0..<p {
        let column = UnsafeBufferPointer(rebasing: cov[(j * n)..<((j + 1) * n)])
        var center = false
        nocenter.withUnsafeBufferPointer { levels in
          for v in column {
            var listed = false
            for level in levels where v == level {
              listed = true
              break
            }
            if !listed {
              center = true
              break
            }
          }
        }
        guard center else { continue }
        var mean = 0.0
        if let w = weights {
          for i in 0..<n { mean += w[i] * column[i] }
        } else {
          for i in 0..<n { mean += column[i] }
        }
        mean /= totalWeight
        means[j] = mean
        guard scaled else { continue }
        var absSum = 0.0
        if let w = weights {
          for i in 0..<n { absSum += w[i] * abs(column[i] - mean) }
        } else {
          for i in 0..<n { absSum += abs(column[i] - mean) }
        }
        scale[j] = absSum > 0 ? totalWeight / absSum : 1
      }
    }
    // Into sorted row-major order by a scatter: the input rows are read in
    // order (every column streams), and each row is written whole to its
    // sorted position, one random cache line per row where a gather would
    // take p random reads. Two workers take halves of the input.
    var position = [Int](unsafeUninitializedCapacity: n) { _, count in count = n }
    var x = [Double](unsafeUninitializedCapacity: n * p) { _, count in count = n * p }
    let workers = n >= 100_000 ? 2 : 1
    position.withUnsafeMutableBufferPointer { pos in
      order.withUnsafeBufferPointer { ord in
        let pos = pos, ord = ord
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          for k in (w * n / workers)..<((w + 1) * n / workers) { pos[ord[k]] = k }
        }
      }
    }
    x.withUnsafeMutableBufferPointer { out in
      covariates.withUnsafeBufferPointer { cov in
        position.withUnsafeBufferPointer { pos in
          let out = out, cov = cov, pos = pos
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lower = w * n / workers, upper = (w + 1) * n / workers
            let base = cov.baseAddress.unsafelyUnwrapped
            for i in lower..<upper {
              let target = out.baseAddress.unsafelyUnwrapped + pos[i] &* p
              for j in 0..<p { target[j] = (base[j &* n &+ i] - means[j]) * scale[j] }
            }
          }
        }
      }
    }
    self.x = x
    self.means = means
    self.scale = scale
  }
}

extension CoxPreparedData {
  /// The strata as ranges of sorted positions (each stratum is contiguous).
  func strataBlocks() -> [Range<Int>] {
    var blocks: [Range<Int>] = []
    var k = 0
    while k < n {
      var e = k + 1
      while e < n && stratum[e] == stratum[k] { e += 1 }
      blocks.append(k..<e)
      k = e
    }
    return blocks
  }
}
