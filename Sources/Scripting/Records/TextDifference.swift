/// The first difference between two texts, as `kaplan verify` reports it
/// (issue 19): a unified diff of the differing lines with three lines of
/// context, and whether the lines differ only in numbers whose last
/// printed digit changed (a rounding difference between machines or
/// versions, worth telling apart from a different result).
public struct TextDifference: Equatable, Sendable {
  /// The unified diff (`---`/`+++` headers, one `@@` hunk), or nil when the
  /// texts are equal.
  public let diff: String?
  /// The numbers, as printed, that differ only in their last digit, when
  /// that is the whole difference between the differing lines.
  public let lastDigitOnly: [(String, String)]

  public static func == (a: TextDifference, b: TextDifference) -> Bool {
    a.diff == b.diff && a.lastDigitOnly.map { [$0.0, $0.1] } == b.lastDigitOnly.map { [$0.0, $0.1] }
  }

  /// Compares `old` and `new`, named `oldName` and `newName` in the headers.
  ///
  /// The hunk spans from the first differing line to the last one (the
  /// lines both texts share at the start and at the end are left out), so
  /// it is one block however many lines changed between; three lines of
  /// context either side, as `diff -u`.
  public init(old: String, new: String, oldName: String, newName: String, context: Int = 3) {
    let a = TextDifference.lines(old)
    let b = TextDifference.lines(new)
    var start = 0
    while start < a.count, start < b.count, a[start] == b[start] { start += 1 }
    if start == a.count && start == b.count {
      diff = nil
      lastDigitOnly = []
      return
    }
    var endA = a.count
    var endB = b.count
    while endA > start, endB > start, a[endA - 1] == b[endB - 1] {
      endA -= 1
      endB -= 1
    }
    let from = max(0, start - context)
    let toA = min(a.count, endA + context)
    let toB = min(b.count, endB + context)
    var out = ["--- \(oldName)", "+++ \(newName)"]
    func range(_ from: Int, _ to: Int) -> String {
      let count = to - from
      return count == 0 ? "\(from),0" : "\(from + 1),\(count)"
    }
    out.append("@@ -\(range(from, toA)) +\(range(from, toB)) @@")
    for i in from..<start { out.append(" " + a[i]) }
    for i in start..<endA { out.append("-" + a[i]) }
    for i in start..<endB { out.append("+" + b[i]) }
    for i in endA..<toA { out.append(" " + a[i]) }
    diff = out.joined(separator: "\n") + "\n"
    if endA - start == endB - start {
      var pairs: [(String, String)] = []
      for k in 0..<(endA - start) {
        guard let found = TextDifference.lastDigitPairs(a[start + k], b[start + k]) else {
          pairs = []
          break
        }
        pairs += found
      }
      lastDigitOnly = pairs
    } else {
      lastDigitOnly = []
    }
  }

  static func lines(_ text: String) -> [String] {
    var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if parts.last == "" { parts.removeLast() }
    return parts
  }

  /// The number pairs of two lines that differ only in numbers whose
  /// printed text differs in its last digit alone (`0.1234` and `0.1235`,
  /// `1.2e-05` and `1.3e-05` is not); nil when anything else differs.
  static func lastDigitPairs(_ a: String, _ b: String) -> [(String, String)]? {
    let ta = tokens(a)
    let tb = tokens(b)
    guard ta.count == tb.count else { return nil }
    var pairs: [(String, String)] = []
    for (x, y) in zip(ta, tb) where x.text != y.text {
      guard x.isNumber, y.isNumber, differInLastDigit(x.text, y.text) else { return nil }
      pairs.append((x.text, y.text))
    }
    return pairs.isEmpty ? nil : pairs
  }

  /// Whether two numbers as printed have the same length and differ only
  /// in their last digit (the digit before an exponent, if any).
  static func differInLastDigit(_ x: String, _ y: String) -> Bool {
    let a = Array(x.utf8)
    let b = Array(y.utf8)
    guard a.count == b.count else { return false }
    let mantissaEnd = a.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) ?? a.count
    guard mantissaEnd > 0 else { return false }
    let last = mantissaEnd - 1
    for i in a.indices where a[i] != b[i] && i != last { return false }
    return a[last] != b[last] && isDigit(a[last]) && isDigit(b[last])
  }

  private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

  /// A line cut into numbers (digits with an optional sign, point and
  /// exponent) and the text between them.
  static func tokens(_ line: String) -> [(text: String, isNumber: Bool)] {
    let bytes = Array(line.utf8)
    var result: [(text: String, isNumber: Bool)] = []
    var i = 0
    var textStart = 0
    func flushText(_ end: Int) {
      if end > textStart { result.append((String(decoding: bytes[textStart..<end], as: UTF8.self), false)) }
    }
    while i < bytes.count {
      let startsNumber = isDigit(bytes[i])
        || (bytes[i] == UInt8(ascii: ".") && i + 1 < bytes.count && isDigit(bytes[i + 1]))
      guard startsNumber else {
        i += 1
        continue
      }
      flushText(i)
      let start = i
      while i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") { i += 1 }
      if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
        var j = i + 1
        if j < bytes.count, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+") { j += 1 }
        if j < bytes.count, isDigit(bytes[j]) {
          i = j
          while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
      }
      result.append((String(decoding: bytes[start..<i], as: UTF8.self), true))
      textStart = i
    }
    flushText(bytes.count)
    return result
  }
}
