import Datasets

/// What `StatFileReader` reads and how, the options `read_sas`, `read_xpt`,
/// `read_dta` and `read_sav` share with `read_csv`.
public struct StatReadOptions: Sendable {
  /// The columns to read, in this order (nil: all, in the file's order).
  public var select: [String]?
  /// At most this many rows (nil: all).
  public var maxRows: Int?
  /// Column types to force after reading (double, int, string, date).
  public var columnTypes: [String: Column.Kind] = [:]
  /// Level order of string columns.
  public var levels: [String: [String]] = [:]
  /// Date-times (SAS `DATETIME20.`, Stata `%tc`, SPSS `DATETIME`): as the
  /// calendar day (a date column, UTC), or as seconds since 1970-01-01
  /// 00:00 UTC (a double column, R's POSIXct).
  public var dateTimesAsSeconds = false
  /// Value-labelled numbers (Stata, SPSS): as string columns of their
  /// labels (haven's `as_factor`), or as the numeric codes.
  public var valueLabelsAsFactors = true

  public init() {}
}
