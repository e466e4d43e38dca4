/// What names and labels a file format holds, checked before writing so
/// that the error names the column (SAS transport: SAS Institute, "Record
/// layout of a SAS version 5 or 6 data set in SAS transport (XPORT)
/// format" and its version 8 successor; Stata: `help dta`, format 118).
struct StatNameRules {
  let formatName: String
  let maxName: Int
  let maxLabel: Int
  /// The longest text value in bytes.
  let maxText: Int
  /// SAS names are not case sensitive: two names equal in upper case clash.
  let caseInsensitive: Bool
  /// What to suggest when a name or label is too long.
  let hint: String
  /// The longest dataset label: XPT's member header holds 40 bytes in both
  /// versions; Stata holds 80 characters. ReadStat cuts a longer one
  /// without a word, so it is refused first.
  var maxDatasetLabel = 40
  var datasetLabelInCharacters = false

  static func xpt(version: Int) -> StatNameRules {
    version == 5
      ? StatNameRules(
        formatName: "XPT version 5", maxName: 8, maxLabel: 40, maxText: 200, caseInsensitive: true,
        hint: " (version = 8 allows 32 characters for names and 256 for labels)")
      : StatNameRules(
        formatName: "XPT version 8", maxName: 32, maxLabel: 256, maxText: 32_767, caseInsensitive: true, hint: "")
  }

  static let dta = StatNameRules(
    formatName: "Stata", maxName: 32, maxLabel: 80, maxText: 2045, caseInsensitive: false, hint: "",
    maxDatasetLabel: 80, datasetLabelInCharacters: true)

  /// The dataset's label (`d:set_label`) against the format's limit.
  func checkDatasetLabel(_ label: String) throws {
    try checkText(label, what: "the dataset label")
    let n = datasetLabelInCharacters ? label.count : label.utf8.count
    let unit = datasetLabelInCharacters ? "characters" : "bytes"
    guard n <= maxDatasetLabel else {
      throw StatWriteError(
        "the dataset label has \(n) \(unit), \(formatName) allows \(maxDatasetLabel) (shorten it with d:set_label)")
    }
  }

  /// A SAS or Stata name: a letter or underscore, then letters, digits and
  /// underscores (ASCII), at most `maxName` characters.
  func checkName(_ name: String) throws {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first else { throw StatWriteError("a column has an empty name") }
    func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || c == "_" }
    guard isLetter(first) else {
      throw StatWriteError("column '\(name)': a \(formatName) name must begin with a letter or _")
    }
    if let bad = scalars.first(where: { !isLetter($0) && !($0 >= "0" && $0 <= "9") }) {
      throw StatWriteError(
        "column '\(name)': a \(formatName) name may hold only letters, digits and _, not '\(Character(bad))'")
    }
    guard scalars.count <= maxName else {
      throw StatWriteError(
        "column '\(name)': the name has \(scalars.count) characters, \(formatName) allows \(maxName)\(hint)")
    }
  }

  func checkLabel(_ label: String, of name: String) throws {
    try checkText(label, what: "column '\(name)': the label")
    let n = label.utf8.count
    guard n <= maxLabel else {
      throw StatWriteError(
        "column '\(name)': the label has \(n) bytes, \(formatName) allows \(maxLabel)\(hint)")
    }
  }

  /// A text ends at a NUL byte in every format: a label holding one would
  /// be cut short without a word, so it is refused.
  func checkText(_ text: String, what: String) throws {
    if text.utf8.contains(0) {
      throw StatWriteError("\(what) contains a NUL character (\\0), which \(formatName) cannot hold")
    }
  }

  func checkTableName(_ table: String) throws {
    do { try checkName(table) } catch let error as StatWriteError {
      throw StatWriteError("name: '\(table)' is not a valid \(formatName) data set name: "
        + error.message.replacingOccurrences(of: "column '\(table)': ", with: ""))
    }
  }

  /// The file's name without directory and extension, upper case, cut to
  /// `maxLength`; "DATA" when that is not a SAS name.
  static func defaultTableName(path: String, maxLength: Int) -> String {
    var stem = Substring(path.split(separator: "/").last ?? "")
    if let dot = stem.lastIndex(of: ".") { stem = stem[..<dot] }
    let name = String(stem.uppercased().prefix(maxLength))
    let ok = name.unicodeScalars.allSatisfy {
      ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
    }
    guard ok, let first = name.unicodeScalars.first, !(first >= "0" && first <= "9") else { return "DATA" }
    return name
  }
}

extension String {
  func replacingOccurrences(of target: String, with replacement: String) -> String {
    guard !target.isEmpty else { return self }
    var out = ""
    var rest = Substring(self)
    while let r = rest.range(of: target) {
      out += rest[..<r.lowerBound]
      out += replacement
      rest = rest[r.upperBound...]
    }
    return out + rest
  }
}
