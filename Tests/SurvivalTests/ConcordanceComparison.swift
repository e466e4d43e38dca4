import Testing
import TestSupport
@testable import Survival

/// Checks that two concordance results agree: the five counts exactly (the
/// tests' weights are quarters, so every count is a whole number of
/// quarters in any order of addition), C and its standard error to
/// `relative` (0: bit for bit).
func expectSameConcordance(
  _ a: Concordance, _ b: Concordance, relative: Double, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(a.concordant == b.concordant, sourceLocation: sourceLocation)
  #expect(a.discordant == b.discordant, sourceLocation: sourceLocation)
  #expect(a.tiedX == b.tiedX, sourceLocation: sourceLocation)
  #expect(a.tiedY == b.tiedY, sourceLocation: sourceLocation)
  #expect(a.tiedXY == b.tiedXY, sourceLocation: sourceLocation)
  if relative == 0 {
    #expect(a.concordance == b.concordance, sourceLocation: sourceLocation)
    #expect(a.standardError == b.standardError, sourceLocation: sourceLocation)
  } else {
    #expect(approxEqual(a.concordance, b.concordance, relative: relative), sourceLocation: sourceLocation)
    #expect(approxEqual(a.standardError, b.standardError, relative: relative), sourceLocation: sourceLocation)
  }
}
