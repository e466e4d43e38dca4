import Testing

@Test func DatasetsBuilds() { #expect(1 + 1 == 2) }
