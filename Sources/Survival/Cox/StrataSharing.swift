/// How the right-censored Cox kernels (the likelihood sweep and the
/// concordance's rank sweep) give whole strata to two workers.
///
/// Strata are independent sums, so two workers can take whole strata each,
/// largest first to the less loaded one. That halves the time only when the
/// strata balance; one stratum, or one that holds most rows, leaves one
/// worker with nearly everything, and the kernels then share the work of
/// every stratum instead (`CoxSweepPlan.sums`, `ConcordanceRankSplit`).
enum StrataSharing {
  /// The largest share of the rows one of the two workers may get.
  static let largestShare = 2.0 / 3.0

  /// The strata of each of two workers (largest first to the less loaded;
  /// ties by position), or nil when one worker would get more than
  /// `largestShare` of the `n` rows.
  static func balanced(_ blocks: [Range<Int>], rows n: Int) -> [[Range<Int>]]? {
    var assignment = [[Range<Int>]](repeating: [], count: 2)
    var load = [0, 0]
    for block in blocks.sorted(by: { $0.count > $1.count || ($0.count == $1.count && $0.lowerBound < $1.lowerBound) }) {
      let w = load[0] <= load[1] ? 0 : 1
      assignment[w].append(block)
      load[w] += block.count
    }
    return Double(max(load[0], load[1])) <= largestShare * Double(n) ? assignment : nil
  }
}
