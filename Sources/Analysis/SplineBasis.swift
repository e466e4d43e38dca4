import Survival
/// The B-spline and natural cubic spline bases of R's `splines::bs` and
/// `splines::ns` (R 4.x), with their knot placement:
///
/// - Boundary knots: given (`Boundary.knots =`), else the range of the data.
/// - Interior knots: given (`knots =`, sorted), else `df − order + 1 −
///   intercept` (bs) or `df − 1 − intercept` (ns) of them at equally spaced
///   quantiles (R's `quantile` type 7) of the data inside the boundary.
/// - bs: the B-splines of order `degree + 1` on the knots with the boundary
///   knots repeated `order` times (`splineDesign`), the first dropped
///   without intercept. Outside the boundary knots, R's Taylor expansion
///   about a pivot a quarter of the way to the next knot.
/// - ns: the cubic B-splines (the first dropped without intercept),
///   projected on the complement of the second derivatives at the two
///   boundary knots: `t(qr.qty(qr(t(const)), t(basis)))[, -(1:2)]`, with
///   the Householder QR of LINPACK's `dqrdc2` that R's `qr()` uses, so the
///   columns match R's (not only their span). Outside the boundary knots,
///   linear from the boundary (value and first derivative).
struct SplineBasis: Sendable, Hashable {
  struct Problem: Error {
    let message: String
  }

  /// The whole knot sequence (R's `Aknots`).
  let knots: [Double]
  let order: Int
  let boundary: [Double]
  let intercept: Bool
  let natural: Bool
  /// ns: the Householder QR of `t(const)` (column-major, `rows × 2`) and
  /// its `qraux`.
  let constraintQR: [Double]
  let constraintAux: [Double]

  init(fitting x: [Double], knots spec: SplineKnots, degree: Int, intercept: Bool, natural: Bool) throws {
    let order = degree + 1
    let boundary = spec.boundary ?? [x.min() ?? 0, x.max() ?? 0]
    guard boundary[0] < boundary[1] else {
      throw Problem(message: "all values are equal (\(RValueFormat.number(boundary[0]))); a spline needs a range")
    }
    var interior: [Double] = spec.knots ?? []
    if spec.knots == nil, let df = spec.df {
      let count = natural ? df - 1 - (intercept ? 1 : 0) : df - order + (intercept ? 0 : 1)
      if count > 0 {
        let inside = x.filter { $0 >= boundary[0] && $0 <= boundary[1] }.sorted()
        guard !inside.isEmpty else { throw Problem(message: "no values inside the boundary knots") }
        let step = 1 / Double(count + 1)
        interior = (1...count).map { Self.quantile(inside, Double($0) * step) }
      }
    }
    if let k = interior.first(where: { !($0 > boundary[0] && $0 < boundary[1]) }) {
      throw Problem(
        message: "knot \(RValueFormat.number(k)) is not inside the boundary knots "
          + "(\(RValueFormat.number(boundary[0])), \(RValueFormat.number(boundary[1])))")
    }
    self.knots = (Array(repeating: boundary[0], count: order) + interior + Array(repeating: boundary[1], count: order))
      .sorted()
    self.order = order
    self.boundary = boundary
    self.intercept = intercept
    self.natural = natural
    if natural {
      let first = intercept ? 0 : 1
      let low = Self.bsplines(knots, order: order, at: boundary[0], derivative: 2)
      let high = Self.bsplines(knots, order: order, at: boundary[1], derivative: 2)
      var a = Array(low[first...]) + Array(high[first...])
      var aux = [Double](repeating: 0, count: 2)
      Self.householder(&a, rows: low.count - first, columns: 2, aux: &aux)
      constraintQR = a
      constraintAux = aux
    } else {
      constraintQR = []
      constraintAux = []
    }
  }

