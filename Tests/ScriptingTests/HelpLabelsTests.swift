import Foundation
import LuaHost
import Scripting
import TestSupport
import Testing

/// Labels show where people look (issue 17): `help(d)` of a dataset with
/// labels gives its label and its labelled columns under the heading, and a
/// dataset without labels reads as before.
@Suite struct HelpLabelsTests {
  @Test func helpOfADatasetListsItsLabels() throws {
    let help = HelpTests()
    let setup = """
      d = dataset("aml"):label("time", "Weeks to relapse"):label("x", "Maintenance"):set_label("AML trial")
      """
    let text = try help.helpText("d", setup: setup)
    #expect(text.hasPrefix("""
      A dataset: 23 rows × 3 columns (time, status, x).
        Label: AML trial
        Column labels (d:labels()):
          time  Weeks to relapse
          x     Maintenance
        A table of typed columns
      """), "\(text)")
    let plain = try help.helpText("dataset('aml')")
    #expect(
      plain.hasPrefix("A dataset: 23 rows × 3 columns (time, status, x).\n  A table of typed columns"), "\(plain)")
  }
}
