import Foundation
import RunControl

/// The centring and scaling of the covariates of a Cox fit, as R `survival`
/// 3.5 `coxph.fit`/`coxfit6`: a column whose values all lie in `nocenter`
/// (default {−1, 0, 1}) is left alone; any other column has its weighted
/// mean subtracted and is multiplied by Σw / Σ w|x − mean|.
///
/// Each column's two sums run over the rows in input order, one term at a
/// time, so they are exactly those of the plain loops. A single running sum
/// is bound by the latency of the addition, not by memory; eight independent
/// ones (eight columns, as the lanes of a `SIMD8`) cost about the same time
/// per row, so eight columns share each pass. Columns are dealt out to the
/// workers.
struct CoxColumnScaling {
  /// Column means subtracted (0 for columns left alone).
  var means: [Double]
  /// Column scale factors applied after centring (1 for columns left alone).
  var scale: [Double]

  /// - Parameters:
  ///   - columns: the p columns of n values, in input order.
  ///   - weights: case weights in input order, nil for all 1.
  ///   - totalWeight: Σw, the divisor of the means and the scale numerator.
  init(
    columns: ColumnReads, n: Int, p: Int,
    weights: UnsafeBufferPointer<Double>?, totalWeight: Double, nocenter: [Double], workers: Int,
    poll: KernelPoll? = nil
  ) {
    let tasks = Tasks(
      columns: columns, n: n, p: p, weights: weights.map(SharedReads.init), totalWeight: totalWeight,
      nocenter: nocenter, taskCount: max(1, min(workers, p)), poll: poll)
    DispatchQueue.concurrentPerform(iterations: tasks.count) { tasks.run($0) }
    self = tasks.result
  }

  init(means: [Double], scale: [Double]) {
    self.means = means
    self.scale = scale
  }

  /// The scaling cut into independent tasks, task t taking columns t,
  /// t + count, …, so that it can run among other work (beside the sort of
  /// `CoxPreparedData`) on whichever worker is free. Each column's sums are
  /// the same whichever task or group of eight takes it (SIMD lanes do not
  /// mix). Tasks poll `poll` before every column scanned and every group
  /// summed, and stop early once a stop is seen; the results are then
  /// meaningless, and the caller throws (`KernelPoll.throwIfStopped`). On
  /// the thread that made the poll the host is asked; elsewhere only a stop
  /// already seen counts, which is why a many-column scaling is cut into
  /// many tasks (the calling thread takes some of them).
  final class Tasks: @unchecked Sendable {
    let count: Int
    private let columns: ColumnReads
    private let n: Int
    private let p: Int
    private let weights: SharedReads<Double>?
    private let totalWeight: Double
    private let nocenter: [Double]
    private let poll: KernelPoll?
    /// Written by the tasks, each its own columns' entries; read after the join.
    private let meansOut: UnsafeMutableBufferPointer<Double>
    private let scaleOut: UnsafeMutableBufferPointer<Double>

    /// Columns per task when the scaling is cut for polling: a few
    /// milliseconds of work at 10⁶ rows.
    static let columnsPerTask = 32

    /// Tasks enough for `p` columns, at least `minimum` when there are columns for them.
    static func count(p: Int, minimum: Int) -> Int {
      max(minimum, min(p, (p + columnsPerTask - 1) / columnsPerTask))
    }

    init(
      columns: ColumnReads, n: Int, p: Int, weights: SharedReads<Double>?, totalWeight: Double,
      nocenter: [Double], taskCount: Int, poll: KernelPoll?
    ) {
      self.count = max(1, taskCount)
      self.columns = columns
      self.n = n
      self.p = p
      self.weights = weights
      self.totalWeight = totalWeight
      self.nocenter = nocenter
      self.poll = poll
      meansOut = .allocate(capacity: max(p, 1))
      meansOut.initialize(repeating: 0)
      scaleOut = .allocate(capacity: max(p, 1))
      scaleOut.initialize(repeating: 1)
    }

    deinit {
      meansOut.deallocate()
      scaleOut.deallocate()
    }

