import Foundation

/// Reading and building the columns of (start, stop] data, shared by the
/// survival-data helpers.
enum SurvivalColumns {
  /// A number as messages show it (`5`, `2.5`, `Inf`, `NA`).
  static func shown(_ x: Double) -> String {
    if x.isNaN { return "NA" }
    if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return Scalar.double(x).description
  }

  /// The times of a numeric column as doubles (NA → NaN); a column of
  /// another type is an error naming the option that named it.
  static func times(_ d: Dataset, _ name: String, option: String) throws -> [Double] {
    guard let column = d[name] else {
      throw SurvivalDataError.option(
        option, "no column '\(name)' (columns: \(d.names.joined(separator: ", ")))")
    }
    switch column {
    case .double(let v): return v
    case .int: return column.asDoubles()
    default:
      throw SurvivalDataError.option(
        option, "column '\(name)' must hold numbers (int or double), got a \(column.kind.rawValue) column")
    }
  }

  /// `source[i]` repeated `offsets[i + 1] - offsets[i]` times, in row order:
  /// the rows of a split dataset, written once into a preallocated buffer.
  static func repeated<T>(_ source: [T], offsets: [Int]) -> [T] {
    let total = offsets.last ?? 0
    return [T](unsafeUninitializedCapacity: total) { out, count in
      source.withUnsafeBufferPointer { src in
        offsets.withUnsafeBufferPointer { off in
          for i in 0..<src.count {
            let v = src[i]
            for k in off[i]..<off[i + 1] { out.initializeElement(at: k, to: v) }
          }
        }
      }
      count = total
    }
  }

  /// Column `c` with each row repeated as `offsets` says.
  static func repeated(_ c: Column, offsets: [Int]) -> Column {
    switch c {
    case .double(let v): return .double(repeated(v, offsets: offsets))
    case .int(let v): return .int(repeated(v, offsets: offsets))
    case .factor(let codes, let levels): return .factor(codes: repeated(codes, offsets: offsets), levels: levels)
    case .bool(let v): return .bool(repeated(v, offsets: offsets))
    case .date(let v): return .date(repeated(v, offsets: offsets))
    }
  }

  /// `repeated` of several columns, on the machine's cores: each worker
  /// builds whole columns, writing only its own slots of the result
  /// (`SharedPointer`'s rules, ChunkWorkers.swift).
  static func repeatedInParallel(_ columns: [Column], offsets: [Int]) -> [Column] {
    guard columns.count > 1 else { return columns.map { repeated($0, offsets: offsets) } }
    var out = [Column](repeating: .int([]), count: columns.count)
    out.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      let shared = SharedPointer(base)
      DispatchQueue.concurrentPerform(iterations: columns.count) { i in
        shared.pointer[i] = repeated(columns[i], offsets: offsets)
      }
    }
    return out
  }

  /// Bytes per row of a column (for the memory budget).
  static func width(_ c: Column) -> Int {
    switch c {
    case .double, .int: return 8
    case .factor, .date: return 4
    case .bool: return 1
    }
  }
}
