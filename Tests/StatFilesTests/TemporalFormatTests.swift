import Testing

@testable import StatFiles

@Suite struct TemporalFormatTests {
  @Test func sasFormatNamesDropWidthAndDot() {
    #expect(TemporalFormat.baseName("DATE9.") == "DATE")
    #expect(TemporalFormat.baseName("yymmdd10.") == "YYMMDD")
    #expect(TemporalFormat.baseName("E8601DA.") == "E8601DA")
    #expect(TemporalFormat.of("DATE9.", in: .sas7bdat) == .date)
    #expect(TemporalFormat.of("MMDDYY10.", in: .xpt) == .date)
    #expect(TemporalFormat.of("E8601DA10.", in: .xpt) == .date)
    #expect(TemporalFormat.of("DATETIME20.", in: .xpt) == .dateTime(unitSeconds: 1))
    #expect(TemporalFormat.of("TIME8.", in: .xpt) == .time)
    #expect(TemporalFormat.of("BEST12.", in: .xpt) == nil)
    #expect(TemporalFormat.of("8.2", in: .xpt) == nil)
  }

  @Test func stataAndSpssFormats() {
    #expect(TemporalFormat.of("%td", in: .dta) == .date)
    #expect(TemporalFormat.of("%-tdCCYY-NN-DD", in: .dta) == .date)
    #expect(TemporalFormat.of("%tc", in: .dta) == .dateTime(unitSeconds: 0.001))
    #expect(TemporalFormat.of("%9.0g", in: .dta) == nil)
    #expect(TemporalFormat.of("ADATE10", in: .sav) == .dateInSeconds)
    #expect(TemporalFormat.of("DATETIME20", in: .sav) == .dateTime(unitSeconds: 1))
    #expect(TemporalFormat.of("F8.2", in: .sav) == nil)
  }
}
