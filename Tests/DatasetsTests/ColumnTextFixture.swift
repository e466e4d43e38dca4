import Datasets
import Foundation
import TestSupport

/// Tests/Fixtures/columns/column_text.json, written by
/// scripts/fixtures/column_text.R (R 4.2.2): cut, quantile groups, paste,
/// as.character, as.numeric, as.Date, format and the parts of dates.
enum ColumnTextFixture {
  /// The whole file (read on each use: a test reads it once or twice).
  static var cases: [String: Any] {
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/columns/column_text.json")
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object
  }

  /// The cases of one section.
  static func section(_ name: String) -> [[String: Any]] { cases[name] as? [[String: Any]] ?? [] }

  /// An array of "%.17g" texts (or "Inf", "-Inf", null for NA) as doubles.
  static func numbers(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { item in
      guard let text = item as? String else { return .nan }
      switch text {
      case "Inf": return .infinity
      case "-Inf": return -.infinity
      default: return Double(text) ?? .nan
      }
    }
  }

  /// An array of strings with null as nil.
  static func strings(_ value: Any?) -> [String?] { (value as? [Any] ?? []).map { $0 as? String } }

  /// An array of integers with null as nil.
  static func integers(_ value: Any?) -> [Int?] { (value as? [Any] ?? []).map { ($0 as? NSNumber)?.intValue } }
}
