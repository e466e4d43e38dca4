import CReadStat
import Datasets

/// Each column of a dataset as a ReadStat variable: its type, width,
/// label, format and how one row's value is inserted.
struct StatWritePlan {
  struct Variable {
    let name: String
    let type: readstat_type_t
    let width: Int
    let label: String?
    let format: String?
    /// Stata value labels to write with the variable (code, label); nil for none.
    var valueLabels: [(code: Int32, label: String)]? = nil
    /// Labels of special missing values (`.a` "Not done"), written in the same label set.
    var taggedLabels: [(tag: CChar, label: String)] = []
    let insert: (UnsafeMutablePointer<readstat_writer_t>, UnsafeMutablePointer<readstat_variable_t>?, Int)
      -> readstat_error_t
  }

  let columns: [Variable]
  /// XPT: the columns whose infinite values are written as missing, with their count.
  let infiniteColumns: [(column: String, count: Int)]
  var rowWidth: Int { columns.reduce(0) { $0 + max($1.width, 8) } }

  init(_ d: Dataset, rules: StatNameRules, labels: [String: String]) throws {
    var seen: [String: String] = [:]
    var out: [Variable] = []
    var infinite: [(column: String, count: Int)] = []
    let isStata = rules.formatName == "Stata"
    for (name, column) in zip(d.names, d.columns) {
      try rules.checkName(name)
      let key = rules.caseInsensitive ? name.uppercased() : name
      if let other = seen[key] {
        throw StatWriteError("columns '\(other)' and '\(name)' have the same \(rules.formatName) name")
      }
      seen[key] = name
      let attributes = d.attributes(of: name)
      let label = labels[name] ?? attributes.label
      if let label { try rules.checkLabel(label, of: name) }
      if isStata, let labelled = Self.labelledCodes(name, column, attributes, label: label) {
        out.append(labelled)
        continue
      }
      out.append(try Self.variable(name, column, label: label, codes: attributes.missingCodes, rules: rules,
                                   isStata: isStata, infinite: &infinite))
    }
    columns = out
    infiniteColumns = infinite
  }

  /// A string column read from Stata or SPSS value labels, written back to
  /// Stata as its integer codes with the labels: each level is a label of a
  /// whole-number code, or the text of one ("3"). Nil (written as text)
  /// when a level is neither. A row's special missing code (`.a`, kept in
  /// its factor code) is written as that missing value, and the labels of
  /// special missing values go with the others, so haven reads back the
  /// `tagged_na` and its label.
  static func labelledCodes(_ name: String, _ column: Column, _ a: ColumnAttributes, label: String?) -> Variable? {
    guard case .factor(let codes, let levels) = column, !a.valueLabels.isEmpty else { return nil }
    var codeOf: [String: Int32] = [:]
    var labels: [(code: Int32, label: String)] = []
    var taggedLabels: [(tag: CChar, label: String)] = []
    for v in a.valueLabels {
      if case .tagged(let t) = v.code, let tag = Self.tag(".\(t)", isStata: true) {
        taggedLabels.append((tag, v.label))
        continue
      }
      guard case .number(let x) = v.code, let c = Int32(exactly: x), c <= 2_147_483_620 else { continue }
      if codeOf[v.label] == nil { codeOf[v.label] = c }
      labels.append((c, v.label))
    }
    let tags: [CChar?] = a.missingCodes.map { Self.tag($0, isStata: true) }
    var levelCodes: [Int32] = []
    for level in levels {
      if let c = codeOf[level] {
        levelCodes.append(c)
      } else if let x = Double(level), let c = Int32(exactly: x), c <= 2_147_483_620 {
        levelCodes.append(c)
      } else {
        return nil
      }
    }
    var v = Variable(name: name, type: READSTAT_TYPE_INT32, width: 4, label: label, format: nil) { w, variable, i in
      let c = codes[i]
      if c < 0 {
        if let k = Column.missingCode(ofFactorCode: c), k <= tags.count, let tag = tags[k - 1] {
          return readstat_insert_tagged_missing_value(w, variable, tag)
        }
        return readstat_insert_missing_value(w, variable)
      }
      return readstat_insert_int32_value(w, variable, levelCodes[Int(c)])
    }
    v.valueLabels = labels
    v.taggedLabels = taggedLabels
    return v
  }

