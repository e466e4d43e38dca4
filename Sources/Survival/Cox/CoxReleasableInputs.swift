/// The covariates of a Cox fit: one column-major n × p buffer, or one
/// array of n values per column. Column arrays let a caller pass columns it
/// already holds (a dataset's numeric columns) without copying them into a
/// design matrix first: at 10⁷ rows each column is 80 MB.
public enum CoxCovariates: Sendable {
  /// Column j is `values[j*n ..< (j+1)*n]`.
  case columnMajor([Double])
  /// Column j is `columns[j]`.
  case columns([[Double]])

  /// Values in all.
  var count: Int {
    switch self {
    case .columnMajor(let values): return values.count
    case .columns(let columns): return columns.reduce(0) { $0 + $1.count }
    }
  }

  /// Calls `body` with a pointer to the first value of each of the `p`
  /// columns of `n` rows; the counts are validated before (n > 0).
  func withColumns<R>(n: Int, p: Int, _ body: (ColumnReads) throws -> R) rethrows -> R {
    switch self {
    case .columnMajor(let values):
      return try values.withUnsafeBufferPointer { buffer in
        let base = buffer.baseAddress ?? ColumnReads.placeholder
        return try body(ColumnReads((0..<p).map { base + $0 * n }))
      }
    case .columns(let columns):
      var pointers: [UnsafePointer<Double>] = []
      pointers.reserveCapacity(columns.count)
      return try Self.nest(columns[...], &pointers, body)
    }
  }

  /// Each column's buffer pointer, held for the whole of `body`.
  private static func nest<R>(
    _ columns: ArraySlice<[Double]>, _ pointers: inout [UnsafePointer<Double>], _ body: (ColumnReads) throws -> R
  ) rethrows -> R {
    guard let first = columns.first else { return try body(ColumnReads(pointers)) }
    return try first.withUnsafeBufferPointer { buffer in
      pointers.append(buffer.baseAddress ?? ColumnReads.placeholder)
      return try nest(columns.dropFirst(), &pointers, body)
    }
  }
}

/// Pointers to the columns of the covariates, read by several workers.
/// Unchecked `Sendable`: the columns are only read while the arrays that
/// own them are held (`CoxCovariates.withColumns`).
struct ColumnReads: @unchecked Sendable {
  let columns: [UnsafePointer<Double>]
  /// Per column: its 0/1 bytes when the fit packed it (`CoxPackedColumns`;
  /// its Double column is then empty and `columns[j]` must not be read),
  /// else nil.
  let bytes: [UnsafePointer<UInt8>?]
  init(_ columns: [UnsafePointer<Double>], bytes: [UnsafePointer<UInt8>?] = []) {
    self.columns = columns
    self.bytes = bytes.count == columns.count ? bytes : [UnsafePointer<UInt8>?](repeating: nil, count: columns.count)
  }
  subscript(_ j: Int) -> UnsafePointer<Double> { columns[j] }
  /// Whether column j is read from `bytes`.
  @inline(__always) func isPacked(_ j: Int) -> Bool { bytes[j] != nil }
  /// Whether any column is.
  var hasPacked: Bool { bytes.contains { $0 != nil } }

  /// Stands for the first value of an empty column (never read: a fit
  /// has at least one row).
  nonisolated(unsafe) static let placeholder = UnsafePointer(UnsafeMutablePointer<Double>.allocate(capacity: 1))
}

/// The per-row inputs of a Cox fit that the fit may free early
/// (`CoxModel.fit(start:stop:inputs:...)`): it keeps sorted copies of the
/// status and strata and a sorted, centred row-major copy of the
/// covariates, so the inputs themselves are emptied as soon as they are no
/// longer read (status and strata once sorted, covariates once the linear
/// predictor is computed). Handed over as the only reference, their memory
/// goes back before the concordance allocates its buffers.
public struct CoxReleasableInputs: Sendable {
  /// 1 = event, 0 = censored (empty when `events` is given).
  public var status: [Double]
  /// The status as integer codes 0/1, when the caller holds them so (a model
  /// frame's `event`): read where they are, with no n-length conversion to
  /// Double (80 MB at 10⁷ rows). Takes the place of `status`.
  public var events: [Int]?
  public var covariates: CoxCovariates
  /// Stratum index per row, or nil.
  public var strata: [Int]?

  public init(status: [Double], covariates: CoxCovariates, strata: [Int]? = nil) {
    self.status = status
    self.events = nil
    self.covariates = covariates
    self.strata = strata
  }

  /// The status as 0/1 integer codes (`events`).
  public init(events: [Int], covariates: CoxCovariates, strata: [Int]? = nil) {
    self.status = []
    self.events = events
    self.covariates = covariates
    self.strata = strata
  }
}
