import Foundation
import Testing
import TestSupport

/// `kaplan run` end to end: exit statuses, error locations, arguments.
struct RunCommandTests {
  func script(_ text: String, in dir: URL, name: String = "s.lua") throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func runsScriptWithArguments() throws {
    let dir = try temporaryDirectory()
    let path = try script("print(arg[0] ~= nil, #arg, arg[1], arg[2]) print(select('#', ...))", in: dir)
    let r = try runKaplan(["run", path, "--", "a", "b c"], directory: dir)
    #expect(r.status == 0)
    #expect(r.stdout == "true\t2\ta\tb c\n2\n")
    #expect(r.stderr == "")
  }

  @Test func runtimeErrorPrintsLocationAndTracebackAndExits1() throws {
    let dir = try temporaryDirectory()
    _ = try script("local x = 1\nlocal function f() error('no data') end\nf()\n", in: dir)
    let r = try runKaplan(["run", "s.lua"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("kaplan: s.lua:2: no data\nstack traceback:"))
    #expect(r.stderr.contains("s.lua:3: in main chunk"))
    #expect(r.stdout == "")
  }

  @Test func syntaxErrorPrintsLocationAndExits1() throws {
    let dir = try temporaryDirectory()
    _ = try script("print('ok')\nlocal = 3\n", in: dir)
    let r = try runKaplan(["run", "s.lua"], directory: dir)
    #expect(r.status == 1)
    #expect(r.stderr == "kaplan: s.lua:2: <name> expected near '='\n")
  }

  @Test func missingScriptExits2() throws {
    let r = try runKaplan(["run", "no-such-script.lua"])
    #expect(r.status == 2)
    #expect(r.stderr == "kaplan: cannot open script 'no-such-script.lua': No such file or directory\n")
  }

  @Test func mathRandomIsDeterministicAndSeedable() throws {
    let dir = try temporaryDirectory()
    _ = try script("print(math.random(1, 1000000), math.random())", in: dir)
    let a = try runKaplan(["run", "s.lua"], directory: dir)
    let b = try runKaplan(["run", "s.lua"], directory: dir)
    let c = try runKaplan(["run", "s.lua", "--seed", "7"], directory: dir)
    #expect(a.status == 0)
    #expect(a.stdout == b.stdout)
    #expect(a.stdout != c.stdout)
  }

  @Test func requireFindsModulesNextToTheScript() throws {
    let dir = try temporaryDirectory()
    _ = try script("return { answer = 42 }", in: dir, name: "helper.lua")
    _ = try script("print(require('helper').answer)", in: dir)
    let elsewhere = try temporaryDirectory()
    let r = try runKaplan(["run", dir.appendingPathComponent("s.lua").path], directory: elsewhere)
    #expect(r.status == 0)
    #expect(r.stdout == "42\n")
  }

  @Test func badFlagsAreUsageErrors() throws {
    let r = try runKaplan(["run", "x.lua", "--max-memory", "lots"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("--max-memory: 'lots' is not a size"))
    let r2 = try runKaplan(["run", "x.lua", "--data", "nopath"])
    #expect(r2.stderr.contains("--data expects NAME=PATH, got 'nopath'"))
  }
}
