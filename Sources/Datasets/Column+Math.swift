import Foundation

/// An element-wise function of one numeric column, as R's of the same name
/// (R 4.2 with glibc's libm: the same `log`, `exp`, `sqrt`, `log1p`).
public enum ElementwiseFunction: Sendable, Equatable {
  /// Natural log, or `log(x) / log(base)` (base 10 and 2 use `log10` and
  /// `log2`, as R's `logbase`).
  case log(base: Double?)
  case log1p, exp, sqrt, abs, floor, ceil, trunc
  /// R's `round(x, digits)` (`RRounding.round`).
  case round(digits: Double)
  /// R's `signif(x, digits)` (`RRounding.signif`).
  case signif(digits: Double)

  /// The name R and Kaplan give it (messages, warnings).
  public var name: String {
    switch self {
    case .log: return "log"
    case .log1p: return "log1p"
    case .exp: return "exp"
    case .sqrt: return "sqrt"
    case .abs: return "abs"
    case .floor: return "floor"
    case .ceil: return "ceil"
    case .trunc: return "trunc"
    case .round: return "round"
    case .signif: return "signif"
    }
  }

  /// Whether an int (or bool) column gives an int column, as in R: only
  /// `abs` (R's `round`, `floor`, ... of an integer are double).
  public var keepsIntegers: Bool { self == .abs }

  /// The function on one double; NaN (NA) gives NaN, except where R's
  /// arithmetic says otherwise.
  public var function: @Sendable (Double) -> Double {
    switch self {
    case .log(let base):
      switch base {
      case nil: return { Foundation.log($0) }
      case 10?: return { Foundation.log10($0) }
      case 2?: return { Foundation.log2($0) }
      case let b?:
        let denominator = Foundation.log(b)
        return { Foundation.log($0) / denominator }
      }
    case .log1p: return { Foundation.log1p($0) }
    case .exp: return { Foundation.exp($0) }
    case .sqrt: return { $0.squareRoot() }
    case .abs: return { Swift.abs($0) }
    case .floor: return { $0.rounded(.down) }
    case .ceil: return { $0.rounded(.up) }
    case .trunc: return { $0.rounded(.towardZero) }
    case .round(let digits):
      if digits == 0 { return { $0.rounded(.toNearestOrEven) } }
      return { RRounding.round($0, digits: digits) }
    case .signif(let digits): return { RRounding.signif($0, digits: digits) }
    }
  }
}

extension Column {
  /// `f` of every value: a double column (an int column for `abs` of an
  /// int or bool column); NA stays NA. `nans` counts the values that were
  /// not NA and gave NaN (`log(-1)`), stored as NA: the caller warns once,
  /// as R's "NaNs produced". String and date columns are an error.
  public func applying(_ f: ElementwiseFunction) throws -> (column: Column, nans: Int) {
    if f.keepsIntegers {
      switch self {
      case .int(let v):
        // |x| of a valid int always fits: Int.min is the NA code.
        return (.int(v.map { $0 == Column.naInt ? $0 : Swift.abs($0) }), 0)
      case .bool(let v): return (.int(v.map { $0 == Column.naBool ? Column.naInt : Int($0) }), 0)
      default: break
      }
    }
    guard let (values, nans) = ElementwiseKernel.mapNumeric(self, f.function) else {
      throw DatasetError.invalid("\(f.name) needs a number column, got a \(kind.rawValue) column")
    }
    return (.double(values), nans)
  }
}
