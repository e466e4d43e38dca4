import Datasets
import FuzzDriver
import StatFiles

#if canImport(Glibc)
  import Glibc
#endif

/// Fuzzes the ReadStat readers (SAS, XPT, Stata, SPSS) and the writers on
/// what was read.
///
/// The first byte picks the format and options (row limit, value labels as
/// codes, date-times as seconds); the rest is the file. Reading may fail
/// with a `DatasetError`; it must not trap. A dataset that was read is
/// written as XPT version 8 and as Stata (unless a name or text the format
/// cannot hold is refused with `StatWriteError`) and read back, which must
/// give the same number of rows and columns.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatFiles(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzBytes(data, size)
  guard let first = bytes.first else { return 0 }
  let format = StatFileFormat.allCases[Int(first & 3)]
  var options = StatReadOptions()
  if first & 4 != 0 { options.maxRows = Int(first >> 5) }
  options.valueLabelsAsFactors = first & 8 == 0
  options.dateTimesAsSeconds = first & 16 != 0
  let body = Array(bytes.dropFirst())
  let read = body.withUnsafeBufferPointer { b in
    Result { try StatFileReader.read(bytes: b, file: "fuzz.\(format.rawValue)", format: format, options: options) }
  }
  guard case .success(let dataset) = read else {
    if case .failure(let error) = read, !(error is DatasetError) { fuzzFailure("a reader threw \(error)") }
    return 0
  }
  let path = "/tmp/kaplan-fuzz-stat-files-\(getpid())"
  defer { unlink(path) }
  for (written, again) in [(StatFileFormat.xpt, 8), (StatFileFormat.dta, 0)] {
    do {
      if written == .xpt {
        var o = StatFileWriter.XPTOptions()
        o.version = again
        o.tableName = "FUZZ"
        try StatFileWriter.writeXPT(dataset, path: path, options: o)
      } else {
        try StatFileWriter.writeDTA(dataset, path: path)
      }
    } catch is StatWriteError {
      continue
    } catch {
      // ReadStat refuses some values (a text wider than the format's page); not a finding.
      continue
    }
    do {
      let back = try StatFileReader.read(path: path, format: written)
      if back.rowCount != dataset.rowCount || back.names.count != dataset.names.count {
        fuzzFailure("\(written) round trip: \(dataset.rowCount)×\(dataset.names.count) read back as "
          + "\(back.rowCount)×\(back.names.count)")
      }
    } catch {
      fuzzFailure("a dataset written as \(written) could not be read back: \(error)")
    }
  }
  return 0
}
