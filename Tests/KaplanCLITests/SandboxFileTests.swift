import Foundation
import Testing
import TestSupport

/// Issue 12, items 1 and 2: a shared folder's symbolic links cannot carry a
/// write (or read) outside the sandbox, and no answer of the file functions
/// tells a script whether a file outside exists.
struct SandboxFileTests {
  /// A shared folder (`shared/`) next to an `outside/` directory, run from
  /// the folder with the default output directory (the working directory).
  struct Folder {
    let root: URL
    var shared: URL { root.appendingPathComponent("shared") }
    var outside: URL { root.appendingPathComponent("outside") }

    init() throws {
      root = try temporaryDirectory()
      try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    }

    func link(_ name: String, to target: String) throws {
      try FileManager.default.createSymbolicLink(
        atPath: shared.appendingPathComponent(name).path, withDestinationPath: target)
    }

    func run(_ code: String, _ extra: [String] = []) throws -> ProcessResult {
      try code.write(to: shared.appendingPathComponent("analysis.lua"), atomically: true, encoding: .utf8)
      return try runKaplan(["run", "analysis.lua"] + extra, directory: shared)
    }

    func outsideFiles() throws -> [String] {
      try FileManager.default.contentsOfDirectory(atPath: outside.path).sorted()
    }
  }

  static let writes = """
    local fit = km(dataset("aml"), "Surv(time, status) ~ x")
    print("open", pcall(io.open, "results.txt", "w"))
    print("append", pcall(io.open, "results.txt", "a+"))
    print("csv", pcall(write_csv, dataset("aml"), "table.csv"))
    print("png", pcall(plot, fit, {file = "figure.png"}))
    print("pdf", pcall(plot, fit, {file = "figure.pdf"}))
    print("svg", pcall(plot, fit, {file = "figure.svg"}))
    print("chain", pcall(io.open, "chain.txt", "w"))
    """

