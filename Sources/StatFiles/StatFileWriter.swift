#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

import CReadStat
import Datasets
import RunControl

/// Writes a dataset as a SAS transport file (version 5 or 8, the format of
/// FDA submissions) or a Stata file (version 118, UTF-8) through
/// ReadStat's writer.
///
/// Columns become: doubles and ints numbers (a double's special missing
/// code `.A`–`.Z`, `._` for XPT or `.a`–`.z` for Stata is written as that
/// missing value, other NA as `.`); bools 0/1; dates numbers of days since
/// 1960-01-01 with format `DATE9.` (XPT) or `%td` (Stata); strings text of
/// the longest level's width, except that a string column read with value
/// labels goes to Stata as its codes with the labels again (its special
/// missing codes, and their labels, as Stata's `.a`–`.z`). An infinite
/// value is an error for Stata (naming column and row) and missing with a
/// warning for XPT (haven writes NA; SAS has no infinity). Variable labels come from the dataset's
/// metadata, overridden by `labels`; the dataset's label is written as the
/// file label. Names and labels are checked against the format's limits
/// first (`StatNameRules`), so nothing is written for a dataset the format
/// cannot hold.
public enum StatFileWriter {
  public struct XPTOptions: Sendable {
    /// 5 (names ≤ 8 characters, labels ≤ 40) or 8 (names ≤ 32, labels ≤ 256).
    public var version = 5
    /// The member (table) name; default: the file's name without extension, upper case.
    public var tableName: String?
    /// Variable labels to write instead of the dataset's own (column → label).
    public var labels: [String: String] = [:]
    public init() {}
  }

  public static func writeXPT(_ d: Dataset, path: String, options: XPTOptions = XPTOptions()) throws {
    guard options.version == 5 || options.version == 8 else {
      throw StatWriteError("version: SAS transport versions are 5 and 8, got \(options.version)")
    }
    let rules = StatNameRules.xpt(version: options.version)
    let table = options.tableName ?? StatNameRules.defaultTableName(path: path, maxLength: rules.maxName)
    try rules.checkTableName(table)
    try write(d, path: path, rules: rules, labels: options.labels, table: table) { writer, ctx, rows in
      _ = readstat_writer_set_file_format_version(writer, UInt8(options.version))
      return readstat_begin_writing_xport(writer, ctx, rows)
    }
  }

  public static func writeDTA(_ d: Dataset, path: String, labels: [String: String] = [:]) throws {
    try write(d, path: path, rules: StatNameRules.dta, labels: labels, table: nil) { writer, ctx, rows in
      _ = readstat_writer_set_file_format_version(writer, 118)
      return readstat_begin_writing_dta(writer, ctx, rows)
    }
  }

  private static func write(
    _ d: Dataset, path: String, rules: StatNameRules, labels: [String: String], table: String?,
    begin: (UnsafeMutablePointer<readstat_writer_t>, UnsafeMutableRawPointer, Int) -> readstat_error_t
  ) throws {
    // ReadStat writes a file without variables that it cannot read back (fuzz-stat-files found it).
    guard !d.names.isEmpty else { throw StatWriteError("the dataset has no columns to write") }
    for name in labels.keys.sorted() where d.index(of: name) == nil {
      throw StatWriteError("labels: no column '\(name)' (columns: \(d.names.joined(separator: ", ")))")
    }
    if let label = d.attributes.label { try rules.checkDatasetLabel(label) }
    let plan = try StatWritePlan(d, rules: rules, labels: labels)
    // ReadStat's output is collected in memory (the budget asked), then written at once.
    try MemoryBudget.require(count: d.rowCount, stride: max(plan.rowWidth, 1), for: "writing '\(path)'")
    let sink = ByteSink()
    guard let writer = readstat_writer_init() else { throw DatasetError.io("cannot write '\(path)': out of memory") }
    defer { readstat_writer_free(writer) }
    _ = readstat_set_data_writer(writer, sinkWriter)
    if let label = d.attributes.label { _ = readstat_writer_set_file_label(writer, label) }
    if let table { _ = readstat_writer_set_table_name(writer, table) }
    // A fixed time stamp: the same dataset gives the same bytes.
    _ = readstat_writer_set_file_timestamp(writer, 0)
    let variables = plan.columns.map { c -> UnsafeMutablePointer<readstat_variable_t>? in
      let v = readstat_add_variable(writer, c.name, c.type, c.width)
      if let label = c.label { readstat_variable_set_label(v, label) }
      if let format = c.format { readstat_variable_set_format(v, format) }
      if let labels = c.valueLabels, let set = readstat_add_label_set(writer, READSTAT_TYPE_INT32, c.name) {
        for l in labels { readstat_label_int32_value(set, l.code, l.label) }
        for l in c.taggedLabels { readstat_label_tagged_value(set, l.tag, l.label) }
        readstat_variable_set_label_set(v, set)
      }
      return v
    }
    let context = Unmanaged.passUnretained(sink).toOpaque()
    var status = begin(writer, context, d.rowCount)
    var row = 0
    while status == READSTAT_OK, row < d.rowCount {
      if row & 4095 == 0 { try Cancellation.check() }
      status = readstat_begin_row(writer)
      for (c, v) in zip(plan.columns, variables) where status == READSTAT_OK {
        status = c.insert(writer, v, row)
      }
      if status == READSTAT_OK { status = readstat_end_row(writer) }
      row += 1
    }
    if status == READSTAT_OK { status = readstat_end_writing(writer) }
    guard status == READSTAT_OK else {
      throw DatasetError.io("cannot write '\(path)': \(String(cString: readstat_error_message(status)))")
    }
    try sink.write(to: path)
    for (column, count) in plan.infiniteColumns {
      RunWarnings.emit("write_xpt: column '\(column)' has \(count) infinite value\(count == 1 ? "" : "s"), "
        + "written as missing (.), as SAS transport has no infinity")
    }
  }
}

/// A name, label or value the format cannot hold: the message names the column.
public struct StatWriteError: Error, CustomStringConvertible {
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// ReadStat's output, collected.
final class ByteSink {
  var bytes: [UInt8] = []

  /// The bytes to `path`, as every writer of the project writes a file
  /// (`FileBytes.write`: no symbolic link followed, EINTR retried).
  func write(to path: String) throws { try FileBytes.write(path: path, bytes: bytes) }
}

private let sinkWriter: readstat_data_writer = { data, length, ctx in
  guard let ctx, let data else { return 0 }
  let sink = Unmanaged<ByteSink>.fromOpaque(ctx).takeUnretainedValue()
  sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
  return length
}
