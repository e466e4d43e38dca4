import Foundation

/// The time split of a right-censored Cox likelihood sweep between two
/// workers (issue 14): the sorted rows are cut at one tie boundary near
/// their middle, worker 0 sweeps the earlier times and worker 1 the later.
///
/// The sweep runs from the largest time down, so the risk-set sums of an
/// earlier row are its own block's suffix sums plus the totals T0 = Σ r,
/// T1 = Σ r x, T2 = Σ r x xᵀ of the later rows of the same stratum. ℓ and
/// the score read S0 and S1 through log and division, so worker 0 starts
/// from T0 and T1; they cost one multiply-add per column and row, and
/// worker 1 adds them up while it computes the later rows' risk scores,
/// which both workers do first (`CoxRightCensoredKernel.computeRiskScores`).
/// S2 enters the information only linearly: each block of tied deaths adds
/// c · S2 (c = w/S0 for Breslow and a single death, Σ_k w̄/S0ₖ for Efron,
/// `CoxTiedDeaths.add`), so worker 0 keeps its own part of S2, adds up the
/// c of its groups, and the information gets (Σ c) · T2 once both are
/// done, T2 being worker 1's sums where its part of the stratum ends.
/// No O(p²) sum of the later rows is paid twice, so each worker reads half
/// of the rows once: the earlier sum split (`CoxSweepPlan.sums`) had both
/// workers read every row.
///
/// The cut never falls inside a block of tied times (Efron's correction
/// stays within one block), and depends on the data only; the totals are
/// added in a fixed order, so the numbers do not depend on the threads.
/// They equal one worker's to round-off (the same sums, associated
/// differently; `CoxWorkSplitTests`).
struct CoxTimeSplit: Equatable, Sendable {
  /// The first sorted row of worker 1.
  let row: Int
  /// Worker 0's parts of the strata, in order; when `carried` is set, the
  /// last is the lower part of the stratum the cut falls in.
  let lower: [Range<Int>]
  /// Worker 1's parts, the upper part of the cut stratum last (its sums are
  /// then T when the sweep ends).
  let upper: [Range<Int>]
  /// The rows of the cut stratum from `row` up, whose totals worker 0
  /// starts from; nil when the cut falls between strata.
  let carried: Range<Int>?

  /// The largest share of the rows one worker may get (else the plan
  /// shares the sums instead).
  static let largestShare = 2.0 / 3.0

  /// The tie boundary nearest the middle of the rows (a row whose time
  /// differs from the row before it, or the first row of a stratum), or nil
  /// when every boundary leaves one worker more than `largestShare`.
  /// `time` is sorted ascending within each block; blocks cover 0..<n in order.
  init?(blocks: [Range<Int>], time: [Double]) {
    let n = time.count
    guard n >= 2, let last = blocks.last, last.upperBound == n else { return nil }
    let starts = Set(blocks.map(\.lowerBound))
    let limit = Int((Self.largestShare * Double(n)).rounded(.down))
    func isBoundary(_ k: Int) -> Bool { starts.contains(k) || time[k - 1] != time[k] }
    var found: Int? = nil
    let middle = n / 2
    var d = 0
    while found == nil {
      let above = middle + d, below = middle - d
      let aboveOK = above >= 1 && above < n && max(above, n - above) <= limit
      let belowOK = below >= 1 && below < n && max(below, n - below) <= limit
      if !aboveOK && !belowOK { return nil }
      if aboveOK && isBoundary(above) { found = above } else if belowOK && isBoundary(below) { found = below }
      d += 1
    }
    guard let k = found else { return nil }
    self.init(blocks: blocks, row: k)
  }

  /// The parts of each worker for a cut at sorted row `row` (0 < row < n).
  init(blocks: [Range<Int>], row k: Int) {
    row = k
    var lower: [Range<Int>] = [], upper: [Range<Int>] = []
    var cut: Range<Int>? = nil
    for block in blocks {
      if block.upperBound <= k {
        lower.append(block)
      } else if block.lowerBound >= k {
        upper.append(block)
      } else {
        cut = block
      }
    }
    if let cut = cut {
      lower.append(cut.lowerBound..<k)
      upper.append(k..<cut.upperBound)
      carried = k..<cut.upperBound
    } else {
      carried = nil
    }
    self.lower = lower
    self.upper = upper
  }
}
