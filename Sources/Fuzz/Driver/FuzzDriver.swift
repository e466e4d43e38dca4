import Foundation

/// The libFuzzer entry points, shared by the `fuzz-*` executables.
///
/// SwiftPM links an executable with `--defsym main=<module>_main`, which
/// clashes with the `main` of libFuzzer that `-sanitize=fuzzer` links; the
/// Makefile links with `-z muldefs`, so either `main` may win. Both paths end
/// in the same place: libFuzzer's `main` calls `LLVMFuzzerTestOneInput`, which
/// each target defines with `@_cdecl`, and the target's `main.swift` calls
/// `runFuzzer`, which starts libFuzzer's driver on the same function
/// (`LLVMFuzzerRunDriver`, compiler-rt's FuzzerDriver.cpp, LLVM ≥ 11).
public typealias FuzzInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: FuzzInput
) -> CInt

/// Runs libFuzzer with the process's arguments and `body` as the target;
/// exits with libFuzzer's status.
public func runFuzzer(_ body: FuzzInput) -> Never {
  var argc = CommandLine.argc
  var argv = CommandLine.unsafeArgv
  exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}

/// The input as an array (libFuzzer passes a null pointer for empty input).
/// Every target calls it first, so it also tells the hang watch that a new
/// input has started.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
  FuzzHangWatch.shared.inputStarted()
  guard let data, size > 0 else { return [] }
  return Array(UnsafeBufferPointer(start: data, count: size))
}

/// A failed property: print what is wrong and abort, so that libFuzzer saves
/// the input as a crash.
public func fuzzFailure(_ message: String) -> Never {
  FileHandle.standardError.write(Data("fuzz property failed: \(message)\n".utf8))
  abort()
}
