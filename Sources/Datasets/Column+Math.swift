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
}

/// The kernels of the element-wise functions (see `ScalarKernel`).
struct LogKernel: ScalarKernel {
  let divisor: Double
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Foundation.log(x) / divisor }
}
struct NaturalLogKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Foundation.log(x) }
}
struct Log10Kernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Foundation.log10(x) }
}
struct Log2Kernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Foundation.log2(x) }
}
struct Log1pKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Foundation.log1p(x) }
}
struct ExpKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Foundation.exp(x) }
}
struct SqrtKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { x.squareRoot() }
}
struct AbsKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { Swift.abs(x) }
}
// One kernel per rounding rule: a rule held in a variable is a resilient
// enum, read through value witnesses on every row.
struct FloorKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { x.rounded(.down) }
}
struct CeilKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { x.rounded(.up) }
}
struct TruncKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { x.rounded(.towardZero) }
}
struct RoundEvenKernel: ScalarKernel {
  @inline(__always) func callAsFunction(_ x: Double) -> Double { x.rounded(.toNearestOrEven) }
}
struct RoundKernel: ScalarKernel {
  let rounder: RRounding.Rounder
  @inline(__always) func callAsFunction(_ x: Double) -> Double { rounder.round(x) }
}
struct SignifKernel: ScalarKernel {
  let digits: Double
  @inline(__always) func callAsFunction(_ x: Double) -> Double { RRounding.signif(x, digits: digits) }
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
    let mapped: (values: [Double], nans: Int)?
    switch f {
    case .log(nil): mapped = ElementwiseKernel.mapNumeric(self, NaturalLogKernel())
    case .log(10?): mapped = ElementwiseKernel.mapNumeric(self, Log10Kernel())
    case .log(2?): mapped = ElementwiseKernel.mapNumeric(self, Log2Kernel())
    case .log(let b?): mapped = ElementwiseKernel.mapNumeric(self, LogKernel(divisor: Foundation.log(b)))
    case .log1p: mapped = ElementwiseKernel.mapNumeric(self, Log1pKernel())
    case .exp: mapped = ElementwiseKernel.mapNumeric(self, ExpKernel())
    case .sqrt: mapped = ElementwiseKernel.mapNumeric(self, SqrtKernel())
    case .abs: mapped = ElementwiseKernel.mapNumeric(self, AbsKernel())
    case .floor: mapped = ElementwiseKernel.mapNumeric(self, FloorKernel())
    case .ceil: mapped = ElementwiseKernel.mapNumeric(self, CeilKernel())
    case .trunc: mapped = ElementwiseKernel.mapNumeric(self, TruncKernel())
    case .round(0): mapped = ElementwiseKernel.mapNumeric(self, RoundEvenKernel())
    case .round(let digits):
      mapped = ElementwiseKernel.mapNumeric(self, RoundKernel(rounder: RRounding.Rounder(digits: digits)))
    case .signif(let digits): mapped = ElementwiseKernel.mapNumeric(self, SignifKernel(digits: digits))
    }
    guard let (values, nans) = mapped else {
      throw DatasetError.invalid("\(f.name) needs a number column, got a \(kind.rawValue) column")
    }
    return (.double(values), nans)
  }
}
