import CReadStat
import CReadStatShim
import Datasets
import RunControl

/// Reads SAS (`.sas7bdat`), SAS transport (`.xpt`), Stata (`.dta`) and SPSS
/// (`.sav`) files into a `Dataset` with their metadata, through ReadStat
/// (the C library behind R's haven and Python's pyreadstat).
///
/// The file is opened, checked (regular file, size within the memory
/// budget) and mapped by `MappedFile`, and ReadStat parses the mapping
/// through memory I/O handlers (`CReadStatShim`), so it never opens a path
/// itself. Its callbacks are plain C functions returning a status: they
/// never longjmp, and a stop (Ctrl-C, `--timeout`) or a memory refusal
/// makes them return `READSTAT_HANDLER_ABORT`, after which the error is
/// thrown here. What the columns become follows haven 2.5's `read_*` then
/// `as_factor`: see `StatColumnAssembly`.
public enum StatFileReader {
  public static func read(path: String, format: StatFileFormat, options: StatReadOptions = StatReadOptions())
    throws -> Dataset
  {
    let file = try MappedFile(path: path)
    return try withExtendedLifetime(file) { try read(bytes: file.bytes, file: path, format: format, options: options) }
  }

  /// Reads the file's bytes (`file` names it in messages); what `read(path:)` and the fuzzer call.
  public static func read(
    bytes: UnsafeBufferPointer<UInt8>, file path: String, format: StatFileFormat,
    options: StatReadOptions = StatReadOptions()
  ) throws -> Dataset {
    guard bytes.count > 0 else {
      throw DatasetError.io("'\(path)' is empty (0 bytes), not a \(format.displayName) file")
    }
    let state = ReadState(format: format, options: options, path: path)
    state.fileBytes = bytes.count
    guard let parser = readstat_parser_init() else { throw DatasetError.io("cannot read '\(path)': out of memory") }
    defer { readstat_parser_free(parser) }
    var status = kaplan_readstat_use_memory(parser, bytes.baseAddress, bytes.count)
    guard status == READSTAT_OK else { throw failure(status, path: path, format: format, state: state) }
    _ = readstat_set_metadata_handler(parser, onMetadata)
    _ = readstat_set_variable_handler(parser, onVariable)
    _ = readstat_set_value_handler(parser, onValue)
    _ = readstat_set_value_label_handler(parser, onValueLabel)
    _ = readstat_set_error_handler(parser, onError)
    if let n = options.maxRows {
      // ReadStat takes a row limit of 0 as "no limit".
      if n == 0 { state.stopAtZeroRows = true }
      _ = readstat_set_row_limit(parser, max(n, 1))
    }
    let context = Unmanaged.passUnretained(state).toOpaque()
    switch format {
    case .sas7bdat: status = readstat_parse_sas7bdat(parser, path, context)
    case .xpt: status = readstat_parse_xport(parser, path, context)
    case .dta: status = readstat_parse_dta(parser, path, context)
    case .sav: status = readstat_parse_sav(parser, path, context)
    }
    if let error = state.failure { throw error }
    if state.stopAtZeroRows, status == READSTAT_ERROR_USER_ABORT { status = READSTAT_OK }
    guard status == READSTAT_OK else { throw failure(status, path: path, format: format, state: state) }
    return try StatColumnAssembly(state: state).dataset()
  }

  /// ReadStat's error as a sentence naming the file and what is wrong.
  static func failure(_ status: readstat_error_t, path: String, format: StatFileFormat, state: ReadState) -> Error {
    let what: String
    switch status {
    case READSTAT_ERROR_UNSUPPORTED_COMPRESSION:
      // ReadStat reads SAS's CHAR (RLE) and BINARY (RDC) compression; anything else is refused here,
      // also a compressed row marked deleted (subheader compression 5: parso's comp_deleted.sas7bdat).
      what =
        format == .sas7bdat
        ? "its compression is not supported (SAS's COMPRESS=CHAR and BINARY are, but not a compressed file "
          + "with deleted rows; save it with COMPRESS=NO)"
        : "its compression is not supported"
    case READSTAT_ERROR_READ, READSTAT_ERROR_SEEK: what = "the file ends early (truncated?)"
    case READSTAT_ERROR_PARSE: what = "it is not a valid \(format.displayName) file, or it is damaged"
    case READSTAT_ERROR_UNSUPPORTED_FILE_FORMAT_VERSION: what = "its file format version is not supported"
    case READSTAT_ERROR_UNSUPPORTED_CHARSET: what = "its character encoding is not supported"
    case READSTAT_ERROR_CONVERT, READSTAT_ERROR_CONVERT_BAD_STRING, READSTAT_ERROR_CONVERT_LONG_STRING,
      READSTAT_ERROR_CONVERT_SHORT_STRING:
      what = "a text in it is not valid in the file's character encoding"
    default:
      what = String(cString: readstat_error_message(status))
    }
    var detail = ""
    if let first = state.messages.first {
      detail = " (ReadStat: \(withoutReadStatPrefix(first.trimmingCharacters(in: " \n"))))"
    }
    return DatasetError.io("cannot read '\(path)' as a \(format.displayName) file: \(what)\(detail)")
  }
}

