import Foundation

/// A cancellation poll that a kernel's worker threads can share: the
/// Survival kernels and the parallel CSV reader use it alike.
///
/// `Cancellation.check()` reads the calling thread's dictionary: it costs a
/// lookup, and worker threads (`DispatchQueue.concurrentPerform`) do not see
/// the host's check at all. A kernel makes one `KernelPoll` on the calling
/// thread; its loops count their work and call `stopRequested()` about every
/// `KernelPoll.interval` operations. On the thread that made it the poll asks
/// the host's check and remembers a stop, which every worker then sees (they
/// leave their loops early) and which `check()` turns into
/// `ComputationCancelled` on the calling thread.
public final class KernelPoll: @unchecked Sendable {
  /// Multiply-adds between polls: a few milliseconds of work.
  public static let interval = 1 << 22

  private let owner = pthread_self()
  private let lock = NSLock()
  private var stopped = false

  public init() {}

  /// Whether the computation must stop.
  public func stopRequested() -> Bool {
    lock.lock()
    let seen = stopped
    lock.unlock()
    if seen { return true }
    guard pthread_equal(owner, pthread_self()) != 0 else { return false }
    do {
      try Cancellation.check()
      return false
    } catch {
      lock.lock()
      stopped = true
      lock.unlock()
      return true
    }
  }

  /// Throws `ComputationCancelled` when a stop was seen or is requested now.
  public func check() throws {
    if stopRequested() { throw ComputationCancelled() }
  }

  /// Throws `ComputationCancelled` when a stop was seen, without asking the
  /// host again (after the workers are done).
  public func throwIfStopped() throws {
    lock.lock()
    let seen = stopped
    lock.unlock()
    if seen { throw ComputationCancelled() }
  }
}
