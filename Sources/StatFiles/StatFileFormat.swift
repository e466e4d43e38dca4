/// The files of statistical packages that ReadStat reads.
public enum StatFileFormat: String, Sendable, CaseIterable {
  /// SAS data set (`.sas7bdat`).
  case sas7bdat
  /// SAS transport file, version 5 or 8 (`.xpt`): the FDA's format for CDISC submissions.
  case xpt
  /// Stata data file (`.dta`, versions 104–119).
  case dta
  /// SPSS system file (`.sav`, and compressed `.zsav`).
  case sav

  /// The package's name for messages: "SAS", "SAS transport (XPT)", ...
  public var displayName: String {
    switch self {
    case .sas7bdat: return "SAS (sas7bdat)"
    case .xpt: return "SAS transport (XPT)"
    case .dta: return "Stata (dta)"
    case .sav: return "SPSS (sav)"
    }
  }

  /// Where the format counts days from: SAS and Stata from 1960-01-01, SPSS
  /// from 1582-10-14 (the Gregorian calendar's first day), in days since
  /// 1970-01-01.
  var epochDays: Int {
    switch self {
    case .sas7bdat, .xpt, .dta: return -3653
    case .sav: return -141_428
    }
  }
}
