import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Makes PDFs reproducible (issue 19): cairo, under `rsvg-convert`, writes
/// the time of conversion as the PDF's CreationDate unless
/// `SOURCE_DATE_EPOCH` is set (reproducible-builds.org's convention), so
/// two runs of a script gave different PDFs. The converter inherits
/// Kaplan's environment, so it is set here, before any thread starts; a
/// value the user set is kept.
func fixConverterDates() {
  setenv("SOURCE_DATE_EPOCH", "0", 0)
}
