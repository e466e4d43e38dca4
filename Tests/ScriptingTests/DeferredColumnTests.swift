import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// Deferred columns (`DeferredColumns`): element-wise chains on long double
/// columns are computed in one fused pass when first read. Here, from a
/// script: the values equal the unfused ones (the same rows computed on
/// slices too short to defer), warnings still come at the call, a column
/// read by two expressions is computed once, trees stay small, and errors
/// and result types are those of the unfused functions.
@Suite struct DeferredColumnTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  /// 20,000 rows (deferred from 16,384), NA every 7th row, negatives, zeros.
  static let setup = """
    local n = 20000
    local x, y = {}, {}
    for i = 1, n do
      x[i] = (i % 7 == 0) and NA or math.sin(i) * 10
      y[i] = (i % 11 == 0) and NA or ((i % 13 == 0) and 0 or math.cos(i * 3) * 4)
    end
    local big = dataset.from{x = x, y = y}
    local halves = {big:slice(1, n // 2), big:slice(n // 2 + 1, n)}
    -- Rows of f(big) that differ from f computed on the halves (unfused: under 16,384 rows).
    local function mismatches(f)
      local whole = f(big)
      local bad = 0
      for h = 1, 2 do
        local part = f(halves[h])
        for i = 1, #part do
          local a, b = whole[(h - 1) * (n // 2) + i], part[i]
          if not (a == b or (a ~= a and b ~= b)) then bad = bad + 1 end
        end
      end
      return bad
    end
    """

  private func warnings(_ code: String) throws -> (results: [LuaValue], warnings: [String]) {
    var list: [String] = []
    let r = try RunWarnings.withSink({ list.append($0) }) { try lua(rt, Self.setup + "\n" + code) }
    return (r, list)
  }

  @Test func fusedChainsEqualTheFunctionsOneAtATime() throws {
    let (r, w) = try warnings("""
      return mismatches(function(d) return d.x:log1p() end),
        mismatches(function(d) return d.x:round(2) end),
        mismatches(function(d) return d.x:sqrt() * d.y:exp() end),
        mismatches(function(d) return d.x ^ 2 + d.y % 3 end),
        mismatches(function(d) return pmin(d.x, d.y) end),
        mismatches(function(d) return pmax(d.x, 1, d.y, {na_rm = true}) end),
        mismatches(function(d) return (-(d.x / 3) + 2 * d.y - 1):abs():signif(4):floor() end),
        mismatches(function(d) return pow(2, d.y) + d.x:pow(3) - d.y ^ d.x end),
        mismatches(function(d) return log(d.x:abs(), 10) + log(d.y:abs() + 1, 2) + d.x:exp():log() end),
        mismatches(function(d) return d.x:trunc():ceil() * d.y:round() end)
      """)
    #expect(r == Array(repeating: .integer(0), count: 10))
    // log1p and sqrt (each on the whole and on the two halves) warn as unfused, once per call.
    #expect(w.count == 6)
  }

  @Test func warningsComeAtTheCallWithTheUnfusedCount() throws {
    let (r, w) = try warnings("""
      local unread = big.x:sqrt()
      local counted = 0
      for i = 1, n do if x[i] ~= NA and x[i] < 0 then counted = counted + 1 end end
      local m = big.x * 1e20 % 1
      return counted, unread[1] ~= nil
      """)
    guard case .integer(let negatives) = r.first else {
      Issue.record("no count")
      return
    }
    #expect(w.first == "Warning in sqrt(): NaNs produced (\(negatives) values are NA)")
    #expect(w.count == 2 && w[1].hasPrefix("Warning in %: probable complete loss of accuracy in modulus ("))
  }

  @Test func aColumnReadByTwoExpressionsAndLongLoopsKeepTheirValues() throws {
    let (r, _) = try warnings("""
      local a = big.x:abs():sqrt()
      local b, c = a * 2, a * 4
      local sum = 0
      for i = 1, 100 do if a[i] then sum = sum + (b[i] - 2 * a[i]) + (c[i] - 4 * a[i]) end end
      local acc = big.y:round()
      for _ = 1, 200 do acc = acc + 0.5 end
      local want = big.y:round() + 100
      local bad = 0
      for i = 1, n do if acc[i] ~= want[i] then bad = bad + 1 end end
      return sum, bad, acc:missing(), #big:with{b = b, c = c, acc = acc}
      """)
    #expect(r == [.number(0), .integer(0), .integer(20000 / 11), .integer(20000)])
  }

  @Test func typesAndErrorsAreTheUnfusedOnes() throws {
    let (r, _) = try warnings("""
      local e = big:with{i = big.x:round(), s = big.x * 2}
      return e:types().i, e:types().s, (big.x:floor() // 1):type(), (big.x % 2):type(), big.x:sqrt():name()
      """)
    #expect(r == [.string("double"), .string("double"), .string("double"), .string("double"), .string("sqrt")])
    let short = Self.setup + "\nreturn big.x * big:slice(1, 100).x"
    #expect(luaError(rt, short).contains("'*': columns have different lengths (20000 and 100)"))
    #expect(luaError(rt, Self.setup + "\nreturn big.x:sqrt() + 'a'")
      .contains("'+' is not defined for double and string"))
    #expect(luaError(rt, Self.setup + "\nreturn big.x:round('a')").contains("digits must be a number"))
  }
}
