import Foundation
import LuaHost
import RunControl
import Scripting
import Testing
import TestSupport

/// The leftovers of the issue 15 review: formulas with `- term` and
/// comparisons (against R: Tests/Fixtures/formulas/formula_review.json,
/// scripts/fixtures/formula_review.R), computing within groups
/// (`g:with{...}`, dplyr's grouped mutate written out by hand below), NA
/// propagation, `d:count` keys in their own type, `//`, and the messages.
@Suite struct ReviewLeftoverTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  /// Cox fits of Kaplan and coxph agree to this (Efron, lung).
  static let coxTolerance = 1e-6

  private func run(_ code: String) throws -> [LuaValue] { try lua(rt, code) }

  static func rFit(_ formula: String) throws -> [String: Any] {
    let root = try #require(try loadFixture("formulas/formula_review.json") as? [String: Any])
    let fits = try #require(root["fits"] as? [[String: Any]])
    return try #require(fits.first { $0["formula"] as? String == formula })
  }

  // MARK: formulas

  @Test(arguments: [
    "Surv(time, status) ~ . - inst", "Surv(time, status) ~ age + sex + ph.ecog - sex",
    "Surv(time, status > 1) ~ age", "Surv(time, status >= 2) ~ age + sex",
    "Surv(time, status) ~ I(age > 60) + sex", "Surv(time, status) ~ I(age + 5 <= ph.karno)",
  ])
  func coxWithRemovalsAndComparisonsMatchesR(formula: String) throws {
    let r = try Self.rFit(formula)
    let terms = try #require(r["terms"] as? [String])
    let coefs = try #require(r["coef"] as? [Double])
    let got = try run("""
      local m = cox(dataset("lung"), "\(formula)")
      local out = {m.n, m.events, m.loglik.fitted}
      for _, t in ipairs(m.terms) do out[#out + 1] = t.name; out[#out + 1] = t.coef end
      return table.unpack(out)
      """)
    #expect(got.count == 3 + 2 * terms.count)
    guard got.count == 3 + 2 * terms.count else { return }
    #expect(got[0] == .integer(try #require(r["n"] as? Int)))
    #expect(got[1] == .integer(try #require(r["nevent"] as? Int)))
    if case .number(let ll) = got[2] {
      #expect(abs(ll - (try #require(r["loglik"] as? Double))) < Self.coxTolerance)
    }
    for (k, term) in terms.enumerated() {
      #expect(got[3 + 2 * k] == .string(term))
      if case .number(let b) = got[4 + 2 * k] { #expect(abs(b - coefs[k]) < Self.coxTolerance, "\(term)") }
    }
  }

  @Test func formulaRemovalAndComparisonErrors() throws {
    let cases: [(String, String)] = [
      ("Surv(time, status) ~ age - strata(sex)", "strata() cannot be removed with '-'"),
      ("Surv(time, status > \"a\") ~ age", "'>' in Surv() compares the event column with a number"),
      ("Surv(time, status) ~ log(age > 60)", "'>' compares only inside I() (as I(age > 60)), not in log()"),
      ("Surv(time, status) ~ I(age %in% c(1, 2))", "'%in%' cannot be used inside I()"),
    ]
    for (formula, message) in cases {
      #expect(luaError(rt, "return cox(dataset('lung'), '\(formula)')").contains(message), "\(formula)")
    }
    let d = "local d = dataset.from{ {'t', {1, 2, 3}}, {'s', {'a', 'b', 'a'}} }\n"
    #expect(luaError(rt, d + "return km(d, 'Surv(t, s > 1) ~ 1')")
      .contains("column 's' holds strings, which has no order for an event"))
  }

  // MARK: within groups

  /// dplyr: `aml |> group_by(x) |> mutate(n = n(), total = cumsum(time), z = time - mean(time))`,
  /// written out: per arm, the running sum in row order and the centred time.
  @Test func groupedWithComputesWithinEachGroupInRowOrder() throws {
    let r = try run("""
      local d = dataset.from{ {"g", {"b", "a", "b", "a", "b"}}, {"t", {1, 10, 2, 20, 3}} }
      local w = d:group_by{"g"}:with{
        n = function(rows) return #rows end,
        total = function(rows) return rows.t:cumsum() end,
        z = function(rows) return rows.t - rows.t:mean() end,
        one = 1,
      }
      local e = w:ungroup()
      return tostring(w), e.n[1], e.n[2], e.total[1], e.total[3], e.total[5], e.total[2], e.total[4],
        e.z[1], e.z[4], e.one[5], table.concat(e:names(), ",")
      """)
    #expect(r == [.string("grouped dataset (5 rows, by g)"), .integer(3), .integer(2), .integer(1), .integer(3),
                  .integer(6), .integer(10), .integer(30), .number(-1), .number(5), .integer(1),
                  .string("g,t,n,one,total,z")])
    #expect(luaError(rt, "local d = dataset('aml'); return d:group_by{'x'}:with{z = function(r) return {1} end}")
      .contains("with: the function for 'z' returned a table for group 1"))
    #expect(luaError(rt, "local d = dataset('aml'); return d:group_by{'x'}:with{z = function(r) error('boom') end}")
      .contains("with: the function for 'z' failed in group 1 (Maintained): "))
    let lung = "function(r) return dataset('lung').age end"
    #expect(luaError(rt, "local d = dataset('aml'); return d:group_by{'x'}:with{z = \(lung)}")
      .contains("returned a column of 228 rows for group 1 of 11 rows"))
  }

  // MARK: NA

  @Test func naPropagatesThroughValueFunctionsAndConcatenation() throws {
    let r = try run("""
      return rawequal(add_days(date("2020-01-30"), NA), NA), rawequal(as_number("NaN"), NA),
        rawequal(add_days(NA, 1), NA), rawequal(year(NA), NA), rawequal(upper(NA), NA),
        rawequal(NA .. "x", NA), rawequal("x" .. NA, NA), rawequal(NA .. 1, NA), paste(NA, "x")
      """)
    #expect(r == [.boolean(true), .boolean(true), .boolean(true), .boolean(true), .boolean(true), .boolean(true),
                  .boolean(true), .boolean(true), .string("NA x")])
    #expect(luaError(rt, "return NA .. {}").contains("attempt to concatenate NA and a table"))
  }

  // MARK: level order

  /// upper maps the levels in their order, merging equal ones at the first
  /// (R's `levels(f) <- toupper(levels(f))`); bind_rows unions levels in
  /// order of first appearance (vctrs' factor combination); summaries
  /// follow the level order.
  @Test func levelOrderAfterUpperAndBindRows() throws {
    let r = try run("""
      local s = dataset.from{ {"s", {"b", "B", "a"}} }.s
      local u = upper(s)
      local b = bind_rows(dataset.from{ {"arm", {"placebo"}} }, dataset.from{ {"arm", {"active", "placebo"}} })
      local g = b:group_by{"arm"}:summarise{n = count()}
      return table.concat(s:levels(), ","), table.concat(u:levels(), ","), table.concat(b.arm:levels(), ","),
        g.arm[1], g.n[1]
      """)
    #expect(r == [.string("B,a,b"), .string("B,A"), .string("placebo,active"), .string("placebo"), .integer(2)])
  }

  // MARK: count, //, min

  @Test func countKeepsNumberKeysAsNumbers() throws {
    let r = try run("""
      local c = dataset("lung"):count{"ph.ecog", "sex"}
      local t = c:types()
      return t["ph.ecog"], t.sex, c["ph.ecog"][1], c.sex[2], c.n[1], #c,
        dataset.from{ {"b", {true, false, true}} }:count{"b"}.b[2]
      """)
    // R: table(lung$ph.ecog, lung$sex): 0/1 = 36, four ph.ecog values × two sexes.
    #expect(r == [.string("double"), .string("double"), .number(0), .number(2), .integer(36), .integer(8),
                  .boolean(true)])
  }

  @Test func floorDivisionOfColumnsAndNumberMinMax() throws {
    let r = try run("""
      local d = dataset.from{ {"x", {-7, 5, 7}}, {"y", {2.5, -1.5, 0.5}} }
      local q, f = d.x // 2, d.y // 1
      return q:type(), q[1], q[3], f[1], f[2], (d.x // d.y)[1], rawequal(NA // 2, NA), min(3, 1, 2), max(1.5, 2)
      """)
    #expect(r == [.string("int"), .integer(-4), .integer(3), .number(2), .number(-2), .number(-3),
                  .boolean(true), .integer(1), .integer(2)])
    #expect(luaError(rt, "return min(dataset('lung').age)").contains("c:min(...), e.g. d.age:min()"))
  }

  // MARK: messages

  @Test func messagesNameTheValueAsWritten() throws {
    let cases: [(String, String)] = [
      ("return round(dataset('lung').age, NA)", "bad argument #2 to 'round' (digits must be a number, got NA)"),
      ("return year(5)", "bad argument #1 to 'year' (a date or a date column expected, got 5)"),
      ("return add_days(5, 1)", "bad argument #1 to 'add_days' (a date or a date column expected, got 5)"),
      ("return dataset('aml'):sample(2.5)", "bad argument #1 to 'sample' (n must be a whole number, got 2.5)"),
      ("return dataset('aml'):slice(0/0)", "bad argument #1 to 'slice' (i must be a whole number, got nan"),
    ]
    for (code, message) in cases { #expect(luaError(rt, code).contains(message), "\(code)") }
  }

  /// Assigning into a dataset or a column (found by the session-6 review) was Lua's raw "attempt to index a
  /// dataset value"; it now says that both are values and how to derive a new one.
  @Test func assigningIntoADatasetOrColumnSaysHowToDerive() {
    #expect(luaError(rt, "local d = dataset('lung'); d.z = d.age * 2").hasSuffix(
      "a dataset cannot be changed in place; make a new one with the column: d = d:with{z = ...}"))
    #expect(luaError(rt, "local d = dataset('lung'); d.age[1] = 5").contains("a column cannot be changed in place"))
  }
}
