/// (At-risk weight, event weight) pairs over predictor ranks, for the
/// prefix sums of the concordance sweeps: the per-rank pairs in one array,
/// and a Fenwick tree (Fenwick 1994) over blocks of ranks. The block tree is
/// small enough to stay in cache; a query walks it and then adds the few
/// ranks of its own block, which are contiguous, so each operation touches
/// one random cache line or two instead of a dozen.
///
/// `Scalar` is `Double` for case weights, or `Int32` when every weight is 1:
/// the counts are then exact integers either way, and 8-byte pairs put a
/// block of 8 ranks in one cache line and quarter the leaves' footprint.
struct PairFenwickTree<Scalar: FenwickScalar> {
  struct Pair {
    var risk: Scalar
    var death: Scalar
    static var zero: Pair { Pair(risk: .zero, death: .zero) }
    @inline(__always) static func += (a: inout Pair, b: Pair) {
      a.risk += b.risk
      a.death += b.death
    }
  }

  private static var blockShift: Int { Scalar.fenwickBlockShift }
  private var leaf: [Pair]  // per rank
  private var tree: [Pair]  // Fenwick over blocks, 1-based
  private var blocks = 0
  private var total = Pair.zero
  var riskTotal: Double { total.risk.fenwickDouble }
  var deathTotal: Double { total.death.fenwickDouble }

  init(size: Int) {
    leaf = [Pair](repeating: .zero, count: size)
    tree = [Pair](repeating: .zero, count: (size >> Self.blockShift) + 2)
  }

  /// Empties the tree and uses ranks 0..<size.
  mutating func reset(size: Int) {
    blocks = (size >> Self.blockShift) + 1
    leaf.withUnsafeMutableBufferPointer { l in
      for i in 0..<size { l[i] = .zero }
    }
    tree.withUnsafeMutableBufferPointer { t in
      for i in 0...blocks { t[i] = .zero }
    }
    total = .zero
  }

  @inline(__always)
  mutating func add(_ rank: Int, risk: Double, death: Double) {
    let v = Pair(risk: Scalar(fenwick: risk), death: Scalar(fenwick: death))
    total += v
    let blocks = self.blocks
    leaf.withUnsafeMutableBufferPointer { l in l[rank] += v }
    tree.withUnsafeMutableBufferPointer { t in
      var i = (rank >> Self.blockShift) + 1
      while i <= blocks {
        t[i] += v
        i += i & -i
      }
    }
  }

  /// Weights below `rank` and at it, for both trees.
  @inline(__always)
  func query(_ rank: Int) -> (riskLess: Double, riskEqual: Double, deathLess: Double, deathEqual: Double) {
    var less = Pair.zero
    let block = rank >> Self.blockShift
    tree.withUnsafeBufferPointer { t in
      var i = block
      while i > 0 {
        less += t[i]
        i -= i & -i
      }
    }
    let equal: Pair = leaf.withUnsafeBufferPointer { l in
      for r in (block << Self.blockShift)..<rank { less += l[r] }
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
protocol FenwickScalar: AdditiveArithmetic, SendableMetatype {
  init(fenwick value: Double)
  var fenwickDouble: Double { get }
  /// log₂ of the ranks per leaf block (16 Double pairs; 8 Int32 pairs, one
  /// cache line), measured best on the Cox benchmark.
  static var fenwickBlockShift: Int { get }
}

extension Double: FenwickScalar {
  @inline(__always) init(fenwick value: Double) { self = value }
  @inline(__always) var fenwickDouble: Double { self }
  static var fenwickBlockShift: Int { 4 }
}

extension Int32: FenwickScalar {
  /// Exact for the whole weights (0 and 1) of an unweighted sweep.
  @inline(__always) init(fenwick value: Double) { self = Int32(value) }
  @inline(__always) var fenwickDouble: Double { Double(self) }
  static var fenwickBlockShift: Int { 3 }
}
