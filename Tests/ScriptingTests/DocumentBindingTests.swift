import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport
import ZIPFoundation

/// `report{}`, `figure()` and `write_table()` from Lua: every table kind and
/// figure written in each format and read back (HTML and the DOCX parts as
/// XML, RTF through `RTFReader`, Markdown as text), the same script giving
/// the same bytes, and bad input refused with errors naming the argument.
@Suite struct DocumentBindingTests {
  static let setup = """
    local colon = dataset("colon")
    local d = colon:where(colon.etype:eq(2))
    local t1 = table1(d, {by = "rx", vars = {"age", "sex", "nodes"}, tests = true})
    local sg = subgroups(d:where(d.rx:ne("Lev")), "Surv(time, status) ~ rx", {by = {"sex", "obstruct"}})
    local m = cox(d, "Surv(time, status) ~ rx + age")
    local fit = km(d, "Surv(time, status) ~ rx")

    """
  static let reportScript = setup + """
    local r = report{title = "Colon: report", "Patients with a death record.", t1,
      figure(fit, {caption = "Figure 1. Overall survival", breaks = 365})}
    r:heading("Models")
    r:table(m, {caption = "Table 2. Cox model"})
    r:table(tidy(m, {exponentiate = true}))
    r:add(sg)
    r:figure(sg, {caption = "Figure 2. Subgroups"})
    r:text("End.")
    for _, ext in ipairs({"html", "docx", "rtf", "md"}) do assert(r:write("report." .. ext)) end
    return tostring(r)

    """

