import Foundation
import LuaHost
import Scripting
import Testing

/// `json(x)`: results as JSON another tool can read.
@Suite struct JsonTests {
  @Test func encodesTablesArraysAndMissingValues() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, #"return json({a = 1, b = {1.5, nil, 3}, c = "q\"\n", d = 0/0, e = {}, f = print})"#)
    #expect(r == [.string(#"{"a":1,"b":[1.5,null,3],"c":"q\"\n","d":null,"e":{}}"#)])
  }

  @Test func resultsRoundTripThroughAJsonParser() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, #"return json(cox(dataset("aml"), "Surv(time, status) ~ x"))"#)
    let text = try #require(r.first?.stringValue)
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let terms = try #require(object?["terms"] as? [[String: Any]])
    #expect(terms.first?["name"] as? String == "xNonmaintained")
    // R: coxph(Surv(time, status) ~ x, aml) coefficient 0.9155
    let coef = try #require(terms.first?["coef"] as? Double)
    #expect(abs(coef - 0.91546) < 1e-4)
  }

  @Test func subnormalsAreWrittenShortest() throws {
    let rt = try makeRuntime()
    #expect(try lua(rt, "return json(5e-324), json(1e-310), json(-2.5e-320), json(2.2250738585072014e-308)")
      == [.string("5e-324"), .string("1e-310"), .string("-2.5e-320"), .string("2.2250738585072014e-308")])
    // Each reads back as the same double.
    #expect(try lua(rt, "return tonumber(json(1e-310)) == 1e-310") == [.boolean(true)])
  }

  @Test func cyclesAreAnError() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "local t = {} t.self = t return json(t)").contains("json: a table contains itself"))
  }

  @Test func mixedAndSparseTablesLoseNothing() throws {
    // Found by the robustness probes: {[1] = 1, [3] = 3, x = 2} gave {"x":2}.
    let rt = try makeRuntime()
    let r = try lua(rt,
      "return json({[1] = 1, [3] = 3, x = 2}), json({[2.5] = 1}), json({[1e9] = 1}), json({1, nil, 3})")
    #expect(
      r == [
        .string(#"{"1":1,"3":3,"x":2}"#), .string(#"{"2.5":1}"#), .string(#"{"1000000000":1}"#), .string("[1,null,3]"),
      ])
    #expect(luaError(rt,
      "local t = {[true] = 1}\nlocal s = json(t)") == "test:2: json: a table has a boolean key, which JSON cannot hold")
    #expect(luaError(rt, "local s = json({[1] = 1, ['1'] = 2, x = 3})").hasPrefix("test:1: json: keys 1 and \"1\""))
    #expect(luaError(rt, "local t = {a = {}}; t.a.b = t; local s = json(t)") == "test:1: json: a table contains itself")
  }

  @Test func stringsThatAreNotUTF8AreAnError() throws {
    // Found by the JSON fuzzer: json("\xe9") returned text no JSON parser
    // accepts (JSON text is UTF-8, RFC 8259 section 8.1).
    let rt = try makeRuntime()
    #expect(luaError(rt, "local s = json({label = 'caf\\xe9'})")
      == #"test:1: json: string "caf\xE9" is not valid UTF-8 (byte 4); JSON text must be UTF-8"#)
    #expect(luaError(rt, "local s = json({['\\xff'] = 1})").contains("is not valid UTF-8 (byte 1)"))
    #expect(luaError(rt, "local s = json('\\xed\\xa0\\x80')").contains("is not valid UTF-8"))
    let r = try lua(rt, "return json({'été', 'a\\0b'})")
    #expect(r == [.string(#"["été","a\u0000b"]"#)])
  }
}
