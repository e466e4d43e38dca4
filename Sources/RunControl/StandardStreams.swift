#if canImport(Darwin)
@preconcurrency import Darwin
#elseif canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#endif

/// C's standard streams, for the few places that use C stdio directly
/// (flushing `print`'s buffer before writing to stderr, `getline` on stdin).
///
/// The C library declares `stdin`, `stdout` and `stderr` as mutable globals,
/// so Swift 6 refuses to read them without isolation. Kaplan never assigns
/// them (only `freopen` in the fuzzers, once, before any other thread runs),
/// and FILE operations lock the stream themselves, so reading the pointers
/// from any thread is safe. The `@preconcurrency` import that says so is
/// confined to this file.
public enum StandardStreams {
  /// C's `stdin`.
  public static var input: UnsafeMutablePointer<FILE> { stdin }
  /// C's `stdout`, the stream Swift's `print` writes to.
  public static var output: UnsafeMutablePointer<FILE> { stdout }

  /// Writes out what `print` has buffered, so that a message written to
  /// stderr next appears after it.
  public static func flushOutput() { fflush(stdout) }
}