  @Test(arguments: [false, true])
  func writesThroughLinksToTheOutsideAreRefused(targetsExist: Bool) throws {
    let f = try Folder()
    let targets = ["target", "t.csv", "fig.png", "fig.pdf", "fig.svg"]
    if targetsExist {
      for t in targets {
        try "original".write(to: f.outside.appendingPathComponent(t), atomically: true, encoding: .utf8)
      }
    }
    let out = f.outside.path
    try f.link("results.txt", to: out + "/target")
    try f.link("table.csv", to: out + "/t.csv")
    try f.link("figure.png", to: out + "/fig.png")
    try f.link("figure.pdf", to: out + "/fig.pdf")
    try f.link("figure.svg", to: "../outside/fig.svg")   // relative, climbing out
    try f.link("chain.txt", to: "results.txt")           // a link to the link
    let r = try f.run(Self.writes)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 7)
    for line in lines {
      #expect(line.contains("\tfalse\tanalysis.lua:"), "\(line)")   // positioned at the script's line
      #expect(line.contains(": writing '"), "\(line)")
      #expect(line.contains("is not allowed in the sandbox"), "\(line)")
    }
    // Nothing appeared outside, and existing files were not touched.
    #expect(try f.outsideFiles() == (targetsExist ? targets.sorted() : []))
    for t in targets where targetsExist {
      #expect(try String(contentsOf: f.outside.appendingPathComponent(t), encoding: .utf8) == "original")
    }
  }

  @Test func readsThroughLinksToTheOutsideAreRefused() throws {
    let f = try Folder()
    try "secret".write(to: f.outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
    try f.link("data.txt", to: f.outside.path + "/secret.txt")
    let r = try f.run("""
      print(pcall(io.open, "data.txt"))
      print(pcall(io.lines, "data.txt"))
      print(pcall(read_csv, "data.txt"))
      print(pcall(loadfile, "data.txt"))
      """)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.components(separatedBy: "reading 'data.txt' is not allowed").count == 5, "\(r.stdout)")
    #expect(!r.stdout.contains("secret"))
  }

  @Test func linksThatStayInsideAreFollowed() throws {
    let f = try Folder()
    try FileManager.default.createDirectory(
      at: f.shared.appendingPathComponent("results"), withIntermediateDirectories: true)
    try "first\n".write(to: f.shared.appendingPathComponent("results/log.txt"), atomically: true, encoding: .utf8)
    try f.link("log.txt", to: "results/log.txt")
    try f.link("new.txt", to: "results/new.txt")          // dangling, but inside
    try f.link("table.csv", to: f.shared.path + "/results/table.csv")
    try f.link("figure.svg", to: "results/figure.svg")
    let r = try f.run("""
      local a = assert(io.open("log.txt", "a")); a:write("second\\n"); a:close()
      local n = assert(io.open("new.txt", "w")); n:write("new"); n:close()
      assert(write_csv(dataset("aml"), "table.csv"))
      plot(km(dataset("aml"), "Surv(time, status) ~ x"), {file = "figure.svg"})
      print(io.open("log.txt"):read("a") .. io.open("new.txt"):read("a"))
      print(read_csv("table.csv"):nrow())
      """)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "first\nsecond\nnew\n23\n")
    let results = f.shared.appendingPathComponent("results")
    #expect(try String(contentsOf: results.appendingPathComponent("new.txt"), encoding: .utf8) == "new")
    #expect(FileManager.default.fileExists(atPath: results.appendingPathComponent("table.csv").path))
    #expect(try f.outsideFiles().isEmpty)
  }

  @Test func aLoopOfLinksIsRefusedCleanly() throws {
    let f = try Folder()
    try f.link("a.txt", to: "b.txt")
    try f.link("b.txt", to: "a.txt")
    let r = try f.run("print(pcall(io.open, 'a.txt', 'w')) print(pcall(io.open, 'a.txt'))")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("false\tanalysis.lua:1: writing 'a.txt' is not allowed"), "\(r.stdout)")
    #expect(r.stdout.contains("false\tanalysis.lua:1: reading 'a.txt' is not allowed"), "\(r.stdout)")
  }

  @Test func aPathWithAZeroByteIsRefused() throws {
    let f = try Folder()
    let r = try f.run(#"print(pcall(io.open, "x.txt\0/../../outside/y", "w"))"#)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("a path cannot contain a zero byte"), "\(r.stdout)")
    #expect(try f.outsideFiles().isEmpty)
  }

  /// Every file function, on an outside file that exists and on one that
  /// does not: the answers must be the same text (issue 12, item 2).
  @Test(arguments: [
    #"print(package.searchpath("", P))"#,
    #"print(package.searchpath("x", P:gsub("[^/]*$", "?")))"#,
    #"package.path = P:gsub("[^/]*$", "?"); print(pcall(require, NAME))"#,
    #"package.path = P:gsub("[^/]*$", "?") .. ";" .. package.path; print(pcall(require, NAME))"#,
    #"print(pcall(loadfile, P))"#,
    #"print(pcall(dofile, P))"#,
    #"print(pcall(io.open, P))"#,
    #"print(pcall(io.open, P, "r+"))"#,
    #"print(pcall(io.lines, P))"#,
    #"print(pcall(read_csv, P))"#,
  ])
  func answersDoNotTellWhetherAnOutsideFileExists(code: String) throws {
    let f = try Folder()
    try "return 1".write(to: f.outside.appendingPathComponent("present.lua"), atomically: true, encoding: .utf8)
    func answer(_ name: String) throws -> String {
      let path = f.outside.appendingPathComponent(name + ".lua").path
      let r = try f.run("local P, NAME = '\(path)', '\(name)'\n" + code)
      return (r.stdout + r.stderr).replacingOccurrences(of: name, with: "NAME")
    }
    let present = try answer("present"), absent = try answer("absent")
    #expect(present == absent)
    #expect(present.contains("not allowed in the sandbox"), "\(present)")
  }

  @Test func searchpathStillFindsModulesInside() throws {
    let f = try Folder()
    try "return 42".write(to: f.shared.appendingPathComponent("helper.lua"), atomically: true, encoding: .utf8)
    let r = try f.run("""
      print(package.searchpath("helper", "./?.lua"))
      print(package.searchpath("nothing", "./?.lua;./?/init.lua"))
      print(require("helper"))
      print(pcall(require, "nothing"))
      """)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("./helper.lua\nnil\tno file './nothing.lua'\n\tno file './nothing/init.lua'\n42\t"),
      "\(r.stdout)")
    #expect(r.stdout.contains("module 'nothing' not found:\n\tno field package.preload['nothing']\n\tno file '"))
  }
}
