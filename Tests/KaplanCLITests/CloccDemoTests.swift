import Foundation
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The bundled trial analysis (`make demo`): scripts/clocc.lua runs in the
/// sandbox, prints the report's numbers and writes Figures 2–5.
struct CloccDemoTests {
  @Test func scriptReproducesTheReportAndWritesFigures() throws {
    let out = try temporaryDirectory()
    let r = try runKaplan(["run", "scripts/clocc.lua", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let text = r.stdout
    // Patient flow: the death counts of the publication hold exactly.
    #expect(text.contains("combined  randomized  60, died  39, died of progressive disease  35"))
    #expect(text.contains("systemic  randomized  59, died  53, died of progressive disease  49"))
    // The side-by-side table: HR 0.58 (0.38–0.88) and the follow-up.
    #expect(text.contains("OS hazard ratio (95% CI)                 0.58       0.58"))
    #expect(text.contains("Median follow-up, years                  9.70       9.70"))
    #expect(text.contains("Median survival with 95% CI, log-log."))
    for name in ["fig2_os", "fig3_pfs", "fig4_hepatic", "fig5_extrahepatic"] {
      let svg = out.appendingPathComponent(name + ".svg")
      let data = try Data(contentsOf: svg)
      #expect(XMLParser(data: data).parse(), "\(name).svg is not well-formed XML")
    }
  }
}

/// Issue 19: the demo recorded, bundled, moved to another directory and
/// verified there.
struct CloccDemoBundleTests {
  @Test func demoIsRecordedBundledMovedAndVerified() throws {
    let dir = try temporaryDirectory()
    try FileManager.default.copyItem(
      at: projectRoot.appendingPathComponent("scripts/clocc.lua"), to: dir.appendingPathComponent("clocc.lua"))
    let recorded = try runKaplan(["run", "clocc.lua", "--out", "out", "--record", "clocc.json"], directory: dir)
    #expect(recorded.status == 0, "\(recorded.stderr)")
    let verified = try runKaplan(["verify", "clocc.json"], directory: dir)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    let bundled = try runKaplan(["bundle", "clocc.lua", "-o", "clocc.kaplan"], directory: dir)
    #expect(bundled.status == 0, "\(bundled.stderr)")
    #expect(bundled.stdout == recorded.stdout)
    let moved = try temporaryDirectory()
    try FileManager.default.moveItem(
      at: dir.appendingPathComponent("clocc.kaplan"), to: moved.appendingPathComponent("clocc.kaplan"))
    try FileManager.default.removeItem(at: dir)
    let list = try runKaplan(["bundle", "--list", "clocc.kaplan"], directory: moved)
    #expect(list.stdout.contains("outputs/fig2_os.svg"))
    #expect(list.stdout.contains("work/clocc.lua"))
    let again = try runKaplan(["verify", "clocc.kaplan"], directory: moved)
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(again.stdout.contains("verify: IDENTICAL"))
  }
}
