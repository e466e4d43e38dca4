import RunControl

/// A memory budget with a fixed number of bytes left, for tests that a
/// kernel or reader asks the budget before it allocates (`MemoryBudget`).
public final class FixedMemoryAccount: MemoryAccount {
  public let availableBytes: Int
  public init(_ bytes: Int) { availableBytes = bytes }
  public var limitBytes: Int { availableBytes }
  public func charge(_ bytes: Int) {}
  public func release(_ bytes: Int) {}
}
