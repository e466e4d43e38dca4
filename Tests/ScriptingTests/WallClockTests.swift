import Foundation
import LuaHost
import Testing

/// `wall_clock()` (BindingLibrary): monotonic seconds, so that benchmark
/// scripts measure the elapsed time a user waits for, not os.clock()'s CPU
/// time: across a Swift-side sleep it moves by the sleep, as Swift's own
/// monotonic clock does.
@Suite struct WallClockTests {
  /// The sleep between the two readings; the clock must advance by at least
  /// this much (minus a scheduler's rounding), while CPU time barely moves.
  static let sleepSeconds = 0.2
  /// Slack for the clocks' rounding: far below the sleep.
  static let roundingSeconds = 0.001

  @Test func advancesByElapsedNotCPUTime() throws {
    let rt = try makeRuntime()
    // Swift's monotonic clock around the two readings bounds what
    // wall_clock() may report; a sleep costs no CPU, so os.clock() (CPU
    // time) could not advance by it. The test runner's other threads use
    // CPU meanwhile, so os.clock() itself is not compared.
    let before = ProcessInfo.processInfo.systemUptime
    let first = try lua(rt, "return wall_clock()")
    Thread.sleep(forTimeInterval: Self.sleepSeconds)
    let second = try lua(rt, "return wall_clock()")
    let elapsed = ProcessInfo.processInfo.systemUptime - before
    guard case .number(let w0) = first[0], case .number(let w1) = second[0] else {
      Issue.record("wall_clock() should return numbers: \(first) \(second)")
      return
    }
    #expect(w1 - w0 >= Self.sleepSeconds - Self.roundingSeconds)
    #expect(w1 - w0 <= elapsed + Self.roundingSeconds)
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
