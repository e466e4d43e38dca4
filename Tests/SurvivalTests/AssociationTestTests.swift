import Foundation
import Testing

@testable import Survival
import TestSupport

/// Pearson's chi-square, Fisher's exact test and the rank tests against R
/// (scripts/fixtures/report_tables.R) and against tables worked by hand.
@Suite struct AssociationTestTests {
  /// Exact tests and closed-form statistics: R prints 17 digits; the
  /// incomplete gamma and erfc agree with R's to about 1e-13.
  static let closedForm = Tolerance.closedForm

  private func number(_ value: Any?) -> Double {
    guard let s = value as? String else { return (value as? NSNumber)?.doubleValue ?? .nan }
    return s == "NA" ? .nan : Double(s) ?? .nan
  }

  private func ints(_ value: Any?) -> [Int] { (value as? [Any] ?? []).map { ($0 as? NSNumber)?.intValue ?? -1 } }

  @Test func twoByTwoWorkedByHand() throws {
    // [[3, 1], [1, 3]]: every expected count is 2, so X² = 4 · 1²/2 = 2 on 1 df,
    // p = P(χ²₁ > 2) = erfc(1). Fisher: P(x₁₁ = k) = C(4,k)C(4,4−k)/C(8,4) =
    // (1, 16, 36, 16, 1)/70; the tables as probable as x₁₁ = 3 or less are
    // k = 0, 1, 3, 4: p = 34/70.
    let x2 = try #require(ContingencyTest.pearson(counts: [3, 1, 1, 3], rows: 2, columns: 2))
    #expect(approxEqual(x2.statistic, 2, relative: Self.closedForm))
    #expect(x2.df == 1)
    #expect(approxEqual(x2.p, erfc(1), relative: Self.closedForm))
    let p = try #require(try FisherExact.pValue(counts: [3, 1, 1, 3], rows: 2, columns: 2))
    #expect(approxEqual(p, 34.0 / 70.0, relative: Self.closedForm))
    let chosen = try #require(try ContingencyTest.chosen(counts: [3, 1, 1, 3], rows: 2, columns: 2))
    #expect(chosen.method == .fisher)
  }

  @Test func wilcoxonWorkedByHand() throws {
    // {1, 2} against {3, 4, 5}: ranks 1, 2, so W = 3 − 2·3/2 = 0. No ties and fewer than 50 per group: exact,
    // as R's wilcox.test. Of the C(5, 2) = 10 equally likely rank pairs only {1, 2} gives W = 0, so
    // P(W ≤ 0) = 1/10 and p = 2/10 (R: wilcox.test(1:2, 3:5)$p.value = 0.2).
    let t = try #require(RankTest.test(values: [1, 2, 3, 4, 5], groups: [0, 0, 1, 1, 1]))
    #expect(t.method == .wilcoxon && t.exact)
    #expect(t.statistic == 0)
    #expect(approxEqual(t.p, 0.2, relative: Self.closedForm))
    // The counts of W = 0...6 for n₁ = 2, n₂ = 3: {1, 1, 2, 2, 2, 1, 1} (sum 10).
    #expect(RankTest.exactDistribution(n1: 2, n2: 3) == [1, 1, 2, 2, 2, 1, 1])
    // A tie (two 4s) takes the normal approximation: W = 0; z = −3; σ² = n₁n₂/12 · (n + 1 − Σ(t³ − t)/(n(n − 1)))
    // = 0.5 · (6 − 6/20) = 2.85; p = 2Φ((−3 + 0.5)/√2.85) (R, exact = FALSE: the same).
    let tied = try #require(RankTest.test(values: [1, 2, 4, 4, 5], groups: [0, 0, 1, 1, 1]))
    #expect(!tied.exact)
    #expect(approxEqual(tied.p, erfc(2.5 / (2 * 2.85).squareRoot()), relative: Self.closedForm))
  }