    /// Whether the host asked for a stop (seen by this task's thread or another).
    private func stopped() -> Bool { poll?.stopRequested() ?? false }

    /// Task `t`: its columns' means and scales.
    func run(_ t: Int) {
      // With no rows every column is (vacuously) left alone.
      guard n > 0, p > 0, t < count else { return }
      var centred: [Int] = []
      for j in stride(from: t, to: p, by: count) {
        if stopped() { return }
        // A packed column's values are 0 and 1, both listed: left alone.
        if columns.isPacked(j) { continue }
        if !CoxColumnScaling.allListed(UnsafeBufferPointer(start: columns[j], count: n), nocenter) {
          centred.append(j)
        }
      }
      for first in stride(from: 0, to: centred.count, by: 8) {
        if stopped() { return }
        let group = Array(centred[first..<min(first + 8, centred.count)])
        // A group of fewer than eight repeats its first column in the
        // unused lanes (same addresses: no extra memory traffic).
        let lanes = (0..<8).map { columns[group[$0 < group.count ? $0 : 0]] }
        let (mean, factor) = CoxColumnScaling.meanAndScale(
          lanes, n: n, weights: weights?.baseAddress, totalWeight: totalWeight)
        for (k, j) in group.enumerated() {
          meansOut[j] = mean[k]
          scaleOut[j] = factor[k]
        }
      }
    }

    /// The means and scales, once every task has run.
    var result: CoxColumnScaling {
      CoxColumnScaling(means: Array(meansOut.prefix(p)), scale: Array(scaleOut.prefix(p)))
    }
  }

  /// Whether every value is one of `levels` (the column is then left alone).
  /// Branch-free within blocks of 1,024 values (a 0/1 column would defeat
  /// the branch predictor at every row), stopping after the first block
  /// with a value not listed.
  fileprivate static func allListed(_ column: UnsafeBufferPointer<Double>, _ levels: [Double]) -> Bool {
    levels.withUnsafeBufferPointer { levels in
      var lower = 0
      while lower < column.count {
        let upper = min(lower + 1024, column.count)
        var unlisted: UInt8 = 0
        for i in lower..<upper {
          var listed: UInt8 = 0
          for level in levels { listed |= column[i] == level ? 1 : 0 }
          unlisted |= listed ^ 1
        }
        if unlisted != 0 { return false }
        lower = upper
      }
      return true
    }
  }

  /// The means and scale factors of eight columns, in the lanes of the
  /// result: mean = Σ w x / Σw, scale = Σw / Σ w|x − mean| (1 when that sum
  /// is 0), each sum taken in row order.
  @inline(__always)
  fileprivate static func meanAndScale(
    _ c: [UnsafePointer<Double>], n: Int, weights: UnsafePointer<Double>?, totalWeight: Double
  ) -> (mean: SIMD8<Double>, scale: SIMD8<Double>) {
    let c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7]
    @inline(__always) func row(_ i: Int) -> SIMD8<Double> {
      SIMD8(c0[i], c1[i], c2[i], c3[i], c4[i], c5[i], c6[i], c7[i])
    }
    var sum = SIMD8<Double>()
    if let w = weights {
      for i in 0..<n { sum += w[i] * row(i) }
    } else {
      for i in 0..<n { sum += row(i) }
    }
    let mean = sum / totalWeight
    var absSum = SIMD8<Double>()
    // |d| as d with its negative lanes negated: −0 stays −0, and adding −0
    // to a sum that starts at +0 changes nothing, so the sums are those of abs.
    if let w = weights {
      for i in 0..<n {
        let d = row(i) - mean
        absSum += w[i] * d.replacing(with: -d, where: d .< 0)
      }
    } else {
      for i in 0..<n {
        let d = row(i) - mean
        absSum += d.replacing(with: -d, where: d .< 0)
      }
    }
    let ratio = SIMD8(repeating: totalWeight) / absSum
    return (mean, ratio.replacing(with: 1, where: .!(absSum .> 0)))
  }
}
