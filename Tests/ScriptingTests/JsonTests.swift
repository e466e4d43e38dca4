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

  @Test func cyclesAreAnError() throws {
    let rt = try makeRuntime()
    #expect(luaError(rt, "local t = {} t.self = t return json(t)").contains("json: a table contains itself"))
  }
}
