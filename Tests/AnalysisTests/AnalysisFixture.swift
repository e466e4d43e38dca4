import Datasets
import Foundation
import TestSupport

/// `Tests/Fixtures/analysis/model_frame.json`, written by
/// `scripts/fixtures/model_frame.R`: R's input data, design matrices and
/// group labels.
///
/// Unchecked `Sendable` (the suites share one loaded copy): `[String: Any]`
/// holds JSONSerialization's output, which is never mutated after `load`.
struct AnalysisFixture: @unchecked Sendable {
  let root: [String: Any]

  static func load() throws -> AnalysisFixture {
    guard let root = try loadFixture("analysis/model_frame.json") as? [String: Any] else {
      throw FixtureError("model_frame.json is not an object")
    }
    return AnalysisFixture(root: root)
  }

  var designs: [[String: Any]] { root["designs"] as? [[String: Any]] ?? [] }
  var groups: [[String: Any]] { root["groups"] as? [[String: Any]] ?? [] }

  /// Rebuilds a dataset embedded in the fixture (JSON null is NA).
  func dataset(_ name: String) throws -> Dataset {
    guard let all = root["datasets"] as? [String: Any], let d = all[name] as? [String: Any],
      let names = d["names"] as? [String], let columns = d["columns"] as? [String: Any]
    else { throw FixtureError("no dataset '\(name)' in the fixture") }
    let built: [Column] = try names.map { n in
      guard let c = columns[n] as? [String: Any], let type = c["type"] as? String else {
        throw FixtureError("bad column '\(n)'")
      }
      switch type {
      case "double":
        return .double(try Self.array(c["values"]).map { ($0 as? NSNumber)?.doubleValue ?? .nan })
      case "int":
        return .int(try Self.array(c["values"]).map { ($0 as? NSNumber)?.intValue ?? Column.naInt })
      case "bool":
        return .bool(try Self.array(c["values"]).map { v in
          guard let b = v as? Bool else { return Column.naBool }
          return b ? 1 : 0
        })
      case "factor":
        let levels = try Self.array(c["levels"]).compactMap { $0 as? String }
        let codes = try Self.array(c["codes"]).map { Int32(($0 as? NSNumber)?.intValue ?? -1) }
        return .factor(codes: codes, levels: levels)
      default:
        throw FixtureError("unknown column type '\(type)'")
      }
    }
    return try Dataset(names: names, columns: built)
  }

  static func array(_ value: Any?) throws -> [Any] {
    guard let a = value as? [Any] else { throw FixtureError("expected an array") }
    return a
  }

  static func doubles(_ value: Any?) throws -> [Double] {
    try array(value).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  static func ints(_ value: Any?) throws -> [Int] {
    try array(value).map { ($0 as? NSNumber)?.intValue ?? Int.min }
  }

  static func strings(_ value: Any?) throws -> [String] {
    try array(value).map { ($0 as? String) ?? "<not a string>" }
  }
}

struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
