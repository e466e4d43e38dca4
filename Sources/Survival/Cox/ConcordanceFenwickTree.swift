import CKernels

/// (At-risk weight, event weight) pairs over predictor ranks, for the
/// prefix sums of the concordance sweeps: the per-rank pairs in one array,
/// sums over blocks of ranks, and a Fenwick tree (Fenwick 1994) over the
/// largest blocks. The Fenwick tree is small enough to stay in cache; a
/// query walks it and then adds, level by level, the few blocks (then
/// ranks) before its own inside the enclosing block, which are contiguous,
/// so each operation touches one cache line per level instead of a dozen
/// scattered ones.
///
/// Levels: the leaves, then sums over blocks of 2^s ranks, 2^2s, … (s =
/// `fenwickBlockShift`), as many as keep the Fenwick tree over the top
/// blocks at most `topBlocks` entries. `Scalar` is `Double` for case
/// weights, or `Int32` when every weight is 1: the counts are then exact
/// integers, whatever order they are added in, and 8-byte pairs put a block
/// of 8 ranks in one cache line and quarter the leaves' footprint. With
/// `Double` the tree keeps one level (the leaves and a Fenwick tree over
/// blocks of 16), so weighted sums are added in the order they always were.
/// At 10⁷ rows, one stratum, a worker's half has 5·10⁶ ranks: one level
/// gave a 625,000-entry tree (5 MB, out of the 1 MB L2) whose walks missed
/// the cache at most steps; three levels leave a 9,766-entry tree (78 KB).
struct PairFenwickTree<Scalar: FenwickScalar> {
  struct Pair: BitwiseCopyable {
    var risk: Scalar
    var death: Scalar
    static var zero: Pair { Pair(risk: .zero, death: .zero) }
    @inline(__always) static func += (a: inout Pair, b: Pair) {
      a.risk += b.risk
      a.death += b.death
    }
  }

  private static var blockShift: Int { Scalar.fenwickBlockShift }
  /// The Fenwick tree's largest size before another level of block sums is added.
  static var topBlocks: Int { 16_384 }
  private var leaf: [Pair]  // per rank
  /// Sums over blocks of 2^(s·l) ranks for the levels l = 1 ..< levels,
  /// level l at `levelStart[l - 1]`.
  private var sums: [Pair]
  /// Read outside the sums' buffer access, one level at a time: read inside
  /// it, the array was retained and released at every row.
  private var levelStart: [Int] = []
  private var tree: [Pair]  // Fenwick over blocks of 2^(s·levels) ranks, 1-based
  private var levels = 1
  private var blocks = 0
  private var total = Pair.zero
  var riskTotal: Double { total.risk.fenwickDouble }
  var deathTotal: Double { total.death.fenwickDouble }

  /// The number of levels (leaves included) for `size` ranks.
  static func levels(size: Int) -> Int {
    guard Scalar.fenwickMultiLevel else { return 1 }
    var levels = 1
    while (size >> (blockShift * levels)) > topBlocks { levels += 1 }
    return levels
  }

  init(size: Int) {
    let levels = Self.levels(size: size)
    // Read and written at random ranks: huge pages when large (`RandomAccessArray`).
    leaf = RandomAccessArray.filled(Pair.zero, count: size)
    var count = 0
    for l in 1..<max(levels, 1) {
      levelStart.append(count)
      count += (size >> (Self.blockShift * l)) + 1
    }
    sums = RandomAccessArray.filled(Pair.zero, count: count)
    tree = [Pair](repeating: .zero, count: (size >> (Self.blockShift * levels)) + 2)
  }

  /// Empties the tree and uses ranks 0..<size (at most the size it was made for).
  mutating func reset(size: Int) {
    levels = Self.levels(size: size)
    blocks = (size >> (Self.blockShift * levels)) + 1
    leaf.withUnsafeMutableBufferPointer { l in
      for i in 0..<size { l[i] = .zero }
    }
    let shift = Self.blockShift
    for l in 1..<levels {
      let from = levelStart[l - 1]
      sums.withUnsafeMutableBufferPointer { s in
        for i in from..<(from + (size >> (shift * l)) + 1) { s[i] = .zero }
      }
    }
    // Fewer levels than the tree was made for: a longer top (at most `topBlocks` + 1).
    if tree.count < blocks + 1 { tree = [Pair](repeating: .zero, count: blocks + 1) }
    tree.withUnsafeMutableBufferPointer { t in
      for i in 0...blocks { t[i] = .zero }
    }
    total = .zero
  }