  @Test func contingencyTablesMatchR() throws {
    let cases = try #require(try loadFixture("report_tables/contingency.json") as? [[String: Any]])
    #expect(cases.count == 6)
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let counts = ints(c["counts"])
      let rows = (c["rows"] as? NSNumber)?.intValue ?? 0
      let columns = counts.count / max(rows, 1)
      let x2 = try #require(ContingencyTest.pearson(counts: counts, rows: rows, columns: columns))
      #expect(approxEqual(x2.statistic, number(c["chisq"]), relative: Self.closedForm), "\(name) chisq")
      #expect(x2.df == (c["df"] as? NSNumber)?.intValue, "\(name) df")
      #expect(approxEqual(x2.p, number(c["chisq_p"]), relative: Self.closedForm), "\(name) chisq p")
      let p = try #require(try FisherExact.pValue(counts: counts, rows: rows, columns: columns))
      #expect(approxEqual(p, number(c["fisher_p"]), relative: Tolerance.iterative), "\(name) fisher p \(p)")
      let chosen = try #require(try ContingencyTest.chosen(counts: counts, rows: rows, columns: columns))
      #expect((chosen.method == .fisher) == (number(c["min_expected"]) < 5), "\(name) choice")
    }
  }

  @Test func rankTestsMatchR() throws {
    let cases = try #require(try loadFixture("report_tables/ranks.json") as? [[String: Any]])
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let x = (c["x"] as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
      let g = ints(c["g"]).map { Int32($0) }
      let t = try #require(RankTest.test(values: x, groups: g))
      #expect(t.method.rawValue == c["method"] as? String, "\(name) method")
      #expect(approxEqual(t.statistic, number(c["statistic"]), relative: Self.closedForm), "\(name) statistic")
      #expect(approxEqual(t.p, number(c["p"]), relative: Self.closedForm), "\(name) p")
      // R's choice: exact below 50 per group without ties (scripts/fixtures/report_tables.R).
      if let exact = c["exact"] as? Bool { #expect(t.exact == exact, "\(name) exact") }
    }
  }

  @Test func emptyRowsAndColumnsAreLeftOut() throws {
    // A level nobody has is dropped before testing (R would give NaN).
    let full = try #require(ContingencyTest.pearson(counts: [10, 2, 0, 0, 3, 15], rows: 3, columns: 2))
    let reduced = try #require(ContingencyTest.pearson(counts: [10, 2, 3, 15], rows: 2, columns: 2))
    #expect(full == reduced)
    #expect(ContingencyTest.pearson(counts: [5, 0, 7, 0], rows: 2, columns: 2) == nil)
    #expect(RankTest.test(values: [1, 2, 3], groups: [0, 0, 0]) == nil)
  }

  @Test func fisherEnumeratesLargeTablesOrSaysItCannot() throws {
    // A 3 × 4 table of 900 with small cells: exact within the default
    // budget (R: fisher.test(matrix(c(300, 2, 40, 5, 280, 3, 38, 4, 210, 1,
    // 15, 2), 3, byrow = TRUE))$p.value = 0.41291622249253818) ...
    let counts = [300, 2, 40, 5, 280, 3, 38, 4, 210, 1, 15, 2]
    let chosen = try #require(try ContingencyTest.chosen(counts: counts, rows: 3, columns: 4))
    #expect(chosen.method == .fisher && chosen.note == nil)
    #expect(approxEqual(chosen.p, 0.41291622249253818, relative: Tolerance.iterative))
    // ... and past a small budget the choice falls back to the chi-square and says so.
    #expect(try FisherExact.pValue(counts: counts, rows: 3, columns: 4, budget: 1000) == nil)
    let fallback = try #require(try ContingencyTest.chosen(counts: counts, rows: 3, columns: 4, budget: 1000))
    #expect(fallback.method == .chiSquare)
    // R: chisq.test(m)$p.value, the same matrix.
    #expect(approxEqual(fallback.p, 0.45506135761898481, relative: Self.closedForm))
    #expect(fallback.note == "Fisher's exact test is too costly for this 3×4 table (n = 900); Pearson's "
      + "chi-square used although an expected count is below 5")
    // Tables past maximumCells are not enumerated at all.
    let wide = [Int](repeating: 1, count: 2 * 201)
    #expect(try FisherExact.pValue(counts: wide, rows: 2, columns: 201) == nil)
  }
}
