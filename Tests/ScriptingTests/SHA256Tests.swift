import Foundation
import Scripting
import Testing

/// FIPS 180-4 SHA-256 against the test vectors of NIST's examples
/// (csrc.nist.gov, "SHA256.pdf") and the one-million-'a' vector.
@Suite struct SHA256Tests {
  @Test func emptyMessage() {
    #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func abc() {
    #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func twoBlockMessage() {
    let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    #expect(SHA256.hex(Data(message.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func oneMillionA() {
    let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    #expect(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)) == expected)
    // The same message in uneven pieces, through both update paths.
    var hasher = SHA256()
    var left = 1_000_000
    var piece = 1
    while left > 0 {
      let n = min(piece, left)
      if piece % 2 == 0 {
        hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
      } else {
        [UInt8](repeating: UInt8(ascii: "a"), count: n).withUnsafeBytes { hasher.update(buffer: $0) }
      }
      left -= n
      piece = piece * 3 + 1
    }
    #expect(hasher.hexDigest() == expected)
  }

  @Test func fileHashEqualsDataHash() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    let data = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    try data.write(to: url)
    let result = try #require(SHA256.file(url.path))
    #expect(result.size == data.count)
    #expect(result.hex == SHA256.hex(data))
  }
}
