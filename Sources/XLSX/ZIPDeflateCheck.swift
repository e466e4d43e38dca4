import CInflate

/// Checks that a deflated ZIP entry's stream ends inside its stored bytes and
/// does not expand past the size the entry declares, before ZIPFoundation
/// expands it.
///
/// Why: ZIPFoundation's inflate loop (`Data.decode`) asks for more input
/// until zlib reports the end of the stream; when the stored bytes run out
/// first, it is handed empty chunks and loops for ever without calling the
/// consumer, so neither the memory bound nor a stop (`Cancellation`) is
/// reached. `fuzz-bundle` found it (a bundle whose entry's stream was cut
/// short); a workbook could hang `read_xlsx` the same way. This pass inflates
/// into a scratch buffer it overwrites, stopping at the first error, at the
/// end of the input or past the declared size (RFC 1951 raw deflate, as ZIP
/// method 8 stores it: zlib with negative window bits).
enum ZIPDeflateCheck {
  enum Outcome: Equatable {
    case complete
    case truncated
    case pastDeclared
    case damaged
  }

  static func check(_ data: UnsafeBufferPointer<UInt8>, declared: UInt64) -> Outcome {
    var stream = z_stream()
    guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      return .damaged
    }
    defer { inflateEnd(&stream) }
    guard let base = data.baseAddress, data.count > 0 else { return .truncated }
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    stream.next_in = UnsafeMutablePointer(mutating: base)
    stream.avail_in = UInt32(clamping: data.count)
    var produced: UInt64 = 0
    while true {
      let result = scratch.withUnsafeMutableBufferPointer { out -> Int32 in
        stream.next_out = out.baseAddress
        stream.avail_out = UInt32(out.count)
        return inflate(&stream, Z_NO_FLUSH)
      }
      produced += UInt64(scratch.count) - UInt64(stream.avail_out)
      if produced > declared { return .pastDeclared }
      switch result {
      case Z_STREAM_END: return .complete
      case Z_OK: continue
      case Z_BUF_ERROR: return stream.avail_in == 0 ? .truncated : .damaged
      default: return .damaged
      }
    }
  }
}
