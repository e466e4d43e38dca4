import Datasets
import FuzzDriver

/// Fuzzes the CSV tokenizer and reader (and the writer on what was read).
///
/// The first byte picks the options (delimiter, lines to skip, comment
/// prefix, a declared date format); the rest is the file. Reading may fail
/// with a `DatasetError`; it must not trap. A dataset that was read is written
/// back with `CSVWriter` and read again, which must succeed: the writer quotes
/// what the reader needs quoted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzBytes(data, size)
  guard let first = bytes.first else { return 0 }
  var options = CSVOptions()
  options.delimiter = [",", ";", "\t", "|"][Int(first & 3)]
  options.skip = Int((first >> 2) & 1)
  if first & 8 != 0 { options.comment = "#" }
  if first & 16 != 0 { options.dateFormat = try? DateFormat("%d/%m/%Y") }
  if first & 32 != 0 { options.missing = ["", "NA", "-"] }
  let body = Array(bytes.dropFirst())
  guard let dataset = try? CSVReader.read(bytes: body, file: "fuzz.csv", options: options) else { return 0 }
  guard let text = try? CSVWriter.bytes(dataset) else { return 0 }
  do {
    _ = try CSVReader.read(bytes: text, file: "rewritten.csv")
  } catch {
    fuzzFailure("a dataset read from CSV could not be read back after CSVWriter: \(error)")
  }
  return 0
}
