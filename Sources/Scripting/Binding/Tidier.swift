import Datasets
import LuaHost

/// The `tidy()` form of a result kind, as R's broom::tidy: the result's
/// rows as a dataset with snake_case columns named as broom names them
/// (`estimate`, `std_error`, `statistic`, `p_value`, `conf_low`,
/// `conf_high`; groups as label columns), so that a result prints, writes
/// with `write_csv` and feeds another analysis as any dataset does.
///
/// A tidier reads the Swift value behind the result's handle
/// (`ResultHandle.value`), never the result table: editing the table
/// changes nothing `tidy` returns, as for every method. A kind declares
/// its tidier with `ResultKind(..., tidy:)`; the global `tidy(x)`
/// (BindingLibrary, `TidyFunction`) finds it by the handle's kind.
public struct Tidier: Sendable {
  /// Whether `{exponentiate = true}` applies: models whose estimates are
  /// log hazard ratios (cox, finegray), as broom's `exponentiate`.
  public let exponentiates: Bool
  /// Its rows and columns, for `help(x)` ("one row per group: group, n, ...").
  public let rows: String
  private let make: @Sendable (Any, TidyOptions) throws -> Dataset

  /// The tidier of results whose handle holds a `T`.
  public init<T>(
    _ type: T.Type, rows: String, exponentiates: Bool = false,
    _ make: @escaping @Sendable (T, TidyOptions) throws -> Dataset
  ) {
    self.exponentiates = exponentiates
    self.rows = rows
    self.make = { value, options in
      guard let typed = value as? T else {
        // Kaplan's own error: a kind registered with the wrong value type.
        throw LuaError.runtime("tidy: the result holds a \(Swift.type(of: value)), not a \(T.self)")
      }
      return try make(typed, options)
    }
  }

  /// The dataset of one result.
  public func dataset(of value: Any, options: TidyOptions) throws -> Dataset {
    try make(value, options)
  }
}

/// The options of one `tidy()` call, checked by the option schema.
public struct TidyOptions: Sendable {
  /// Estimates and their limits as hazard ratios (exp) instead of logs.
  public var exponentiate: Bool

  public init(exponentiate: Bool = false) {
    self.exponentiate = exponentiate
  }
}
