import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// `d:join`, `group_by`/`summarise`, `bind_rows`, `distinct`, `rename{}`,
/// `slice`, `sample` and the pivots from Lua (issue 15): tiny cases worked
/// by hand with dplyr's rules, and every bad input a clear error naming the
/// function, the argument and the value, with the datasets unchanged.
@Suite struct DataOpsBindingTests {
  let rt: KaplanRuntime
  init() throws {
    rt = try makeRuntime()
    try lua(rt, """
      show_col = function(c)
        local t = {}
        for i = 1, #c do t[i] = c[i] == nil and "NA" or tostring(c[i]) end
        return table.concat(t, ",")
      end
      x = dataset.from{ {"id", {1, 2, 3, 2}}, {"v", {"a", "b", "c", "d"}} }
      y = dataset.from{ {"id", {2, 4, 2, 1}}, {"w", {10, 40, 20, 30}}, {"v", {"p", "q", "r", "s"}} }
      """)
  }

  private func text(_ code: String) throws -> String {
    try lua(rt, code).first?.stringValue ?? "(not a string)"
  }

  // MARK: join

  @Test func leftJoinKeepsRowsOfXInOrderWithMatchesInOrderOfY() throws {
    // dplyr: left_join(x, y, by = "id"): x row 1 (id 1) → y row 4; row 2
    // (id 2) → y rows 1, 3; row 3 (id 3) → none; row 4 (id 2) → 1, 3.
    try lua(rt, "j = x:join(y, {by = 'id', relationship = 'many_to_many'})")
    #expect(try text("return table.concat(j:names(), ' ')") == "id v.x w v.y")
    #expect(try text("return show_col(j.id)") == "1,2,2,3,2,2")
    #expect(try text("return show_col(j.w)") == "30,10,20,NA,10,20")
    #expect(try text("return show_col(j['v.x'])") == "a,b,b,c,d,d")
  }

  @Test func fullJoinAddsUnmatchedRowsOfYWithTheirKeys() throws {
    try lua(rt, "j = x:join(y, {by = 'id', how = 'full', suffix = {'_x', '_y'}, relationship = 'many_to_many'})")
    #expect(try text("return show_col(j.id)") == "1,2,2,3,2,2,4")
    #expect(try text("return show_col(j.v_x)") == "a,b,b,c,d,d,NA")
    #expect(try text("return show_col(j.v_y)") == "s,p,r,NA,p,r,q")
  }

