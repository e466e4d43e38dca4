import Foundation
import LuaHost
import Scripting
import TestSupport
import Testing

/// Column labels as default axis and legend titles (issue 17) for every
/// figure of curves: a km plot had them; a cuminc plot (one cause, several
/// causes in panels or overlaid) now titles its time axis with the time
/// column's label and its legend with the group column's, unless the script
/// gives xlab or legend_title.
@Suite struct PlotLabelDefaultsTests {
  static let labelled = """
    local d = dataset('clocc'):label('pfs_months', 'Months from randomisation'):label('arm', 'Treatment arm')
    local ci = cuminc(d, 'Surv(pfs_months, first_event) ~ arm')

    """
  static let legendTitle = "font-weight=\"bold\" fill=\"#000000\">Treatment arm</text>"
  static let axisTitle = ">Months from randomisation</text>"

  @Test func cumincTakesTheTimeAndGroupLabels() throws {
    let rt = try makeRuntime()
    let plots = PlotJournalBindingTests()
    let layouts = ["", ", causes = 'all'", ", causes = 'all', layout = 'side'", ", causes = 'all', layout = 'overlay'"]
    for options in layouts {
      let text = try plots.svg(rt, Self.labelled + "return plot(ci, {file = 'c.svg'\(options)})")
      #expect(text.contains(Self.axisTitle), "\(options)")
      #expect(text.contains(Self.legendTitle), "\(options)")
      #expect(!text.contains(">Time</text>"), "\(options)")
    }
    let given = try plots.svg(
      rt, Self.labelled + "return plot(ci, {file = 'g.svg', xlab = 'Months', legend_title = 'Arm'})")
    #expect(given.contains(">Months</text>") && !given.contains(Self.axisTitle))
    #expect(given.contains(">Arm</text>") && !given.contains(Self.legendTitle))
    let plain = try plots.svg(
      rt, "return plot(cuminc(dataset('clocc'), 'Surv(pfs_months, first_event) ~ arm'), {file = 'p.svg'})")
    #expect(plain.contains(">Time</text>") && !plain.contains("font-weight=\"bold\" fill=\"#000000\">arm</text>"))
  }

  @Test func kmTakesTheTimeLabelToo() throws {
    let rt = try makeRuntime()
    let text = try PlotJournalBindingTests().svg(
      rt, Self.labelled + "return plot(km(d, 'Surv(pfs_months, pfs_event) ~ arm'), {file = 'k.svg'})")
    #expect(text.contains(Self.axisTitle) && text.contains(Self.legendTitle))
  }
}
