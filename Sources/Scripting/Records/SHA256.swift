import Foundation

/// SHA-256 (FIPS 180-4, section 6.2), for the hashes of run records and
/// bundles (issue 19). Linux has no CryptoKit and the package has no
/// swift-crypto, so this is the standard's algorithm written out: 512-bit
/// blocks, the 64 round constants (the first 32 bits of the fractional
/// parts of the cube roots of the first 64 primes), big-endian words.
/// Checked against the standard's test vectors (`SHA256Tests`).
public struct SHA256 {
  private var state: [UInt32] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
  ]
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  public init() {}

  /// Adds bytes to the message.
  public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    for byte in bytes {
      pending.append(byte)
      length &+= 1
      if pending.count == 64 {
        compress(pending)
        pending.removeAll(keepingCapacity: true)
      }
    }
  }

  /// Adds a buffer (whole blocks are compressed without copying them).
  public mutating func update(buffer: UnsafeRawBufferPointer) {
    var offset = 0
    if !pending.isEmpty {
      let take = min(64 - pending.count, buffer.count)
      update(buffer[0..<take])
      offset = take
    }
    while buffer.count - offset >= 64 {
      compress(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 64]))
      length &+= 64
      offset += 64
    }
    update(buffer[offset...])
  }

  /// The digest; the hasher is left as it was.
  public func finalize() -> [UInt8] {
    var copy = self
    let bits = length &* 8
    copy.update([0x80])
    while copy.pending.count != 56 { copy.update([0]) }
    for shift in stride(from: 56, through: 0, by: -8) { copy.pending.append(UInt8(truncatingIfNeeded: bits >> shift)) }
    copy.compress(copy.pending)
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for word in copy.state {
      for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> shift)) }
    }
    return out
  }

  /// The digest as 64 lowercase hexadecimal digits.
  public func hexDigest() -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in finalize() {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The hex digest of `data`.
  public static func hex(_ data: Data) -> String {
    var hasher = SHA256()
    data.withUnsafeBytes { hasher.update(buffer: $0) }
    return hasher.hexDigest()
  }

  /// The hex digest and size of the file at `path`, read in 1 MiB pieces;
  /// nil when it cannot be read.
  public static func file(_ path: String) -> (hex: String, size: Int)? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    var hasher = SHA256()
    var size = 0
    while true {
      // nil (or empty) at the end of the file; a read error throws.
      let next: Data?
      do { next = try handle.read(upToCount: 1 << 20) } catch { return nil }
      guard let piece = next, !piece.isEmpty else { break }
      size += piece.count
      piece.withUnsafeBytes { hasher.update(buffer: $0) }
    }
    return (hasher.hexDigest(), size)
  }

  private mutating func compress<Block: Collection>(_ block: Block) where Block.Element == UInt8 {
    var bytes = (0..<64).map { _ in UInt8(0) }
    var i = 0
    for byte in block where i < 64 {
      bytes[i] = byte
      i += 1
    }
    bytes.withUnsafeBytes { compress(UnsafeRawBufferPointer($0)) }
  }

  /// One 64-byte block (FIPS 180-4, 6.2.2), over raw memory: the message
  /// schedule lives in a stack buffer, so a block allocates nothing.
  private mutating func compress(_ block: UnsafeRawBufferPointer) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      for t in 0..<16 {
        let b = 4 * t
        w[t] = UInt32(block[b]) << 24 | UInt32(block[b + 1]) << 16 | UInt32(block[b + 2]) << 8 | UInt32(block[b + 3])
      }
      for t in 16..<64 {
        let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
        let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
      }
      Self.k.withUnsafeBufferPointer { k in
        state.withUnsafeMutableBufferPointer { h in
          var a = h[0], b = h[1], c = h[2], d = h[3]
          var e = h[4], f = h[5], g = h[6], hh = h[7]
          for t in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1
            d = c; c = b; b = a; a = t1 &+ t2
          }
          h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
          h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
      }
    }
  }

}

/// Rotation right of a 32-bit word (FIPS 180-4, ROTR).
@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