  @Test func innerSemiAndAntiJoins() throws {
    #expect(try text("return show_col(x:join(y, {by = 'id', how = 'inner', relationship = 'many_to_many'}).w)")
      == "30,10,20,10,20")
    #expect(try text("return show_col(x:join(y, {by = 'id', how = 'semi'}).v)") == "a,b,d")
    #expect(try text("return show_col(x:join(y, {by = 'id', how = 'anti'}).v)") == "c")
  }

  @Test func keysNamedDifferentlyAndIntWithDoubleKeys() throws {
    try lua(rt, """
      local e = dataset.from{ {"subjid", {1.0, 2.5, 3.0}}, {"day", {7, 8, 9}} }
      j = x:join(e, {by = {left = "id", right = "subjid"}})
      """)
    #expect(try text("return table.concat(j:names(), ' ')") == "id v day")
    #expect(try text("return show_col(j.day)") == "7,NA,9,NA")
  }

  @Test func missingKeysMatchUnlessNaMatchesIsNever() throws {
    // 0/0 in an array is NA (a double column).
    try lua(rt, """
      nx = dataset.from{ {"id", {1, 0/0, 3}}, {"v", {1, 2, 3}} }
      ny = dataset.from{ {"id", {0/0, 3}}, {"w", {20, 30}} }
      """)
    #expect(try text("return show_col(nx:join(ny, {by = 'id'}).w)") == "NA,20,30")
    #expect(try text("return show_col(nx:join(ny, {by = 'id', na_matches = 'never'}).w)") == "NA,NA,30")
  }

  @Test func relationshipViolationsNameTheKeyAndBothRows() throws {
    #expect(luaError(rt, "return x:join(y, {by = 'id', relationship = 'many_to_one'})")
      == "test:1: join: row 2 of x matches rows 1 and 3 of y (id = 2), but relationship = \"many_to_one\" allows "
      + "one match per row of x")
    let oneToMany = luaError(rt, "return x:join(y:take{1, 2, 4}, {by = 'id', relationship = 'one_to_many'})")
    #expect(oneToMany == "test:1: join: rows 2 and 4 of x both match row 1 of y (id = 2), but relationship = "
      + "\"one_to_many\" allows one match per row of y")
    // one_to_one (the issue's `one_to_one = true`) is refused from either side, naming the key value.
    #expect(luaError(rt, "return x:join(y:take{1, 2, 4}, {by = 'id', relationship = 'one_to_one'})")
      == "test:1: join: rows 2 and 4 of x both match row 1 of y (id = 2), but relationship = \"one_to_one\" "
      + "allows one match per row of y")
    #expect(luaError(rt, "return x:take{1, 2, 3}:join(y, {by = 'id', relationship = 'one_to_one'})")
      == "test:1: join: row 2 of x matches rows 1 and 3 of y (id = 2), but relationship = \"one_to_one\" "
      + "allows one match per row of x")
    #expect(try text("return show_col(x:take{1, 2, 3}:join(y:take{1, 2, 4}, {by = 'id', how = 'full', "
      + "relationship = 'one_to_one'}).w)") == "30,10,NA,40")
  }

  @Test func badKeysAreArgumentErrorsAndNothingChanges() throws {
    #expect(luaError(rt, "return x:join(y, {by = 'idd'})")
      == "test:1: bad argument #2 to 'join' (no column 'idd' in x (columns: id, v))")
    #expect(luaError(rt, "return x:join(y, {by = {left = 'id', right = 'ww'}})")
      == "test:1: bad argument #2 to 'join' (no column 'ww' in y (columns: id, w, v))")
    #expect(luaError(rt, "return x:join(y:with{id = y.v}, {by = 'id'})")
      == "test:1: bad argument #2 to 'join' (key 'id' is int in x but key 'id' is string in y)")
    #expect(luaError(rt, "return x:join(y, {by = {'id', left = 'id', right = 'id'}})")
      == "test:1: bad argument #2 to 'join' (option 'by': give either a list of names or {left = ..., "
      + "right = ...}, not both)")
    #expect(luaError(rt, "return x:join(y, {by = {left = 'id'}})")
      == "test:1: bad argument #2 to 'join' (option 'by': {left = ..., right = ...} needs both fields)")
    #expect(luaError(rt, "return x:join(y, {how = 'inner'})").hasPrefix(
      "test:1: bad argument #2 to 'join' (option 'by' is required"))
    #expect(luaError(rt, "return x:join(y, {by = 'id', how = 'outer'})").hasPrefix(
      "test:1: bad argument #2 to 'join' (option 'how' must be one of \"left\""))
    #expect(luaError(rt, "return x:join(7, {by = 'id'})")
      == "test:1: bad argument #1 to 'join' (dataset expected, got number)")
    #expect(luaError(rt, "return x:join(y, {by = 'id', suffix = {'.a', '.a'}})")
      == "test:1: bad argument #2 to 'join' (option 'suffix': two different suffixes expected, got two equal ones)")
    #expect(luaError(rt, "return x:join(y, {by = 'id', how = 'semi', relationship = 'one_to_one'})")
      == "test:1: bad argument #2 to 'join' (option 'relationship': applies to left, inner and full joins, "
      + "not how = \"semi\")")
    #expect(try text("return #x .. ' ' .. table.concat(x:names(), ' ') .. ' ' .. #y") == "4 id v 4")
  }

  // MARK: group_by / summarise

  @Test func summariesComeOutInTheOrderWrittenSortedByGroup() throws {
    try lua(rt, """
      local d = dataset.from{ {"g", {"b", "a", "b", "a", "b"}}, {"x", {1, 2, 3, 4, 5}} }
      s = d:group_by{"g"}:summarise{n = count(), total = sum("x"), avg = mean("x"), top = max("x"),
                                    med = median("x"), last_x = last("x")}
      """)
    #expect(try text("return table.concat(s:names(), ' ')") == "g n total avg top med last_x")
    #expect(try text("return show_col(s.g)") == "a,b")
    #expect(try text("return show_col(s.n)") == "2,3")
    #expect(try text("return show_col(s.total)") == "6,9")
    #expect(try text("return show_col(s.avg)") == "3.0,3.0")
    #expect(try text("return show_col(s.med)") == "3.0,3.0")
    #expect(try text("return show_col(s.last_x)") == "4,5")
    #expect(try text("""
      return table.concat(dataset('aml'):summarise{ {"n", count()}, {"sd", sd("time")} }:names(), ' ')
      """) == "n sd")
  }

  @Test func groupedDatasetsAndSummariesSayWhatTheyAre() throws {
    let help = "return package.loaded['kaplan.help'].text("
    #expect(try text(help + "x:group_by{'id'})").hasPrefix("A grouped dataset (4 rows, by id).\n"))
    #expect(try text(help + "x:group_by{'id'})").contains("g:summarise{name = summary, ...}"))
    #expect(try text(help + "mean('v', {na_rm = true}))").hasPrefix("A summary: mean(\"v\", {na_rm = true})."))
    #expect(try text("return tostring(quantile('v', 0.25))") == "quantile(\"v\", 0.25)")
  }

  @Test func missingValuesFollowR() throws {
    try lua(rt, "lung = dataset('lung')")
    #expect(try text("return show_col(lung:summarise{m = mean('wt.loss')}.m)") == "NA")
    let m = try lua(rt, "return lung:summarise{m = mean('wt.loss', {na_rm = true})}.m[1]").first?.doubleValue
    // R: mean(lung$wt.loss, na.rm = TRUE)
    #expect(approxEqual(m ?? 0, 9.8317757009345801, relative: Tolerance.closedForm))
    #expect(try text("return show_col(lung:summarise{k = n_distinct('ph.ecog')}.k)") == "5")
    #expect(try text("return show_col(lung:summarise{k = n_distinct('ph.ecog', {na_rm = true})}.k)") == "4")
  }

  @Test func badSummariesAreArgumentErrors() {
    #expect(luaError(rt, "return x:group_by{'idd'}")
      == "test:1: bad argument #1 to 'group_by' (no column 'idd' (columns: id, v))")
    #expect(luaError(rt, "return x:group_by{'id'}:summarise{m = mean('vv')}")
      == "test:1: bad argument #1 to 'summarise' (no column 'vv' (columns: id, v))")
    #expect(luaError(rt, "return x:group_by{'id'}:summarise{m = mean('v')}")
      == "test:1: bad argument #1 to 'summarise' (mean(\"v\"): column 'v' is string)")
    #expect(luaError(rt, "return x:summarise{m = 3}")
      == "test:1: bad argument #1 to 'summarise' ('m': a summary expected (count(), mean(\"x\"), ...), got 3)")
    #expect(luaError(rt, "return x:group_by{'id'}:summarise{id = count()}")
      == "test:1: bad argument #1 to 'summarise' (column 'id' is named twice (group columns: id))")
    #expect(luaError(rt, "return quantile('v', 2)")
      == "test:1: bad argument #2 to 'quantile' (p must lie in [0, 1], got 2)")
    #expect(luaError(rt, "return mean('v', {na_rm = 1})")
      == "test:1: bad argument #2 to 'mean' (option 'na_rm' must be true or false, got 1)")
  }

  // MARK: bind_rows, distinct, rename, slice, sample, pivots

  @Test func bindRowsMatchesColumnsByName() throws {
    try lua(rt, """
      local a = dataset.from{ {"id", {1, 2}}, {"arm", {"B", "A"}} }
      local b = dataset.from{ {"arm", {"C", "A"}}, {"id", {2.5, 3}}, {"dose", {10, 20}} }
      r = bind_rows(a, b)
      """)
    #expect(try text("return table.concat(r:names(), ' ')") == "id arm dose")
    #expect(try text("return r:types().id .. ' ' .. r:types().dose") == "double int")
    #expect(try text("return show_col(r.id)") == "1.0,2.0,2.5,3.0")
    #expect(try text("return show_col(r.dose)") == "NA,NA,10,20")
    #expect(try text("return table.concat(r.arm:levels(), ',')") == "A,B,C")
    #expect(luaError(rt, "return bind_rows(x, x:with{id = x.v})")
      == "test:1: bind_rows: column 'id' is int in dataset 1 but string in dataset 2")
    #expect(luaError(rt, "return bind_rows(x, 3)")
      == "test:1: bad argument #2 to 'bind_rows' (dataset expected, got number)")
  }

  @Test func distinctRenameSlice() throws {
    #expect(try text("return show_col(x:distinct{'id'}.id)") == "1,2,3")
    #expect(try text("return show_col(x:distinct({'id'}, {keep_all = true}).v)") == "a,b,c")
    #expect(try text("return table.concat(y:rename{w = 'dose', v = 'id2'}:names(), ' ')") == "id dose id2")
    #expect(try text("return table.concat(x:rename{id = 'v', v = 'id'}:names(), ' ')") == "v id")
    #expect(luaError(rt, "return x:rename{id = 'v'}")
      == "test:1: bad argument #1 to 'rename' (two columns would be named 'v')")
    #expect(luaError(rt, "return x:rename{idd = 'k'}")
      == "test:1: bad argument #1 to 'rename' (no column 'idd' (columns: id, v))")
    #expect(try text("return show_col(x:slice(2, 3).v)") == "b,c")
    #expect(try text("return show_col(x:slice(3).v)") == "c,d")
    #expect(try text("return tostring(#x:slice(4, 2))") == "0")
    #expect(luaError(rt, "return x:slice(0, 2)")
      == "test:1: bad argument #1 to 'slice' (the first row must be ≥ 1, got 0)")
  }

  @Test func sampleIsDeterministicForASeed() throws {
    let a = try text("return show_col(dataset('aml'):sample(6, {seed = 7}).time)")
    #expect(a == (try text("return show_col(dataset('aml'):sample(6, {seed = 7}).time)")))
    #expect(a != (try text("return show_col(dataset('aml'):sample(6, {seed = 8}).time)")))
    // Without replacement: distinct rows; with it, 23 draws of 23 rows repeat one.
    #expect(try text("""
      local s = dataset('aml'):with{row = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23}}
      local seen, n = {}, 0
      local rows = s:sample(23, {seed = 3}).row
      for i = 1, #rows do
        if not seen[rows[i]] then n = n + 1 end
        seen[rows[i]] = true
      end
      local b, m = {}, 0
      local boot = s:sample(23, {seed = 3, replace = true}).row
      for i = 1, #boot do
        if not b[boot[i]] then m = m + 1 end
        b[boot[i]] = true
      end
      return n .. " " .. tostring(m < 23)
      """) == "23 true")
    #expect(luaError(rt, "return x:sample(5)")
      == "test:1: bad argument #1 to 'sample' (cannot take 5 rows without replacement from 4 rows "
      + "(set replace = true))")
  }

  @Test func pivotsAndTheirErrors() throws {
    try lua(rt, """
      long = dataset.from{ {"id", {1, 1, 2}}, {"visit", {"w2", "w1", "w1"}}, {"ldl", {2.8, 3.1, 4.0}} }
      wide = long:pivot_wider{names_from = "visit", values_from = "ldl"}
      """)
    #expect(try text("return table.concat(wide:names(), ' ')") == "id w2 w1")
    #expect(try text("return show_col(wide.w2)") == "2.8,NA")
    #expect(try text("return show_col(wide:pivot_longer{cols = {'w1', 'w2'}}.value)") == "3.1,2.8,4.0,NA")
    #expect(luaError(rt, "return long:with{visit = {'w1', 'w1', 'w1'}}:pivot_wider{names_from = 'visit', "
      + "values_from = 'ldl'}")
      == "test:1: bad argument #1 to 'pivot_wider' (rows 1 and 2 both give 'w1' for id = 1 (one value per cell))")
    #expect(luaError(rt, "return long:pivot_wider{names_from = 'visit'}")
      == "test:1: bad argument #1 to 'pivot_wider' (options 'names_from' and 'values_from' are required)")
    #expect(luaError(rt, "return wide:pivot_longer{cols = {'w1', 'nope'}}")
      == "test:1: bad argument #1 to 'pivot_longer' (no column 'nope' (columns: id, w2, w1))")
  }
}
