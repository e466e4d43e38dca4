import Testing

@Test func ScriptingBuilds() { #expect(1 + 1 == 2) }
