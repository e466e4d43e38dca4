import Foundation
import LuaHost
import Scripting
import Testing

/// Numbers in printed output as R prints them (issue 13): dataset previews,
/// columns and show() at 7 significant digits, p-value columns as R's
/// format.pval formats a column, and json() with the shortest text that
/// reads back as the same double.
@Suite struct RPrintedNumbersTests {
  let rt: KaplanRuntime

  init() throws { rt = try makeRuntime() }

  private func text(_ code: String) throws -> String {
    try lua(rt, code).first?.stringValue ?? "(not a string)"
  }

  /// A data frame column prints at 7 significant digits, all values of a
  /// column with the same decimals (R: print(data.frame(x = c(13.141683778234086, 2.5)))
  /// shows 13.14168 and 2.50000).
  @Test func datasetPreviewShowsSevenSignificantDigits() throws {
    let r = try text("""
      local d = dataset.from{{"x", {13.141683778234086, 2.5, 0/0}}, {"n", {1, 2, 3}}, {"s", {"3.0", "b", "c"}}}
      return tostring(d)
      """)
    let lines = r.split(separator: "\n").map(String.init)
    #expect(lines.count == 6)
    #expect(lines[3].hasPrefix("13.14168"))
    #expect(lines[4].hasPrefix(" 2.50000"))
    #expect(lines[5].hasPrefix("      NA"))
    #expect(!r.contains("13.141683778234086"))
    // A string column keeps its text: "3.0" is not a number to tidy.
    #expect(lines[3].hasSuffix("3.0"))
  }

  /// head(n) previews print the same way.
  @Test func headPreviewShowsSevenSignificantDigits() throws {
    let r = try text("""
      local d = dataset.from{{"x", {1/3, 2/3, 1e-20}}}
      return tostring(d:head(2))
      """)
    #expect(r.contains("0.3333333"))
    #expect(r.contains("0.6666667"))
  }

  /// print(d.x): the first values of a double column, formatted together
  /// at 7 digits (R: print(c(1/3, 100000, 2)) gives 3.333333e-01 1.000000e+05 2.000000e+00).
  @Test func columnPrintsAsR() throws {
    let r = try text("""
      local d = dataset.from{{"x", {1/3, 100000, 2}}, {"y", {13.141683778234086, 1, 0.5}}}
      return tostring(d.x) .. "\\n" .. tostring(d.y)
      """)
    #expect(r == "column x <double> [3]: 3.333333e-01, 1.000000e+05, 2.000000e+00\n"
      + "column y <double> [3]: 13.14168, 1.00000, 0.50000")
  }

  /// show() renders each number as R's print() does.
  @Test func showPrintsNumbersAsR() throws {
    let r = try text("""
      return package.loaded["kaplan.show"].render({13.141683778234086, 100000.0, 100000, 1e-20, 0/0, -1/0})
      """)
    #expect(r == "{13.14168, 1e+05, 100000, 1e-20, NaN, -Inf}")
  }

  /// Cox p-values: R's printCoefmat formats the p column together
  /// (print(coxph(Surv(time, status) ~ age + sex, lung)), R 4.2, survival
  /// 3.4: 0.06459 beside 0.00218).
  @Test func coxPValueColumnIsFormattedTogether() throws {
    let r = try text("return tostring(cox(dataset('lung'), 'Surv(time, status) ~ age + sex'))")
    #expect(r.contains("0.06459"))
    #expect(r.contains("0.00218"))
  }

  /// Gray's test p-values as format.pval prints them at 3 digits:
  /// format.pval(c(5.5031e-07, 0.0025273), 3) is "5.5e-07" "0.00253" (the
  /// copy in competing.lua printed 5.50e-07).
  @Test func grayTestPValuesAsFormatPval() throws {
    let r = try text("""
      local t, e, g = {}, {}, {}
      for i = 1, 25 do t[#t + 1] = i; e[#e + 1] = (i % 3 == 0) and 2 or 1; g[#g + 1] = "a" end
      for i = 1, 25 do t[#t + 1] = 25 + i; e[#e + 1] = (i % 2 == 0) and 1 or 0; g[#g + 1] = "b" end
      local ci = cuminc(dataset.from{{"t", t}, {"e", e}, {"g", g}}, "Surv(t, e) ~ g", {censor = 0})
      assert(math.abs(ci.tests[1].p - 5.5031274185667e-07) < 1e-12, ci.tests[1].p)
      return tostring(ci)
      """)
    #expect(r.contains(" 5.5e-07"))
    #expect(!r.contains("5.50e-07"))
    #expect(r.contains(" 0.00253"))
  }

  /// json() writes the shortest of 15, 16, 17 significant digits (from 1 for a subnormal) that
  /// reads back equal; integers as integers; NaN and infinities null.
  @Test func jsonNumbersAreShortestRoundTrip() throws {
    let r = try text("return json({0.95, 0.1 + 0.2, 3.0, 7, 1e300, 1/3, 5e-324, 0/0, 1/0, [0.5] = true})")
    #expect(r == #"{"0.5":true,"1":0.95,"2":0.30000000000000004,"3":3,"4":7,"5":1e+300,"#
      + #""6":0.3333333333333333,"7":5e-324,"8":null,"9":null}"#)
    let values = try lua(rt, """
      local xs = {0.95, 0.1 + 0.2, 1/3, 2/3, math.pi, 1e-300, 123456.789, 5e-324, 1.7976931348623157e308}
      local back = {}
      for i, x in ipairs(xs) do
        local s = json({x}):sub(2, -2)
        back[i] = tostring(tonumber(s) == x) .. " " .. s
      end
      return table.concat(back, "\\n")
      """)
    let lines = (values.first?.stringValue ?? "").split(separator: "\n")
    #expect(lines.count == 9)
    for line in lines { #expect(line.hasPrefix("true "), "\(line)") }
    #expect(lines[0] == "true 0.95")
  }
}
