import Datasets
import Foundation
import Testing
import TestSupport

/// Bundled datasets checked against R's originals: the fixture
/// Tests/Fixtures/datasets/bundled.json is written by
/// scripts/export_datasets.R from R's `survival` package.
@Suite("Bundled datasets")
struct BundledDatasetsTests {
  static let names = ["colon", "lung", "veteran", "aml", "myeloid", "heart"]

  func reference(_ name: String) throws -> [String: Any] {
    let all = try #require(try loadFixture("datasets/bundled.json") as? [String: Any])
    return try #require(all[name] as? [String: Any])
  }

  @Test func indexListsEveryDataset() throws {
    let list = try BundledDatasets.list(stdlib: stdlibPath)
    // clocc, adsl and adtte are synthetic (scripts/make_clocc.lua, make_adam.lua), not exported from R.
    #expect(list.map(\.name) == Self.names + ["clocc", "adsl", "adtte"])
    #expect(list.first { $0.name == "colon" }?.rows == 1858)
    #expect(list.allSatisfy { !$0.description.isEmpty })
  }

  @Test(arguments: names)
  func matchesR(_ name: String) throws {
    let ref = try reference(name)
    let d = try Dataset.bundled(name, stdlib: stdlibPath)
    #expect(d.rowCount == ref["nrow"] as? Int)
    #expect(d.names == ref["names"] as? [String])
    #expect(d.kinds.map(\.rawValue) == ref["types"] as? [String])
    let levels = try #require(ref["levels"] as? [String: [String]])
    let missing = try #require(ref["missing"] as? [String: Int])
    // Numbers are strings in the fixture (read here with Swift's correctly
    // rounded parser); factor labels are strings too, told apart by type.
    let sums = try #require(ref["sums"] as? [String: String])
    let head = try #require(ref["head"] as? [String: [Any]])
    for (column, name) in zip(d.columns, d.names) {
      #expect(column.levels == levels[name], "\(name)")
      #expect(column.missingCount == missing[name], "\(name)")
      if let text = sums[name], let sum = Double(text) {
        #expect(approxEqual(try column.sum(), sum, relative: Tolerance.closedForm), "\(name)")
      }
      let first = try #require(head[name])
      for (i, value) in first.enumerated() {
        switch (column.value(at: i), value) {
        case (.missing, is NSNull): break
        case (.string(let s), let r as String): #expect(s == r, "\(name)[\(i)]")
        case (.double(let x), let r as String): #expect(x == Double(r), "\(name)[\(i)]")
        case (.int(let x), let r as String): #expect(x == Int(r), "\(name)[\(i)]")
        case (let got, let r): Issue.record("\(name)[\(i)]: got \(got), R has \(r)")
        }
      }
    }
  }

  @Test func factorCodingFollowsR() throws {
    let colon = try Dataset.bundled("colon", stdlib: stdlibPath)
    #expect(colon["rx"]?.levels == ["Obs", "Lev", "Lev+5FU"])
    #expect(colon["rx"]?.valueCounts().map(\.count) == [630, 620, 608])
    let veteran = try Dataset.bundled("veteran", stdlib: stdlibPath)
    #expect(veteran["celltype"]?.levels == ["squamous", "smallcell", "adeno", "large"])
    let heart = try Dataset.bundled("heart", stdlib: stdlibPath)
    #expect(heart["transplant"]?.levels == ["0", "1"])
  }

  @Test func unknownDataset() {
    #expect(
      throws: DatasetError.invalid(
        "no bundled dataset 'pbc' (available: colon, lung, veteran, aml, myeloid, heart, clocc, adsl, adtte)")
    ) { try Dataset.bundled("pbc", stdlib: stdlibPath) }
  }
}
