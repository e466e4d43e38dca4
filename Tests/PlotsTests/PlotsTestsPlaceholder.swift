import Testing

@Test func PlotsBuilds() { #expect(1 + 1 == 2) }
