import Foundation
import Testing
import TestSupport

/// scripts/adam_example.lua runs in the sandbox and prints the CDISC-style
/// analysis: KM by TRT01P, stratified log-rank and Cox by STRATA (the
/// numbers are checked against R in ScriptingTests/ADaMBindingTests).
struct ADaMExampleTests {
  @Test func exampleRunsAndPrintsTheAnalysis() throws {
    let out = try temporaryDirectory()
    let r = try runKaplan(["run", "scripts/adam_example.lua", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let text = r.stdout
    #expect(text.contains("Kaplan–Meier estimate: Surv(AVAL, EVENT) ~ TRT01P"))
    #expect(text.contains("TRT01P=Levamisole + 5-FU 304    123     NA    89.5      NA"))
    #expect(text.contains("Log-rank test: Surv(AVAL, EVENT) ~ TRT01P + strata(STRATA)  (stratified: 2 strata)"))
    #expect(text.contains(" Chisq= 11.5  on 2 degrees of freedom, p= 0.003"))
    #expect(text.contains("TRT01PLevamisole + 5-FU  -0.37402  0.6880  0.1188  -3.148  0.00165"))
    #expect(text.contains("TRT01PLevamisole + 5-FU  -0.47147  0.6241  0.1130  -4.174  2.99e-05"))
    #expect(r.stderr.isEmpty, "\(r.stderr)")
  }
}
