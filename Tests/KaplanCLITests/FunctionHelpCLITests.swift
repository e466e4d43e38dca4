import Foundation
import Testing
import TestSupport

/// `kaplan help NAME` printed the CLI overview for any function name (session-7 review): it now prints the
/// function's help, as `help("NAME")` in a script; an unknown name is an error with a suggestion; a
/// subcommand's help is still ArgumentParser's.
struct FunctionHelpCLITests {
  @Test func aFunctionNamePrintsItsHelp() throws {
    let r = try runKaplan(["help", "flexsurv"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("flexsurv(d, formula [, opts])"), "\(r.stdout.prefix(200))")
    #expect(!r.stdout.contains("SUBCOMMANDS"))
    let method = try runKaplan(["help", "fit:at"])
    #expect(method.status == 0 && method.stdout.contains("fit:at(times [, opts])"), "\(method.stdout.prefix(200))")
  }

  @Test func anUnknownNameIsAnErrorWithASuggestion() throws {
    let r = try runKaplan(["help", "flexsurvv"])
    #expect(r.status == 1)
    #expect(r.stderr == "kaplan help: no help for \"flexsurvv\" (did you mean \"flexsurv\"?)\n", "\(r.stderr)")
    #expect(r.stdout == "")
  }

  @Test func aSubcommandKeepsItsCommandHelp() throws {
    let r = try runKaplan(["help", "run"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("USAGE: kaplan run"), "\(r.stdout.prefix(300))")
  }
}
