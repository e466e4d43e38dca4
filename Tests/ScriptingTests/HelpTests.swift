import LuaHost
import Scripting
import Testing

/// help() and help(x), read from the binding registry (stdlib/kaplan/help.lua).
@Suite struct HelpTests {
  /// help's text of the value `expression` evaluates to (after `setup`).
  func helpText(_ expression: String, setup: String = "", in rt: KaplanRuntime? = nil) throws -> String {
    let runtime = try rt ?? makeRuntime()
    let out = try lua(runtime, setup + "\nreturn package.loaded['kaplan.help'].text(\(expression))")
    return out.first?.stringValue ?? "(no text: \(out.count > 1 ? out[1].stringValue ?? "" : ""))"
  }

  @Test func catalogueListsEveryEntryOnItsOwnLine() throws {
    let rt = try makeRuntime()
    let text = try helpText("nil", in: rt)
    let out = try lua(rt, """
      local sigs = {}
      for _, e in ipairs(require('kaplan').bind.entries()) do sigs[#sigs + 1] = e.signature end
      return sigs
      """)
    guard case .table(let signatures)? = out.first else { return }
    #expect(signatures.array.count >= 10)
    for signature in signatures.array.compactMap({ $0.stringValue }) {
      #expect(text.contains("\n  \(signature)"), "help() lists \(signature)")
    }
    // Methods have their own lines under their section, not one "d:method(...)".
    #expect(text.contains("\n  fit:at(times [, opts])"))
    #expect(!text.contains("d:method(...)"))
    #expect(text.contains("\nSurvival:\n") && text.contains("\nGeneral:\n"))
  }

  @Test func functionShowsItsOptionsAsATable() throws {
    let text = try helpText("km")
    #expect(text.hasPrefix("km(d, formula [, opts])\n"))
    let header = text.split(separator: "\n").first { $0.contains("key") && $0.contains("type") }
    #expect(header.map { $0.contains("default") } == true, "\(text)")
    let row = text.split(separator: "\n").first { $0.hasPrefix("    conf_type ") }
    #expect(row.map { $0.contains("one of \"log-log\", \"log\"") && $0.hasSuffix("\"log-log\"") } == true, "\(text)")
    #expect(text.contains("conf_level") && text.contains("0.95"))
    #expect(text.contains("Returns a km result"))
    #expect(text.contains("Example:\n    local lung = dataset(\"lung\")"))
  }

  @Test func methodsByNameAndByValue() throws {
    let setup = "fit = km(dataset('aml'), 'Surv(time, status) ~ x')"
    let byName = try helpText("'fit:at'", setup: setup)
    #expect(byName.hasPrefix("fit:at(times [, opts])\n"))
    #expect(byName.contains("    extend  true or false  false"), "\(byName)")
    #expect(try helpText("'km:at'", setup: setup) == byName)
    #expect(try helpText("fit.at", setup: setup) == byName)
    // The letters before ':' are free: the method is found among all receivers.
    // A name several kinds have (km, survreg and flexsurv: rmst) lists them; the receiver's letters pick one.
    #expect(try helpText("'x:rmst'", setup: setup).hasPrefix("'rmst' is a method of 3 kinds:"))
    #expect(try helpText("'fit:rmst'", setup: setup).hasPrefix("fit:rmst([tau])"))
    #expect(try helpText("'fit:quantile'", setup: setup).hasPrefix("fit:quantile([probs])"))
  }

  @Test func resultsListTheirFieldsAndMethods() throws {
    let text = try helpText("fit", setup: "fit = km(dataset('aml'), 'Surv(time, status) ~ x')")
    #expect(text.hasPrefix("A km result.\n"))
    #expect(text.contains("\n    strata "))
    #expect(text.contains("\n    conf_type "))
    #expect(text.contains("Methods"))
    for method in ["fit:at(times [, opts])", "fit:quantile([probs])", "fit:rmst([tau])"] {
      #expect(text.contains("\n    \(method)"), "\(text)")
    }
    // help("km") is the function, then its result's fields.
    let byName = try helpText("'km'")
    #expect(byName.hasPrefix("km(d, formula [, opts])") && byName.contains("\n    strata "))
  }

  @Test func datasetsColumnsAndDatesSayWhatTheyAreNotWhatTheyHold() throws {
    // help(d) used to raise an error containing the whole dataset.
    let setup = """
      local names = {}
      for i = 1, 5000 do names[i] = "SECRET_VALUE_" .. i end
      d = dataset.from{{"id", names}, {"time", names}}
      """
    let text = try helpText("d", setup: setup)
    #expect(text.hasPrefix("A dataset: 5000 rows × 2 columns (id, time)."), "\(text)")
    #expect(!text.contains("SECRET_VALUE"))
    #expect(text.count < 12000)  // the methods listed, not 5000 values (~90 KB)
    #expect(try helpText("d.id", setup: setup).hasPrefix("A column: 'id' <string>, 5000 values."))
    #expect(try helpText("date('2004-03-01')") .hasPrefix("A date: 2004-03-01."))
  }

  @Test func otherValuesAndUnknownNames() throws {
    #expect(try helpText("print").contains("not one of Kaplan's"))
    #expect(try helpText("42") == "A number value; help() lists Kaplan's functions.")
    #expect(try helpText("{1, 2, 3}").hasPrefix("A Lua table with 3 entries"))
    let rt = try makeRuntime()
    let message = luaError(rt, "help('no_such_thing')")
    #expect(message.hasPrefix("test:1: no help for \"no_such_thing\" (help() lists"), "\(message)")
    // A long string is cut in the message, never printed whole.
    let long = luaError(rt, "help(string.rep('x', 100000))")
    #expect(long.count < 200, "\(long.count)")
    #expect(luaError(rt, "help(1, 2)") == "test:1: bad argument #2 to 'help' (no more arguments expected, got number)")
  }

  @Test func helpPrintsAtTheRepl() throws {
    let session = try ReplSession(runtime: try makeRuntime())
    #expect(session.evaluate("help(km)") == .done)
    #expect(session.evaluate("help()") == .done)
    #expect(session.evaluate("help(dataset('lung'))") == .done)
  }
}
