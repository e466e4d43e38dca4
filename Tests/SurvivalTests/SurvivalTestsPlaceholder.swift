import Testing

@Test func SurvivalBuilds() { #expect(1 + 1 == 2) }
