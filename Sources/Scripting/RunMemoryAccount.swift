import Datasets
import Foundation
import LuaHost
import RunControl

/// The one memory budget of a run (`--max-memory`, issue 12): Lua's
/// allocator and the host memory that Lua values hold (the columns of boxed
/// datasets and columns) draw on the same number of bytes.
///
/// - Lua's allocator limit is kept at `budget − host bytes`, so Lua cannot
///   allocate what the host holds.
/// - Host bytes are counted per column *buffer*, not per value: `d:with{}`,
///   `d:select{}` and `d.age` share their buffers with `d` (copy on write),
///   and a buffer is counted once however many values hold it, until the
///   last of them is collected.
/// - Lua sees a boxed dataset as a few bytes of userdata, so its collector
///   alone would never hurry to free a garbage dataset of 80 MB. Every time
///   the host bytes grow by a quarter of the budget (at most 256 MB; 256 MB when there is
///   no limit) since the last collection, and before any request is refused,
///   a full collection runs.
public final class RunMemoryAccount: MemoryAccount {
  /// Weak: the state's own teardown collects the last boxes.
  private weak var lua: LuaState?
  /// Lua bytes not charged to the script (the stdlib, loaded before `start`).
  private var baseline = 0
  /// Bytes the script may use (0 = no limit).
  public private(set) var budget = 0
  private let lock = NSLock()
  private var buffers: [UnsafeRawPointer: (bytes: Int, holders: Int)] = [:]
  /// Host bytes currently held by Lua values.
  public private(set) var hostBytes = 0
  private var hostBytesAtLastCollection = 0
  private var collecting = false

  init(lua: LuaState) {
    self.lua = lua
  }

  /// Starts counting: from now on the script has `budget` bytes (0 = no
  /// limit) on top of what Lua holds now.
  func start(budget: Int) {
    baseline = lua?.memoryUsed ?? 0
    self.budget = max(budget, 0)
    applyLuaLimit()
  }

  public var limitBytes: Int { budget }

  public var availableBytes: Int {
    guard budget > 0, let lua else { return Int.max }
    lock.lock()
    let host = hostBytes
    lock.unlock()
    return budget + baseline - lua.memoryUsed - host
  }

  public func charge(_ bytes: Int) {
    lock.lock()
    hostBytes += bytes
    lock.unlock()
    afterChange()
  }

  public func release(_ bytes: Int) {
    lock.lock()
    hostBytes -= bytes
    lock.unlock()
    applyLuaLimit()
  }

  public func reclaim() {
    guard !collecting, let lua else { return }
    collecting = true
    defer { collecting = false }
    lua.collectGarbage()
    lock.lock()
    hostBytesAtLastCollection = hostBytes
    lock.unlock()
    applyLuaLimit()
  }

  /// Counts the buffers of `columns` that no other value holds yet and
  /// returns the lease to give back with `end(_:)`; refuses (before the value
  /// exists for Lua) when those new buffers do not fit in the budget, after
  /// a collection. `what` names the value in the message.
  func lease(_ columns: [Column], what: @autoclosure () -> String) throws -> [UnsafeRawPointer] {
    let parts = columns.flatMap(RunMemoryAccount.buffers(of:))
    if budget > 0 {
      var fresh = newBytes(parts)
      if fresh > availableBytes {
        reclaim()
        fresh = newBytes(parts)
        let available = availableBytes
        if fresh > available {
          throw MemoryLimitExceeded(requested: fresh, available: available, what: what(), limit: budget)
        }
      }
    }
    var added = 0
    lock.lock()
    for (address, bytes) in parts {
      if let entry = buffers[address] {
        buffers[address] = (entry.bytes, entry.holders + 1)
      } else {
        buffers[address] = (bytes, 1)
        added += bytes
      }
    }
    hostBytes += added
    lock.unlock()
    if added > 0 { afterChange() }
    return parts.map(\.0)
  }

  private func newBytes(_ parts: [(UnsafeRawPointer, Int)]) -> Int {
    lock.lock()
    defer { lock.unlock() }
    var seen = Set<UnsafeRawPointer>()
    var total = 0
    for (address, bytes) in parts where buffers[address] == nil && seen.insert(address).inserted {
      total += bytes
    }
    return total
  }

  /// Gives back a lease: buffers whose last holder this was stop counting.
  func end(_ lease: [UnsafeRawPointer]) {
    guard !lease.isEmpty else { return }
    lock.lock()
    for address in lease {
      guard let entry = buffers[address] else { continue }
      if entry.holders <= 1 {
        buffers[address] = nil
        hostBytes -= entry.bytes
      } else {
        buffers[address] = (entry.bytes, entry.holders - 1)
      }
    }
    lock.unlock()
    applyLuaLimit()
  }

  private func afterChange() {
    let threshold = budget > 0 ? min(max(budget / 4, 1 << 20), 256 << 20) : 256 << 20
    lock.lock()
    let grown = hostBytes - hostBytesAtLastCollection
    lock.unlock()
    if grown > threshold { reclaim() } else { applyLuaLimit() }
  }

  private func applyLuaLimit() {
    guard budget > 0, let lua else { return }
    lock.lock()
    let host = hostBytes
    lock.unlock()
    // At least one byte: 0 would mean "no limit" to LuaState.
    lua.memoryLimit = max(1, baseline + budget - host)
  }

  /// The storage addresses and sizes of a column's buffers (none when
  /// empty). A string column has two: its codes and its levels, counted
  /// apart because a derived column often shares one and not the other
  /// (`gsub` and `upper` make new levels over the same codes).
  static func buffers(of column: Column) -> [(UnsafeRawPointer, Int)] {
    func address<T>(_ values: [T]) -> UnsafeRawPointer? {
      values.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
    }
    func part<T>(_ values: [T], bytes: Int) -> [(UnsafeRawPointer, Int)] {
      address(values).map { [($0, bytes)] } ?? []
    }
    switch column {
    case .double(let v): return part(v, bytes: v.count * MemoryLayout<Double>.stride)
    case .int(let v): return part(v, bytes: v.count * MemoryLayout<Int>.stride)
    case .factor(let codes, let levels):
      let levelBytes = levels.reduce(0) { $0 + $1.utf8.count + 16 }
      return part(codes, bytes: codes.count * MemoryLayout<Int32>.stride) + part(levels, bytes: levelBytes)
    case .bool(let v): return part(v, bytes: v.count)
    case .date(let v): return part(v, bytes: v.count * MemoryLayout<Int32>.stride)
    }
  }
}

/// The host memory that one Lua value (a boxed dataset or column) holds in
/// the run's budget, given back when the value is collected.
final class MemoryLease {
  private let account: RunMemoryAccount
  private let buffers: [UnsafeRawPointer]

  /// Leases `columns` from this thread's run account; nil outside a run
  /// (tests, benchmarks), where nothing is counted.
  static func take(_ columns: [Column], what: @autoclosure () -> String) throws -> MemoryLease? {
    guard let account = MemoryBudget.current as? RunMemoryAccount else { return nil }
    return MemoryLease(account: account, buffers: try account.lease(columns, what: what()))
  }

  private init(account: RunMemoryAccount, buffers: [UnsafeRawPointer]) {
    self.account = account
    self.buffers = buffers
  }

  deinit { account.end(buffers) }
}