  @inline(__always)
  mutating func add(_ rank: Int, risk: Double, death: Double) {
    let v = Pair(risk: Scalar(fenwick: risk), death: Scalar(fenwick: death))
    total += v
    let blocks = self.blocks, levels = self.levels, shift = Self.blockShift
    leaf.withUnsafeMutableBufferPointer { l in l[rank] += v }
    if levels > 1 {
      for l in 1..<levels {
        let slot = levelStart[l - 1] + (rank >> (shift * l))
        sums.withUnsafeMutableBufferPointer { s in s[slot] += v }
      }
    }
    tree.withUnsafeMutableBufferPointer { t in
      var i = (rank >> (shift * levels)) + 1
      while i <= blocks {
        t[i] += v
        i += i & -i
      }
    }
  }

  /// Asks the cache for the lines a `query(rank)` and an `add(rank, …)`
  /// will touch: the leaf block before `rank` and its own leaf, and the
  /// same at each level of block sums (the Fenwick tree on top stays
  /// cached). A sweep calls it some rows ahead (`ConcordanceSweepLookahead`):
  /// at 10⁷ rows the leaves (40 MB) and the first level (5 MB) miss the
  /// cache at nearly every row, and the misses of the rows in between then
  /// overlap. Changes nothing the tree holds.
  /// (Mutating only so that the call reads the tree in place: a copy of
  /// `self` retained and released its four arrays at every row.)
  @inline(__always)
  mutating func prefetch(_ rank: Int) {
    let levels = self.levels, shift = Self.blockShift
    leaf.withUnsafeMutableBufferPointer { l in
      guard let base = l.baseAddress, rank < l.count else { return }
      kaplan_prefetch_write(base + ((rank >> shift) << shift))
      kaplan_prefetch_write(base + rank)
    }
    if levels > 1 {
      for l in 1..<levels {
        let own = rank >> (shift * l), start = levelStart[l - 1]
        sums.withUnsafeMutableBufferPointer { s in
          guard let base = s.baseAddress else { return }
          kaplan_prefetch_write(base + start + ((own >> shift) << shift))
          kaplan_prefetch_write(base + start + own)
        }
      }
    }
  }

  /// Weights below `rank` and at it, for both trees.
  @inline(__always)
  func query(_ rank: Int) -> (riskLess: Double, riskEqual: Double, deathLess: Double, deathEqual: Double) {
    var less = Pair.zero
    let levels = self.levels, shift = Self.blockShift
    tree.withUnsafeBufferPointer { t in
      var i = rank >> (shift * levels)
      while i > 0 {
        less += t[i]
        i -= i & -i
      }
    }
    if levels > 1 {
      // The blocks of level l before rank's own, inside its block of level l + 1.
      var l = levels - 1
      while l >= 1 {
        let base = levelStart[l - 1]
        let own = rank >> (shift * l)
        sums.withUnsafeBufferPointer { s in
          for b in ((own >> shift) << shift)..<own { less += s[base + b] }
        }
        l -= 1
      }
    }
    let equal: Pair = leaf.withUnsafeBufferPointer { l in
      for r in ((rank >> shift) << shift)..<rank { less += l[r] }
      return l[rank]
    }
    return (
      less.risk.fenwickDouble, equal.risk.fenwickDouble, less.death.fenwickDouble,
      equal.death.fenwickDouble
    )
  }

  /// cumulative[k] = event weight at ranks below k, for k = 0 … count.
  func deathPrefixSums(into cumulative: inout [Double], count: Int) {
    cumulative[0] = 0
    for k in 0..<count { cumulative[k + 1] = cumulative[k] + leaf[k].death.fenwickDouble }
  }
}

/// What a `PairFenwickTree` may count in.
protocol FenwickScalar: AdditiveArithmetic, BitwiseCopyable, SendableMetatype {
  init(fenwick value: Double)
  var fenwickDouble: Double { get }
  /// log₂ of the ranks per leaf block (16 Double pairs; 8 Int32 pairs, one
  /// cache line), measured best on the Cox benchmark.
  static var fenwickBlockShift: Int { get }
  /// Whether large trees get levels of block sums (exact sums only: the
  /// order of the additions changes).
  static var fenwickMultiLevel: Bool { get }
}

extension Double: FenwickScalar {
  @inline(__always) init(fenwick value: Double) { self = value }
  @inline(__always) var fenwickDouble: Double { self }
  static var fenwickBlockShift: Int { 4 }
  static var fenwickMultiLevel: Bool { false }
}

extension Int32: FenwickScalar {
  /// Exact for the whole weights (0 and 1) of an unweighted sweep.
  @inline(__always) init(fenwick value: Double) { self = Int32(value) }
  @inline(__always) var fenwickDouble: Double { Double(self) }
  static var fenwickBlockShift: Int { 3 }
  static var fenwickMultiLevel: Bool { true }
}
