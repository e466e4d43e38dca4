import Foundation

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
    weights: UnsafeBufferPointer<Double>?, totalWeight: Double, nocenter: [Double], workers: Int
  ) {
    var means = [Double](repeating: 0, count: p)
    var scale = [Double](repeating: 1, count: p)
    // With no rows every column is (vacuously) left alone.
    guard n > 0, p > 0 else {
      self.means = means
      self.scale = scale
      return
    }
    let workers = max(1, min(workers, p))
    means.withUnsafeMutableBufferPointer { meansOut in
      scale.withUnsafeMutableBufferPointer { scaleOut in
        // Each worker writes only its own columns' entries (w, w + workers, …).
        let meansOut = DisjointWrites(meansOut), scaleOut = DisjointWrites(scaleOut)
        let weights = weights.map(SharedReads.init)
        @Sendable func column(_ j: Int) -> UnsafePointer<Double> { columns[j] }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
          let centred = stride(from: w, to: p, by: workers).filter { j in
            !Self.allListed(UnsafeBufferPointer(start: column(j), count: n), nocenter)
          }
          for first in stride(from: 0, to: centred.count, by: 8) {
            let group = Array(centred[first..<min(first + 8, centred.count)])
            // A group of fewer than eight repeats its first column in the
            // unused lanes (same addresses: no extra memory traffic).
            let lanes = (0..<8).map { column(group[$0 < group.count ? $0 : 0]) }
            let (mean, factor) = Self.meanAndScale(
              lanes, n: n, weights: weights?.baseAddress, totalWeight: totalWeight)
            for (k, j) in group.enumerated() {
              meansOut[j] = mean[k]
              scaleOut[j] = factor[k]
            }
          }
        }
      }
    }
    self.means = means
    self.scale = scale
  }

  /// Whether every value is one of `levels` (the column is then left alone).
  /// Branch-free within blocks of 1,024 values (a 0/1 column would defeat
  /// the branch predictor at every row), stopping after the first block
  /// with a value not listed.
  private static func allListed(_ column: UnsafeBufferPointer<Double>, _ levels: [Double]) -> Bool {
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
  private static func meanAndScale(
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
