/// The positions of a stratum block in the order a concordance sweep reads
/// them (`ConcordanceRankSweep.sweep`, `ConcordanceRankHalf.sweep`): groups
/// of equal time from the largest time down, each group's positions in
/// ascending order. A sweep keeps one of these `distance` rows ahead of
/// itself and asks its tree to prefetch the lines of the row it returns
/// (`PairFenwickTree.prefetch`), so the cache misses of the next rows
/// overlap the work on this one. It finds the groups as the sweep does, by
/// comparing neighbouring times, so each row is compared at most twice in
/// all. Reads only; what the sweep computes does not depend on it.
struct ConcordanceSweepLookahead {
  /// Rows ahead of the sweep: about the misses a core keeps in flight, measured on the 10⁷-row Cox bench.
  static let distance = 24
  private let time: UnsafeBufferPointer<Double>
  private let lo: Int
  private var position: Int
  private var groupTop: Int
  private var groupLower: Int

  /// The block's rows are `lo ..< lo + m` of `time`, sorted by time ascending.
  init(time: UnsafeBufferPointer<Double>, lo: Int, m: Int) {
    self.time = time
    self.lo = lo
    position = m
    groupTop = m
    groupLower = m
  }

  /// The next position in the sweep's order, or nil after the last.
  @inline(__always)
  mutating func next() -> Int? {
    if position + 1 < groupTop {
      position += 1
      return position
    }
    guard groupLower > 0 else { return nil }
    groupTop = groupLower
    let t = time[lo + groupTop - 1]
    var lower = groupTop - 1
    while lower > 0 && time[lo + lower - 1] == t { lower -= 1 }
    groupLower = lower
    position = lower
    return position
  }
}
