/// R's `poly(x, degree)`: polynomials in `x` orthogonal over the fitting
/// data, each of unit norm, as `stats::poly` computes them (R 4.x).
///
/// R orthogonalises the centred powers `1, x, x², ...` by a QR
/// decomposition and keeps `alpha` and `norm2`, with which `predict`
/// evaluates the same polynomials at new values by the three-term
/// recurrence `Z₀ = 1, Z₁ = x − α₁, Z_{k+1} = (x − α_{k+1}) Z_k −
/// (n_{k+1}/n_k) Z_{k−1}`, each divided by `√n_{k+1}`. The columns `Q·diag(R)`
/// of that QR do not depend on the signs of its Householder reflections
/// (they are each power's part orthogonal to the lower ones), so this type
/// computes `alpha` and `norm2` by the same recurrence on the data (the
/// Stieltjes procedure) and evaluates data and new values alike.
struct OrthogonalPolynomial: Sendable, Hashable {
  /// R's `attr(, "coefs")$alpha`, one per degree.
  let alpha: [Double]
  /// R's `attr(, "coefs")$norm2`: `1, n, ‖Z₁‖², ..., ‖Z_degree‖²`.
  let norm2: [Double]

  var degree: Int { alpha.count }

  /// Nil when `degree` is not less than the number of distinct values
  /// (R: "'degree' must be less than number of unique points").
  init?(fitting x: [Double], degree: Int) {
    guard degree >= 1, Set(x).count > degree else { return nil }
    let n = Double(x.count)
    var alpha: [Double] = []
    var norm2: [Double] = [1, n]
    var previous = [Double](repeating: 0, count: x.count)
    var current = [Double](repeating: 1, count: x.count)
    for k in 0..<degree {
      var weighted = 0.0
      for i in x.indices { weighted += x[i] * current[i] * current[i] }
      let a = weighted / norm2[k + 1]
      alpha.append(a)
      let ratio = k == 0 ? 0 : norm2[k + 1] / norm2[k]
      var next = [Double](repeating: 0, count: x.count)
      var sum = 0.0
      for i in x.indices {
        next[i] = (x[i] - a) * current[i] - ratio * previous[i]
        sum += next[i] * next[i]
      }
      guard sum > 0 else { return nil }
      norm2.append(sum)
      previous = current
      current = next
    }
    self.alpha = alpha
    self.norm2 = norm2
  }

  /// The `degree` columns at `x` (R's `predict(poly(...), x)`).
  func columns(_ x: [Double]) -> [[Double]] {
    var out: [[Double]] = []
    var previous = [Double](repeating: 1, count: x.count)
    var current = x.map { $0 - alpha[0] }
    out.append(current.map { $0 / norm2[2].squareRoot() })
    if degree >= 2 {
      for k in 2...degree {
        let ratio = norm2[k] / norm2[k - 1]
        var next = [Double](repeating: 0, count: x.count)
        for i in x.indices { next[i] = (x[i] - alpha[k - 1]) * current[i] - ratio * previous[i] }
        let scale = norm2[k + 1].squareRoot()
        out.append(next.map { $0 / scale })
        previous = current
        current = next
      }
    }
    return out
  }
}
