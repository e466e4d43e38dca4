import Foundation
import Testing
import TestSupport

/// The synthetic bundled datasets are made by scripts in the project
/// (issue 17: `dataset("adsl")`/`dataset("adtte")` from `scripts/make_adam.lua`;
/// `clocc` from `scripts/make_clocc.lua`): running a generator today gives the
/// bundled files byte for byte, so anyone can check where they came from
/// (issue 19's promise, applied to Kaplan's own data).
struct BundledGeneratorsCLITests {
  @Test(arguments: [
    ("make_adam", ["adsl.csv", "adsl.schema.tsv", "adtte.csv", "adtte.schema.tsv"]),
    ("make_clocc", ["clocc.csv", "clocc.schema.tsv"]),
  ])
  func generatorReproducesTheBundledFiles(script: String, files: [String]) throws {
    let out = try temporaryDirectory()
    let r = try runKaplan(["run", "scripts/\(script).lua", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let bundled = projectRoot.appendingPathComponent("stdlib/data")
    for file in files {
      let made = try Data(contentsOf: out.appendingPathComponent(file))
      #expect(made == (try Data(contentsOf: bundled.appendingPathComponent(file))), "\(script): \(file) differs")
    }
    // The generator's lines of the dataset index are the bundled index's lines.
    let index = try String(contentsOf: bundled.appendingPathComponent("index.tsv"), encoding: .utf8)
    let lines = Set(index.split(separator: "\n"))
    let written = try String(contentsOf: out.appendingPathComponent("index.tsv"), encoding: .utf8)
    for line in written.split(separator: "\n") { #expect(lines.contains(line), "\(script): index line \(line)") }
  }
}