  /// The tag of special missing code ".A" (or ".a") in the format's case:
  /// upper for SAS (`.A`–`.Z`, `._`), lower for Stata (`.a`–`.z`); nil for
  /// a code the format has no tag for (an SPSS user-missing "99").
  static func tag(_ code: String, isStata: Bool) -> CChar? {
    let s = Array(code.utf8)
    guard s.count == 2, s[0] == UInt8(ascii: ".") else { return nil }
    let c = s[1]
    let lower = c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")
    let upper = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")
    if isStata {
      guard lower || upper else { return nil }
      return CChar(bitPattern: upper ? c + 32 : c)
    }
    guard lower || upper || c == UInt8(ascii: "_") else { return nil }
    return CChar(bitPattern: lower ? c - 32 : c)
  }

  private static func variable(
    _ name: String, _ column: Column, label: String?, codes: [String], rules: StatNameRules, isStata: Bool,
    infinite: inout [(column: String, count: Int)]
  ) throws -> Variable {
    switch column {
    case .double(let v):
      if let row = v.firstIndex(where: { $0.isInfinite }) {
        // Stata has no infinity (R's haven refuses too); SAS transport's
        // nearest is an IBM overflow value, so XPT writes missing (as haven's
        // write_xpt does) and `infiniteColumns` lets the writer say so once.
        if isStata {
          throw StatWriteError("column '\(name)': row \(row + 1) is \(v[row] > 0 ? "Inf" : "-Inf"), which Stata "
            + "cannot hold (make it NA or a finite value first)")
        }
        infinite.append((name, v.reduce(0) { $1.isInfinite ? $0 + 1 : $0 }))
      }
      // Special missing codes the format can hold keep their tag.
      let tags: [CChar?] = codes.map { Self.tag($0, isStata: isStata) }
      return Variable(name: name, type: READSTAT_TYPE_DOUBLE, width: 8, label: label, format: nil) { w, variable, i in
        let x = v[i]
        if !x.isFinite {
          if let k = Column.missingCode(of: x), k <= tags.count, let tag = tags[k - 1] {
            return readstat_insert_tagged_missing_value(w, variable, tag)
          }
          return readstat_insert_missing_value(w, variable)
        }
        return readstat_insert_double_value(w, variable, x)
      }
    case .int(let v):
      let fits = isStata && v.allSatisfy { $0 == Column.naInt || ($0 >= -2_147_483_647 && $0 <= 2_147_483_620) }
      return Variable(name: name, type: fits ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE, width: fits ? 4 : 8,
                      label: label, format: nil) { w, variable, i in
        let x = v[i]
        if x == Column.naInt { return readstat_insert_missing_value(w, variable) }
        return fits ? readstat_insert_int32_value(w, variable, Int32(truncatingIfNeeded: x))
          : readstat_insert_double_value(w, variable, Double(x))
      }
    case .bool(let v):
      return Variable(name: name, type: isStata ? READSTAT_TYPE_INT8 : READSTAT_TYPE_DOUBLE, width: isStata ? 1 : 8,
                      label: label, format: nil) { w, variable, i in
        let x = v[i]
        if x == Column.naBool { return readstat_insert_missing_value(w, variable) }
        return isStata
          ? readstat_insert_int8_value(w, variable, Int8(x)) : readstat_insert_double_value(w, variable, Double(x))
      }
    case .date(let v):
      return Variable(name: name, type: READSTAT_TYPE_DOUBLE, width: 8, label: label,
                      format: isStata ? "%td" : "DATE9") { w, variable, i in
        let x = v[i]
        if x == Column.naDate { return readstat_insert_missing_value(w, variable) }
        return readstat_insert_double_value(w, variable, Double(x) + 3653)
      }
    case .factor(let codes, let levels):
      let widest = levels.map(\.utf8.count).max() ?? 0
      guard widest <= rules.maxText else {
        throw StatWriteError(
          "column '\(name)': a value has \(widest) bytes, \(rules.formatName) text holds at most \(rules.maxText)")
      }
      let texts = levels.map { Array($0.utf8CString) }
      return Variable(name: name, type: READSTAT_TYPE_STRING, width: max(widest, 1), label: label, format: nil) {
        w, variable, i in
        let c = codes[i]
        if c < 0 { return readstat_insert_string_value(w, variable, "") }
        return texts[Int(c)].withUnsafeBufferPointer { readstat_insert_string_value(w, variable, $0.baseAddress) }
      }
    }
  }
}
