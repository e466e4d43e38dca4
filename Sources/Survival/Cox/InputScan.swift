import Foundation

/// Whole-array checks for input validation. Each tests every element with
/// no early exit, so the loop has no branch and vectorises; a caller looks
/// for the offending element (to name it) only when a check fails. Long
/// arrays are split between two workers.
enum InputScan {
  /// Elements below which one worker scans (thread start-up costs more).
  static let parallelThreshold = 1 << 18

  /// Whether every value is finite.
  static func allFinite(_ values: [Double]) -> Bool { allFinite(values[...]) }

  /// Whether every value of the slice is finite.
  static func allFinite(_ values: ArraySlice<Double>) -> Bool {
    values.withUnsafeBufferPointer { v in
      let v = SharedReads(v)
      return !anyFailure(count: v.count) { range in
        var failed: UInt8 = 0
        for i in range { failed |= v[i].isFinite ? 0 : 1 }
        return failed
      }
    }
  }

  /// Whether every start time is finite and below its stop time (finite).
  static func startsBeforeStops(_ start: [Double], _ stop: [Double]) -> Bool {
    start.withUnsafeBufferPointer { s in
      stop.withUnsafeBufferPointer { t in
        let s = SharedReads(s), t = SharedReads(t)
        return !anyFailure(count: s.count) { range in
          var failed: UInt8 = 0
          for i in range { failed |= s[i] > -.infinity && s[i] < t[i] ? 0 : 1 }
          return failed
        }
      }
    }
  }

  /// Whether every weight is finite and > 0.
  static func allPositiveFinite(_ values: [Double]) -> Bool {
    values.withUnsafeBufferPointer { v in
      let v = SharedReads(v)
      return !anyFailure(count: v.count) { range in
        var failed: UInt8 = 0
        for i in range { failed |= v[i] > 0 && v[i] < .infinity ? 0 : 1 }
        return failed
      }
    }
  }

  /// The number of 1s among status codes, or nil if a code is neither 0 nor 1.
  static func eventCount(_ status: [Double]) -> Int? { countEvents(status) }

  /// `eventCount` for integer codes (a model frame's events, read in place).
  static func eventCount(_ status: [Int]) -> Int? { countEvents(status) }

  /// The one body of both `eventCount`s (specialised for each code type).
  private static func countEvents<Code: Numeric>(_ status: [Code]) -> Int? {
    var events = [Int](repeating: 0, count: 2)
    let failed = status.withUnsafeBufferPointer { s in
      events.withUnsafeMutableBufferPointer { events in
        let s = SharedReads(s), events = DisjointWrites(events)  // each half writes its own slot
        return anyFailure(count: s.count) { range in
          var count = 0
          var failed: UInt8 = 0
          for i in range {
            let code = s[i]
            count &+= code == 1 ? 1 : 0
            // Not `||`: with 0s and 1s in random order its branch is
            // mispredicted at every other row.
            failed |= (code == 0 ? 0 : 1) & (code == 1 ? 0 : 1)
          }
          events[range.lowerBound == 0 ? 0 : 1] = count  // first half or second
          return failed
        }
      }
    }
    return failed ? nil : events[0] + events[1]
  }

  /// Runs `scan` on the whole range, or on two halves in two workers, and
  /// reports whether any part returned a non-zero flag. (The loops live in
  /// the callers' closures: a per-element closure would not be inlined.)
  private static func anyFailure(count: Int, _ scan: @Sendable (Range<Int>) -> UInt8) -> Bool {
    if count < parallelThreshold { return scan(0..<count) != 0 }
    var flags: [UInt8] = [0, 0]
    flags.withUnsafeMutableBufferPointer { flags in
      let flags = DisjointWrites(flags)  // worker w writes flags[w]
      DispatchQueue.concurrentPerform(iterations: 2) { w in
        flags[w] = scan((w * count / 2)..<((w + 1) * count / 2))
      }
    }
    return flags != [0, 0]
  }
}
