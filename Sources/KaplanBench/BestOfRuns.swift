import Foundation

/// The best (smallest) wall-clock, calling-thread CPU and process CPU seconds
/// of `reps` runs of `body`, whose results are added to `sink` so that the
/// work is not optimised away. A thrown error ends the program with status 1,
/// naming the task on stderr.
func bestOfRuns(
  _ name: String, reps: Int, sink: inout Double, _ body: () throws -> Double
) -> (wall: Double, cpu: Double, process: Double) {
  var wall = Double.infinity, cpu = Double.infinity, process = Double.infinity
  for _ in 0..<reps {
    let c0 = threadCPUSeconds(), p0 = processCPUSeconds()
    let t0 = DispatchTime.now().uptimeNanoseconds
    do { sink += try body() } catch {
      FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
      exit(1)
    }
    wall = min(wall, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    cpu = min(cpu, threadCPUSeconds() - c0)
    process = min(process, processCPUSeconds() - p0)
  }
  return (wall, cpu, process)
}
