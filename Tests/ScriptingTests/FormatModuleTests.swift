import Foundation
import LuaHost
import Scripting
import TestSupport
import Testing

/// R's printed strings for the inputs of the format module, written by
/// scripts/fixtures/format.R (R 4.2) to Tests/Fixtures/format/format.json.
struct FormatFixture: Decodable {
  struct PvalCase: Decodable { let p: [String]; let digits: Int; let expected: [String] }
  struct ColumnCase: Decodable { let x: [String]; let digits: Int; let expected: [String] }
  struct PrintCase: Decodable { let x: String; let integer: Bool; let expected: String }
  let pval: [PvalCase]
  let column: [ColumnCase]
  let print: [PrintCase]

  static func load() throws -> FormatFixture {
    let url = projectRoot.appendingPathComponent("Tests/Fixtures/format/format.json")
    return try JSONDecoder().decode(FormatFixture.self, from: Data(contentsOf: url))
  }

  /// A Lua expression for one fixture input: an exact double (17 digits),
  /// nil for NA, or an infinity.
  static func lua(_ text: String) -> String {
    switch text {
    case "NA": return "nil"
    case "Inf": return "math.huge"
    case "-Inf": return "-math.huge"
    default: return "(tonumber(\"\(text)\") + 0.0)"
    }
  }

  /// A Lua array constructor of `values` (NA as nil holes).
  static func luaArray(_ values: [String]) -> String {
    "{" + values.map { lua($0) }.joined(separator: ", ") + "}"
  }
}

/// stdlib/kaplan/format.lua, the one formatting module of the stdlib,
/// against strings printed by R: format.pval, format (formatReal) and print.
@Suite struct FormatModuleTests {
  let rt: KaplanRuntime
  let fixture: FormatFixture

  init() throws {
    rt = try makeRuntime()
    fixture = try FormatFixture.load()
  }

  /// Calls kaplan.format.`call` and returns the strings of its result array.
  private func strings(_ call: String, count: Int) throws -> [String] {
    let r = try lua(rt, """
      local format = package.loaded["kaplan.format"]
      local out = \(call)
      return table.unpack(out, 1, \(count))
      """)
    return r.map { $0.stringValue ?? "(not a string)" }
  }

  /// format.pval at digits 1, 3 and 5 for single p-values, and at 2 to 4
  /// for vectors (formatted together, as R does: 0.06472 beside 0.00218).
  @Test func pValuesMatchRFormatPval() throws {
    #expect(fixture.pval.count >= 30)
    for c in fixture.pval {
      let call = "format.format_pvals(\(FormatFixture.luaArray(c.p)), \(c.p.count), \(c.digits))"
      #expect(try strings(call, count: c.p.count) == c.expected, "format.pval(\(c.p), digits = \(c.digits))")
      if c.p.count == 1 {
        let one = try lua(rt, """
          return package.loaded["kaplan.format"].format_pval(\(FormatFixture.lua(c.p[0])), \(c.digits))
          """)
        #expect(one.first?.stringValue == c.expected[0], "format.pval(\(c.p[0]), digits = \(c.digits))")
      }
    }
  }

  /// formatReal: a common layout for a column mixing magnitudes, signs,
  /// NA and infinities, at 1, 3, 4 and 7 significant digits.
  @Test func columnsMatchRFormat() throws {
    for c in fixture.column {
      let call = "format.format_column(\(FormatFixture.luaArray(c.x)), \(c.x.count), \(c.digits))"
      #expect(try strings(call, count: c.x.count) == c.expected, "format(\(c.x), digits = \(c.digits))")
    }
  }

  /// One number as print() shows it at 7 significant digits; R integers
  /// (Lua integers) in full.
  @Test func singleValuesMatchRPrint() throws {
    for c in fixture.print {
      let value = c.integer ? "math.tointeger(tonumber(\"\(c.x)\"))" : FormatFixture.lua(c.x)
      let r = try lua(rt, "return package.loaded['kaplan.format'].format_value(\(value))")
      #expect(r.first?.stringValue == c.expected, "print(\(c.x))")
    }
  }

  /// Values R prints by name, and the competing-risks case of the issue:
  /// 5e-05, not 5.00e-05.
  @Test func namedValuesAndTheIssueExample() throws {
    let r = try lua(rt, """
      local f = package.loaded["kaplan.format"]
      return f.format_value(0/0), f.format_value(math.huge), f.format_value(-math.huge),
        f.format_pval(5e-5, 3), f.format_pval(nil, 3), f.format_number(-0.0, 7)
      """)
    #expect(r.map(\.stringValue) == ["NaN", "Inf", "-Inf", "5e-05", "NA", "0"])
  }

  /// Confidence levels as percentages.
  @Test func levelText() throws {
    let r = try lua(rt, """
      local f = package.loaded["kaplan.format"]
      return f.level_text(0.95), f.level_text(0.9), f.level_text(0.975), f.level_text(0.8999999999999999)
      """)
    #expect(r.map(\.stringValue) == ["95%", "90%", "97.5%", "90%"])
  }

  /// Tables: labels left, numbers right, the gap between columns, no
  /// trailing spaces, nil cells empty.
  @Test func tablesAlignAndIndent() throws {
    let r = try lua(rt, """
      local f = package.loaded["kaplan.format"]
      return f.format_table({ { "", { "a", "bb" }, left = true }, { "n", { "1", "100" } },
        { "note", { "x" }, left = true } }, 2, "  ", "  ")
      """)
    #expect(r.first?.stringValue == "        n  note\n  a     1  x\n  bb  100")
  }
}
