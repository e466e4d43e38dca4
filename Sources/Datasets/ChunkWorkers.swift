import Foundation
import RunControl

/// What the workers of the chunked CSV reader share, and how they poll.
///
/// `DispatchQueue.concurrentPerform` runs its closure on several threads,
/// so the closure is `@Sendable`; raw pointers are not. These wrappers state
/// once why sharing them is safe (the same rules as Survival's
/// `WorkerBuffers.swift`, which Datasets may not import):
/// - the memory outlives the workers: every wrapper is made inside the
///   caller's scope that owns the memory, and `concurrentPerform` returns
///   only after every iteration has returned (a join: what workers wrote is
///   visible to the caller afterwards, and what the caller wrote before is
///   visible to them);
/// - the input bytes are only read while the workers run;
/// - chunk `i` writes only rows `[rowStart[i], rowStart[i+1])` of each
///   column and only slot `i` of the per-chunk results.

/// Memory that workers read or write at disjoint places (see above).
struct SharedPointer<Pointee>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Pointee>
  init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}

/// Read-only bytes shared by the workers.
struct SharedBytes: @unchecked Sendable {
  let base: UnsafePointer<UInt8>
  let count: Int
}
