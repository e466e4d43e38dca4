import Foundation

/// The linear predictor and its standard error for each fitted row of a Cox
/// model (R `survival` 3.5 `predict.coxph(fit, type = "lp" | "risk",
/// se.fit = TRUE)` without `newdata`), read from the design's columns in
/// place (`CoxCovariates`: the dataset's own numeric columns, no n × p
/// copy) and split between two workers by halves of the rows.
///
/// Per row i, with z = xᵢ − c (c the centre of the row's stratum, or the
/// fit's means): lp = zᵀβ + offsetᵢ − mean offset and se = √(zᵀVz); for
/// `risk`, exp(lp) and se·√exp(lp), as `predict.coxph` scales it. Each value is computed by
/// the operations, in the order, of the one-row forms (z, then zᵀβ, then
/// Σₐ zₐ Σ_b V_ab z_b), so the numbers do not depend on the split.
public enum CoxFittedLinear {
  public static let parallelThreshold = 50_000

  /// - Parameters:
  ///   - centres: one centre of p values per stratum (one in all without `strata`).
  ///   - variance: row-major p × p, NaN (a singular column) already read as 0.
  ///   - linearPredictor: the lp of each row when known (the fit's own): it is used as it is and only the
  ///     standard errors are computed; nil computes lp from the columns.
  ///   - risk: exp(lp) and se·√exp(lp) instead of lp and se.
  public static func compute(
    covariates: CoxCovariates, n: Int, p: Int, beta: [Double], variance: [Double], centres: [[Double]],
    strata: [Int]?, offset: [Double]?, offsetMean: Double, linearPredictor: [Double]?, risk: Bool,
    parallelThreshold: Int = parallelThreshold
  ) -> (fit: [Double], se: [Double]) {
    guard n > 0 else { return ([], []) }
    let workers = n >= parallelThreshold ? 2 : 1
    let flatCentres = centres.flatMap { $0 }
    // The fit's own lp is returned as it is (shared, not copied) for type lp.
    let keepFit = linearPredictor != nil && !risk
    var computed: [Double] = RadixOrder.uninitialized(keepFit ? 0 : n)
    var se: [Double] = RadixOrder.uninitialized(n)
    covariates.withColumns(n: n, p: p) { columns in
      computed.withUnsafeMutableBufferPointer { fitBuffer in
        se.withUnsafeMutableBufferPointer { seBuffer in
          beta.withUnsafeBufferPointer { beta in
            variance.withUnsafeBufferPointer { v in
              flatCentres.withUnsafeBufferPointer { centres in
                // Worker w writes fit and se of its half of the rows only.
                let fitOut = DisjointWrites(fitBuffer), seOut = DisjointWrites(seBuffer)
                let beta = SharedReads(beta), v = SharedReads(v), centres = SharedReads(centres)
                let given = linearPredictor
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                  let b = beta.buffer, vv = v.buffer, c = centres.buffer
                  let s = seOut.baseAddress.unsafelyUnwrapped
                  let pointers = (0..<p).map { columns[$0] }
                  var z = [Double](repeating: 0, count: p)
                  pointers.withUnsafeBufferPointer { x in
                    z.withUnsafeMutableBufferPointer { z in
                      for i in (w * n / workers)..<((w + 1) * n / workers) {
                        let base = (strata?[i] ?? 0) * p
                        for j in 0..<p { z[j] = x[j][i] - c[base + j] }
                        var q = 0.0
                        for a in 0..<p {
                          var sum = 0.0
                          for k in 0..<p { sum += vv[a * p + k] * z[k] }
                          q += z[a] * sum
                        }
                        var value: Double
                        if let given {
                          value = given[i]
                        } else {
                          var lp = 0.0
                          for j in 0..<p { lp += z[j] * b[j] }
                          value = lp + (offset?[i] ?? 0) - offsetMean
                        }
                        var error = q.squareRoot()
                        if risk {
                          value = Foundation.exp(value)
                          error *= value.squareRoot()
                        }
                        if !keepFit { fitOut[i] = value }
                        s[i] = error
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let fit = keepFit ? linearPredictor ?? [] : computed
    return (fit, se)
  }
}