  /// R's `quantile(x, p, type = 7)` of sorted `x`.
  static func quantile(_ sorted: [Double], _ p: Double) -> Double {
    let index = Double(sorted.count - 1) * p
    let lo = Int(index.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    let h = index - Double(lo)
    guard h > 0, sorted[hi] != sorted[lo] else { return sorted[lo] }
    return (1 - h) * sorted[lo] + h * sorted[hi]
  }

  /// The basis columns at `x` (NaN rows give NaN).
  func columns(_ x: [Double]) -> [[Double]] {
    let count = knots.count - order - (intercept ? 0 : 1) - (natural ? 2 : 0)
    var out = [[Double]](repeating: [Double](repeating: .nan, count: x.count), count: max(count, 0))
    for (i, v) in x.enumerated() where !v.isNaN {
      let row = self.row(v)
      for j in row.indices { out[j][i] = row[j] }
    }
    return out
  }

  private func row(_ x: Double) -> [Double] {
    var b: [Double]
    if x >= boundary[0] && x <= boundary[1] {
      b = Self.bsplines(knots, order: order, at: x, derivative: 0)
    } else if natural {
      let pivot = x < boundary[0] ? boundary[0] : boundary[1]
      let value = Self.bsplines(knots, order: order, at: pivot, derivative: 0)
      let slope = Self.bsplines(knots, order: order, at: pivot, derivative: 1)
      b = zip(value, slope).map { $0 + (x - pivot) * $1 }
    } else {
      // R's bs: a Taylor expansion of degree `order - 1` about a pivot a
      // quarter of the way from the boundary knot to the next knot.
      let pivot = x < boundary[0]
        ? 0.75 * boundary[0] + 0.25 * knots[order] : 0.75 * boundary[1] + 0.25 * knots[knots.count - order - 1]
      b = [Double](repeating: 0, count: knots.count - order)
      var power = 1.0
      var factorial = 1.0
      for d in 0..<order {
        if d > 0 {
          power *= x - pivot
          factorial *= Double(d)
        }
        let derivative = Self.bsplines(knots, order: order, at: pivot, derivative: d)
        for j in b.indices { b[j] += derivative[j] * power / factorial }
      }
    }
    if !intercept { b.removeFirst() }
    guard natural else { return b }
    Self.applyQt(constraintQR, aux: constraintAux, rows: b.count, columns: 2, to: &b)
    return Array(b.dropFirst(2))
  }

  /// The `derivative`-th derivatives of all `knots.count − order` B-splines
  /// of `order` at `x` (de Boor's recurrence for the order `order −
  /// derivative` values, then differencing); right-continuous, except at
  /// the last knot, where the last non-empty interval is used (as
  /// `splineDesign`).
  static func bsplines(_ t: [Double], order k: Int, at x: Double, derivative d: Int) -> [Double] {
    let count = t.count - k
    var out = [Double](repeating: 0, count: count)
    let q = k - d
    guard q >= 1, count >= 1 else { return out }
    // The interval [t[i], t[i+1]) holding x, k-1 <= i <= count-1.
    var lo = k - 1
    var hi = count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if t[mid] <= x { lo = mid } else { hi = mid - 1 }
    }
    let i = lo
    var values = [Double](repeating: 0, count: k)
    var left = [Double](repeating: 0, count: k)
    var right = [Double](repeating: 0, count: k)
    BSplineRecurrence.nonZeroValues(
      at: x, knots: t, span: i, degree: q - 1, values: &values, left: &left, right: &right)
    // values[r] is B(i-p+1+r, p) for p = q; difference up to order k.
    if q < k {
      for p in (q + 1)...k {
        var next = [Double](repeating: 0, count: k)
        for r in 0..<p {
          let j = i - p + 1 + r
          var v = 0.0
          if r >= 1 {
            let span = t[j + p - 1] - t[j]
            if span > 0 { v += values[r - 1] / span }
          }
          if r < p - 1 {
            let span = t[j + p] - t[j + 1]
            if span > 0 { v -= values[r] / span }
          }
          next[r] = Double(p - 1) * v
        }
        values = next
      }
    }
    for r in 0..<k {
      let j = i - k + 1 + r
      if j >= 0 && j < count { out[j] = values[r] }
    }
    return out
  }

  /// LINPACK `dqrdc2`'s Householder QR of a full-rank `rows × columns`
  /// matrix (column-major, in place), without pivoting (the ns constraint
  /// has two independent columns): R's `qr()$qr` and `$qraux`.
  static func householder(_ a: inout [Double], rows n: Int, columns p: Int, aux: inout [Double]) {
    for l in 0..<min(n, p) where l != n - 1 {
      var norm = 0.0
      for i in l..<n { norm += a[l * n + i] * a[l * n + i] }
      norm = norm.squareRoot()
      guard norm != 0 else { continue }
      if a[l * n + l] != 0 { norm = a[l * n + l] < 0 ? -abs(norm) : abs(norm) }
      for i in l..<n { a[l * n + i] /= norm }
      a[l * n + l] += 1
      for j in (l + 1)..<max(p, l + 1) {
        var dot = 0.0
        for i in l..<n { dot += a[l * n + i] * a[j * n + i] }
        let t = -dot / a[l * n + l]
        for i in l..<n { a[j * n + i] += t * a[l * n + i] }
      }
      aux[l] = a[l * n + l]
      a[l * n + l] = -norm
    }
  }

  /// LINPACK `dqrsl`'s `Qᵀ y` (R's `qr.qty`) with the output of `householder`.
  static func applyQt(_ a: [Double], aux: [Double], rows n: Int, columns p: Int, to y: inout [Double]) {
    for j in 0..<min(p, n - 1) where aux[j] != 0 {
      let diagonal = aux[j]
      var dot = diagonal * y[j]
      for i in (j + 1)..<n { dot += a[j * n + i] * y[i] }
      let t = -dot / diagonal
      y[j] += t * diagonal
      for i in (j + 1)..<n { y[i] += t * a[j * n + i] }
    }
  }
}
