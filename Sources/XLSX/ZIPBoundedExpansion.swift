import CInflate
import RunControl

/// Expands one ZIP entry into memory in one bounded loop: the one reader of
/// entries for workbooks (`XLSXArchive`, `read_xlsx`) and study bundles
/// (`BundleArchive`, `kaplan verify`), which read archives from others.
///
/// Stored entries (method 0) are copied; deflated ones (method 8, RFC 1951
/// raw deflate) are expanded with zlib's `inflate` (negative window bits).
/// The bounds: the declared size is asked of the run's memory budget before
/// anything is expanded; the output buffer holds the declared size plus one
/// byte, so an entry that expands further is refused as soon as it does (a
/// ZIP bomb costs no more than it declared); each `inflate` call consumes
/// input or produces output, or the loop ends (a stream cut short is
/// "truncated", not a hang, as it was inside ZIPFoundation's `Data.decode`);
/// cancellation (Ctrl-C, `--timeout`) is polled between 64 KB chunks. At the
/// end the size must be the declared one and the CRC-32 the central
/// directory's. A stop and a memory refusal pass through unchanged, so a
/// stopped run reports "stopped"; every other failure is a `Failure`, whose
/// `reason` the caller prefixes with the archive and entry it names.
public enum ZIPBoundedExpansion {
  public enum Failure: Error, Equatable, CustomStringConvertible {
    /// The entry expanded past the `declared` bytes.
    case pastDeclared(declared: UInt64)
    /// The entry expanded to `actual` bytes, fewer than declared.
    case short(actual: Int, declared: UInt64)
    /// The deflate stream needs more bytes than the entry stores.
    case truncated(stored: UInt64)
    /// The expanded bytes' CRC-32 is not the one the archive declares.
    case crcMismatch(declared: UInt32, actual: UInt32)
    /// A stored entry whose stored and expanded sizes differ.
    case storedSizeMismatch(stored: UInt64, declared: UInt64)
    /// A compression method other than stored (0) or deflated (8).
    case unsupportedMethod(Int)
    /// An encrypted entry (flag bit 0).
    case encrypted
    /// zlib refused the deflate stream (its message).
    case damaged(String)

    /// The failure as the end of a sentence whose subject is the entry.
    public var reason: String {
      switch self {
      case .pastDeclared(let d): return "expands past the \(d) bytes it declares"
      case .short(let a, let d): return "expands to \(a) bytes, not the \(d) it declares"
      case .truncated(let s): return "has a deflate stream cut short (its \(s) stored bytes end before the stream does)"
      case .crcMismatch(let d, let a):
        return "fails its CRC-32 check (declared \(hex(d)), expanded bytes give \(hex(a)))"
      case .storedSizeMismatch(let s, let d): return "is stored with \(s) bytes but declares \(d) expanded"
      case .unsupportedMethod(let m): return "uses compression method \(m) (only stored, 0, and deflated, 8, are read)"
      case .encrypted: return "is encrypted"
      case .damaged(let m): return "has damaged compressed data (\(m))"
      }
    }

    public var description: String { reason }

    private func hex(_ v: UInt32) -> String {
      let digits = String(v, radix: 16)
      return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
  }

  /// Output chunk between cancellation polls.
  static let chunk = 1 << 16

  /// The expanded bytes of `entry` of `archive` (the whole file's bytes);
  /// `what` names the allocation for the memory budget ("the part
  /// 'xl/sharedStrings.xml' (10 bytes expanded)").
  public static func expand(
    _ entry: ZIPEntryRecord, in archive: [UInt8], what: @autoclosure () -> String
  ) throws -> [UInt8] {
    guard entry.flags & 1 == 0 else { throw Failure.encrypted }
    guard entry.method == 0 || entry.method == 8 else { throw Failure.unsupportedMethod(entry.method) }
    let declared = entry.uncompressedSize
    let start = entry.dataOffset
    guard start >= 0, entry.compressedSize <= UInt64(archive.count), start <= archive.count - Int(entry.compressedSize)
    else { throw Failure.truncated(stored: entry.compressedSize) }
    let stored = start..<(start + Int(entry.compressedSize))
    if entry.method == 0 && entry.compressedSize != declared {
      throw Failure.storedSizeMismatch(stored: entry.compressedSize, declared: declared)
    }
    guard declared < UInt64(Int.max) else { throw Failure.pastDeclared(declared: declared) }
    try MemoryBudget.require(count: Int(declared), stride: 1, for: what())
    let out: [UInt8]
    if entry.method == 0 {
      try Cancellation.check()
      out = Array(archive[stored])
    } else {
      out = try archive.withUnsafeBufferPointer { all in
        try inflateRaw(UnsafeBufferPointer(rebasing: all[stored]), declared: Int(declared))
      }
    }
    let crc = crc32(of: out)
    guard crc == entry.crc32 else { throw Failure.crcMismatch(declared: entry.crc32, actual: crc) }
    return out
  }

  /// Raw inflate of `input` into at most `declared` bytes, refusing a stream
  /// that would give more, ends early, or is cut short.
  static func inflateRaw(_ input: UnsafeBufferPointer<UInt8>, declared: Int) throws -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw Failure.damaged("zlib could not start")
    }
    defer { inflateEnd(&stream) }
    guard let inputBase = input.baseAddress, input.count > 0 else {
      throw Failure.truncated(stored: UInt64(input.count))
    }
    stream.next_in = UnsafeMutablePointer(mutating: inputBase)
    // A stored count is below 2^32 (ZIP64 is refused), so it fits avail_in.
    stream.avail_in = UInt32(clamping: input.count)
    let capacity = declared + 1
    return try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
      initialized = 0
      guard let base = buffer.baseAddress else { throw Failure.damaged("no output buffer") }
      var produced = 0
      while true {
        try Cancellation.check()
        let room = min(capacity - produced, chunk)
        let availableBefore = stream.avail_in
        stream.next_out = base + produced
        stream.avail_out = UInt32(room)
        let result = inflate(&stream, Z_NO_FLUSH)
        let made = room - Int(stream.avail_out)
        produced += made
        initialized = produced
        if produced > declared { throw Failure.pastDeclared(declared: UInt64(declared)) }
        switch result {
        case Z_STREAM_END:
          guard produced == declared else { throw Failure.short(actual: produced, declared: UInt64(declared)) }
          return
        case Z_OK:
          // zlib promises progress with Z_OK; the loop does not rely on it.
          if made == 0 && stream.avail_in == availableBefore { throw Failure.damaged("no progress") }
        case Z_BUF_ERROR:
          // No progress was possible: with output room left, the input ran out.
          throw Failure.truncated(stored: UInt64(input.count))
        case Z_DATA_ERROR:
          throw Failure.damaged(stream.msg.map { String(cString: $0) } ?? "invalid deflate data")
        case Z_MEM_ERROR: throw Failure.damaged("zlib ran out of memory")
        default: throw Failure.damaged("zlib error \(result)")
        }
      }
    }
  }

  /// The CRC-32 of `bytes` (ISO 3309, as ZIP stores it), by zlib.
  static func crc32(of bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      var crc = CInflate.crc32(0, nil, 0)
      var done = 0
      while done < buffer.count {
        let n = min(buffer.count - done, 1 << 30)
        crc = CInflate.crc32(crc, base + done, uInt(n))
        done += n
      }
      return UInt32(truncatingIfNeeded: crc)
    }
  }
}
