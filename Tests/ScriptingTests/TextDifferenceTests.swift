import Scripting
import Testing

/// The first difference `kaplan verify` prints (issue 19).
@Suite struct TextDifferenceTests {
  @Test func equalTextsHaveNoDiff() {
    let d = TextDifference(old: "a\nb\n", new: "a\nb\n", oldName: "x", newName: "y")
    #expect(d.diff == nil)
  }

  @Test func oneChangedLineWithContext() {
    let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
    let new = old.replacingOccurrences(of: "line 6\n", with: "line six\n")
    let d = TextDifference(old: old, new: new, oldName: "recorded/out.txt", newName: "rerun/out.txt")
    #expect(d.diff == """
      --- recorded/out.txt
      +++ rerun/out.txt
      @@ -3,7 +3,7 @@
       line 3
       line 4
       line 5
      -line 6
      +line six
       line 7
       line 8
       line 9

      """)
    #expect(d.lastDigitOnly.isEmpty)
  }

  @Test func addedLinesAtTheEnd() {
    let d = TextDifference(old: "a\n", new: "a\nb\n", oldName: "o", newName: "n")
    #expect(d.diff == "--- o\n+++ n\n@@ -1,1 +1,2 @@\n a\n+b\n")
  }

  @Test func lastDigitDifferencesAreNamed() {
    let d = TextDifference(
      old: "HR 0.5812 (0.3811-0.8843), p = 0.0103\n", new: "HR 0.5813 (0.3811-0.8843), p = 0.0103\n",
      oldName: "o", newName: "n")
    #expect(d.lastDigitOnly.map { [$0.0, $0.1] } == [["0.5812", "0.5813"]])
    let exponent = TextDifference(old: "1.23e-05\n", new: "1.24e-05\n", oldName: "o", newName: "n")
    #expect(exponent.lastDigitOnly.map { [$0.0, $0.1] } == [["1.23e-05", "1.24e-05"]])
  }

  @Test func otherDifferencesAreNotLastDigit() {
    for (old, new) in [("0.5812\n", "0.5822\n"), ("0.58\n", "0.581\n"), ("HR 0.58\n", "hr 0.59\n"),
                       ("a\nb\n", "a\n")] {
      let d = TextDifference(old: old, new: new, oldName: "o", newName: "n")
      #expect(d.diff != nil)
      #expect(d.lastDigitOnly.isEmpty, "\(old) vs \(new)")
    }
  }
}
