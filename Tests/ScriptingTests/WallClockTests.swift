import Foundation
import LuaHost
import Testing

/// `wall_clock()` (BindingLibrary): monotonic seconds, so that benchmark
/// scripts measure the elapsed time a user waits for, not os.clock()'s CPU
/// time. A Swift-side sleep between two calls costs no CPU: os.clock()
/// barely moves, wall_clock() moves by at least the sleep.
@Suite struct WallClockTests {
  /// The sleep between the two readings; the clock must advance by at least
  /// this much (minus a scheduler's rounding), while CPU time barely moves.
  static let sleepSeconds = 0.2
  /// Slack for the clocks' rounding: far below the sleep.
  static let roundingSeconds = 0.001

  @Test func advancesByElapsedNotCPUTime() throws {
    let rt = try makeRuntime()
    let first = try lua(rt, "return wall_clock(), os.clock()")
    Thread.sleep(forTimeInterval: Self.sleepSeconds)
    let second = try lua(rt, "return wall_clock(), os.clock()")
    guard case .number(let w0) = first[0], case .number(let w1) = second[0],
      case .number(let c0) = first[1], case .number(let c1) = second[1]
    else {
      Issue.record("wall_clock() and os.clock() should return numbers: \(first) \(second)")
      return
    }
    #expect(w1 - w0 >= Self.sleepSeconds - Self.roundingSeconds)
    // CPU time over a sleep stays well below the sleep (the test process
    // may have other threads, so only half of it is asked).
    #expect(c1 - c0 < Self.sleepSeconds / 2)
  }

  @Test func neverGoesBackward() throws {
    let rt = try makeRuntime()
    let result = try lua(rt, """
      local last = wall_clock()
      for _ = 1, 10000 do
        local t = wall_clock()
        if t < last then return false end
        last = t
      end
      return math.type(last) == "float"
      """)
    #expect(result == [.boolean(true)])
  }
}
