import CKernels

/// Buffers shared by the workers of one `DispatchQueue.concurrentPerform`.
///
/// The kernels split a pass over contiguous buffers between two workers
/// (`concurrentPerform` runs its closure on several threads, so the closure
/// is `@Sendable`). Swift's buffer pointers are not `Sendable`: the compiler
/// cannot know who else reads or writes the memory. These wrappers say it
/// once, with the reason, instead of silencing the check for a whole file:
///
/// - The memory outlives the workers. Every wrapper is made inside the
///   caller's `withUnsafe…BufferPointer` scope, and `concurrentPerform`
///   returns only after every iteration has returned, so no worker touches
///   the buffer after the scope ends.
/// - `concurrentPerform`'s return is a join: whatever the workers wrote is
///   visible to the caller afterwards (libdispatch waits on the group), and
///   whatever the caller wrote before the call is visible to the workers.
/// - `SharedReads`: no one writes the buffer while the workers run.
/// - `DisjointWrites`: each index is written by at most one worker, and no
///   worker reads an index another one writes. Each use states the split
///   that makes this so (worker w's half of the rows, its own strata, its
///   own slot `w`, or the positions of a permutation, which are distinct).
///
/// `make tsan` runs the parallel kernels under ThreadSanitizer, which would
/// report a write that broke either rule.

/// A buffer that the workers only read.
struct SharedReads<Element>: @unchecked Sendable {
  let buffer: UnsafeBufferPointer<Element>

  init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }

  var baseAddress: UnsafePointer<Element>? { buffer.baseAddress }
  var count: Int { buffer.count }

  subscript(_ i: Int) -> Element { buffer[i] }

  /// Asks the cache for element i's line, for a read some rows later
  /// (`Prefetch.h`); nothing for an index out of range.
  @inline(__always)
  func prefetch(_ i: Int) {
    if let base = buffer.baseAddress, i >= 0, i < buffer.count { kaplan_prefetch_read(base + i) }
  }
}

/// `body` with `SharedReads` of `array`, or nil when there is no array (an
/// optional per-row input: case weights, strata), held for the whole of `body`.
func withOptionalReads<Element, Result>(
  _ array: [Element]?, _ body: (SharedReads<Element>?) throws -> Result
) rethrows -> Result {
  guard let array else { return try body(nil) }
  return try array.withUnsafeBufferPointer { try body(SharedReads($0)) }
}

/// A buffer whose elements the workers write at disjoint indices.
struct DisjointWrites<Element>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Element>

  init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }

  var baseAddress: UnsafeMutablePointer<Element>? { buffer.baseAddress }
  var count: Int { buffer.count }

  subscript(_ i: Int) -> Element {
    get { buffer[i] }
    nonmutating set { buffer[i] = newValue }
  }

  /// Asks the cache for elements i ..< i + count's lines, for a write some
  /// rows later (`Prefetch.h`); nothing for indices out of range.
  @inline(__always)
  func prefetchForWrite(_ i: Int, count: Int = 1) {
    guard let base = buffer.baseAddress, i >= 0, count > 0, i + count <= buffer.count else { return }
    kaplan_prefetch_write(base + i)
    if count > 1 { kaplan_prefetch_write(base + i + count - 1) }
  }
}

/// One value computed by a single task of a `concurrentPerform` (work done
/// alongside the others) and read by the caller after it returns.
final class WorkerResult<Value>: @unchecked Sendable {
  /// Written by the one task that computes it, read only after the join.
  var value: Value?

  init() {}
}