  static func read(_ rt: KaplanRuntime, _ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: rt.policy.outputDirectory + "/" + name)))
  }

  /// The parts of a DOCX archive by name.
  static func parts(_ bytes: [UInt8]) throws -> [String: [UInt8]] {
    let archive = try Archive(data: Data(bytes), accessMode: .read)
    var out: [String: [UInt8]] = [:]
    for entry in archive {
      var data = Data()
      _ = try archive.extract(entry) { data.append($0) }
      out[entry.path] = [UInt8](data)
    }
    return out
  }

  @Test func aReportIsWrittenInEveryFormatWithTheSameTablesAndFigures() throws {
    let rt = try makeRuntime()
    let outline = try lua(rt, Self.reportScript).first?.stringValue ?? ""
    #expect(outline == "report \"Colon: report\": 1 heading, 6 paragraphs, 4 tables, 2 figures", "\(outline)")

    let html = try #require(XMLTree.parse(try Self.read(rt, "report.html")))
    let tables = html.all("table")
    #expect(tables.count == 4)
    #expect(tables[0].all("th").first?.allText == "Characteristic")
    // table1's "N = " row goes into the header, on a second line.
    #expect(tables[0].all("th").map(\.allText).prefix(2) == ["Characteristic", "Obs\nN = 315"])
    #expect(!tables[0].all("td").map(\.allText).contains("N = 315"))
    #expect(tables[1].all("caption").first?.allText == "Table 2. Cox model")
    #expect(tables[1].all("td").map(\.allText).contains("rxLev+5FU"))
    #expect(tables[2].all("th").map(\.allText).prefix(3) == ["term", "estimate", "std_error"])
    #expect(tables[3].all("td").map(\.allText).contains("All patients"))
    #expect(html.all("svg").count == 2)
    #expect(html.all("figcaption").map(\.allText) == ["Figure 1. Overall survival", "Figure 2. Subgroups"])

    let docx = try Self.parts(try Self.read(rt, "report.docx"))
    let body = try #require(XMLTree.parse(docx["word/document.xml"] ?? []))
    let wordTables = body.all("w:tbl")
    #expect(wordTables.count == 4)
    // The same cells as the HTML tables, row by row.
    for (w, h) in zip(wordTables, tables) {
      let wordRows = w.all("w:tr").map { $0.all("w:tc").map(\.allText) }
      let htmlRows = h.all("tr").map { $0.children.map(\.allText) }
      #expect(wordRows == htmlRows)
    }
    #expect(docx["word/media/image1.png"].map { PNGHeader.isPNG($0) } == true)
    #expect(docx["word/media/image2.png"].map { PNGHeader.isPNG($0) } == true)

    let rtf = try #require(RTFReader(String(decoding: try Self.read(rt, "report.rtf"), as: UTF8.self)))
    #expect(rtf.pictures == 2)
    let htmlRows = tables.flatMap { $0.all("tr").map { $0.children.map(\.allText) } }
    #expect(rtf.rows == htmlRows)

    let md = String(decoding: try Self.read(rt, "report.md"), as: UTF8.self)
    #expect(md.contains("| Characteristic | Obs<br>N = 315 | Lev<br>N = 310 | Lev+5FU<br>N = 304 | p-value | test |"))
    #expect(md.contains("![Figure 1\\. Overall survival](report-figure-1.svg)")
      || md.contains("![Figure 1. Overall survival](report-figure-1.svg)"))
    let figure = try Self.read(rt, "report-figure-2.svg")
    #expect(XMLTree.parse(figure)?.name == "svg")
  }

  /// The same script in two runtimes (other output directories) writes the same bytes.
  @Test func theSameScriptWritesByteIdenticalFiles() throws {
    let a = try makeRuntime()
    let b = try makeRuntime()
    try lua(a, Self.reportScript)
    try lua(b, Self.reportScript)
    for name in ["report.html", "report.docx", "report.rtf", "report.md", "report-figure-1.svg"] {
      #expect(try Self.read(a, name) == Self.read(b, name), "\(name)")
    }
  }

  /// Every table kind alone, in every format.
  @Test func writeTableWritesEveryTableKind() throws {
    let rt = try makeRuntime()
    try lua(rt, Self.setup + """
      local kinds = {t1 = t1, sg = sg, cox = m, km = fit, lr = logrank(d, "Surv(time, status) ~ rx"),
        tidy = tidy(m), data = dataset("aml"), ci = cuminc(dataset("clocc"), "Surv(pfs_months, first_event) ~ arm")}
      for name, x in pairs(kinds) do
        for _, ext in ipairs({"html", "docx", "rtf", "md"}) do
          assert(write_table(x, name .. "." .. ext, {caption = name}))
        end
      end
      assert(write_table(tidy(m), "tidy.csv"))
      assert(write_table(t1, "t1_landscape.rtf", {paper = "a4", landscape = true}))
      assert(write_table(t1, "t1.csv"))
      """)
    for name in ["t1", "sg", "cox", "km", "lr", "tidy", "data", "ci"] {
      let html = try #require(XMLTree.parse(try Self.read(rt, name + ".html")), "\(name)")
      #expect(!html.all("table").isEmpty, "\(name)")
      #expect(html.all("caption").first?.allText == name)
      let docx = try Self.parts(try Self.read(rt, name + ".docx"))
      let body = try #require(XMLTree.parse(docx["word/document.xml"] ?? []))
      #expect(body.all("w:tbl").count == html.all("table").count, "\(name)")
      let rtf = try #require(RTFReader(String(decoding: try Self.read(rt, name + ".rtf"), as: UTF8.self)))
      #expect(rtf.rows.count == html.all("tr").count, "\(name)")
    }
    let aml = try #require(XMLTree.parse(try Self.read(rt, "data.html")))
    #expect(aml.all("tr").count == 24)  // header + 23 rows, all of them
    let landscape = String(decoding: try Self.read(rt, "t1_landscape.rtf"), as: UTF8.self)
    #expect(landscape.contains("\\paperw16838\\paperh11906\\landscape"))
    let csv = String(decoding: try Self.read(rt, "tidy.csv"), as: UTF8.self)
    #expect(csv.hasPrefix("term,estimate,std_error,statistic,p_value,conf_low,conf_high\n"))
    #expect(csv.split(separator: "\n").count == 4)
    let t1 = String(decoding: try Self.read(rt, "t1.csv"), as: UTF8.self)
    #expect(t1.hasPrefix("Characteristic,\"Obs\nN = 315\",\"Lev\nN = 310\",\"Lev+5FU\nN = 304\",p-value,test\n"))
  }

  /// figure() draws every kind plot() draws, with plot's options.
  @Test func figuresOfEveryKind() throws {
    let rt = try makeRuntime()
    let r = try lua(rt, Self.setup + """
      local ci = cuminc(dataset("clocc"), "Surv(pfs_months, first_event) ~ arm")
      local figures = {figure(fit, {pvalue = true, breaks = 365}), figure(fit, {fun = "cloglog"}),
        figure(ci, {cause = "hepatic"}), figure(m, {title = "Cox"}), figure(sg), figure(m:zph())}
      local out = {}
      for i, f in ipairs(figures) do out[i] = string.format("%s %d", f.description, f.width) end
      local r = report{table.unpack(figures)}
      assert(r:write("figures.html"))
      return table.concat(out, "; ")
      """)
    #expect(r.first?.stringValue == "km curves 720; km curves 720; cuminc curves 720; forest plot of a cox result 720; "
      + "forest plot of a subgroups result 829; Schoenfeld residuals of a cox_zph result 900", "\(r)")
    let html = try #require(XMLTree.parse(try Self.read(rt, "figures.html")))
    #expect(html.all("svg").count == 6)
  }

  @Test func badInputIsRefusedNamingTheArgument() throws {
    let rt = try makeRuntime()
    func error(_ code: String) -> String { luaError(rt, Self.setup + code) }
    let formats = ".html, .htm, .docx, .rtf, .md, .markdown"
    #expect(error("report{}:write('r.pdf')").contains(
      "bad argument #1 to 'write' (path must end in \(formats), got 'r.pdf')"))
    #expect(error("report{}:write('r.csv')").contains("path must end in \(formats), got 'r.csv'"))
    #expect(error("write_table(t1, 'noext')").contains(
      "bad argument #2 to 'write_table' (path must end in \(formats), .csv, got 'noext')"))
    #expect(error("report{title = 'T', 'a', true}").contains(
      "bad argument #1 to 'report' (element 2 must be text, a result, a dataset or a figure(), got boolean)"))
    #expect(error("report{'a', nil, 'b'}").contains("element 2 is nil"))
    #expect(error("report{titel = 'T'}").contains("unknown option 'titel'; did you mean 'title'?"))
    #expect(error("report{title = 3}").contains("option 'title' must be a string"))
    #expect(error("report(fit)").contains("bad argument #1 to 'report' (a table of elements expected"))
    #expect(error("report{}:add(function() end)").contains(
      "bad argument #1 to 'add' (expected text, a result, a dataset or a figure(), got function)"))
    #expect(error("report{}:table('text')").contains(
      "bad argument #1 to 'table' (a result (table1, subgroups, cox, km, ...) or a dataset expected, got string)"))
    #expect(error("write_table(figure(fit), 'f.html')").contains(
      "bad argument #1 to 'write_table' (a result (table1, subgroups, cox, km, ...) or a dataset expected, "
        + "got a figure result)"))
    #expect(error("report{}:heading('H', 3)").contains("bad argument #2 to 'heading' (level must be 1 or 2, got 3)"))
    #expect(error("report{}:table(t1, {captoin = 'x'})").contains("unknown option 'captoin'; did you mean 'caption'?"))
    #expect(error("figure(42)").contains("bad argument #1 to 'figure' (km, cuminc, cox, finegray, cox_zph or "
      + "subgroups result expected, got number)"))
    #expect(error("figure(fit, {file = 'f.svg'})").contains("bad argument #2 to 'figure' (unknown option 'file'"))
    #expect(error("figure(m, {risk_table = true})").contains(
      "option 'risk_table' applies to curves (km, cuminc), not to the forest plot of a cox model"))
    #expect(error("figure(fit, {cause = 1})").contains("option 'cause' applies to cuminc results only"))
    #expect(error("report{}:figure(figure(fit), {caption = 'x'})").contains(
      "bad argument #2 to 'figure' (no options expected with a figure() result"))
    #expect(error("report{}:write('/etc/kaplan-report.html')").contains(
      "writing '/etc/kaplan-report.html' is not allowed in the sandbox"))
    #expect(error("write_table(t1, '../t1.docx')").contains("writing '../t1.docx' is not allowed in the sandbox"))
    #expect(error("write_table(t1, 'x.md', {title = 1})").contains("option 'title' must be a string"))
    #expect(error("local r = report{}; r.write(t1, 'x.html')").contains("calling 'write' on bad self"))
    #expect(error("report{}:write('r.md', {landscape = true})").contains(
      "bad argument #2 to 'write' (option 'landscape' applies to .html, .docx and .rtf files, not to .md)"))
    #expect(error("write_table(t1, 't.csv', {paper = 'a4'})").contains(
      "bad argument #3 to 'write_table' (option 'paper' applies to .html, .docx and .rtf files, not to .csv)"))
    #expect(error("report{}:write('r.rtf', {paper = 'a5'})").contains("option 'paper' must be one of"))
    #expect(!FileManager.default.fileExists(atPath: rt.policy.outputDirectory + "/r.pdf"))
  }

  /// Hostile text stays text in every format: markup, RTF control words,
  /// braces and backslashes, non-ASCII, control characters, a very long cell.
  @Test func hostileTextStaysText() throws {
    let rt = try makeRuntime()
    let long = String(repeating: "x", count: 100_000)
    try lua(rt, """
      local s = "<script>alert('x')</script> & {\\\\rtf1 \\\\b} \\\\par } { | * _ `code` \\1\\2 é ü 中文 😀"
      local long = string.rep("x", 100000)
      local d = dataset.from{ {"text", {s, long, "]]>"}}, {"n", {1, 2, 3}} }
      local r = report{title = s, s, d}
      for _, ext in ipairs({"html", "docx", "rtf", "md"}) do assert(r:write("h." .. ext)) end
      assert(write_table(d, "h.csv"))
      return s
      """)
    let s = try lua(
      rt, "return \"<script>alert('x')</script> & {\\\\rtf1 \\\\b} \\\\par } { | * _ `code` \\1\\2 é ü 中文 😀\""
    ).first?.stringValue ?? ""
    #expect(s.contains("\u{1}"))
    let shown = s.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}")
      .replacingOccurrences(of: "\u{2}", with: "\u{FFFD}")
    let html = try #require(XMLTree.parse(try Self.read(rt, "h.html")))
    #expect(html.all("script").isEmpty)
    #expect(html.all("h1").first?.allText == shown)
    #expect(html.all("td").map(\.allText).contains(long))
    let docx = try Self.parts(try Self.read(rt, "h.docx"))
    let body = try #require(XMLTree.parse(docx["word/document.xml"] ?? []))
    #expect(body.all("w:tc").map(\.allText).contains(shown))
    let rtfText = String(decoding: try Self.read(rt, "h.rtf"), as: UTF8.self)
    let rtf = try #require(RTFReader(rtfText))
    let rtfShown = s.replacingOccurrences(of: "\u{1}", with: " ").replacingOccurrences(of: "\u{2}", with: " ")
    #expect(rtf.rows.contains { $0.first == rtfShown })
    #expect(rtf.rows.contains { $0.first == long })
    let md = String(decoding: try Self.read(rt, "h.md"), as: UTF8.self)
    #expect(!md.contains("<script"))
    let row = try #require(md.split(separator: "\n").first { $0.contains("alert") && $0.hasPrefix("|") })
    #expect(row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 3)
  }

  /// Where pandoc is installed, it reads the DOCX, RTF and HTML back to the
  /// same table text (skipped otherwise); LibreOffice likewise converts the
  /// DOCX and RTF where `soffice` is installed.
  @Test func externalReadersOpenTheDocuments() throws {
    let rt = try makeRuntime()
    try lua(rt, Self.reportScript)
    let out = rt.policy.outputDirectory
    if let pandoc = Self.tool("pandoc") {
      for (file, from) in [("report.docx", "docx"), ("report.rtf", "rtf"), ("report.html", "html")] {
        let text = try Self.run(pandoc, ["-f", from, "-t", "plain", "--columns=1000", out + "/" + file])
        #expect(text.contains("Characteristic"), "\(file)")
        #expect(text.contains("rxLev+5FU"), "\(file)")
        #expect(text.contains("All patients"), "\(file)")
      }
    }
    if let soffice = Self.tool("soffice") {
      for file in ["report.docx", "report.rtf"] {
        _ = try Self.run(soffice, ["--headless", "--convert-to", "txt:Text", "--outdir", out, out + "/" + file])
        let text = try String(contentsOfFile: out + "/report.txt", encoding: .utf8)
        #expect(text.contains("Characteristic"), "\(file)")
      }
    }
  }

  static func tool(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static func run(_ program: String, _ arguments: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

/// Whether bytes start with the PNG signature.
enum PNGHeader {
  static func isPNG(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) }
}
