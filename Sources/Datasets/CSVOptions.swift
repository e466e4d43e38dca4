/// How `CSVReader` reads a delimited text file.
///
/// Defaults follow R's `read.csv`: a header row, comma delimiter (tab for
/// `.tsv`/`.tab` files), `""`, `NA`, `NaN` and `.` read as missing, column
/// types inferred over all rows.
public struct CSVOptions: Sendable, Equatable {
  /// The field delimiter (one ASCII character). `nil`: a tab for paths ending
  /// in `.tsv` or `.tab`, otherwise a comma.
  public var delimiter: Character?

  /// Field text that means "missing" (matched exactly, quoted or not).
  public var missing: Set<String> = ["", "NA", "NaN", "."]

  /// Declared column types by column name. A declared column does not go
  /// through inference; a value that does not parse as the declared type is
  /// an error.
  public var columnTypes: [String: Column.Kind] = [:]

  /// Declared factor levels, in order, by column name (implies type
  /// `string`). A value outside the declared levels is an error.
  public var levels: [String: [String]] = [:]

  /// A declared date format (`%d/%m/%Y`, see `DateFormat`). Inference accepts
  /// a column as Date when every value is ISO `YYYY-MM-DD`, or every value
  /// matches this format; declared `date` columns use this format when set.
  public var dateFormat: DateFormat?

  /// Physical lines to skip before the header.
  public var skip: Int = 0

  /// Lines starting with this prefix (outside quoted fields) are skipped.
  public var comment: String?

  public init(
    delimiter: Character? = nil, missing: Set<String> = ["", "NA", "NaN", "."],
    columnTypes: [String: Column.Kind] = [:], levels: [String: [String]] = [:],
    dateFormat: DateFormat? = nil, skip: Int = 0, comment: String? = nil
  ) {
    self.delimiter = delimiter
    self.missing = missing
    self.columnTypes = columnTypes
    self.levels = levels
    self.dateFormat = dateFormat
    self.skip = skip
    self.comment = comment
  }
}
