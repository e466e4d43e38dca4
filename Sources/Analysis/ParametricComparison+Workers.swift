import Dispatch
import Foundation
import RunControl

/// The fits of a `parametric_compare()` on two workers.
///
/// Each family's fit is one sequential computation, so sharing the families
/// out (worker w takes families w, w + 2, …, each writing only its own slot)
/// gives every fit exactly as it is alone: the results do not depend on the
/// threads. The host's stop check, memory account and warning sink are per
/// thread: the calling thread keeps its own; the other worker checks for a
/// stop through a `KernelPoll` that the calling thread's checks feed, draws on
/// the same memory account (without asking it to reclaim, which would run
/// Lua's collector off the Lua thread), and its warnings are collected and
/// emitted on the calling thread in the order of the families.
enum ParametricWorkers {
  /// `body(i)` for i in 0..<count on up to two workers; results in order, the first error (by index) thrown.
  static func map<T>(_ count: Int, _ body: @escaping (Int) throws -> T) throws -> [T] {
    let slots = Slots<T>(count)
    let caller = pthread_self()
    let poll = KernelPoll()
    let account = MemoryBudget.current.map { WorkerAccount($0) }
    let workers = count >= 2 ? 2 : 1
    let job = Job(body)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let onCaller = pthread_equal(caller, pthread_self()) != 0
      var i = w
      while i < count {
        let index = i
        var warnings: [String] = []
        let result: Result<T, Error>
        if onCaller {
          result = Result { try RunWarnings.withSink({ warnings.append($0) }) { try job.body(index) } }
          // A stop seen here is shared with the other worker.
          _ = poll.stopRequested()
        } else {
          let run = { try RunWarnings.withSink({ warnings.append($0) }) { try job.body(index) } }
          result = Result {
            try Cancellation.withCheck({ poll.stopRequested() }) {
              if let account { return try MemoryBudget.withAccount(account, run) }
              return try run()
            }
          }
        }
        slots.set(index, result, warnings)
        i += workers
      }
    }
    try poll.throwIfStopped()
    var out: [T] = []
    for i in 0..<count {
      for w in slots.warnings[i] { RunWarnings.emit(w) }
      guard let r = slots.results[i] else { throw ComputationCancelled() }
      out.append(try r.get())
    }
    return out
  }

  /// Per-index results written by one worker each (disjoint slots; read after both are done).
  private final class Slots<T>: @unchecked Sendable {
    var results: [Result<T, Error>?]
    var warnings: [[String]]
    private let lock = NSLock()
    init(_ count: Int) {
      results = Array(repeating: nil, count: count)
      warnings = Array(repeating: [], count: count)
    }
    func set(_ i: Int, _ r: Result<T, Error>, _ w: [String]) {
      lock.lock()
      results[i] = r
      warnings[i] = w
      lock.unlock()
    }
  }

  /// The body, shared by the workers: each call builds its own fit from values it only reads.
  private final class Job<T>: @unchecked Sendable {
    let body: (Int) throws -> T
    init(_ body: @escaping (Int) throws -> T) { self.body = body }
  }

  /// The calling thread's account as a worker sees it: the same budget, no collection.
  private final class WorkerAccount: MemoryAccount, @unchecked Sendable {
    let base: MemoryAccount
    init(_ base: MemoryAccount) { self.base = base }
    var availableBytes: Int { base.availableBytes }
    var limitBytes: Int { base.limitBytes }
    func charge(_ bytes: Int) { base.charge(bytes) }
    func release(_ bytes: Int) { base.release(bytes) }
    func reclaim() {}
  }
}
