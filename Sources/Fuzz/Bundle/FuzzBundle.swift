import Foundation
import FuzzDriver
import Scripting

/// Fuzzes the study-bundle reader (`BundleArchive`, issue 19): the bytes are
/// a .kaplan archive. Opening may fail with a `BundleError`; it must not
/// trap. Properties: every name it accepts passes `checkName` (so none is
/// absolute, none has `..`), and each accepted entry expands to exactly its
/// listed size. The first 64 bytes are also checked as a name on their own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = fuzzBytes(data, size)
  let name = String(decoding: bytes.prefix(64), as: UTF8.self)
  if (try? BundleArchive.checkName(name, label: "fuzz")) != nil {
    if name.hasPrefix("/") || name.split(separator: "/").contains("..") { fuzzFailure("checkName passed '\(name)'") }
  }
  var limits = BundleArchive.Limits()
  limits.maxEntries = 64
  limits.maxEntryBytes = 1 << 20
  limits.maxTotalBytes = 1 << 22
  guard let archive = try? BundleArchive(bytes: bytes, label: "fuzz", limits: limits) else { return 0 }
  for item in archive.items {
    if (try? BundleArchive.checkName(item.name, label: "fuzz")) == nil { fuzzFailure("accepted '\(item.name)'") }
    if let contents = try? archive.contents(of: item.name), UInt64(contents.count) != item.size {
      fuzzFailure("entry '\(item.name)' expanded to \(contents.count) bytes, not \(item.size)")
    }
  }
  return 0
}
