/// What a variable's display format says its numbers are: SAS, Stata and
/// SPSS store dates and date-times as plain numbers and mark them only by
/// the format (SAS `DATE9.`, Stata `%td`, SPSS `ADATE10`), as R's haven
/// reads them.
///
/// - SAS (sas7bdat, XPT): dates are days since 1960-01-01, date-times
///   seconds since 1960-01-01 00:00, times seconds since midnight. The
///   lists are haven's (`R/haven-sas.R`, 2.5): a format's name is its text
///   up to the first dot with the width digits at the end removed
///   (`YYMMDD10.` → `YYMMDD`, `E8601DA.` → `E8601DA`).
/// - Stata: `%td` (and the old `%d`) days since 1960-01-01; `%tc`/`%tC`
///   milliseconds since 1960-01-01 00:00.
/// - SPSS: `DATE`, `ADATE`, `EDATE`, `JDATE`, `SDATE`, `QYR`, `MOYR`, `WKYR`
///   and `DATETIME`, `YMDHMS`: seconds since 1582-10-14 00:00; `TIME`,
///   `DTIME` seconds.
enum TemporalFormat: Equatable {
  /// Whole days since the format's epoch.
  case date
  /// A date-time: units of `unitSeconds` seconds since the epoch.
  case dateTime(unitSeconds: Double)
  /// SPSS's dates are seconds (at midnight) since its epoch.
  case dateInSeconds
  /// A time of day (seconds); read as a number.
  case time

  static func of(_ format: String?, in file: StatFileFormat) -> TemporalFormat? {
    guard let format, !format.isEmpty else { return nil }
    switch file {
    case .sas7bdat, .xpt: return sas(format)
    case .dta: return stata(format)
    case .sav: return spss(format)
    }
  }

  /// The name of a SAS or SPSS format: up to the first dot, upper case,
  /// without the width's digits at its end.
  static func baseName(_ format: String) -> String {
    var name = Substring(format.uppercased())
    if let dot = name.firstIndex(of: ".") { name = name[..<dot] }
    while let last = name.last, last.isASCII, last.isNumber { name = name.dropLast() }
    return String(name)
  }

  private static func sas(_ format: String) -> TemporalFormat? {
    let name = baseName(format)
    if sasDates.contains(name) { return .date }
    if sasDateTimes.contains(name) { return .dateTime(unitSeconds: 1) }
    if sasTimes.contains(name) { return .time }
    return nil
  }

  private static func stata(_ format: String) -> TemporalFormat? {
    var f = Substring(format)
    guard f.first == "%" else { return nil }
    f = f.dropFirst()
    if f.first == "-" { f = f.dropFirst() }
    if f.hasPrefix("td") || f.hasPrefix("d") { return .date }
    if f.hasPrefix("tc") || f.hasPrefix("tC") { return .dateTime(unitSeconds: 0.001) }
    return nil
  }

  private static func spss(_ format: String) -> TemporalFormat? {
    let name = baseName(format)
    if ["DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR"].contains(name) { return .dateInSeconds }
    if ["DATETIME", "YMDHMS"].contains(name) { return .dateTime(unitSeconds: 1) }
    if ["TIME", "DTIME"].contains(name) { return .time }
    return nil
  }

  private static let sasDates: Set<String> = [
    "DATE", "DAY", "DDMMYY", "DDMMYYB", "DDMMYYC", "DDMMYYD", "DDMMYYN", "DDMMYYP", "DDMMYYS", "DOWNAME",
    "E8601DA", "B8601DA", "JULDAY", "JULIAN", "MMDDYY", "MMDDYYB", "MMDDYYC", "MMDDYYD", "MMDDYYN",
    "MMDDYYP", "MMDDYYS", "MMYY", "MMYYC", "MMYYD", "MMYYN", "MMYYP", "MMYYS", "MONNAME", "MONTH", "MONYY",
    "NENGO", "QTR", "QTRR", "WEEKDATE", "WEEKDATX", "WEEKDAY", "WEEKU", "WEEKV", "WEEKW", "WORDDATE",
    "WORDDATX", "YEAR", "YYMM", "YYMMC", "YYMMD", "YYMMN", "YYMMP", "YYMMS", "YYMMDD", "YYMMDDB",
    "YYMMDDC", "YYMMDDD", "YYMMDDN", "YYMMDDP", "YYMMDDS", "YYMON", "YYQ", "YYQC", "YYQD", "YYQN", "YYQP",
    "YYQS", "YYQR", "YYQRC", "YYQRD", "YYQRN", "YYQRP", "YYQRS", "MINGUO", "IS8601DA", "ND8601DA",
  ]
  private static let sasDateTimes: Set<String> = [
    "DATETIME", "DATEAMPM", "DTDATE", "DTMONYY", "DTWKDATX", "DTYEAR", "DTYYQC", "E8601DT", "E8601DZ",
    "B8601DT", "B8601DZ", "IS8601DT", "IS8601DZ", "MDYAMPM", "ND8601DT", "ND8601DZ",
  ]
  private static let sasTimes: Set<String> = [
    "TIME", "TIMEAMPM", "TOD", "HHMM", "HOUR", "MMSS", "E8601TM", "B8601TM", "E8601LZ", "IS8601TM",
  ]
}
