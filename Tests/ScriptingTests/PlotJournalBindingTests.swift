import Foundation
import LuaHost
import Plots
import Scripting
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Issue 18's figure options through `plot()`: journal output (dpi,
/// physical sizes, line types, palettes, fonts), several cuminc causes in
/// one figure, forest term labels, legend titles and subgroup variables from
/// column labels, and the preview's width.
@Suite struct PlotJournalBindingTests {
  static let aml = "local fit = km(dataset('aml'), 'Surv(time, status) ~ x')\n"
  static let clocc = "local ci = cuminc(dataset('clocc'), 'Surv(pfs_months, first_event) ~ arm')\n"
  static let veteran = "local m = cox(dataset('veteran'), 'Surv(time, status) ~ trt + celltype + karno')\n"

  func svg(_ rt: KaplanRuntime, _ code: String) throws -> String {
    let r = try lua(rt, code)
    return try String(contentsOfFile: r.first?.stringValue ?? "", encoding: .utf8)
  }

  @Test func physicalSizesAndFonts() throws {
    let rt = try makeRuntime()
    let text = try svg(rt, Self.aml + """
      return plot(fit, {file = 'a.svg', width = '7in', height = '127mm', font_family = 'Times New Roman, serif',
        linetypes = {'solid', 'dotdash'}, palette = 'viridis'})
      """)
    #expect(text.contains("viewBox=\"0 0 672 480\""))
    #expect(text.contains("font-family=\"Times New Roman, serif\""))
    #expect(text.contains("stroke-dasharray=\"2 4 7 4\""))
    #expect(text.contains("stroke=\"#440154\""))
    // Pixels stay the default unit, and the default figure is as before.
    let plain = try svg(rt, Self.aml + "return plot(fit, {file = 'b.svg', width = 600})")
    #expect(plain.contains("viewBox=\"0 0 600 ") && !plain.contains("stroke-dasharray=\"7 5\""))
  }

  @Test(.enabled(if: PlotFile().findConverter() != nil)) func pngDpiGivesInchesTimesDpiPixels() throws {
    let rt = try makeRuntime()
    for (code, size) in [
      ("width = '7in', height = '5in', dpi = 300", (2100, 1500)),
      ("width = '3.5in', height = '3in', dpi = 600", (2100, 1800)),
      ("width = 700, height = 500, scale = 2", (1400, 1000)),
    ] {
      let r = try lua(rt, Self.aml + "return plot(fit, {file = 'k.png', \(code)})")
      let path = r.first?.stringValue ?? ""
      let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
      #expect(bytes.count > 24 && be32(16) == size.0 && be32(20) == size.1, "\(code)")
    }
    // Every kind of figure takes dpi.
    _ = try lua(rt, Self.clocc + "return plot(ci, {file = 'c.png', dpi = 150, causes = 'all'})")
    _ = try lua(rt, Self.veteran + "return plot(m, {file = 'f.png', dpi = 150})")
    _ = try lua(rt, Self.veteran + "return plot(m:zph(), {file = 'z.png', dpi = 150})")
  }

