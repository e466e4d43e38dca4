import FuzzDriver
@testable import Datasets

#if canImport(Glibc)
  import Glibc
#endif

/// Fuzzes the CSV tokenizer and reader (and the writer on what was read).
///
/// The first byte picks the options (delimiter, lines to skip, comment
/// prefix, a declared date format); the rest is the file. Reading may fail
/// with a `DatasetError`; it must not trap. A dataset that was read is written
/// back with `CSVWriter` and read again, which must succeed: the writer quotes
/// what the reader needs quoted. The parallel chunked reader (tiny chunks
/// and sample, so it runs on small inputs) must give the sequential reader's
/// dataset or its error; and the fast float parser (Clinger, Eisel–Lemire,
/// strtod) must give `strtod`'s double for any text it accepts. The lines
/// also feed the column conversions (`FuzzConversions.swift`).
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
  checkFastFloat(body)
  checkConversions(first, body)
  let sequential = Result { try CSVReader.read(bytes: body, file: "fuzz.csv", options: options) }
  let chunked = Result {
    try CSVReader.read(
      bytes: body, file: "fuzz.csv", options: options, chunkBytes: 1 + size % 37, sampleRows: 1 + Int(first >> 6))
  }
  switch (sequential, chunked) {
  case (.success(let a), .success(let b)):
    if (try? CSVWriter.bytes(a)) != (try? CSVWriter.bytes(b)) || a.columns.map(\.kind) != b.columns.map(\.kind) {
      fuzzFailure("the chunked reader's dataset differs from the sequential reader's")
    }
  case (.failure(let a), .failure(let b)):
    if "\(a)" != "\(b)" { fuzzFailure("the readers fail differently: \(a) vs \(b)") }
  default:
    fuzzFailure("one reader failed and the other did not: \(sequential) vs \(chunked)")
  }
  guard let dataset = try? sequential.get() else { return 0 }
  guard let text = try? CSVWriter.bytes(dataset) else { return 0 }
  do {
    _ = try CSVReader.read(bytes: text, file: "rewritten.csv")
  } catch {
    fuzzFailure("a dataset read from CSV could not be read back after CSVWriter: \(error)")
  }
  return 0
}

/// The fast float parser against `strtod` on the text (up to 80 bytes).
func checkFastFloat(_ text: [UInt8]) {
  guard !text.isEmpty, text.count <= 80, !text.contains(0) else { return }
  let parsed = text.withUnsafeBufferPointer { b in b.baseAddress.flatMap { NumberParsing.parseDouble($0, b.count) } }
  guard let parsed else { return }
  let expected = (text.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { b in
    b.baseAddress.map { strtod($0, nil) } ?? 0
  }
  if parsed.isNaN ? !expected.isNaN : parsed.bitPattern != expected.bitPattern {
    fuzzFailure("parseDouble(\(String(decoding: text, as: UTF8.self))) = \(parsed), strtod: \(expected)")
  }
}
