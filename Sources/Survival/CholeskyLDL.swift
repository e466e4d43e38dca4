/// Symmetric positive semi-definite factorization A = L·D·Lᵀ that tolerates
/// singular matrices, for Newton–Raphson in Cox and Fine–Gray fits and for
/// the generalized inverses of the log-rank and Gray test statistics.
///
/// Semantics follow R `survival`'s `cholesky2`/`chsolve2`/`chinv2` (the
/// behaviour, not the code): a pivot smaller than `tolerance` times the
/// largest diagonal element marks that column as redundant; its row and
/// column of L are zeroed, its D entry is 0, and solves and inverses treat it
/// as absent (the coefficient stays 0, the variance row and column are 0).
/// The `rank` is the number of non-redundant columns; a negative pivot marks
/// the matrix as not positive semi-definite.
///
/// Storage: row-major `n × n` `[Double]`; only the lower triangle is read.
public struct CholeskyLDL {
  public let n: Int
  /// Row-major; strictly lower part holds L (unit diagonal implied), diagonal holds D.
  public private(set) var factor: [Double]
  public let rank: Int
  /// False when a pivot was negative beyond tolerance (the matrix is not PSD).
  public let isPositiveSemidefinite: Bool

  /// Factorizes `matrix` (row-major n × n, symmetric); a matrix of another
  /// size is a thrown `SurvivalInputError.shapeMismatch`.
  /// - Parameter tolerance: R's `toler.chol`, default `.Machine$double.eps^0.75`.
  public init(_ matrix: [Double], n: Int, tolerance: Double = 1.818989403545856e-12) throws {
    try self.init(matrix, n: n, tolerance: tolerance, poll: {})
  }

  /// Factorizes `matrix`, calling `poll` every few columns of a large
  /// matrix so that a time limit stops the O(n³) work (the information
  /// matrix of a 3,000-level factor; the variance of a log-rank test of
  /// thousands of groups): `poll` throws to abandon it.
  public init(
    _ matrix: [Double], n: Int, tolerance: Double = 1.818989403545856e-12, poll: () throws -> Void
  ) throws {
    guard n >= 0, matrix.count == n * n else {
      throw SurvivalInputError.shapeMismatch(argument: "matrix", shape: "n × n", expected: n * n, actual: matrix.count)
    }
    try self.init(square: matrix, n: n, tolerance: tolerance, poll: poll)
  }

  /// The factorization of a matrix the kernels built n × n themselves (an
  /// information or variance matrix), which no input can make another size.
  init(square matrix: [Double], n: Int, tolerance: Double = 1.818989403545856e-12) {
    self.init(square: matrix, n: n, tolerance: tolerance, poll: {})
  }

  init(
    square matrix: [Double], n: Int, tolerance: Double = 1.818989403545856e-12, poll: () throws -> Void
  ) rethrows {
    var a = matrix
    self.n = n
    var scale = 0.0
    for i in 0..<n { scale = max(scale, abs(a[i * n + i])) }
    let eps = scale == 0 ? tolerance : tolerance * scale
    var rank = 0
    var psd = true
    // About 2²² multiply-adds between polls.
    let pollEvery = max(1, (1 << 22) / max(1, n * n / 2))
    for j in 0..<n {
      if j % pollEvery == pollEvery - 1 { try poll() }
      let pivot = a[j * n + j]
      if pivot < eps {
        if pivot < -8 * eps { psd = false }
        a[j * n + j] = 0
        for i in (j + 1)..<max(j + 1, n) { a[i * n + j] = 0 }
        continue
      }
      rank += 1
      for i in (j + 1)..<max(j + 1, n) {
        let lij = a[i * n + j] / pivot
        a[i * n + j] = lij
        // Update the trailing lower triangle: A_ik -= L_ij · D_j · L_kj.
        for k in (j + 1)...i {
          a[i * n + k] -= lij * pivot * a[k * n + j]
        }
      }
    }
    self.factor = a
    self.rank = rank
    self.isPositiveSemidefinite = psd
  }

  /// Solves A x = b, treating redundant columns as absent (their x is 0).
  public func solve(_ b: [Double]) -> [Double] {
    var x = b
    solveInPlace(&x)
    return x
  }

  /// In-place form of `solve`, allocation-free for use inside iteration loops.
  public func solveInPlace(_ x: inout [Double]) {
    let a = factor
    // Forward: L y = b.
    for i in 0..<n {
      var s = x[i]
      for k in 0..<i { s -= a[i * n + k] * x[k] }
      x[i] = s
    }
    // Diagonal: D z = y (redundant columns give 0).
    for i in 0..<n {
      let d = a[i * n + i]
      x[i] = d == 0 ? 0 : x[i] / d
    }
    // Backward: Lᵀ x = z.
    for i in stride(from: n - 1, through: 0, by: -1) {
      var s = x[i]
      for k in (i + 1)..<max(i + 1, n) { s -= a[k * n + i] * x[k] }
      x[i] = s
    }
  }

  /// The (generalized) inverse of A, row-major n × n, with zero rows and
  /// columns for redundant columns.
  public func inverse() -> [Double] {
    inverse(poll: {})
  }

  /// `inverse()`, calling `poll` every few columns of a large matrix.
  public func inverse(poll: () throws -> Void) rethrows -> [Double] {
    var inv = [Double](repeating: 0, count: n * n)
    var e = [Double](repeating: 0, count: n)
    let pollEvery = max(1, (1 << 22) / max(1, n * n))
    for j in 0..<n {
      if j % pollEvery == pollEvery - 1 { try poll() }
      if factor[j * n + j] == 0 { continue }
      for i in 0..<n { e[i] = i == j ? 1 : 0 }
      solveInPlace(&e)
      for i in 0..<n { inv[i * n + j] = factor[i * n + i] == 0 ? 0 : e[i] }
    }
    return inv
  }

  /// The quadratic form bᵀ A⁻ b with the generalized inverse.
  public func quadraticForm(_ b: [Double]) -> Double {
    let x = solve(b)
    var s = 0.0
    for i in 0..<n { s += b[i] * x[i] }
    return s
  }
}