/// ReadStat's own messages often begin with "ReadStat: "; the detail says it once.
func withoutReadStatPrefix(_ message: String) -> String {
  var s = Substring(message)
  while s.hasPrefix("ReadStat:") { s = s.dropFirst("ReadStat:".count).drop(while: { $0 == " " }) }
  return String(s)
}

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var s = Substring(self)
    while let c = s.first, set.contains(c) { s = s.dropFirst() }
    while let c = s.last, set.contains(c) { s = s.dropLast() }
    return String(s)
  }
}

/// What the callbacks collect; reached through ReadStat's `void *ctx`.
final class ReadState {
  let format: StatFileFormat
  let options: StatReadOptions
  let path: String
  var failure: Error?
  var messages: [String] = []
  var fileLabel: String?
  var expectedRows = -1
  var variableCount = 0
  var stopAtZeroRows = false
  /// Every variable's name in file order, selected or not (for messages).
  var allNames: [String] = []
  /// Builder of each variable index (nil: skipped by `select`).
  var byIndex: [ColumnBuilder?] = []
  var builders: [ColumnBuilder] = []
  var valueLabels: [String: [ValueLabel]] = [:]
  /// Cells since the last poll of the stop and budget checks (counted in
  /// the per-cell callback only: unchecked, as `ColumnBuilder.numbers`).
  @exclusivity(unchecked) var cellsSincePoll = 0
  var rowsBudgeted = 0
  var fileBytes = 0
  /// Bytes of one row over all variables, selected or not (XPT: the fixed record length).
  var recordWidth = 0

  init(format: StatFileFormat, options: StatReadOptions, path: String) {
    self.format = format
    self.options = options
    self.path = path
  }

  static func of(_ ctx: UnsafeMutableRawPointer?) -> ReadState? {
    ctx.map { Unmanaged<ReadState>.fromOpaque($0).takeUnretainedValue() }
  }

  /// Stops the parse with `error` (returned as ReadStat's abort).
  func abort(_ error: Error) -> Int32 {
    failure = failure ?? error
    return Int32(READSTAT_HANDLER_ABORT)
  }

  /// Rows to reserve at the first value: the count the header gives, or
  /// for an XPT file (whose header gives none: ReadStat reports -1) the
  /// most fixed-length records of `recordWidth` bytes the file can hold,
  /// an upper bound a few header records above the true count, so that
  /// the columns never grow (copy) as rows arrive.
  var rowsToReserve: Int {
    if expectedRows >= 0 { return expectedRows }
    guard format == .xpt, recordWidth > 0 else { return -1 }
    return fileBytes / recordWidth
  }

  /// Asks the budget for columns of `rows` rows beside the mapped file
  /// (`require` counts nothing: the whole is asked each time).
  func budget(rows: Int) throws {
    guard rows > rowsBudgeted else { return }
    let perRow = max(builders.count, 1) * 8
    let (columns, overflow) = rows.multipliedReportingOverflow(by: perRow)
    try MemoryBudget.require(
      overflow ? Int.max : columns &+ min(fileBytes, Int.max - columns),
      for: "reading '\(path)' (\(rows) rows of \(builders.count) columns)")
    rowsBudgeted = rows
  }
}

private let handlerOK = Int32(READSTAT_HANDLER_OK)

private func text(_ p: UnsafePointer<CChar>?) -> String? {
  guard let p, p.pointee != 0 else { return nil }
  return String(cString: p)
}

private let onMetadata: readstat_metadata_handler = { metadata, ctx in
  guard let state = ReadState.of(ctx), let metadata else { return handlerOK }
  state.fileLabel = text(readstat_get_file_label(metadata))
  state.expectedRows = Int(readstat_get_row_count(metadata))
  state.variableCount = Int(readstat_get_var_count(metadata))
  return handlerOK
}

