/// Stable ascending orders of event times for the competing-risks
/// estimators, which all scan subjects in time order.
///
/// Times are non-negative finite `Double`s, so their IEEE-754 bit patterns
/// order as unsigned integers; a least-significant-digit radix sort on those
/// keys (six 11-bit passes) gives the stable permutation in O(n), which is
/// what makes a million-row `cuminc` take milliseconds. Ties keep input
/// order, as R's `order()` does.
enum CompetingRisksSort {
  /// The stable permutation that sorts `time` ascending.
  /// - Precondition: every time is finite and ≥ 0.
  static func ascendingOrder(_ time: [Double]) -> [Int] {
    let sorted = sortByTime(time, payload: (0..<UInt64(time.count)).map { $0 })
    return sorted.payload.map { Int($0) }
  }

  /// Sorts `time` ascending (stable) carrying one 64-bit payload per
  /// subject, so that callers read their sorted columns sequentially
  /// instead of gathering through a permutation (random access dominates
  /// otherwise at a million rows).
  static func sortByTime(_ time: [Double], payload: [UInt64]) -> (time: [Double], payload: [UInt64]) {
    let n = time.count
    if n < 512 {
      let order = (0..<n).sorted { time[$0] < time[$1] || (time[$0] == time[$1] && $0 < $1) }
      return (order.map { time[$0] + 0.0 }, order.map { payload[$0] })
    }
    // +0.0 for -0.0 so that both sort as zero. The keys (bit patterns) live
    // in [Double] storage, so the sorted keys are the sorted times as they
    // are: one 8-byte array fewer to allocate, fill and fault in.
    var keys = time.map { $0 + 0.0 }
    var order = payload
    var keysOut = [Double](repeating: 0, count: n)
    var orderOut = [UInt64](repeating: 0, count: n)
    // Six 11-bit digits: 2048 counters per pass stay in L1; all histograms in one read.
    let passes = 6
    let radix = 2048
    var counts = [Int](repeating: 0, count: passes * radix)
    keys.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
      counts.withUnsafeMutableBufferPointer { c in
        for i in 0..<n {
          var key = k[i]
          for pass in 0..<passes {
            c[pass * radix + Int(key & 0x7FF)] += 1
            key >>= 11
          }
        }
      }
    } }
    for pass in 0..<passes {
      let shift = UInt64(11 * pass)
      // Skip a pass whose digit is the same for all keys (common high bits).
      let digit0 = Int((keys[0].bitPattern >> shift) & 0x7FF)
      if counts[pass * radix + digit0] == n { continue }
      var total = 0
      for d in 0..<radix {
        let c = counts[pass * radix + d]
        counts[pass * radix + d] = total
        total += c
      }
      keys.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
        order.withUnsafeBufferPointer { o in
          keysOut.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { ko in
            orderOut.withUnsafeMutableBufferPointer { oo in
              counts.withUnsafeMutableBufferPointer { c in
                let base = pass * radix
                for i in 0..<n {
                  let d = base + Int((k[i] >> shift) & 0x7FF)
                  let at = c[d]
                  c[d] = at + 1
                  ko[at] = k[i]
                  oo[at] = o[i]
                }
              }
            }
          } }
        }
      } }
      swap(&keys, &keysOut)
      swap(&order, &orderOut)
    }
    return (keys, order)
  }

  /// Splits a sorted order into per-label sub-orders (stable), labels 0..<count.
  static func partition(_ order: [Int], by label: [Int], count: Int) -> [[Int]] {
    var sizes = [Int](repeating: 0, count: count)
    for i in order { sizes[label[i]] += 1 }
    var parts = (0..<count).map { k -> [Int] in
      var part = [Int]()
      part.reserveCapacity(sizes[k])
      return part
    }
    for i in order { parts[label[i]].append(i) }
    return parts
  }
}


/// Subjects sorted by time (stable) with their status, group and stratum,
/// shared by the cumulative incidence curves and Gray's tests.
struct CompetingRisksSorted {
  let time: [Double]
  let status: [Int]
  let group: [Int]
  /// The stratum of each subject; empty when every subject is in stratum 0.
  let strata: [Int]

  /// Status, group and stratum codes travel through the sort packed in one
  /// 64-bit word, each in as many bits as its largest code needs; when they
  /// do not fit together (a status column of 65,536 distinct codes with many
  /// groups and strata) the row index travels instead and the columns are
  /// gathered through it.
  /// Bad input (unequal lengths, a time not finite and ≥ 0, a negative
  /// code) is a thrown `SurvivalInputError`.
  init(time: [Double], status: [Int], group: [Int], strata: [Int]?) throws {
    try self.init(time: time, status: status, group: group, strata: strata, checked: nil)
  }

