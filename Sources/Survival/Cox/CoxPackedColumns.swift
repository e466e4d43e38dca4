/// Indicator columns of a right-censored Cox fit kept as one byte per row
/// (issue 14: a 10⁷-row fit's peak memory).
///
/// The fit reads the covariates it was handed three times: the scaling,
/// the scatter into the sorted, centred row-major copy the sweeps read,
/// and, once β is known, the linear predictor in input order (so that its
/// bits are those of xᵀβ on the input values). A column whose values are
/// all +0.0 or 1.0 (a factor's treatment-contrast column), when `nocenter`
/// lists 0 and 1, is left alone by the scaling (mean 0, scale 1) whatever
/// else it holds; it is packed into bytes 0 and 1 before the preparation
/// allocates anything, and the Double column handed over is emptied: 80 MB
/// at 10⁷ rows become 10 MB for the whole fit. `Double(byte)` is the value
/// itself, so the scatter's (x − 0)·1 and the predictor's products are
/// unchanged bit for bit. Any other value (−0.0 and −1 included) keeps the
/// column as it is.
struct CoxPackedColumns {
  /// Per column: its 0/1 bytes, or empty when the column is kept as given.
  private(set) var bytes: [[UInt8]]

  /// No column packed.
  init(p: Int) { bytes = [[UInt8]](repeating: [], count: p) }

  /// Packs the indicator columns of `covariates` (column arrays only; a
  /// column-major buffer is one allocation, kept whole) and empties them.
  init(packing covariates: inout CoxCovariates, n: Int, p: Int, nocenter: [Double]) {
    self.init(p: p)
    guard n > 0, nocenter.contains(0), nocenter.contains(1) else { return }
    guard case .columns(var columns) = covariates, columns.count == p else { return }
    let zero = (0.0).bitPattern, one = (1.0).bitPattern
    var packedAny = false
    for j in 0..<p where columns[j].count == n {
      var ok = true
      let packed = columns[j].withUnsafeBufferPointer { column -> [UInt8] in
        [UInt8](unsafeUninitializedCapacity: n) { out, count in
          for i in 0..<n {
            let bits = column[i].bitPattern
            if bits == zero {
              out[i] = 0
            } else if bits == one {
              out[i] = 1
            } else {
              ok = false
              break
            }
          }
          // The bytes are kept only when every row was written.
          count = ok ? n : 0
        }
      }
      guard ok else { continue }
      bytes[j] = packed
      columns[j] = []
      packedAny = true
    }
    // The caller's enum held the only other references to the emptied
    // columns' buffers: replaced here, they are freed.
    if packedAny { covariates = .columns(columns) }
  }

  /// Whether column j is kept as bytes.
  @inline(__always) func isPacked(_ j: Int) -> Bool { !bytes[j].isEmpty }

  /// Calls `body` with a pointer to each packed column's bytes (nil for the
  /// columns kept as Doubles), held for the whole of `body`.
  func withBytes<R>(_ body: ([UnsafePointer<UInt8>?]) throws -> R) rethrows -> R {
    var pointers: [UnsafePointer<UInt8>?] = []
    pointers.reserveCapacity(bytes.count)
    return try Self.nest(bytes[...], &pointers, body)
  }

  private static func nest<R>(
    _ columns: ArraySlice<[UInt8]>, _ pointers: inout [UnsafePointer<UInt8>?],
    _ body: ([UnsafePointer<UInt8>?]) throws -> R
  ) rethrows -> R {
    guard let first = columns.first else { return try body(pointers) }
    if first.isEmpty {
      pointers.append(nil)
      return try nest(columns.dropFirst(), &pointers, body)
    }
    return try first.withUnsafeBufferPointer { buffer in
      pointers.append(buffer.baseAddress)
      return try nest(columns.dropFirst(), &pointers, body)
    }
  }
}
