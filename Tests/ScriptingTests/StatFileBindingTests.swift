import Foundation
import LuaHost
import Scripting
import TestSupport
import Testing

/// read_sas/read_xpt/read_dta/read_sav, read(path), write_xpt/write_dta and
/// the label methods, through Lua (fixtures: Tests/Fixtures/stat_files).
@Suite struct StatFileBindingTests {
  static let fixtures = projectRoot.appendingPathComponent("Tests/Fixtures/stat_files").path

  func runtime(maxMemory: Int? = nil) throws -> KaplanRuntime {
    var o = RuntimeOptions()
    o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
    o.outputDirectory = try temporaryDirectory().path
    o.readRoots = [Self.fixtures]
    if let maxMemory { o.maxMemory = maxMemory }
    let rt = try KaplanRuntime(options: o)
    try lua(rt, "F = '\(Self.fixtures)/'; OUT = package.loaded.kaplan.settings.output_directory .. '/'")
    return rt
  }

  @Test func readsLabelsDatesAndMissingCodes() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_xpt(F .. "haven_v5.xpt"))
      local codes = d:missing_codes("SCORE")
      return d:label(), d:label("AGE"), d:labels().RANDDT, tostring(d.RANDDT[1]), d:types().ADTM,
        codes[2], codes[4], codes[1], d.SCORE[2], d:label("ID")
      """)
    #expect(r == [
      .string("Subject level"), .string("Age (years)"), .string("Date of randomisation"), .string("2019-01-15"),
      .string("date"), .string(".A"), .string(".Z"), .nil, .nil, .nil,
    ])
    let s = try lua(rt, """
      local d = assert(read_dta(F .. "haven.dta"))
      local v = d:value_labels("SEX")
      local raw = assert(read_dta(F .. "haven.dta", {value_labels = false, datetimes = "seconds"}))
      return d.SEX[1], table.concat(d.SEX:levels(), ","), v[2].code, v[2].label, raw.SEX[2],
        raw:missing_codes("SCORE")[2], raw.ADTM[1], d.NOTE[5]
      """)
    #expect(s == [
      .string("Male"), .string("Male,Female,3"), .integer(2), .string("Female"), .number(2), .string(".a"),
      .number(1_547_541_000), .string("東京"),
    ])
    let u = try lua(rt, "local d = read_sav(F .. 'haven.sav', {value_labels = false}); "
      + "return d:missing_codes('SCORE')[2], d:missing_codes('SCORE')[4], d.SCORE[2]")
    #expect(u == [.string("99"), .string("98"), .nil])
  }

  /// `types` names one column and wins over the file-wide `datetimes` (the documented rule).
  @Test func readSasTypesWinOverDatetimes() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local plain = assert(read_sas(F .. "readstat_written.sas7bdat"))
      local d = assert(read_sas(F .. "readstat_written.sas7bdat", {datetimes = "seconds", types = {TRTSDTM = "date"}}))
      local s = assert(read_sas(F .. "readstat_written.sas7bdat", {types = {TRTSDTM = "double"}}))
      local first
      for i = 1, #d do if d.TRTSDTM[i] ~= nil then first = i; break end end
      return d:types().TRTSDTM, tostring(d.TRTSDTM[first]) == tostring(plain.TRTSDTM[first]),
        s:types().TRTSDTM, math.floor(s.TRTSDTM[first] / 86400) == plain.TRTSDTM[first]:days()
      """)
    #expect(r == [.string("date"), .boolean(true), .string("double"), .boolean(true)])
  }

  @Test func labelsSurviveOperations() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_xpt(F .. "haven_v5.xpt"))
      local kept = d:select{"AGE", "SCORE"}:where(d.AGE:gt(40))
      local sorted = d:sort{"-AGE"}:head(3)
      local renamed = d:rename("AGE", "AGEY")
      local replaced = d:with{AGE = d.AGE * 12}
      local joined = d:select{"ID", "ARM"}:join(d:select{"ID", "AGE"}, {by = "ID", how = "left"})
      local stacked = bind_rows(d, d)
      return kept:label("AGE"), sorted:label("AGE"), renamed:label("AGEY"), replaced:label("AGE"),
        joined:label("AGE"), stacked:label("SCORE"), sorted:missing_codes("SCORE")[3],
        d:where(d.ID:ge(2)):missing_codes("SCORE")[1], renamed:label(), d:drop{"AGE"}:labels().AGE
      """)
    #expect(r == [
      .string("Age (years)"), .string("Age (years)"), .string("Age (years)"), .string("Age (years)"),
      .string("Age (years)"), .string("Score"), .string(".A"), .string(".A"), .string("Subject level"), .nil,
    ])
  }

  @Test func writeXptRoundTrip() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_xpt(F .. "haven_v5.xpt")):label("ARM", "Arm"):set_label("Round trip")
      assert(write_xpt(d, "rt.xpt"))
      local e = assert(read_xpt(OUT .. "rt.xpt"))
      local same = true
      for _, n in ipairs(d:names()) do
        for i = 1, #d do
          if tostring(d[n][i]) ~= tostring(e[n][i]) then same = false end
        end
      end
      assert(write_xpt(d:select{"ID", "AGE"}, "v8.xpt", {version = 8, name = "ADSL", labels = {ID = "Subject"}}))
      local v8 = assert(read_xpt(OUT .. "v8.xpt"))
      return same, e:label("ARM"), e:label(), e:missing_codes("SCORE")[4], v8:label("ID"), v8:label("AGE")
      """)
    #expect(r == [.boolean(true), .string("Arm"), .string("Round trip"), .string(".Z"), .string("Subject"),
                  .string("Age (years)")])
  }

  @Test func writeDtaRoundTrip() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_dta(F .. "haven.dta", {value_labels = false}))
      assert(write_dta(d, "rt.dta"))
      local e = assert(read_dta(OUT .. "rt.dta", {value_labels = false}))
      return e:label("AGE"), e.NOTE[5], tostring(e.RANDDT[3]), e:missing_codes("SCORE")[4], e.ID[8], e:label()
      """)
    #expect(r == [.string("Age (years)"), .string("東京"), .string("2020-02-29"), .string(".b"), .integer(8),
                  .string("A trial, in Stata")])
  }

  @Test func writeDtaKeepsValueLabels() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_dta(F .. "haven.dta"))
      assert(write_dta(d, "labelled.dta"))
      local e = assert(read_dta(OUT .. "labelled.dta"))
      local raw = assert(read_dta(OUT .. "labelled.dta", {value_labels = false}))
      return table.concat(e.SEX:levels(), ","), e.SEX[7], e:value_labels("SEX")[1].label, raw.SEX[2],
        table.concat(e.SCORE:levels(), ","), e:types().ARM
      """)
    // SCORE's values are not whole numbers, so Stata cannot label them: it goes back as text.
    #expect(r == [.string("Male,Female,3"), .string("3"), .string("Male"), .integer(2),
                  .string("1.5,1e+10,3,7.25,Low"), .string("string")])
  }

  @Test func writeErrorsNameTheColumn() throws {
    let rt = try runtime()
    let long = luaError(rt, "write_xpt(read_xpt(F .. 'haven_v8.xpt'):select{'QUALITY_OF_LIFE_SCORE'}, 'x.xpt')")
    #expect(long == "test:1: bad argument #1 to 'write_xpt' (column 'QUALITY_OF_LIFE_SCORE': the name has 21 "
      + "characters, XPT version 5 allows 8 (version = 8 allows 32 characters for names and 256 for labels))")
    let label = luaError(rt, "write_xpt(read_xpt(F .. 'haven_v8.xpt'):select{'AGE'}, 'x.xpt')")
    #expect(label.contains("column 'AGE': the label has 69 bytes, XPT version 5 allows 40"), "\(label)")
    let version = luaError(rt, "write_xpt(dataset('aml'), 'x.xpt', {version = 6})")
    #expect(version == "test:1: bad argument #3 to 'write_xpt' (option 'version' must be 5 or 8 (the SAS "
      + "transport versions), got 6)")
    let dotted = luaError(rt, "write_dta(dataset('lung'), 'x.dta')")
    #expect(dotted.contains("column 'ph.ecog': a Stata name may hold only letters, digits and _, not '.'"))
    let empty = luaError(rt, "write_xpt(dataset('aml'):select{}, 'x.xpt')")
    #expect(empty == "test:1: bad argument #1 to 'write_xpt' (the dataset has no columns to write)")
    let clash = luaError(rt, "write_xpt(dataset.from{ {'a', {1}}, {'A', {2}} }, 'x.xpt')")
    #expect(clash.contains("columns 'a' and 'A' have the same XPT version 5 name"), "\(clash)")
  }

  @Test func sandboxAndFailures() throws {
    let rt = try runtime()
    let outside = luaError(rt, "read_sas('/etc/x.sas7bdat')")
    #expect(outside.contains("reading '/etc/x.sas7bdat' is not allowed in the sandbox"), "\(outside)")
    let writeOutside = luaError(rt, "write_xpt(dataset('aml'), '/tmp/kaplan-no.xpt')")
    #expect(writeOutside.contains("not allowed"), "\(writeOutside)")
    let r = try lua(rt, "return read_dta(F .. 'haven_v5.xpt')")
    #expect(r.first == .nil)
    #expect(r.last?.stringValue?.hasPrefix("cannot read '\(Self.fixtures)/haven_v5.xpt' as a Stata (dta) file") == true)
    let opt = luaError(rt, "read_xpt(F .. 'haven_v5.xpt', {delimiter = ','})")
    #expect(opt.contains("unknown option 'delimiter'"), "\(opt)")
  }

  @Test func readDispatchesOnExtension() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      assert(write_csv(dataset("aml"), "aml.csv"))
      return #read(OUT .. "aml.csv"), #read(F .. "iris.sas7bdat"), read(F .. "haven.sav"):label("AGE"),
        #read(F .. "haven_v8.xpt", {n_max = 2})
      """)
    #expect(r == [.integer(23), .integer(150), .string("Age (years)"), .integer(2)])
    let unknown = luaError(rt, "read('notes.txt')")
    #expect(unknown == "test:1: bad argument #1 to 'read' (cannot tell the format of 'notes.txt' from its "
      + "extension .txt; known: csv, tsv, sas7bdat, xpt, dta, sav, xlsx)")
    if try lua(rt, "return read_xlsx == nil") == [.boolean(true)] {
      let xlsx = luaError(rt, "read('book.xlsx')")
      #expect(xlsx == "test:1: bad argument #1 to 'read' (.xlsx needs read_xlsx, which this Kaplan does not have)")
    }
  }

  @Test func readingAsksTheMemoryBudget() throws {
    let rt = try runtime(maxMemory: 24 << 20)
    // The file's bytes are asked of the budget before they are mapped.
    let m = try lua(rt, "local ok, m = pcall(read_sas, F .. 'iris.sas7bdat'); return ok")
    #expect(m == [.boolean(true)])
  }

  @Test func labelsShowInPrintDescribeAndPlot() throws {
    let rt = try runtime()
    let r = try lua(rt, """
      local d = assert(read_sas(F .. "readstat_written.sas7bdat")):select{"USUBJID", "AGE"}
      local k = km(d:with{ {"t", d.AGE}, {"e", 1} }:label("t", "Months since randomisation"), "Surv(t, e) ~ 1")
      local svg = plot(k, {file = "k.svg"})
      local plain = plot(km(dataset("aml"), "Surv(time, status) ~ 1"), {file = "aml.svg"})
      return tostring(d), tostring(d:describe()), svg, plain
      """)
    let printed = try #require(r[0].stringValue)
    #expect(printed.hasPrefix("dataset: 6 rows × 2 columns: Written by ReadStat for Kaplan's tests\n"))
    #expect(printed.hasSuffix("labels:\n  USUBJID  Unique subject identifier\n  AGE      Age (years)"))
    let described = try #require(r[1].stringValue)
    #expect(described.hasSuffix("labels:\n  USUBJID  Unique subject identifier\n  AGE      Age (years)"))
    let svg = try String(contentsOfFile: try #require(r[2].stringValue), encoding: .utf8)
    #expect(svg.contains(">Months since randomisation<"))
    let plain = try String(contentsOfFile: try #require(r[3].stringValue), encoding: .utf8)
    #expect(plain.contains(">Time<"))
  }
}
