import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// The string and window column functions of issue 15 against R
/// (`scripts/fixtures/column_strings.R`, `Tests/Fixtures/columns/column_strings.json`): upper, lower, trim,
/// str_len, starts_with, ends_with, contains, sub and gsub (a Lua pattern beside an R regular expression that
/// means the same on these values), and lag/lead, alone and within groups, as data.table's shift(). Each is
/// called from Lua as a script calls it; NA is compared as NA.
@Suite struct ColumnStringsFixtureTests {
  let rt: KaplanRuntime
  let fixture: [String: Any]

  init() throws {
    rt = try makeRuntime()
    fixture = try #require(try loadFixture("columns/column_strings.json") as? [String: Any])
    let strings = try #require(fixture["strings"] as? [Any])
    let x = try #require(fixture["x"] as? [Any]), g = try #require(fixture["g"] as? [Any])
    try lua(rt, """
      s = dataset.from{ {"s", \(Self.luaList(strings))} }.s
      w = dataset.from{ {"x", \(Self.luaList(x))}, {"g", \(Self.luaList(g))} }
      -- A column's values as one string: NA as <NA>, values joined by a 0x01 byte.
      shown = function(c)
        local t = {}
        for i = 1, #c do
          local v = c[i]
          if v == nil then t[i] = "<NA>"
          elseif math.type(v) == "float" and v == math.floor(v) then t[i] = string.format("%d", v)
          else t[i] = tostring(v) end
        end
        return table.concat(t, "\\1")
      end
      """)
  }

  /// A JSON array as a Lua table constructor: strings byte by byte as decimal escapes, null as NA.
  static func luaList(_ values: [Any]) -> String {
    let items = values.map { v -> String in
      switch v {
      case let s as String: return "\"" + s.utf8.map { "\\\($0)" }.joined() + "\""
      case let n as NSNumber: return n.stringValue
      default: return "NA"
      }
    }
    return "{" + items.joined(separator: ", ") + "}"
  }

  /// Expected values in the form `shown` writes (`bools`: JSON's true and false, which Foundation reads as
  /// numbers).
  static func expected(_ values: [Any], bools: Bool = false) -> String {
    values.map { v -> String in
      switch v {
      case let s as String: return s
      case let n as NSNumber where bools: return n.boolValue ? "true" : "false"
      case let n as NSNumber:
        let d = n.doubleValue
        return d == d.rounded() ? String(Int(d)) : String(d)
      default: return "<NA>"
      }
    }.joined(separator: "\u{1}")
  }

  private func shown(_ expression: String) throws -> String {
    try lua(rt, "return shown(\(expression))").first?.stringValue ?? "(not a string)"
  }

  @Test func caseTrimAndLengthMatchR() throws {
    let cases: [(String, String)] = [
      ("upper", "s:upper()"), ("lower", "lower(s)"), ("trim_both", "s:trim()"),
      ("trim_left", "trim(s, {which = 'left'})"), ("trim_right", "s:trim{which = 'right'}"), ("str_len", "s:str_len()"),
    ]
    for (key, code) in cases {
      let values = try #require(fixture[key] as? [Any], "\(key)")
      #expect(try shown(code) == Self.expected(values), "\(key)")
    }
    // The one deliberate difference, by hand: full case mapping, as stringr's str_to_upper.
    #expect(try lua(rt, "return upper('straße')").first?.stringValue == "STRASSE")
  }

  @Test func plainTextTestsMatchR() throws {
    for (key, argument) in [("starts_with", "prefix"), ("ends_with", "suffix"), ("contains", "text")] {
      let entry = try #require(fixture[key] as? [String: Any])
      let text = try #require(entry[argument] as? String), values = try #require(entry["expected"] as? [Any])
      let call = "s:\(key)(\(Self.luaList([text]).dropFirst().dropLast()))"
      #expect(try shown(call) == Self.expected(values, bools: true), "\(key)")
    }
  }

  @Test func subAndGsubWithLuaPatternsMatchRsRegularExpressions() throws {
    let cases = try #require(fixture["substitutions"] as? [[String: Any]])
    #expect(cases.count == 6)
    for entry in cases {
      let pattern = try #require(entry["pattern"] as? String)
      let replacement = try #require(entry["replacement"] as? String)
      let arguments = Self.luaList([pattern, replacement]).dropFirst().dropLast()
      for function in ["sub", "gsub"] {
        let values = try #require(entry[function] as? [Any])
        #expect(try shown("\(function)(s, \(arguments))") == Self.expected(values), "\(function) \(pattern)")
      }
    }
  }

  @Test func lagAndLeadMatchShiftAloneAndWithinGroups() throws {
    let cases = try #require(fixture["window"] as? [[String: Any]])
    #expect(cases.count == 6)
    for entry in cases {
      let function = try #require(entry["fn"] as? String), k = try #require(entry["k"] as? Int)
      var options: [String] = []
      if let d = entry["default"] as? NSNumber { options.append("default = \(d.stringValue)") }
      if entry["by"] as? Bool == true { options.append("by = w.g") }
      let call = "w.x:\(function)(\(k)\(options.isEmpty ? "" : ", {" + options.joined(separator: ", ") + "}"))"
      let values = try #require(entry["expected"] as? [Any])
      #expect(try shown(call) == Self.expected(values), "\(call)")
    }
  }
}
