/// Subject ids as keys: numbers (int or double columns) or texts.
enum IdKeys {
  enum Key: Hashable, CustomStringConvertible {
    case number(Double)
    case text(String)
    var description: String {
      switch self {
      case .number(let x): return SurvivalColumns.shown(x)
      case .text(let s): return "\"\(s)\""
      }
    }
  }

  static func keys(_ d: Dataset, _ name: String, option: String, what: String) throws -> [Key?] {
    guard let c = d[name] else {
      throw SurvivalDataError.option(option, "no column '\(name)' in \(what) (columns: "
        + "\(d.names.joined(separator: ", ")))")
    }
    switch c {
    case .double, .int, .date, .bool: return c.asDoubles().map { $0.isNaN ? nil : .number($0) }
    case .factor(let codes, let levels): return codes.map { $0 < 0 ? nil : .text(levels[Int($0)]) }
    }
  }

  static func sameKind(_ a: [Key?], _ b: [Key?], _ name: String) throws {
    func isText(_ k: Key?) -> Bool? {
      guard let k else { return nil }
      if case .text = k { return true }
      return false
    }
    if let x = a.lazy.compactMap(isText).first, let y = b.lazy.compactMap(isText).first, x != y {
      throw SurvivalDataError.option(
        "id", "id '\(name)' holds \(x ? "strings" : "numbers") in data1 but \(y ? "strings" : "numbers") in data2")
    }
  }
}
