import Testing

@Test func KaplanCLIBuilds() { #expect(1 + 1 == 2) }
