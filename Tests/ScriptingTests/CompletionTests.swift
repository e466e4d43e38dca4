import Scripting
import Testing

/// Tab completion of the REPL: globals, fields after `.`, methods after `:`.
@Suite struct CompletionTests {
  @Test func completesGlobalsFieldsAndMethods() throws {
    let session = try ReplSession(runtime: try makeRuntime())
    #expect(session.completions(for: "math.fl") == ["math.floor"])
    #expect(session.completions(for: "pairwise_l") == ["pairwise_logrank"])
    #expect(session.completions(for: "string.re") == ["string.rep", "string.reverse"])
    #expect(session.completions(for: "no_such_prefix_") == [])
  }
}
