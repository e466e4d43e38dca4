import RunControl

/// Joins of two datasets on key columns, with dplyr's semantics
/// (`left_join`, `inner_join`, `full_join`, `semi_join`, `anti_join`,
/// dplyr 1.1):
///
/// - Row order: each left row in order, followed by its matches in right
///   order (one row per match); a left/full join keeps an unmatched left
///   row once with NA in the right columns; a full join then adds the
///   unmatched right rows in right order. Semi and anti joins keep the left
///   rows that have (have no) match, each once, in left order.
/// - Columns: the left columns (its key columns under their names), then
///   the right columns without the right keys. A non-key name in both gets
///   the suffixes (".x", ".y"); a right column named as a left key gets the
///   right suffix. A full join's key of a right-only row is the right key.
/// - Keys: equal typed values. int and double keys compare as numbers;
///   strings compare by text (the level sets may differ; the output level
///   set is their union, left levels first); other kinds must be the same.
///   A missing key matches a missing key (`na_matches = "na"`, the default
///   of dplyr and of R's `merge`), or nothing (`"never"`, SQL's rule).
/// - `relationship` checks, as dplyr does, only rows that match:
///   `many_to_one` (each left row matches at most one right row),
///   `one_to_many` (each right row is matched by at most one left row),
///   `one_to_one` (both). Without one, a many-to-many match is allowed and
///   warned about once (dplyr's warning).
extension Dataset {
  public enum JoinKind: String, Sendable, CaseIterable {
    case left, inner, full, semi, anti
  }

  public enum JoinRelationship: String, Sendable, CaseIterable {
    case oneToOne = "one_to_one"
    case oneToMany = "one_to_many"
    case manyToOne = "many_to_one"
    case manyToMany = "many_to_many"
  }

  public struct JoinOptions: Sendable {
    public var kind: JoinKind
    /// Key columns of the left dataset, paired with `rightKeys` in order.
    public var leftKeys: [String]
    public var rightKeys: [String]
    public var suffixes: (String, String) = (".x", ".y")
    public var relationship: JoinRelationship?
    public var naMatches = true

    public init(kind: JoinKind, leftKeys: [String], rightKeys: [String]) {
      self.kind = kind
      self.leftKeys = leftKeys
      self.rightKeys = rightKeys
    }
  }

  /// What is wrong with a join: the keys named (an argument error of the
  /// call), or the data (a key repeated against the relationship).
  public enum JoinError: Error, CustomStringConvertible, Equatable {
    case keys(String)
    case relationship(String)

    public var description: String {
      switch self {
      case .keys(let m), .relationship(let m): return m
      }
    }
  }

  /// The join of this dataset (x, left) with `right` (y); see above.
  public func join(_ right: Dataset, _ options: JoinOptions) throws -> Dataset {
    let (lk, rk) = try joinKeyIndices(right, options)
    let pairs = try zip(lk, rk).map { i, j -> (KeyWords, KeyWords) in
      do { return try KeyWords.pair(columns[i], right.columns[j]) } catch let e as KeyPairError {
        guard case .kinds(let a, let b) = e else { throw e }
        throw JoinError.keys(
          "key '\(names[i])' is \(a.rawValue) in x but key '\(right.names[j])' is \(b.rawValue) in y")
      }
    }
    let index = try JoinIndex.code(pairs, naMatches: options.naMatches)
    let plan = try JoinPlan(index, kind: options.kind, relationship: options.relationship) { l in
      // The key's value in a message, e.g. "id = 17" or "id = 17, visit = 2".
      lk.map { i in "\(names[i]) = \(columns[i].value(at: l).description)" }.joined(separator: ", ")
    }
    try Cancellation.check()
    return try assemble(right, plan, lk: lk, rk: rk, options: options)
  }

  private func joinKeyIndices(_ right: Dataset, _ options: JoinOptions) throws -> ([Int], [Int]) {
    guard !options.leftKeys.isEmpty else { throw JoinError.keys("no key columns given") }
    guard options.leftKeys.count == options.rightKeys.count else {
      throw JoinError.keys(
        "\(options.leftKeys.count) left keys but \(options.rightKeys.count) right keys")
    }
    func find(_ d: Dataset, _ name: String, _ side: String) throws -> Int {
      guard let i = d.index(of: name) else {
        throw JoinError.keys("no column '\(name)' in \(side) (columns: \(d.names.joined(separator: ", ")))")
      }
      return i
    }
    let lk = try options.leftKeys.map { try find(self, $0, "x") }
    let rk = try options.rightKeys.map { try find(right, $0, "y") }
    for (keys, side) in [(options.leftKeys, "x"), (options.rightKeys, "y")] {
      if let twice = keys.enumerated().first(where: { keys[..<$0.offset].contains($0.element) })?.element {
        throw JoinError.keys("key '\(twice)' of \(side) is given twice")
      }
    }
    return (lk, rk)
  }

