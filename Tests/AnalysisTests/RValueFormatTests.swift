import Datasets
import Testing

@testable import Analysis

/// `as.character()` of doubles and dates, as printed by R 4.2.2.
@Suite struct RValueFormatTests {
  @Test(arguments: [
    (0.1 + 0.2, "0.3"), (1e5, "1e+05"), (123456, "123456"), (0.0001, "1e-04"),
    (1.0 / 3, "0.333333333333333"), (2, "2"), (1e15, "1e+15"), (1e-5, "1e-05"),
    (123456789012, "123456789012"), (0.1234567890123456789, "0.123456789012346"),
    (100, "100"), (1234567, "1234567"), (-2.5, "-2.5"), (0, "0"), (5.57, "5.57"),
    (1e-300, "1e-300"), (.infinity, "Inf"), (-.infinity, "-Inf"),
  ])
  func number(value: Double, text: String) {
    #expect(RValueFormat.number(value) == text)
  }

  @Test(arguments: [
    (Int32(0), "1970-01-01"), (Int32(-1), "1969-12-31"), (Int32(18262), "2020-01-01"),
    (Int32(11016), "2000-02-29"),
  ])
  func date(days: Int32, text: String) {
    // Date levels are written by Datasets' one civil-from-days conversion.
    #expect(CalendarDate.formatISO(days) == text)
  }
}