  /// `checked`: the largest status and group code of input that
  /// `CompetingRisksInput.checked` has validated (times finite and ≥ 0,
  /// codes in range), whose checks are then not made again.
  init<Code: BinaryInteger>(
    time: [Double], status: [Int], group: [Code], strata: [Int]?, checked: (status: Int, group: Int)?
  ) throws {
    let n = time.count
    try SurvivalInputError.checkRowCount(n)
    try CompetingRisksInput.checkLength("status", status.count, n)
    try CompetingRisksInput.checkLength("group", group.count, n)
    if let strata { try CompetingRisksInput.checkLength("strata", strata.count, n) }
    if checked == nil { try CompetingRisksInput.checkTimes(time) }
    func bits<C: BinaryInteger>(_ values: [C]?, _ argument: String, largest known: Int?) throws -> Int {
      guard let values else { return 0 }
      var largest = 0
      if let known {
        largest = max(known, 0)
      } else {
        for (i, v) in values.enumerated() {
          if v < 0 { throw SurvivalInputError.negativeCode(argument: argument, index: i, value: Int(v)) }
          largest = max(largest, Int(v))
        }
      }
      return Int.bitWidth - largest.leadingZeroBitCount
    }
    let statusBits = try bits(status, "status", largest: checked?.status)
    let groupBits = try bits(group, "group", largest: checked?.group)
    let strataBits = try bits(strata as [Int]?, "strata", largest: nil)
    if statusBits + groupBits + strataBits <= 64 {
      var payload = [UInt64](repeating: 0, count: n)
      let groupShift = UInt64(statusBits), strataShift = UInt64(statusBits + groupBits)
      if let strata {
        for i in 0..<n {
          payload[i] = UInt64(status[i]) | UInt64(truncatingIfNeeded: group[i]) << groupShift
            | UInt64(strata[i]) << strataShift
        }
      } else {
        for i in 0..<n { payload[i] = UInt64(status[i]) | UInt64(truncatingIfNeeded: group[i]) << groupShift }
      }
      let sorted = CompetingRisksSort.sortByTime(time, payload: payload)
      let statusMask = statusBits == 64 ? UInt64.max : (UInt64(1) << UInt64(statusBits)) - 1
      let groupMask = groupBits == 64 ? UInt64.max : (UInt64(1) << UInt64(groupBits)) - 1
      self.time = sorted.time
      var sortedStatus = [Int](repeating: 0, count: n)
      var sortedGroup = [Int](repeating: 0, count: n)
      sorted.payload.withUnsafeBufferPointer { p in
        sortedStatus.withUnsafeMutableBufferPointer { st in
          sortedGroup.withUnsafeMutableBufferPointer { g in
            for i in 0..<n {
              st[i] = Int(p[i] & statusMask)
              g[i] = Int((p[i] >> groupShift) & groupMask)
            }
          }
        }
      }
      self.status = sortedStatus
      self.group = sortedGroup
      self.strata = strataBits == 0 ? [] : sorted.payload.map { Int($0 >> strataShift) }
    } else {
      let sorted = CompetingRisksSort.sortByTime(time, payload: (0..<UInt64(n)).map { $0 })
      self.time = sorted.time
      self.status = sorted.payload.map { status[Int($0)] }
      self.group = sorted.payload.map { Int(group[Int($0)]) }
      self.strata = strataBits == 0 ? [] : strata.map { s in sorted.payload.map { s[Int($0)] } } ?? []
    }
  }

  /// Stable scatter into contiguous runs by `label` (0..<count): run j is
  /// `offsets[j]..<offsets[j + 1]` of the returned arrays.
  func runs(by label: [Int], count: Int) -> (offsets: [Int], time: [Double], status: [Int], group: [Int]) {
    let r = runs(by: label, count: count, withGroup: true)
    return (r.offsets, r.time, r.status, r.group)
  }

  /// The subjects of each group contiguous in time order, which the curves
  /// and the risk table both scan (computed once for both).
  func groupRuns(count: Int) -> GroupRuns {
    let r = runs(by: group, count: count, withGroup: false)
    return GroupRuns(offsets: r.offsets, time: r.time, status: r.status)
  }

  /// As `runs(by:count:)`; the group column only `withGroup` (else empty).
  private func runs(by label: [Int], count: Int, withGroup: Bool)
    -> (offsets: [Int], time: [Double], status: [Int], group: [Int])
  {
    let n = time.count
    var offsets = [Int](repeating: 0, count: count + 1)
    for l in label { offsets[l + 1] += 1 }
    for j in 0..<count { offsets[j + 1] += offsets[j] }
    var fill = offsets
    var t = [Double](repeating: 0, count: n)
    var st = [Int](repeating: 0, count: n)
    var g = [Int](repeating: 0, count: withGroup ? n : 0)
    for i in 0..<n {
      let l = label[i]
      let at = fill[l]
      t[at] = time[i]
      st[at] = status[i]
      if withGroup { g[at] = group[i] }
      fill[l] = at + 1
    }
    return (offsets, t, st, g)
  }
}

/// Sorted subjects regrouped by group (`CompetingRisksSorted.groupRuns`):
/// group g is `offsets[g]..<offsets[g + 1]` of `time` and `status`.
struct GroupRuns {
  let offsets: [Int]
  let time: [Double]
  let status: [Int]
}
