import Foundation

/// The curves of a `cuminc` call and Gray's tests, computed at the same time
/// on two workers (issue 14: a call from a script within 1.2× of its
/// kernel).
///
/// After the sort the two are independent: the curves scan each group's run
/// (`GroupRuns`), the tests scan the time-sorted subjects by stratum
/// (`GrayData`); each reads only the sorted arrays and writes only its own
/// results, so the numbers are those of the sequential calls, bit for bit.
/// Below `parallelRows` subjects, or with no test to make, they run one
/// after the other on the calling thread.
///
/// The memory budget and the host's cancellation check are per thread
/// (`MemoryBudget`, `KernelPoll`): the tests' budget is asked on the
/// calling thread before the workers start, and both workers poll the
/// caller's `KernelPoll`, whose stop the calling thread turns into
/// `ComputationCancelled` after the join.
enum CurvesBesideTests {
  /// Subjects from which the two run side by side (below, a thread's
  /// start-up is a noticeable part of the call).
  static let parallelRows = 1 << 15

  static func run<Curves: Sendable>(
    sorted: CompetingRisksSorted, testCauses: [Int], causeCount m: Int, rho: Double, poll: KernelPoll,
    curves: @Sendable () -> Curves
  ) throws -> (curves: Curves, tests: [GrayTest]) {
    guard m > 0, !testCauses.isEmpty, sorted.time.count >= parallelRows else {
      let fitted = curves()
      try poll.check()
      let tests = try GrayTest.tests(sorted: sorted, causes: testCauses, causeCount: m, rho: rho, poll: poll)
      return (fitted, tests)
    }
    let data = GrayData(sorted: sorted)
    try data.requireBudget(causes: testCauses.count)
    let fitted = WorkerResult<Curves>()
    let tests = WorkerResult<Result<[GrayTest], any Error>>()
    // Worker 0 writes `tests` only, worker 1 `fitted` only; both read the sorted arrays.
    DispatchQueue.concurrentPerform(iterations: 2) { w in
      if w == 0 {
        tests.value = Result { try data.tests(causes: testCauses, causeCount: m, rho: rho, poll: poll) }
      } else {
        fitted.value = curves()
      }
    }
    try poll.check()
    guard let curvesDone = fitted.value, let testsDone = tests.value else { throw ComputationCancelled() }
    return (curvesDone, try testsDone.get())
  }
}
