import Datasets
import Documents
import Foundation
import LuaHost

/// Reports and tables as documents (issue 18, "Documents"): `report{...}`
/// and its methods, `figure(result [, opts])` and `write_table(x, path)`.
///
/// The Lua half (`stdlib/kaplan/documents.lua`) turns what a script gives
/// into blocks: text stays text; a dataset becomes a table of its values; a
/// result becomes the tables its printer lays out (`format.capture_tables`),
/// so a model in a report reads as it prints. The Swift bodies here keep the
/// blocks in the report's `ReportValue`, render figures (`FigureRendering`)
/// and write files through the sandbox (`SandboxPolicy.checkWrite`, then
/// `FileBytes.write`, as `write_csv` does), the format chosen by the
/// extension (`Documents.DocumentWriter`).
struct DocumentLibrary: KaplanLibrary {
  let name = "documents"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    let policy = runtime.policy
    return LibraryBinding(
      functions: [report, text, heading, table, figureMethod, add, write(policy), outline, figure,
                  writeTable(policy)],
      kinds: kinds)
  }

  private var kinds: [ResultKind] { [
    ResultKind("report", section: "Reports",
               summary: "A document being built (report()): headings, text, tables and figures, written by "
                 + "r:write(path) as HTML, Word (.docx), RTF or Markdown.",
               fields: [("title", "the document's title, if any")]),
    ResultKind("figure", section: "Reports",
               summary: "A figure for a document (figure()): what plot() draws for a result, kept as SVG.",
               fields: [("description", "what the figure draws"), ("caption", "its caption in a document"),
                        ("width", "width in pixels (1/96 in)"), ("height", "height in pixels")]),
  ] }

  static let formats = "the extension picks the format: .html (one self-contained file: tables, inline SVG "
    + "figures), .docx (Word: real tables, PNG figures, editable styles), .rtf (TFL-style tables, PNG figures) or "
    + ".md (Markdown pipe tables; figures written beside it as NAME-figure-N.svg)"

  private var report: KaplanFunction {
    KaplanFunction(
      "report", section: "Reports", signature: "report{opts, element, ...}",
      summary: "Starts a document: report{title = \"...\", element, ...}, where each element is text (a "
        + "paragraph), a result (table1(), subgroups(), cox(), km(), logrank(), tidy(...) datasets: written as "
        + "the tables they print), a dataset (all its rows) or a figure(); add more with r:heading, r:text, "
        + "r:table, r:figure or r:add, then write it with r:write(path); " + Self.formats + ". The same script "
        + "writes byte-identical files (no dates).",
      options: [OptionSpec("title", .string, defaultText: "none", doc: "the document's title")],
      optionsArgument: 1, returns: "report",
      example: """
        local colon = dataset("colon")
        colon = colon:where(colon.etype:eq(2))
        local fit = km(colon, "Surv(time, status) ~ rx")
        local r = report{title = "Colon cancer: death by treatment arm",
          "Baseline characteristics (one row per patient).",
          table1(colon, {by = "rx", vars = {"age", "sex", "obstruct", "nodes"}}),
          figure(fit, {caption = "Figure 1. Overall survival", breaks = 365, xlab = "Days"}),
          cox(colon, "Surv(time, status) ~ rx + age + nodes")}
        r:heading("Survival estimates")
        r:table(fit, {caption = "Median survival by arm"})
        assert(r:write("colon_report.html"))
        assert(r:write("colon_report.docx"))   -- Word: real tables, the figure as PNG
        assert(r:write("colon_report.rtf"))
        assert(r:write("colon_report.md"))     -- and colon_report-figure-1.svg beside it
        print(r)
        """
    ) { call in
      let title = try call.options.optionalString("title")
      var fields: [(String, LuaValue)] = []
      if let title { fields.append(("title", .string(title))) }
      return call.result(.table(LuaTable(fields: fields)), of: ReportValue(title: title))
    }
  }

  private func method(
    _ name: String, signature: String, summary: String, options: [OptionSpec] = [], optionsArgument: Int? = nil,
    stdlibArguments: Int = 0, example: String, body: @escaping (KaplanCall, ReportValue) throws -> [LuaValue]
  ) -> KaplanFunction {
    KaplanFunction(
      name, receiver: "report", section: "Reports", signature: signature, summary: summary, options: options,
      optionsArgument: optionsArgument, stdlibArguments: stdlibArguments, example: example
    ) { call in try body(call, try call.receiver(as: ReportValue.self)) }
  }

  private var text: KaplanFunction {
    method(
      "text", signature: "r:text(text)", summary: "Adds a paragraph (line breaks kept); returns r.",
      example: "local r = report{}\nr:text(\"Data cut-off: 2024-06-30.\\nAll randomised patients.\")\nprint(r)"
    ) { call, report in
      report.append(.paragraph(try call.lua.string(2)))
      return []
    }
  }

  private var heading: KaplanFunction {
    method(
      "heading", signature: "r:heading(text [, level])",
      summary: "Adds a section heading, level 1 (default) or 2; returns r.",
      example: "local r = report{title = \"CSR tables\"}\nr:heading(\"Efficacy\")\nr:heading(\"Overall survival\", 2)"
    ) { call, report in
      let text = try call.lua.string(2)
      let level = try call.lua.optionalInteger(3) ?? 1
      guard level == 1 || level == 2 else { throw call.lua.argumentError(3, "level must be 1 or 2, got \(level)") }
      report.append(.heading(text, level: level))
      return []
    }
  }

  static let captionOption = OptionSpec("caption", .string, defaultText: "none",
                                        doc: "the table's caption (\"Table 1. Baseline characteristics\")")

  private var table: KaplanFunction {
    method(
      "table", signature: "r:table(x [, opts])",
      summary: "Adds x as tables: a result as the tables it prints (table1, subgroups, cox, km, logrank, ...), "
        + "with the lines printed around them as text; a dataset (tidy(m), d:head()) as a table of all its rows; "
        + "returns r.",
      options: [Self.captionOption], optionsArgument: 2, stdlibArguments: 1,
      example: """
        local m = cox(dataset("lung"), "Surv(time, status) ~ age + sex + ph.ecog")
        local r = report{title = "Lung"}
        r:table(m, {caption = "Cox model"})
        r:table(tidy(m, {exponentiate = true}), {caption = "Hazard ratios"})
        print(r)
        """
    ) { call, report in
      // documents.lua passes the blocks it made of x as a third argument.
      let caption = try call.options.optionalString("caption")
      for block in try DocumentBlocks.decode(try call.lua.value(4), caption: caption, function: "table") {
        report.append(block)
      }
      return []
    }
  }

  private var figureMethod: KaplanFunction {
    method(
      "figure", signature: "r:figure(x [, opts])",
      summary: "Adds a figure: a figure() result, or what plot() draws for a result (km, cuminc, cox, finegray, "
        + "cox_zph, subgroups) with figure()'s options; returns r.",
      options: FigureRendering.options, optionsArgument: 2,
      example: """
        local fit = km(dataset("aml"), "Surv(time, status) ~ x")
        local r = report{title = "AML"}
        r:figure(fit, {caption = "Figure 1. Remission duration", risk_table = true})
        print(r)
        """
    ) { call, report in
      // documents.lua passes the figure's handle (made by figure() when x is a result) as argument 2.
      guard call.lua.isObject(2, of: ResultHandle.self),
        let figure = try call.lua.object(2, as: ResultHandle.self).value as? FigureValue
      else { throw call.lua.argumentError(2, "a figure() result expected") }
      report.append(figure)
      return []
    }
  }

  private var add: KaplanFunction {
    KaplanFunction(
      "add", receiver: "report", section: "Reports", signature: "r:add(x)",
      summary: "Adds x as report{} adds an element: text as a paragraph, a figure() as a figure, anything else "
        + "as r:table(x); returns r.",
      example: "local r = report{}\nr:add(\"Text\")\nr:add(logrank(dataset(\"aml\"), \"Surv(time, status) ~ x\"))",
      body: nil)
  }

  private func write(_ policy: SandboxPolicy) -> KaplanFunction {
    method(
      "write", signature: "r:write(path [, opts])",
      summary: "Writes the report under the output directory (--out); " + Self.formats + ". Returns true, or nil "
        + "and a message when the file cannot be written.",
      options: Self.pageOptions, optionsArgument: 2,
      example: """
        local r = report{title = "Listing"}
        r:table(dataset("aml"))
        assert(r:write("aml_listing.html"))
        assert(r:write("aml_listing.rtf", {paper = "a4", landscape = true}))
        """
    ) { call, report in
      let path = try call.lua.string(2)
      let format = try Self.format(of: path, call: call, argument: 2, csv: false)
      // The path is judged before any figure is converted (and again by write, which uses it).
      _ = try policy.checkWrite(path)
      var document = try report.document(needsPNG: format.needsPNG)
      document.page = try Self.page(call, format: format, argument: 3)
      return try Self.write(document, format: format, path: path, policy: policy)
    }
  }

  private var outline: KaplanFunction {
    method(
      "outline", signature: "r:outline()",
      summary: "What the report holds, as print(r) shows it: its title and how many headings, paragraphs, tables "
        + "and figures.",
      example: "print(report{title = \"T\", \"text\"}:outline())"
    ) { _, report in [.string(report.outline)] }
  }

  private var figure: KaplanFunction {
    KaplanFunction(
      "figure", section: "Reports", signature: "figure(result [, opts])",
      summary: "A figure for a document: what plot(result, opts) draws (km or cuminc curves, cox, finegray or "
        + "subgroups forest plots, cox_zph residuals), kept as SVG; documents embed it as inline SVG (HTML), PNG "
        + "(DOCX, RTF; made by rsvg-convert at 2x) or a file beside the Markdown.",
      options: FigureRendering.options, optionsArgument: 2, returns: "figure", stdlibArguments: 2,
      example: """
        local fit = km(dataset("veteran"), "Surv(time, status) ~ trt")
        local f = figure(fit, {caption = "Figure 2. Survival by treatment", pvalue = true})
        print(f.description, f.width)
        """
    ) { call in
      let value = try FigureRendering.figure(call)
      let document = try value.documentFigure(needsPNG: false)
      var fields: [(String, LuaValue)] = [
        ("description", .string(value.description)), ("width", .number(document.width)),
        ("height", .number(document.height)),
      ]
      if let caption = value.caption { fields.append(("caption", .string(caption))) }
      return call.result(.table(LuaTable(fields: fields)), of: value)
    }
  }

  private func writeTable(_ policy: SandboxPolicy) -> KaplanFunction {
    KaplanFunction(
      "write_table", section: "Reports", signature: "write_table(x, path [, opts])",
      summary: "Writes one table alone: a result (table1, subgroups, cox, km, ...) as the tables it prints, or a "
        + "dataset (tidy(m)) with all its rows; " + Self.formats + ", or .csv (the printed cells; one table). "
        + "Returns true, or nil and a message.",
      options: [Self.captionOption, OptionSpec("title", .string, defaultText: "none", doc: "the document's title")]
        + Self.pageOptions,
      optionsArgument: 3, stdlibArguments: 1,
      example: """
        local d = dataset("colon")
        d = d:where(d.etype:eq(2))
        local t = table1(d, {by = "rx", vars = {"age", "sex"}, tests = true})
        assert(write_table(t, "table1.docx", {caption = "Table 1. Baseline characteristics"}))
        assert(write_table(t, "table1.rtf"))
        assert(write_table(tidy(cox(d, "Surv(time, status) ~ rx")), "cox.csv"))
        """
    ) { call in
      let path = try call.lua.string(2)
      let format = try Self.format(of: path, call: call, argument: 2, csv: true)
      let blocks = try DocumentBlocks.decode(
        try call.lua.value(4), caption: try call.options.optionalString("caption"), function: "write_table")
      let document = Document(
        title: try call.options.optionalString("title"), blocks: blocks,
        page: try Self.page(call, format: format, argument: 3))
      return try Self.write(document, format: format, path: path, policy: policy)
    }
  }

  static let pageOptions: [OptionSpec] = [
    OptionSpec("paper", .choice(PageSetup.Paper.allCases.map(\.rawValue)), default: .string("letter"),
               doc: "paper size of .docx and .rtf files (and of a printed .html): \"letter\" or \"a4\""),
    OptionSpec("landscape", .boolean, default: .boolean(false),
               doc: "landscape pages (.docx, .rtf, .html when printed), as wide TFL tables often need"),
  ]

  /// The page the options ask for (nil when neither is given); refused for
  /// Markdown and CSV, which have no pages.
  static func page(_ call: KaplanCall, format: DocumentFormat, argument: Int) throws -> PageSetup? {
    let o = call.options
    guard let key = ["paper", "landscape"].first(where: { o.has($0) }) else { return nil }
    if format == .md || format == .csv {
      throw call.lua.argumentError(
        argument, "option '\(key)' applies to .html, .docx and .rtf files, not to .\(format.rawValue)")
    }
    let paper = PageSetup.Paper(rawValue: try o.string("paper")) ?? .letter
    return PageSetup(paper: paper, landscape: try o.boolean("landscape"))
  }

  /// The format of `path`'s extension, or an argument error listing them.
  static func format(of path: String, call: KaplanCall, argument: Int, csv: Bool) throws -> DocumentFormat {
    guard let format = DocumentFormat.of(path: path), csv || format != .csv else {
      throw call.lua.argumentError(
        argument, "path must end in \(DocumentFormat.list(including: csv)), got '\(path)'")
    }
    return format
  }

  /// Writes the document's files: the sandbox checks every path first
  /// (refusals are errors, worded as for every writer), then each file is
  /// written with `FileBytes.write` (no symbolic link followed); a failed
  /// write returns nil and a message, as write_csv does.
  static func write(_ document: Document, format: DocumentFormat, path: String, policy: SandboxPolicy) throws
    -> [LuaValue]
  {
    let resolved = try policy.checkWrite(path)
    let stem = (path as NSString).deletingPathExtension
    let files = try DocumentWriter.write(document, format: format, name: (stem as NSString).lastPathComponent)
    let siblings = try files.siblings.map { (try policy.checkWrite(stem + $0.suffix), stem + $0.suffix, $0.bytes) }
    do {
      for (target, _, bytes) in siblings { try FileBytes.write(path: target, bytes: bytes) }
      try FileBytes.write(path: resolved, bytes: files.main)
    } catch {
      var message = String(describing: error)
      for (target, shown, _) in siblings { message = message.replacingOccurrences(of: target, with: shown) }
      return [.nil, .string(message.replacingOccurrences(of: resolved, with: path))]
    }
    return [.boolean(true)]
  }
}

extension DocumentFormat {
  /// Formats that embed figures as PNG.
  var needsPNG: Bool { self == .docx || self == .rtf }
}