  private func assemble(
    _ right: Dataset, _ plan: JoinPlan, lk: [Int], rk: [Int], options: JoinOptions
  ) throws -> Dataset {
    let rowsOut = plan.left.count
    try MemoryBudget.require(
      count: rowsOut, stride: 8 * (columns.count + right.columns.count),
      for: "a join of \(rowsOut) rows")
    if options.kind == .semi || options.kind == .anti {
      return try Dataset(names: names, columns: columns.map { $0.gather(filling: plan.left) }, attributes: attributes)
    }
    let identity = plan.leftIsIdentity(rows: rowCount)
    let rightKeyOf = Dictionary(uniqueKeysWithValues: zip(lk, rk))
    var outColumns: [Column] = []
    outColumns.reserveCapacity(columns.count + right.columns.count)
    for (i, c) in columns.enumerated() {
      if let j = rightKeyOf[i], options.kind == .full {
        // A full join's key: the right key where the row is right-only
        // (a string key's levels are then the union, left levels first).
        let both = try Column.unified([c, right.columns[j]])
        outColumns.append(Column.gather(both[0], plan.left, both[1], plan.right))
      } else {
        outColumns.append(identity ? c : c.gather(filling: plan.left))
      }
    }
    let rightKeys = Set(rk)
    let kept = right.names.indices.filter { !rightKeys.contains($0) }
    for j in kept { outColumns.append(right.columns[j].gather(filling: plan.right)) }
    let outNames = joinedNames(right, keptRight: kept, leftKeys: Set(lk), suffixes: options.suffixes)
    // Each output column keeps the metadata of the column it came from.
    var outAttributes = DatasetAttributes(label: attributes.label)
    let sources = names.map { attributes.columns[$0] } + kept.map { right.attributes.columns[right.names[$0]] }
    for (name, a) in zip(outNames, sources) { outAttributes.columns[name] = a }
    return try Dataset(names: outNames, columns: outColumns, attributes: outAttributes)
  }

  /// Names of a join's columns: left names (non-key ones suffixed when the
  /// right has the name), then the kept right names (suffixed when the left
  /// has the name); a suffixed name that still collides is suffixed again.
  private func joinedNames(
    _ right: Dataset, keptRight: [Int], leftKeys: Set<Int>, suffixes: (String, String)
  ) -> [String] {
    let rightNames = keptRight.map { right.names[$0] }
    let rightSet = Set(rightNames)
    let leftSet = Set(names)
    var taken = Set<String>()
    var left: [String] = []
    for (i, n) in names.enumerated() {
      var name = n
      if !leftKeys.contains(i), rightSet.contains(n) {
        name += suffixes.0
        while leftSet.contains(name) || rightSet.contains(name) || taken.contains(name) { name += suffixes.0 }
      }
      taken.insert(name)
      left.append(name)
    }
    var out = left
    for n in rightNames {
      var name = n
      if leftSet.contains(n) {
        name += suffixes.1
        while leftSet.contains(name) || rightSet.contains(name) || taken.contains(name) { name += suffixes.1 }
      }
      taken.insert(name)
      out.append(name)
    }
    return out
  }
}

/// The rows of a join's output: for each, the left row and the right row it
/// comes from (-1: none), checked against the relationship on the way.
struct JoinPlan {
  var left: [Int32]
  var right: [Int32]

  /// Whether the output's left rows are exactly 0..<rows in order (a left
  /// join where no row matched twice): the left columns are then kept as
  /// they are, not copied.
  func leftIsIdentity(rows: Int) -> Bool {
    guard left.count == rows else { return false }
    return left.withUnsafeBufferPointer { l in
      for k in 0..<l.count where Int(l[k]) != k { return false }
      return true
    }
  }

