import Foundation
import Testing
import TestSupport

/// Documents from `kaplan run`, in the kernel sandbox (Landlock where the
/// kernel has it): the figures' PNG comes from rsvg-convert through a pipe
/// (no file outside --out), and two runs of the same script write
/// byte-identical files.
struct DocumentCLITests {
  static let script = """
    local colon = dataset("colon")
    local d = colon:where(colon.etype:eq(2))
    local fit = km(d, "Surv(time, status) ~ rx")
    local r = report{title = "Colon", table1(d, {by = "rx", vars = {"age", "sex"}}),
      figure(fit, {caption = "Figure 1"}), cox(d, "Surv(time, status) ~ rx")}
    for _, ext in ipairs({"html", "docx", "rtf", "md"}) do assert(r:write("report." .. ext)) end
    assert(write_table(fit, "km.docx"))
    """

  @Test func twoRunsWriteTheSameBytes() throws {
    let dir = try temporaryDirectory()
    let script = dir.appendingPathComponent("report.lua")
    try Data(Self.script.utf8).write(to: script)
    var outputs: [URL] = []
    for run in ["one", "two"] {
      let out = dir.appendingPathComponent(run)
      let r = try runKaplan(["run", script.path, "--out", out.path], directory: dir)
      #expect(r.status == 0, "\(r.stderr)")
      outputs.append(out)
    }
    for name in ["report.html", "report.docx", "report.rtf", "report.md", "report-figure-1.svg", "km.docx"] {
      let a = try Data(contentsOf: outputs[0].appendingPathComponent(name))
      let b = try Data(contentsOf: outputs[1].appendingPathComponent(name))
      #expect(a == b, "\(name)")
      #expect(a.count > 100, "\(name)")
    }
    // The RTF carries the figure as PNG made inside the sandbox.
    let rtf = try String(contentsOf: outputs[0].appendingPathComponent("report.rtf"), encoding: .utf8)
    #expect(rtf.contains("\\pngblip") && rtf.contains("89504e47"))
  }

  /// Without rsvg-convert, a .docx with a figure is refused with what to
  /// install; HTML and Markdown need no converter.
  @Test func docxFiguresWithoutTheConverterSayWhatToInstall() throws {
    let dir = try temporaryDirectory()
    let script = dir.appendingPathComponent("nofig.lua")
    try Data("""
      local r = report{figure(km(dataset("aml"), "Surv(time, status) ~ x"))}
      assert(r:write("ok.html"))
      assert(r:write("ok.md"))
      r:write("fig.docx")
      """.utf8).write(to: script)
    let out = dir.appendingPathComponent("out")
    let r = try runKaplan(
      ["run", script.path, "--out", out.path], directory: dir, environment: ["PATH": "/nonexistent"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("nofig.lua:4: write: the figures of .docx and .rtf files are PNG images, made by the "
      + "program 'rsvg-convert', which is not on PATH"), "\(r.stderr)")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("ok.html").path))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("fig.docx").path))
  }
}