  @Test func badJournalOptionsNameTheOptionAndValue() throws {
    let rt = try makeRuntime()
    func error(_ code: String) -> String { luaError(rt, Self.aml + code) }
    let prefix = "test:2: bad argument #2 to 'plot' ("
    let lengthRule = "must be a number of pixels or a positive decimal number followed by a unit (in, mm, cm, px "
      + "or pt), such as \"7in\" or \"180mm\""
    #expect(error("plot(fit, {file = 'x.svg', width = '7 inches'})") == prefix
      + "option 'width' \(lengthRule), got \"7 inches\")")
    // Strict numbers (session-5 review): no hexadecimal, exponent, inf or nan, no zero or negative size.
    for bad in ["0x10in", "1e1in", "infin", "nanmm", "-7in", "0in", "7.5.1in", "+7in"] {
      #expect(error("plot(fit, {file = 'x.svg', width = '\(bad)'})") == prefix
        + "option 'width' \(lengthRule), got \"\(bad)\")")
    }
    #expect(error("plot(fit, {file = 'x.svg', height = '0x10in'})") == prefix
      + "option 'height' \(lengthRule), got \"0x10in\")")
    #expect(error("plot(fit, {file = 'x.svg', height = '1in'})") == prefix
      + "option 'height' must be from 1.56in to 104.17in (150 to 10000 pixels), got \"1in\")")
    #expect(error("plot(fit, {file = 'x.svg', dpi = 300})") == prefix
      + "option 'dpi' applies to PNG files only (an SVG or PDF figure scales without loss), got file \"x.svg\")")
    #expect(error("plot(fit, {dpi = 300})") == prefix
      + "option 'dpi' applies to PNG files only (an SVG or PDF figure scales without loss), got no file)")
    #expect(error("plot(fit, {file = 'x.png', dpi = 300, scale = 2})") == prefix
      + "options 'dpi' and 'scale' both set the PNG resolution; give one)")
    #expect(error("plot(fit, {file = 'x.png', dpi = 5})") == prefix
      + "option 'dpi' must be a number from 24 to 2400, got 5)")
    #expect(error("plot(fit, {file = 'x.svg', palette = 'rainbow'})") == prefix
      + "option 'palette' must be one of \"default\", \"okabe_ito\", \"greyscale\", \"grey\", \"viridis\", "
      + "got \"rainbow\")")
    #expect(error("plot(fit, {file = 'x.svg', linetypes = {'dashed', 'wavy'}})") == prefix
      + "linetypes[2] must be one of \"solid\", \"dashed\", \"dotted\", \"dotdash\", \"longdash\", "
      + "\"twodash\", got \"wavy\")")
    #expect(error("plot(fit, {file = 'x.svg', font_family = 'x\"/><script>'})").hasPrefix(prefix
      + "option 'font_family' must be font names separated by commas"))
    #expect(error("plot(fit, {file = 'x.svg', term_width = 80})") == prefix
      + "option 'term_width' applies to the terminal preview only (a plot without file))")
    #expect(error("plot(fit, {file = 'x.svg', layout = 'overlay'})") == prefix
      + "option 'layout' applies to cuminc results only, not to a km result)")
    #expect(error("plot(fit, {file = 'x.svg', labels = {Maintained = 'M'}})") == prefix
      + "option 'labels' must be an array of strings (one per curve) for curves, got a table with keys)")
  }

  @Test func severalCausesStackedSideBySideOrOverlaid() throws {
    let rt = try makeRuntime()
    let stacked = try svg(rt, Self.clocc + "return plot(ci, {file = 's.svg', causes = 'all', title = 'CLOCC'})")
    #expect(XMLParser(data: Data(stacked.utf8)).parse())
    #expect(stacked.components(separatedBy: "<svg ").count == 1 + 1 + 3)
    for cause in ["hepatic", "extrahepatic", "death"] { #expect(stacked.contains(">Cause \(cause)<")) }
    #expect(stacked.contains(">CLOCC<"))
    let side = try svg(rt, Self.clocc + "return plot(ci, {file = 'd.svg', cause = {'death', 'hepatic'}, "
      + "layout = 'side', pvalue = true})")
    #expect(side.components(separatedBy: "<svg ").count == 1 + 1 + 2)
    #expect(side.range(of: ">Cause death<")?.lowerBound ?? side.endIndex
      < side.range(of: ">Cause hepatic<")?.lowerBound ?? side.startIndex)
    #expect(side.components(separatedBy: "Gray&apos;s test p").count == 3)
    let overlay = try svg(rt, Self.clocc + "return plot(ci, {file = 'o.svg', cause = {'hepatic', 'death'}, "
      + "layout = 'overlay', pvalue = true})")
    #expect(overlay.components(separatedBy: "<svg ").count == 2)
    #expect(overlay.contains("stroke-dasharray=\"7 5\""))  // the second cause
    #expect(overlay.contains(", cause hepatic<") && overlay.contains(", cause death<"))
    #expect(overlay.contains("Gray&apos;s test: cause hepatic p"))
    // Preview of an overlay; stacked panels have none.
    let preview = try lua(rt, Self.clocc + """
      local out = {}
      local saved = print
      print = function(s) out[#out + 1] = s end
      plot(ci, {causes = 'all', layout = 'overlay', color = false})
      print = saved
      return out[1]
      """)
    #expect((preview.first?.stringValue ?? "").contains("cause extrahepatic"))
    let prefix = "test:2: bad argument #2 to 'plot' ("
    #expect(luaError(rt, Self.clocc + "plot(ci, {causes = 'all'})")
      == "test:2: plot: layout = \"stacked\" or \"side\" has no terminal preview; give {file = \"cuminc.svg\"} or "
      + "layout = \"overlay\"")
    #expect(luaError(rt, Self.clocc + "plot(ci, {file = 'x.svg', cause = {'hepatic', 'nope'}})") == prefix
      + "option 'cause' must be a cause of the result (\"hepatic\", \"extrahepatic\", \"death\"), got \"nope\")")
    #expect(luaError(rt, Self.clocc + "plot(ci, {file = 'x.svg', cause = {'death', 'death'}})") == prefix
      + "option 'cause' lists cause \"death\" twice)")
    #expect(luaError(rt, Self.clocc + "plot(ci, {file = 'x.svg', cause = 'death', layout = 'side'})") == prefix
      + "option 'layout' applies to several causes (cause = {1, 2}), got one cause)")
    #expect(luaError(rt, Self.clocc + "plot(ci, {file = 'x.svg', cause = 'death', causes = 'all'})") == prefix
      + "options 'cause' and 'causes' both choose the causes; give one)")
    #expect(luaError(rt, Self.clocc + "plot(ci, {file = 'x.svg', causes = 'some'})").hasPrefix(prefix
      + "option 'causes' must be "))
    #expect(luaError(rt, Self.clocc + "plot(ci, {file = 'x.svg', cause = {x = 1}})") == prefix
      + "option 'cause' must be an array of causes such as {1, 2}, got a table with keys)")
  }

  @Test func forestLabelsRenameTermsAndFactorVariables() throws {
    let rt = try makeRuntime()
    let text = try svg(rt, Self.veteran + """
      return plot(m, {file = 'f.svg', labels = {celltype = 'Cell type', karno = 'Karnofsky score',
        celltypeadeno = 'Adenocarcinoma'}})
      """)
    #expect(text.contains(">Cell type<") && !text.contains(">celltype<"))
    #expect(text.contains(">Karnofsky score<") && text.contains(">Adenocarcinoma<"))
    #expect(text.contains(">squamous<") && text.contains(">reference<"))  // the reference level keeps its row
    #expect(text.contains(">trt<"))
    let fg = try svg(rt, """
      local d = dataset('clocc')
      local m = finegray(d, 'Surv(pfs_months, first_event) ~ arm + age', {cause = 'hepatic'})
      return plot(m, {file = 'g.svg', labels = {age = 'Age (years)'}})
      """)
    #expect(fg.contains(">Age (years)<"))
    // Column labels name factor headers and numeric rows unless labels says otherwise.
    let labelled = try svg(rt, """
      local d = dataset('veteran'):label('celltype', 'Histology'):label('karno', 'Karnofsky')
      local m = cox(d, 'Surv(time, status) ~ trt + celltype + karno')
      return plot(m, {file = 'l.svg', labels = {karno = 'Performance'}})
      """)
    #expect(labelled.contains(">Histology<") && labelled.contains(">Performance<") && !labelled.contains(">Karnofsky<"))
    #expect(luaError(rt, Self.veteran + "plot(m, {file = 'x.svg', labels = {karno2 = 'K'}})")
      == "test:2: bad argument #2 to 'plot' (option 'labels' names no term of the model: 'karno2' (terms: celltype, "
      + "trt, celltypesmallcell, celltypeadeno, celltypelarge, karno))")
    #expect(luaError(rt, Self.veteran + "plot(m, {file = 'x.svg', labels = {'a', 'b'}})")
      == "test:2: bad argument #2 to 'plot' (option 'labels' must map terms to labels for a forest plot, e.g. "
      + "{age = \"Age (years)\"}, got an array)")
    #expect(luaError(rt, Self.veteran + "plot(m, {file = 'x.svg', labels = {karno = 3}})")
      == "test:2: bad argument #2 to 'plot' (option 'labels' must map terms to strings, got 3 for 'karno')")
  }

  @Test func columnLabelsTitleLegendsAndSubgroups() throws {
    let rt = try makeRuntime()
    let colon = "local d = dataset('colon'):label('rx', 'Treatment'):label('sex', 'Sex of patient')\n"
    let km = try svg(rt, colon + "return plot(km(d, 'Surv(time, status) ~ rx'), {file = 'k.svg'})")
    #expect(km.contains("font-weight=\"bold\" fill=\"#000000\">Treatment</text>"))
    let given = try svg(rt, colon + "return plot(km(d, 'Surv(time, status) ~ rx'), {file = 'k2.svg', "
      + "legend_title = 'Arm'})")
    #expect(given.contains(">Arm</text>") && !given.contains(">Treatment</text>"))
    let unlabelled = try svg(rt, "return plot(km(dataset('colon'), 'Surv(time, status) ~ rx'), {file = 'k3.svg'})")
    #expect(!unlabelled.contains("font-weight=\"bold\" fill=\"#000000\">rx</text>"))
    let code = colon + "local s = subgroups(d, 'Surv(time, status) ~ rx', {by = {'sex'}})\n"
    let forest = try svg(rt, code + "return plot(s, {file = 's.svg'})")
    #expect(forest.contains(">Sex of patient<") && !forest.contains(">sex<"))
    let printed = try lua(rt, code + "return tostring(s), s.variables[1].label, s.variables[1].name")
    #expect((printed[0].stringValue ?? "").contains("Sex of patient"))
    #expect(printed[1] == .string("Sex of patient") && printed[2] == .string("sex"))
  }

  @Test func previewTakesTermWidth() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.aml + """
      local out = {}
      local saved = print
      print = function(s) out[#out + 1] = s end
      plot(fit, {term_width = 50, color = false, pvalue = true})
      print = saved
      return out[1]
      """)
    let lines = (r.first?.stringValue ?? "").split(separator: "\n")
    let rows = lines.filter { $0.contains("┤") || $0.contains("│") }
    #expect(!rows.isEmpty && rows.allSatisfy { $0.count == 50 })
    #expect(lines.last?.trimmingCharacters(in: .whitespaces) == "Log-rank p = 0.065")
    #expect(luaError(rt, Self.aml + "plot(fit, {term_width = 5})")
      == "test:2: bad argument #2 to 'plot' (option 'term_width' must be an integer from 20 to 400, got 5)")
  }
}