  /// `keyText(leftRow)` describes the row's key for messages.
  init(
    _ index: JoinIndex, kind: Dataset.JoinKind, relationship: Dataset.JoinRelationship?,
    keyText: (Int) -> String
  ) throws {
    let groups = index.groups
    guard index.right.count < Int(Int32.max), index.left.count < Int(Int32.max) else {
      throw DatasetError.invalid("a join of more than 2^31 rows on a side")
    }
    // Right rows by key id, in right order (a counting sort):
    // order[start[g]..<start[g+1]]. Int32 halves the cache misses of the
    // random accesses by key id. The counts go to start[g + 2], so that
    // after the stable scatter (which advances start[g + 1] from the
    // beginning of group g to its end) start[g] is where group g begins.
    var start = [Int32](repeating: 0, count: groups + 2)
    var order = [Int32](repeating: 0, count: index.right.count)
    start.withUnsafeMutableBufferPointer { start in
      index.right.withUnsafeBufferPointer { right in
        for id in right where id >= 0 { start[Int(id) + 2] &+= 1 }
        if groups > 0 {
          for g in 2..<(groups + 2) { start[g] &+= start[g - 1] }
        }
        order.withUnsafeMutableBufferPointer { order in
          for r in 0..<right.count where right[r] >= 0 {
            let g = Int(right[r]) + 1
            order[Int(start[g])] = Int32(truncatingIfNeeded: r)
            start[g] &+= 1
          }
        }
      }
    }
    let checkLeft = relationship == .manyToOne || relationship == .oneToOne
    let checkRight = relationship == .oneToMany || relationship == .oneToOne
    let mutating = kind != .semi && kind != .anti
    // The first left row matching each key: for the one-per-row-of-y check,
    // dplyr's many-to-many warning and a full join's unmatched right rows.
    var firstLeft = [Int32](repeating: -1, count: mutating ? groups : 0)
    var sawManyRight = false
    var sawManyLeft = false
    var total = 0
    var violation: (left: Int, right: Int, other: Int, ofX: Bool)?
    start.withUnsafeBufferPointer { st in
      order.withUnsafeBufferPointer { ord in
        firstLeft.withUnsafeMutableBufferPointer { firstLeft in
          index.left.withUnsafeBufferPointer { left in
            for l in 0..<left.count {
              let id = left[l]
              let g = Int(id)
              let matches = id < 0 ? 0 : Int(st[g + 1] &- st[g])
              switch kind {
              case .inner: total += matches
              case .left, .full: total += Swift.max(matches, 1)
              case .semi: total += matches > 0 ? 1 : 0
              case .anti: total += matches > 0 ? 0 : 1
              }
              guard mutating, matches > 0 else { continue }
              if matches > 1 {
                if checkLeft {
                  violation = (l, Int(ord[Int(st[g])]), Int(ord[Int(st[g]) + 1]), true)
                  return
                }
                sawManyRight = true
              }
              if firstLeft[g] >= 0 {
                if checkRight {
                  violation = (l, Int(ord[Int(st[g])]), Int(firstLeft[g]), false)
                  return
                }
                sawManyLeft = true
              } else {
                firstLeft[g] = Int32(truncatingIfNeeded: l)
              }
            }
          }
        }
      }
    }
    if let v = violation {
      let name = relationship?.rawValue ?? ""
      if v.ofX {
        throw Dataset.JoinError.relationship(
          "row \(v.left + 1) of x matches rows \(v.right + 1) and \(v.other + 1) of y (\(keyText(v.left))), but "
            + "relationship = \"\(name)\" allows one match per row of x")
      }
      throw Dataset.JoinError.relationship(
        "rows \(v.other + 1) and \(v.left + 1) of x both match row \(v.right + 1) of y (\(keyText(v.left))), but "
          + "relationship = \"\(name)\" allows one match per row of y")
    }
    if relationship == nil && sawManyRight && sawManyLeft {
      RunWarnings.emit(
        "join: a many-to-many relationship between x and y (a row of x matches several rows of y and a row of y "
          + "several rows of x); if that is intended, set relationship = \"many_to_many\"")
    }
    var unmatchedRight: [Int32] = []
    if kind == .full {
      for (r, id) in index.right.enumerated() where id < 0 || firstLeft[Int(id)] < 0 {
        unmatchedRight.append(Int32(truncatingIfNeeded: r))
      }
      total += unmatchedRight.count
    }
    guard total < Int(Int32.max) else {
      throw DatasetError.invalid("a join of \(total) rows (more than 2^31)")
    }
    try MemoryBudget.require(count: total, stride: 8, for: "a join of \(total) rows")
    var leftRows = [Int32](repeating: -1, count: total)
    var rightRows = mutating ? [Int32](repeating: -1, count: total) : []
    var k = 0
    leftRows.withUnsafeMutableBufferPointer { lo in
      rightRows.withUnsafeMutableBufferPointer { ro in
        order.withUnsafeBufferPointer { ord in
          start.withUnsafeBufferPointer { st in
            index.left.withUnsafeBufferPointer { left in
              for l in 0..<left.count {
                let id = left[l]
                let from = id < 0 ? 0 : Int(st[Int(id)])
                let to = id < 0 ? 0 : Int(st[Int(id) + 1])
                switch kind {
                case .semi, .anti:
                  if (to > from) == (kind == .semi) {
                    lo[k] = Int32(truncatingIfNeeded: l)
                    k += 1
                  }
                case .inner, .left, .full:
                  if to == from {
                    if kind != .inner {
                      lo[k] = Int32(truncatingIfNeeded: l)
                      k += 1
                    }
                    continue
                  }
                  for m in from..<to {
                    lo[k] = Int32(truncatingIfNeeded: l)
                    ro[k] = ord[m]
                    k += 1
                  }
                }
              }
            }
            for r in unmatchedRight {
              ro[k] = r
              k += 1
            }
          }
        }
      }
    }
    left = leftRows
    right = rightRows
  }
}
