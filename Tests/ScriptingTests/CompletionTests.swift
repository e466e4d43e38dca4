import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// Tab completion of the REPL (stdlib/kaplan/complete.lua): globals, fields
/// after `.`, methods after `:` from the registry, a dataset's columns,
/// option names inside an options table, file names inside `read_csv("`.
@Suite struct CompletionTests {
  /// A session whose working directory is a new temporary directory.
  func session(files: [String] = [], setup: String = "") throws -> (ReplSession, URL) {
    let directory = try temporaryDirectory()
    for file in files {
      let url = directory.appendingPathComponent(file)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data("a,b\n1,2\n".utf8).write(to: url)
    }
    var o = RuntimeOptions(workingDirectory: directory.path)
    o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
    o.outputDirectory = directory.path
    let session = try ReplSession(runtime: try KaplanRuntime(options: o))
    if !setup.isEmpty { #expect(session.evaluate(setup) == .done) }
    return (session, directory)
  }

  @Test func completesGlobalsFieldsAndMethods() throws {
    let (session, _) = try session()
    #expect(session.completions(for: "math.fl") == ["math.floor"])
    #expect(session.completions(for: "pairwise_l") == ["pairwise_logrank"])
    #expect(session.completions(for: "string.re") == ["string.rep", "string.reverse"])
    #expect(session.completions(for: "no_such_prefix_") == [])
  }

  @Test func resultMethodsAndFields() throws {
    let (session, _) = try session(setup: "fit = km(dataset('aml'), 'Surv(time, status) ~ x')")
    // Methods come from the registry (receiver "km"); fields from the table.
    #expect(session.completions(for: "fit:") == ["fit:at", "fit:quantile", "fit:rmst"])
    #expect(session.completions(for: "fit:q") == ["fit:quantile"])
    let fields = session.completions(for: "fit.")
    for field in ["fit.strata", "fit.conf_type", "fit.n", "fit.events", "fit.kind"] {
      #expect(fields.contains(field), "\(fields)")
    }
    // Methods are not fields: fit.at is not offered after '.' as a field of the copy.
    #expect(session.completions(for: "fit.str") == ["fit.strata"])
  }

  @Test func datasetColumns() throws {
    let (session, _) = try session(setup: "d = dataset('lung')")
    #expect(session.completions(for: "d.ag") == ["d.age"])
    #expect(session.completions(for: "d.s") == ["d.sex", "d.status"])
  }

  /// `d:<Tab>` lists the dataset methods declared with receiver "dataset";
  /// they are declared on the datasets-binding branch of issue 13, so this
  /// runs once that branch is merged.
  @Test
  func datasetMethods() throws {
    let (session, _) = try session(setup: "d = dataset('lung')")
    #expect(session.completions(for: "d:he") == ["d:head"])
    let all = session.completions(for: "d:")
    for method in ["d:head", "d:with", "d:where", "d:names"] { #expect(all.contains(method), "\(all)") }
    #expect(session.completions(for: "d.age:me").contains("d.age:mean"))
  }

  @Test func optionNamesInsideAnOptionsTable() throws {
    let (session, _) = try session(setup: "d = dataset('aml')\nfit = km(d, 'Surv(time, status) ~ x')")
    #expect(session.completions(for: "conf_", line: "km(d, \"Surv(time, status) ~ x\", {conf_")
      == ["conf_level", "conf_type"])
    #expect(session.completions(for: "", line: "logrank(d, 'Surv(time, status) ~ x', {rho = 1, ")
      == ["gamma", "rho", "test", "trend", "weights"])
    // A method's options: fit:at(times, {extend = ...}).
    #expect(session.completions(for: "ex", line: "fit:at({1, 2}, {ex") == ["extend"])
    // f{...}: the table is the options argument.
    #expect(session.completions(for: "warn", line: "options{warn") == ["warnings"])
    // Not where a key goes: after `key = `, a value is completed as a name.
    #expect(session.completions(for: "ma", line: "km(d, 'x', {conf_level = ma") == ["math", "max"])
    // The second argument of km is the formula, not the options.
    #expect(session.completions(for: "conf", line: "km(d, {conf") == [])
  }

  @Test func fileNamesInsideReadCsv() throws {
    let (session, directory) = try session(files: ["trial.csv", "tumours.tsv", "notes.txt", "data/arm.csv"])
    #expect(session.completions(for: "t", line: "read_csv(\"t") == ["trial.csv", "tumours.tsv"])
    #expect(session.completions(for: "", line: "d = read_csv('") == ["data/", "notes.txt", "trial.csv", "tumours.tsv"])
    // '/' breaks words in libedit: the word is what follows it.
    #expect(session.completions(for: "a", line: "read_csv(\"data/a") == ["arm.csv"])
    // Only inside the reader's first argument.
    #expect(session.completions(for: "t", line: "print(\"t") == [])
    // Outside what the sandbox lets the script read: nothing is listed.
    #expect(session.completions(for: "", line: "read_csv(\"/etc/") == [])
    #expect(session.completions(for: "", line: "read_csv(\"../") == [])
    _ = directory
  }
}
