import Foundation
import LuaHost
import Scripting
import Testing

import TestSupport

/// Issue 18's leftovers: table1's levels come from the rows it uses,
/// subgroups() counts subjects on (start, stop] data, and tables pad by
/// display width (CJK characters are two columns wide).
@Suite struct ReportTablesLeftoverTests {
  /// Row 5 has no arm, so table1 leaves it out; its grade 3 and its TRUE
  /// flag occur in no other row: gtsummary (which drops rows with a missing
  /// `by` first) shows neither; a string level is shown with 0 (a factor's).
  @Test func table1LevelsComeFromTheRowsUsed() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local d = dataset.from{arm = {"A", "A", "B", "B", NA}, grade = {1, 2, 1, 2, 3},
        flag = {false, false, false, false, true}, site = {"x", "x", "y", "y", "z"}}
      local t = table1(d, {by = "arm", vars = {"grade", "flag", "site"}})
      local v = t.variables
      return table.concat(v[1].levels, ","), table.concat(v[2].levels, ","), table.concat(v[3].levels, ","),
        v[3].counts[3][1], v[3].counts[3][2], t.n_dropped
      """)
    #expect(r == [.string("1,2"), .string("FALSE"), .string("x,y,z"), .integer(0), .integer(0), .integer(1)])
  }

  /// Two subjects of arm B have two intervals each (ids 3 and 4): N counts
  /// 2 subjects per arm, events count intervals ending in one.
  private static let counting = """
    d = dataset.from{
      id = {1, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 11, 12},
      start = {0, 0, 0, 5, 0, 4, 0, 0, 0, 0, 0, 0, 0, 6, 0},
      stop = {7, 9, 5, 12, 4, 10, 8, 3, 11, 6, 14, 2, 6, 13, 5},
      status = {1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1},
      arm = {"A", "A", "B", "B", "B", "B", "A", "B", "A", "B", "A", "B", "A", "A", "B"},
      sex = {"f", "m", "f", "f", "m", "m", "f", "m", "m", "f", "f", "m", "m", "m", "f"}}
    """

  @Test func subgroupsCountSubjectsOnCountingProcessData() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.counting + """
      local s = subgroups(d, "Surv(start, stop, status) ~ arm", {by = "sex", id = "id"})
      local c = subgroups(d, "Surv(start, stop, status) ~ arm + cluster(id)", {by = "sex"})
      local all, f, m = s.rows[1], s.rows[2], s.rows[3]
      return all.n[1], all.n[2], all.events[1], all.events[2], f.n[1], f.n[2], m.n[1], m.n[2],
        c.rows[1].n[1], c.rows[1].n[2]
      """)
    // Arm A: ids 1, 2, 5, 7, 9, 11 (11 has two intervals); arm B: 3, 4 (two each), 6, 8, 10, 12.
    // Events: A rows 1, 7, 11, 14 → 4; B rows 4, 6, 8, 10, 15 → 5. Women: A 1, 5, 9; B 3, 8, 12.
    #expect(r == [
      .integer(6), .integer(6), .integer(4), .integer(5), .integer(3), .integer(3), .integer(3), .integer(3),
      .integer(6), .integer(6),
    ])
    let e = luaError(rt, Self.counting + "subgroups(d, 'Surv(start, stop, status) ~ arm', {by = 'sex'})")
    #expect(e.hasSuffix("bad argument #3 to 'subgroups' (option 'id' is needed with (start, stop] data: name the "
      + "subject column (or write cluster(id) in the formula), so that N counts subjects, not intervals)"), "\(e)")
  }

  @Test func displayWidthCountsWideCharactersTwice() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, """
      local f = package.loaded["kaplan.format"]
      return f.width("abc"), f.width("日本語"), f.width("ｶﾅ"), f.width("Ｘ"), f.width("é"),
        f.width("e\\u{301}"),
        f.format_table({ {"x", {"日本語", "ab"}, left = true}, {"n", {"1", "22"}} }, 2)
      """)
    #expect(r == [
      .integer(3), .integer(6), .integer(2), .integer(2), .integer(1), .integer(1),
      .string("x       n\n日本語  1\nab     22"),
    ])
  }

  /// A table1 with Japanese levels and labels: each column starts at the
  /// same display column on every line.
  @Test func table1AlignsJapaneseLabels() throws {
    let rt = try makeRuntime()
    let out = try lua(rt, """
      local d = dataset.from{arm = {"A", "B", "A", "B", "A", "B"},
        sex = {"男性", "女性", "男性", "Other", "女性", "男性"}}
      return tostring(table1(d, {by = "arm", vars = {"sex"}, labels = {sex = "性別"}}))
      """)
    let text = out.first?.stringValue ?? ""
    // The last column is right-aligned and lines have no trailing spaces: every indented line (the N header
    // and the three levels) ends at the same display column, CJK characters counted two wide.
    let rows = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") }
    #expect(rows.count == 4, "\(text)")
    let widths = rows.map { line in
      line.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x3000 && $1.value <= 0x9FFF) ? 2 : 1) }
    }
    #expect(Set(widths).count == 1, "\(text)")
    #expect(text.contains("性別, n (%)"), "\(text)")
  }
}
