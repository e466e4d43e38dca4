import Foundation

/// One memory budget for a run (`--max-memory`): Lua's allocator and the
/// host's columns, datasets, design matrices and kernel buffers draw on it.
///
/// The host installs an account for the duration of a script with
/// `withAccount` (the Lua state, whose allocator counts Lua's bytes and the
/// host bytes charged to it). Code that is about to allocate a large buffer
/// asks `require(bytes:)` first, so that a request beyond the budget is a
/// clean error *before* the allocation, never a crash. Elsewhere (tests,
/// benchmarks) there is no account and every request is granted.
///
/// Like `Cancellation`, the account is per thread: a kernel's worker threads
/// allocate what the calling thread asked for.
public enum MemoryBudget {
  private static let key = "kaplan.memory-budget"

  private final class Holder {
    let account: MemoryAccount
    init(_ account: MemoryAccount) { self.account = account }
  }

  /// Runs `body` with `account` as this thread's memory budget.
  public static func withAccount<R>(_ account: MemoryAccount, _ body: () throws -> R) rethrows -> R {
    let storage = Thread.current.threadDictionary
    let previous = storage[key]
    storage[key] = Holder(account)
    defer { storage[key] = previous }
    return try body()
  }

  /// This thread's account, if a host installed one.
  public static var current: MemoryAccount? {
    (Thread.current.threadDictionary[key] as? Holder)?.account
  }

  /// Throws `MemoryLimitExceeded` when `bytes` more would pass the budget.
  /// `what` names the allocation in the message ("a column of 10000000 rows").
  /// When the request does not fit, the account first reclaims what it can
  /// (Lua's collector frees datasets that are already garbage) and asks again.
  public static func require(_ bytes: Int, for what: @autoclosure () -> String) throws {
    guard let account = current else { return }
    if bytes <= account.availableBytes { return }
    account.reclaim()
    let available = account.availableBytes
    if bytes > available {
      throw MemoryLimitExceeded(requested: bytes, available: available, what: what(), limit: account.limitBytes)
    }
  }

  /// `require` for `count` elements of `stride` bytes, with an overflow check
  /// (a count of 2^40 elements is refused, not wrapped).
  public static func require(count: Int, stride: Int, for what: @autoclosure () -> String) throws {
    let (bytes, overflow) = max(count, 0).multipliedReportingOverflow(by: max(stride, 1))
    if overflow {
      throw MemoryLimitExceeded(requested: Int.max, available: current?.availableBytes ?? Int.max,
                                what: what(), limit: current?.limitBytes ?? 0)
    }
    try require(bytes, for: what())
  }
}

extension MemoryBudget {
  /// `require`, and then counts the bytes against the budget for as long as
  /// the returned reservation lives: for a buffer that outlives the call
  /// that made it (a design matrix held through a fit), so that the next
  /// request sees what it already takes. Outside a run: nil, nothing counted.
  public static func reserve(
    count: Int, stride: Int, for what: @autoclosure () -> String
  ) throws -> MemoryReservation? {
    guard let account = current else { return nil }
    try require(count: count, stride: stride, for: what())
    let bytes = count * stride  // no overflow: require refused that
    account.charge(bytes)
    return MemoryReservation(account: account, bytes: bytes)
  }
}

/// Bytes counted against a run's budget until this object is released
/// (`MemoryBudget.reserve`).
public final class MemoryReservation: @unchecked Sendable {
  private let account: MemoryAccount
  public let bytes: Int

  init(account: MemoryAccount, bytes: Int) {
    self.account = account
    self.bytes = bytes
  }

  deinit { account.release(bytes) }
}

/// What a host offers a memory budget: how much is left, and a running
/// count of the host bytes that live as long as a Lua value does.
public protocol MemoryAccount: AnyObject {
  /// Bytes that may still be allocated (Int.max when unlimited).
  var availableBytes: Int { get }
  /// The whole budget in bytes (0 when unlimited).
  var limitBytes: Int { get }
  /// Counts `bytes` of host memory held by a Lua value (a boxed dataset).
  func charge(_ bytes: Int)
  /// Gives back what `charge` counted, when the value is collected.
  func release(_ bytes: Int)
  /// Frees what is no longer reachable (a full collection of Lua's garbage),
  /// before a request is refused.
  func reclaim()
}

extension MemoryAccount {
  /// Nothing to reclaim by default (an account with no collector).
  public func reclaim() {}
}

/// A request beyond the run's memory budget.
public struct MemoryLimitExceeded: Error, CustomStringConvertible {
  public let requested: Int
  public let available: Int
  public let what: String
  public let limit: Int

  public init(requested: Int, available: Int, what: String, limit: Int) {
    self.requested = requested
    self.available = available
    self.what = what
    self.limit = limit
  }

  public var description: String {
    let need = requested == Int.max ? "more than the address space" : MemoryLimitExceeded.format(requested)
    let limitText = limit > 0 ? " of \(MemoryLimitExceeded.format(limit))" : ""
    return "not enough memory for \(what): it needs \(need) and the memory limit\(limitText) leaves "
      + "\(MemoryLimitExceeded.format(max(available, 0))) (raise it with --max-memory)"
  }

  static func format(_ bytes: Int) -> String {
    let units: [(Double, String)] = [(1_073_741_824, "GB"), (1_048_576, "MB"), (1024, "KB")]
    for (size, unit) in units where Double(bytes) >= size {
      return String(format: "%.1f", Double(bytes) / size) + " " + unit
    }
    return "\(bytes) bytes"
  }
}