private let onVariable: readstat_variable_handler = { index, variable, labelSet, ctx in
  guard let state = ReadState.of(ctx), let variable else { return handlerOK }
  let name = text(readstat_variable_get_name(variable)) ?? "V\(index + 1)"
  let i = Int(index)
  while state.byIndex.count <= i { state.byIndex.append(nil) }
  state.allNames.append(name)
  state.recordWidth += max(Int(readstat_variable_get_storage_width(variable)), 0)
  if let select = state.options.select, !select.contains(name) {
    return Int32(READSTAT_HANDLER_SKIP_VARIABLE)
  }
  let type = readstat_variable_get_type(variable)
  let storage: ColumnBuilder.Storage =
    readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING ? .text : .number
  let builder = ColumnBuilder(
    name: name, storage: storage, label: text(readstat_variable_get_label(variable)),
    format: text(readstat_variable_get_format(variable)), labelSet: text(labelSet),
    isInteger: state.format == .dta
      && (type == READSTAT_TYPE_INT8 || type == READSTAT_TYPE_INT16 || type == READSTAT_TYPE_INT32),
    hasDefinedMissing: readstat_variable_get_missing_ranges_count(variable) > 0)
  state.byIndex[i] = builder
  state.builders.append(builder)
  return handlerOK
}

private let onValue: readstat_value_handler = { obsIndex, variable, value, ctx in
  guard let state = ReadState.of(ctx), let variable else { return handlerOK }
  if state.stopAtZeroRows { return Int32(READSTAT_HANDLER_ABORT) }
  let i = Int(readstat_variable_get_index(variable))
  guard i >= 0, i < state.byIndex.count, let builder = state.byIndex[i] else { return handlerOK }
  state.cellsSincePoll += 1
  if state.cellsSincePoll >= 1 << 16 {
    state.cellsSincePoll = 0
    do {
      try Cancellation.check()
      let rows = Int(obsIndex) + 1
      if rows > state.rowsBudgeted {
        try state.budget(rows: state.rowsToReserve > 0 ? max(rows, state.rowsToReserve) : rows * 2)
      }
    } catch { return state.abort(error) }
  }
  if obsIndex == 0, builder.count == 0 {
    // The first row: ask the budget for all rows the file says it has, but
    // reserve no more rows than the file has bytes (every format spends at
    // least a byte a row), so a damaged header claiming 2^31 rows in a few
    // kilobytes cannot make a huge allocation; real rows beyond grow the
    // columns as they come.
    let rows = min(state.rowsToReserve, state.options.maxRows ?? Int.max, max(state.fileBytes, 1))
    if rows > 0 {
      do { try state.budget(rows: rows) } catch { return state.abort(error) }
      builder.reserve(rows)
    }
  }
  // A row the file skipped for this variable is NA.
  if builder.count < Int(obsIndex) { builder.pad(to: Int(obsIndex)) }
  switch builder.storage {
  case .text:
    builder.appendText(readstat_value_is_system_missing(value) != 0 ? nil : readstat_string_value(value))
  case .number:
    if readstat_value_is_tagged_missing(value) != 0 {
      let tag = UInt8(bitPattern: readstat_value_tag(value))
      builder.appendMissing(code: "." + String(UnicodeScalar(tag)))
    } else if readstat_value_is_system_missing(value) != 0 {
      builder.numbers.append(.nan)
    } else {
      let x = numericValue(value)
      if builder.hasDefinedMissing, readstat_value_is_defined_missing(value, variable) != 0 {
        builder.appendMissing(code: RNumberText.asCharacter(x))
      } else {
        builder.numbers.append(x)
      }
    }
  }
  return handlerOK
}

private func numericValue(_ value: readstat_value_t) -> Double {
  switch readstat_value_type(value) {
  case READSTAT_TYPE_INT8: return Double(readstat_int8_value(value))
  case READSTAT_TYPE_INT16: return Double(readstat_int16_value(value))
  case READSTAT_TYPE_INT32: return Double(readstat_int32_value(value))
  case READSTAT_TYPE_FLOAT: return Double(readstat_float_value(value))
  default: return readstat_double_value(value)
  }
}

private let onValueLabel: readstat_value_label_handler = { setName, value, label, ctx in
  guard let state = ReadState.of(ctx), let name = text(setName) else { return handlerOK }
  let code: ValueLabel.Code
  if readstat_value_is_tagged_missing(value) != 0 {
    code = .tagged(Character(UnicodeScalar(UInt8(bitPattern: readstat_value_tag(value)))))
  } else if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
    code = .text(text(readstat_string_value(value)) ?? "")
  } else {
    code = .number(numericValue(value))
  }
  state.valueLabels[name, default: []].append(ValueLabel(code: code, label: text(label) ?? ""))
  return handlerOK
}

private let onError: readstat_error_handler = { message, ctx in
  guard let state = ReadState.of(ctx), let message = text(message), state.messages.count < 4 else { return }
  state.messages.append(message)
}
