import Datasets
import Foundation

/// The design rows of a whole dataset column by column: what `row(_:)` gives
/// for each row's values, built with one pass per variable and term instead
/// of one dictionary and one array per row (`adjustedCurves` codes every row
/// of the data once per level: 10⁶ rows per level at scale).
///
/// Only for models without transformed variables (splines, polynomials,
/// `tt()`): `columns(of:)` returns nil for them and the caller codes row by
/// row. Rows with a missing value are flagged in `missing`; their design
/// entries are unspecified. A non-finite number or a value that is not a
/// level of the model is an error naming the row, as `row(_:)`'s.
extension DesignProfile {
  public struct Columns {
    /// Column-major rows × columnNames.count.
    public let values: [Double]
    public let missing: [Bool]
  }

  public func columns(of data: Dataset) throws -> Columns? {
    let n = data.rowCount
    var missing = [Bool](repeating: false, count: n)
    var numbers: [String: [Double]] = [:]
    var levelIndex: [String: [Int32]] = [:]
    // Missing rows first (any variable), so that only complete rows are checked, as row by row.
    let ordered = codings.sorted { $0.key.label < $1.key.label }
    for (variable, coding) in ordered {
      if case .transformed = coding { return nil }
      guard let column = data[variable.column] else {
        throw ModelFrameError(
          "the profile has no value for '\(variable.column)' (give every variable: "
            + "\(variables.joined(separator: ", ")))")
      }
      for r in 0..<n where column.isMissing(r) { missing[r] = true }
    }
    for (variable, coding) in ordered {
      guard let column = data[variable.column] else { continue }
      switch coding {
      case .transformed: return nil
      case .numeric:
        let x = column.asDoubles()
        switch column {
        case .factor, .bool:
          if let r = missing.firstIndex(of: false) {
            throw ModelFrameError(
              "newdata row \(r + 1): '\(variable.column)' in the profile must be a finite number, got "
                + Self.describe(ProfileValue(column, row: r)))
          }
        default: break
        }
        for r in 0..<n where !missing[r] && !x[r].isFinite {
          throw ModelFrameError(
            "newdata row \(r + 1): '\(variable.column)' in the profile must be a finite number, got "
              + RValueFormat.number(x[r]))
        }
        numbers[variable.label] = x
      case .categorical(let levels):
        levelIndex[variable.label] = try Self.levelCodes(column, levels: levels, missing: missing, name: variable)
      }
    }
    let p = columnNames.count
    var values: [Double] = []
    values.reserveCapacity(n * p)
    for (k, term) in terms.enumerated() {
      // The term's columns, as `row(_:)` multiplies its blocks: piece-major, earlier blocks inner.
      var product: [[Double]] = [[Double](repeating: 1, count: n)]
      for variable in term.variables {
        var block: [[Double]]
        switch codings[variable] ?? .numeric {
        case .numeric, .transformed:
          block = [numbers[variable.label] ?? [Double](repeating: .nan, count: n)]
        case .categorical(let levels):
          let contrasts = DesignMatrix.usesContrasts(variable, in: term, preceding: terms[..<k])
          let codes = levelIndex[variable.label] ?? []
          let first = contrasts ? 1 : 0
          block = (first..<levels.count).map { level in
            codes.map { $0 == Int32(level) ? 1 : 0 }
          }
        }
        var next: [[Double]] = []
        for piece in block {
          for column in product {
            var c = column
            for r in 0..<n { c[r] *= piece[r] }
            next.append(c)
          }
        }
        product = next
      }
      for column in product { values += column }
    }
    guard values.count == n * p else {
      throw ModelFrameError("internal: the data gave \(values.count / max(n, 1)) design columns, the model has \(p)")
    }
    return Columns(values: values, missing: missing)
  }

  /// Each row's index in `levels` (−1 for a missing row); a value that is not a level is an error.
  static func levelCodes(_ column: Column, levels: [String], missing: [Bool], name: FormulaVariable) throws
    -> [Int32]
  {
    var index: [String: Int32] = [:]
    for (k, level) in levels.enumerated() { index[level] = Int32(k) }
    func code(_ text: String, row: Int) throws -> Int32 {
      guard let k = index[text] else {
        throw ModelFrameError(
          "newdata row \(row + 1): '\(name.column)' = \(text) in the profile is not a level of '\(name.label)' "
            + "(levels: \(levels.joined(separator: ", ")))")
      }
      return k
    }
    let n = column.count
    var out = [Int32](repeating: -1, count: n)
    switch column {
    case .factor(let codes, let own):
      var map = [Int32?](repeating: nil, count: own.count)
      for r in 0..<n where !missing[r] {
        let c = Int(codes[r])
        if let k = map[c] {
          out[r] = k
        } else {
          let k = try code(own[c], row: r)
          map[c] = k
          out[r] = k
        }
      }
    case .bool(let v):
      for r in 0..<n where !missing[r] { out[r] = try code(v[r] != 0 ? "TRUE" : "FALSE", row: r) }
    default:
      let x = column.asDoubles()
      var seen: [Double: Int32] = [:]
      for r in 0..<n where !missing[r] {
        if let k = seen[x[r]] {
          out[r] = k
        } else {
          let k = try code(RValueFormat.number(x[r]), row: r)
          seen[x[r]] = k
          out[r] = k
        }
      }
    }
    return out
  }
}
