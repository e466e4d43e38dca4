import Foundation

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
    sortByTime(time, payload: Array(0..<time.count)).payload
  }

  /// Times sorted ascending with their payloads, and the sort's two scratch
  /// buffers of the same length (empty below the radix sort's size), which
  /// a caller fills instead of allocating: at 10^6 rows each fresh 8 MB
  /// array costs its page faults again (docs/ARCHITECTURE.md, "Memory
  /// pages"), and the sort has paid for these already.
  struct Sorted {
    var time: [Double]
    var payload: [Int]
    var spareTime: [Double]
    var sparePayload: [Int]
  }

  /// Sorts `time` ascending (stable) carrying one 64-bit payload per
  /// subject (any bit pattern), so that callers read their sorted columns
  /// sequentially instead of gathering through a permutation (random access
  /// dominates otherwise at a million rows). The payload's buffer becomes
  /// one of the sort's two: pass it with `consume`, so that it is not copied.
  static func sortByTime(_ time: [Double], payload: consuming [Int]) -> Sorted {
    let n = time.count
    if n < 512 {
      let order = (0..<n).sorted { time[$0] < time[$1] || (time[$0] == time[$1] && $0 < $1) }
      return Sorted(
        time: order.map { time[$0] + 0.0 }, payload: order.map { payload[$0] }, spareTime: [], sparePayload: [])
    }
    // +0.0 for -0.0 so that both sort as zero. The keys (bit patterns) live
    // in [Double] storage, so the sorted keys are the sorted times as they
    // are: one 8-byte array fewer to allocate, fill and fault in.
    // Six 11-bit digits: 2048 counters per pass stay in L1; all histograms
    // in the loop that writes the keys (one read of the times, not two),
    // from `parallelRows` keys by two workers, each over its half.
    let passes = 6
    let radix = 2048
    let workers = n >= parallelRows ? 2 : 1
    var counts = [Int](repeating: 0, count: workers * passes * radix)
    var keys = [Double](unsafeUninitializedCapacity: n) { buffer, count in
      time.withUnsafeBufferPointer { t in
        buffer.withMemoryRebound(to: UInt64.self) { k in
          counts.withUnsafeMutableBufferPointer { c in
            // Worker w reads its half of the times and writes its half of
            // the keys and its own passes × 2048 counters.
            let times = SharedReads(t), keys = DisjointWrites(k), counters = DisjointWrites(c)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
              let base = w * passes * radix
              for i in (w * n / workers)..<((w + 1) * n / workers) {
                let bits = (times[i] + 0.0).bitPattern
                keys[i] = bits
                var key = bits
                for pass in 0..<passes {
                  counters[base + pass * radix + Int(key & 0x7FF)] += 1
                  key >>= 11
                }
              }
            }
          }
        }
      }
      count = n
    }
    if workers == 2 {
      for d in 0..<(passes * radix) { counts[d] += counts[passes * radix + d] }
    }
    var order = consume payload
    // A pass writes every index of its output before anything reads it, so
    // the scratch is not zeroed first; scratch a pass skipped stays scratch.
    var keysOut = [Double](unsafeUninitializedCapacity: n) { _, count in count = n }
    var orderOut = [Int](unsafeUninitializedCapacity: n) { _, count in count = n }
    // From `parallelRows` keys two workers share each pass: each counts the
    // digits of its half, worker 0's keys of a digit go before worker 1's
    // (so the sort stays stable), and each scatters its half.
    var starts = [Int](repeating: 0, count: workers * radix)
    for pass in 0..<passes {
      let shift = UInt64(11 * pass)
      // Skip a pass whose digit is the same for all keys (common high bits).
      let digit0 = Int((keys[0].bitPattern >> shift) & 0x7FF)
      if counts[pass * radix + digit0] == n { continue }
      keys.withUnsafeBufferPointer { $0.withMemoryRebound(to: UInt64.self) { k in
        order.withUnsafeBufferPointer { o in
          keysOut.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: UInt64.self) { ko in
            orderOut.withUnsafeMutableBufferPointer { oo in
              starts.withUnsafeMutableBufferPointer { s in
                if workers == 1 {
                  var total = 0
                  for d in 0..<radix {
                    s[d] = total
                    total += counts[pass * radix + d]
                  }
                  scatter(k, o, into: ko, oo, rows: 0..<n, shift: shift, starts: s.baseAddress)
                } else {
                  twoWorkerPass(k, o, into: ko, oo, shift: shift, starts: s)
                }
              }
            }
          } }
        }
      } }
      swap(&keys, &keysOut)
      swap(&order, &orderOut)
    }
    return Sorted(time: keys, payload: order, spareTime: keysOut, sparePayload: orderOut)
  }

  /// Keys from which a pass is shared by two workers.
  static let parallelRows = 1 << 16

  /// One pass over `rows`: each key and its payload go to the next slot of
  /// its digit (`starts[digit]`, advanced).
  @inline(__always)
  private static func scatter(
    _ k: UnsafeBufferPointer<UInt64>, _ o: UnsafeBufferPointer<Int>,
    into ko: UnsafeMutableBufferPointer<UInt64>, _ oo: UnsafeMutableBufferPointer<Int>,
    rows: Range<Int>, shift: UInt64, starts: UnsafeMutablePointer<Int>?
  ) {
    guard let c = starts else { return }
    for i in rows {
      let d = Int((k[i] >> shift) & 0x7FF)
      let at = c[d]
      c[d] = at + 1
      ko[at] = k[i]
      oo[at] = o[i]
    }
  }

  /// A pass shared by two workers: worker w counts, then scatters, the
  /// rows of its half; `starts` holds 2 × 2048 counters (worker w's at w × 2048).
  private static func twoWorkerPass(
    _ k: UnsafeBufferPointer<UInt64>, _ o: UnsafeBufferPointer<Int>,
    into ko: UnsafeMutableBufferPointer<UInt64>, _ oo: UnsafeMutableBufferPointer<Int>,
    shift: UInt64, starts s: UnsafeMutableBufferPointer<Int>
  ) {
    let n = k.count, radix = 2048
    let halves = [0..<(n / 2), (n / 2)..<n]
    // Worker w writes its own 2048 counters only, reading its half of the keys.
    let keys = SharedReads(k), counters = DisjointWrites(s)
    for i in 0..<s.count { s[i] = 0 }
    DispatchQueue.concurrentPerform(iterations: 2) { w in
      let base = w * radix
      for i in halves[w] { counters[base + Int((keys[i] >> shift) & 0x7FF)] += 1 }
    }
    var total = 0
    for d in 0..<radix {
      let c0 = s[d]
      let c1 = s[radix + d]
      s[d] = total
      s[radix + d] = total + c0
      total += c0 + c1
    }
    // Worker w writes the slots its own counters hand out (disjoint from the
    // other's by construction) and advances its own counters.
    let payloads = SharedReads(o), keysOut = DisjointWrites(ko), payloadsOut = DisjointWrites(oo)
    DispatchQueue.concurrentPerform(iterations: 2) { w in
      let base = w * radix
      for i in halves[w] {
        let key = keys[i]
        let d = base + Int((key >> shift) & 0x7FF)
        let at = counters[d]
        counters[d] = at + 1
        keysOut[at] = key
        payloadsOut[at] = payloads[i]
      }
    }
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
///
/// The codes travel through the sort packed in one word per subject
/// (`codes`: status, group and stratum, each in as many bits as its largest
/// code needs) and stay packed: the scans decode them as they read
/// (`status(of:)`, `group(of:)`), so no sorted status and group columns are
/// allocated (16 bytes a row, and their page faults, at 10^6 rows a tenth
/// of a `cuminc` call from a script).
struct CompetingRisksSorted {
  let time: [Double]
  /// Per subject in time order: status | group << `groupShift` (| stratum
  /// above them), as bit patterns.
  let codes: [Int]
  let groupShift: Int
  let statusMask: UInt64
  let groupMask: UInt64
  /// The stratum of each subject; empty when every subject is in stratum 0.
  let strata: [Int]
  /// The largest status code (the cause count when the input was checked).
  let largestStatus: Int
  /// The sort's scratch, which `takeGroupRuns` fills (empty once taken).
  private var spareTime: [Double]
  private var spareCodes: [Int]

  /// The status packed in `code`.
  @inline(__always) func status(of code: Int) -> Int { Int(UInt64(bitPattern: Int64(code)) & statusMask) }
  /// The group packed in `code`.
  @inline(__always) func group(of code: Int) -> Int {
    Int((UInt64(bitPattern: Int64(code)) >> UInt64(groupShift)) & groupMask)
  }

  /// The sorted statuses and groups as columns (tests and small inputs).
  var status: [Int] { codes.map { status(of: $0) } }
  var group: [Int] { codes.map { group(of: $0) } }

  /// When status, group and stratum do not fit in one word together (a
  /// status column of 65,536 distinct codes with many groups and strata)
  /// the row index travels through the sort instead, the columns are
  /// gathered through it and the strata kept apart.
  /// Bad input (unequal lengths, a time not finite and ≥ 0, a negative
  /// code, status and group codes of more than 64 bits together) is a
  /// thrown `SurvivalInputError`.
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
    func bits<C: BinaryInteger>(_ values: [C]?, _ argument: String, largest known: Int?) throws
      -> (bits: Int, largest: Int)
    {
      guard let values else { return (0, 0) }
      var largest = 0
      if let known {
        largest = max(known, 0)
      } else {
        for (i, v) in values.enumerated() {
          if v < 0 { throw SurvivalInputError.negativeCode(argument: argument, index: i, value: Int(v)) }
          largest = max(largest, Int(v))
        }
      }
      return (Int.bitWidth - largest.leadingZeroBitCount, largest)
    }
    let (statusBits, largestStatus) = try bits(status, "status", largest: checked?.status)
    let groupBits = try bits(group, "group", largest: checked?.group).bits
    let strataBits = try bits(strata as [Int]?, "strata", largest: nil).bits
    if statusBits + groupBits > 64 {
      throw SurvivalInputError.invalidOption(
        "status and group codes need \(statusBits + groupBits) bits together; at most 64 are supported")
    }
    groupShift = statusBits
    statusMask = statusBits == 64 ? UInt64.max : (UInt64(1) << UInt64(statusBits)) - 1
    groupMask = groupBits == 64 ? UInt64.max : (UInt64(1) << UInt64(groupBits)) - 1
    self.largestStatus = largestStatus
    let groupShift = UInt64(statusBits)
    func pack(_ s: Int, _ g: Code) -> UInt64 { UInt64(s) | UInt64(truncatingIfNeeded: g) << groupShift }
    if statusBits + groupBits + strataBits <= 64 {
      let strataShift = UInt64(statusBits + groupBits)
      var payload = [Int](unsafeUninitializedCapacity: n) { _, count in count = n }
      // From `parallelRows` subjects two workers pack a half each.
      let workers = n >= CompetingRisksSort.parallelRows ? 2 : 1
      payload.withUnsafeMutableBufferPointer { p in
        status.withUnsafeBufferPointer { s in
          group.withUnsafeBufferPointer { g in
            (strata ?? []).withUnsafeBufferPointer { st in
              // Worker w writes the codes of its own half of the subjects.
              let codes = DisjointWrites(p), status = SharedReads(s), group = SharedReads(g)
              let strata = SharedReads(st)
              let withStrata = !st.isEmpty
              DispatchQueue.concurrentPerform(iterations: workers) { w in
                let rows = (w * n / workers)..<((w + 1) * n / workers)
                if withStrata {
                  for i in rows {
                    let code = UInt64(status[i]) | UInt64(truncatingIfNeeded: group[i]) << groupShift
                    codes[i] = Int(bitPattern: UInt(code | UInt64(strata[i]) << strataShift))
                  }
                } else {
                  for i in rows {
                    let code = UInt64(status[i]) | UInt64(truncatingIfNeeded: group[i]) << groupShift
                    codes[i] = Int(bitPattern: UInt(code))
                  }
                }
              }
            }
          }
        }
      }
      let sorted = CompetingRisksSort.sortByTime(time, payload: consume payload)
      self.time = sorted.time
      self.codes = sorted.payload
      self.strata = strataBits == 0 ? [] : sorted.payload.map {
        Int(UInt64(bitPattern: Int64($0)) >> strataShift)
      }
      spareTime = sorted.spareTime
      spareCodes = sorted.sparePayload
    } else {
      let sorted = CompetingRisksSort.sortByTime(time, payload: Array(0..<n))
      self.time = sorted.time
      self.codes = sorted.payload.map { Int(bitPattern: UInt(pack(status[$0], group[$0]))) }
      self.strata = strataBits == 0 ? [] : strata.map { s in sorted.payload.map { s[$0] } } ?? []
      spareTime = sorted.spareTime
      spareCodes = sorted.sparePayload
    }
  }

  /// Stable scatter into contiguous runs by `label` (0..<count): run j is
  /// `offsets[j]..<offsets[j + 1]` of the returned times and codes.
  func runs(by label: [Int], count: Int) -> (offsets: [Int], time: [Double], codes: [Int]) {
    let n = time.count
    var offsets = [Int](repeating: 0, count: count + 1)
    for l in label { offsets[l + 1] += 1 }
    for j in 0..<count { offsets[j + 1] += offsets[j] }
    var fill = offsets
    var t = [Double](repeating: 0, count: n)
    var c = [Int](repeating: 0, count: n)
    for i in 0..<n {
      let l = label[i]
      let at = fill[l]
      t[at] = time[i]
      c[at] = codes[i]
      fill[l] = at + 1
    }
    return (offsets, t, c)
  }

  /// The subjects of each group contiguous in time order, which the curves
  /// and the risk table both scan (computed once for both), in new arrays.
  func groupRuns(count: Int) -> GroupRuns {
    var t = [Double](repeating: 0, count: time.count)
    var st = [Int](repeating: 0, count: time.count)
    return fillGroupRuns(count: count, time: &t, status: &st)
  }

  /// `groupRuns(count:)` written into the sort's scratch (new arrays when
  /// there is none, below the radix sort's size, or it was taken already).
  mutating func takeGroupRuns(count: Int) -> GroupRuns {
    let n = time.count
    var t = [Double](), st = [Int]()
    swap(&t, &spareTime)
    swap(&st, &spareCodes)
    if t.count != n { t = [Double](repeating: 0, count: n) }
    if st.count != n { st = [Int](repeating: 0, count: n) }
    return fillGroupRuns(count: count, time: &t, status: &st)
  }

  /// Every index of `t` and `st` (n long) is written once. From
  /// `CompetingRisksSort.parallelRows` subjects two workers share the
  /// counting and the scatter, as a radix pass (`groupRunsTwoWorkers`).
  private func fillGroupRuns(count: Int, time t: inout [Double], status st: inout [Int]) -> GroupRuns {
    let n = time.count
    if n >= CompetingRisksSort.parallelRows && count > 0 {
      let offsets = groupRunsTwoWorkers(count: count, time: &t, status: &st)
      return GroupRuns(offsets: offsets, time: t, status: st)
    }
    var offsets = [Int](repeating: 0, count: count + 1)
    codes.withUnsafeBufferPointer { c in
      offsets.withUnsafeMutableBufferPointer { o in
        for i in 0..<n { o[group(of: c[i]) + 1] += 1 }
      }
    }
    for j in 0..<count { offsets[j + 1] += offsets[j] }
    var fill = offsets
    time.withUnsafeBufferPointer { time in
      codes.withUnsafeBufferPointer { c in
        t.withUnsafeMutableBufferPointer { t in
          st.withUnsafeMutableBufferPointer { st in
            fill.withUnsafeMutableBufferPointer { fill in
              for i in 0..<n {
                let code = c[i]
                let l = group(of: code)
                let at = fill[l]
                t[at] = time[i]
                st[at] = status(of: code)
                fill[l] = at + 1
              }
            }
          }
        }
      }
    }
    return GroupRuns(offsets: offsets, time: t, status: st)
  }

  /// The group runs written by two workers (issue 14: this pass was a
  /// sequential tenth of a script's `cuminc` at 10^6 rows): worker w counts
  /// the groups of its half of the subjects, then writes them; within each
  /// group worker 0's subjects go before worker 1's, so every subject lands
  /// where the sequential pass puts it. Returns the offsets.
  private func groupRunsTwoWorkers(count k: Int, time t: inout [Double], status st: inout [Int]) -> [Int] {
    let n = time.count
    let halves = [0..<(n / 2), (n / 2)..<n]
    let groupShift = UInt64(groupShift), groupMask = groupMask, statusMask = statusMask
    // Worker w's counters, then its next slot per group, at w × k.
    var slots = [Int](repeating: 0, count: 2 * k)
    var offsets = [Int](repeating: 0, count: k + 1)
    time.withUnsafeBufferPointer { time in
      codes.withUnsafeBufferPointer { c in
        t.withUnsafeMutableBufferPointer { t in
          st.withUnsafeMutableBufferPointer { st in
            slots.withUnsafeMutableBufferPointer { s in
              let codes = SharedReads(c), times = SharedReads(time)
              // Worker w writes its own k counters only.
              let counters = DisjointWrites(s)
              DispatchQueue.concurrentPerform(iterations: 2) { w in
                let base = w * k
                for i in halves[w] {
                  counters[base + Int((UInt64(bitPattern: Int64(codes[i])) >> groupShift) & groupMask)] += 1
                }
              }
              var total = 0
              for g in 0..<k {
                let c0 = s[g], c1 = s[k + g]
                offsets[g] = total
                s[g] = total
                s[k + g] = total + c0
                total += c0 + c1
              }
              offsets[k] = total
              // Worker w writes the slots its own counters hand out (disjoint
              // from the other's by construction) and advances its counters.
              let timesOut = DisjointWrites(t), statusOut = DisjointWrites(st)
              DispatchQueue.concurrentPerform(iterations: 2) { w in
                let base = w * k
                for i in halves[w] {
                  let code = UInt64(bitPattern: Int64(codes[i]))
                  let d = base + Int((code >> groupShift) & groupMask)
                  let at = counters[d]
                  counters[d] = at + 1
                  timesOut[at] = times[i]
                  statusOut[at] = Int(code & statusMask)
                }
              }
            }
          }
        }
      }
    }
    return offsets
  }
}

/// Sorted subjects regrouped by group (`CompetingRisksSorted.groupRuns`):
/// group g is `offsets[g]..<offsets[g + 1]` of `time` and `status`.
struct GroupRuns {
  let offsets: [Int]
  let time: [Double]
  let status: [Int]
}
