import Testing

@Test func LuaHostBuilds() { #expect(1 + 1 == 2) }
