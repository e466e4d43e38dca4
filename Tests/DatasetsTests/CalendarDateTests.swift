import Datasets
import Testing

@Suite("Calendar dates")
struct CalendarDateTests {
  @Test func knownDays() {
    // Reference: Python datetime.date(...) - date(1970, 1, 1).
    #expect(CalendarDate.days(year: 1970, month: 1, day: 1) == 0)
    #expect(CalendarDate.days(year: 2004, month: 3, day: 1) == 12478)
    #expect(CalendarDate.days(year: 2000, month: 2, day: 29) == 11016)
    #expect(CalendarDate.days(year: 1, month: 1, day: 1) == -719162)
    #expect(CalendarDate.days(year: 9999, month: 12, day: 31) == 2_932_896)
    #expect(CalendarDate.days(year: 1900, month: 3, day: 1) == -25508)
  }

  @Test func invalidDatesRejected() {
    #expect(CalendarDate.days(year: 1900, month: 2, day: 29) == nil)
    #expect(CalendarDate.days(year: 2001, month: 4, day: 31) == nil)
    #expect(CalendarDate.days(year: 2001, month: 13, day: 1) == nil)
    #expect(CalendarDate.days(year: 2001, month: 1, day: 0) == nil)
    #expect(CalendarDate.parseISO("2004-3-01") == nil)
    #expect(CalendarDate.parseISO("2004-03-01 ") == nil)
    #expect(CalendarDate.parseISO("2004/03/01") == nil)
  }

  @Test func componentsInvertDaysOverFourCenturies() {
    var expected = (year: 1800, month: 1, day: 1)
    for days in Int32(-62_091)...Int32(84_000) {
      let c = CalendarDate.components(days: days)
      #expect(c == expected, "day \(days)")
      if c != expected { break }
      #expect(CalendarDate.days(year: c.year, month: c.month, day: c.day) == days)
      expected.day += 1
      if expected.day > CalendarDate.daysInMonth(year: expected.year, month: expected.month) {
        expected.day = 1
        expected.month += 1
        if expected.month > 12 {
          expected.month = 1
          expected.year += 1
        }
      }
    }
  }

  @Test func isoFormatting() {
    #expect(CalendarDate.formatISO(12478) == "2004-03-01")
    #expect(CalendarDate.formatISO(-719162) == "0001-01-01")
    #expect(CalendarDate.parseISO("2010-12-31") == 14974)
  }

  @Test func declaredFormats() throws {
    let dmy = try DateFormat("%d/%m/%Y")
    #expect(dmy.parse("01/03/2004") == 12478)
    #expect(dmy.parse("1/3/2004") == 12478)
    #expect(dmy.parse("31/02/2004") == nil)
    #expect(dmy.format(12478) == "01/03/2004")
    let named = try DateFormat("%d-%b-%y")
    #expect(named.parse("01-MAR-04") == 12478)
    #expect(named.parse("01-mar-70") == 59)
    #expect(named.format(12478) == "01-Mar-04")
    #expect(throws: DatasetError.invalid("date format '%d/%q': unknown conversion '%q' (known: %Y %y %m %d %b %%)")) {
      _ = try DateFormat("%d/%q")
    }
  }
}
