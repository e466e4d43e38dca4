import Datasets
import RunControl
import Foundation

// KaplanBench csv [--rows N] [--write PATH] [PATH]
//   --write PATH  writes the generated numeric CSV to PATH and exits
//   PATH          parses that file instead of generated data
// Prints one line: bytes, rows, columns, best-of-3 seconds and MB/s.
func benchCSV(_ args: [String]) {
  var rows = 1_000_000
  var writePath: String?
  var readPath: String?
  var i = 0
  while i < args.count {
    switch args[i] {
    case "--rows":
      i += 1
      rows = i < args.count ? Int(args[i]) ?? rows : rows
    case "--write":
      i += 1
      writePath = i < args.count ? args[i] : nil
    default:
      readPath = args[i]
    }
    i += 1
  }
  let bytes: [UInt8]
  if let readPath {
    guard let data = FileManager.default.contents(atPath: readPath) else {
      FileHandle.standardError.write(Data("cannot read '\(readPath)'\n".utf8))
      exit(1)
    }
    bytes = [UInt8](data)
  } else {
    bytes = generateNumericCSV(rows: rows)
  }
  if let writePath {
    guard FileManager.default.createFile(atPath: writePath, contents: Data(bytes)) else {
      FileHandle.standardError.write(Data("cannot write '\(writePath)'\n".utf8))
      exit(1)
    }
    print("csv: wrote \(writePath) (\(bytes.count) bytes, \(rows) rows, 10 columns)")
    return
  }
  var best = Double.infinity
  var bestCPU = Double.infinity
  var shape = (0, 0)
  for _ in 0..<3 {
    let cpuStart = threadCPUSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    do {
      let d = try CSVReader.read(bytes: bytes, file: readPath ?? "<generated>")
      shape = (d.rowCount, d.columns.count)
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      exit(1)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = min(best, seconds)
    bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
  }
  let megabytes = Double(bytes.count) / 1e6
  print(
    "csv: kaplan \(String(format: "%.1f", megabytes)) MB, \(shape.0) rows, \(shape.1) columns:"
      + " \(String(format: "%.3f", best)) s, \(String(format: "%.0f", megabytes / best)) MB/s"
      + " (CPU \(String(format: "%.3f", bestCPU)) s, \(String(format: "%.0f", megabytes / bestCPU)) MB/s)")
}

/// CPU time of this thread: the honest one-core figure on a busy machine.
func threadCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// CPU time of the whole process (every thread, the kernels' workers too).
func processCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// One id column, one integer age, eight doubles with three decimals;
/// about 60 bytes a row. Deterministic (SplitMix64, fixed seed).
func generateNumericCSV(rows: Int) -> [UInt8] {
  var rng = SplitMix64(seed: 20_240_601)
  func next() -> UInt64 { rng.next() }
  var out: [UInt8] = []
  out.reserveCapacity(rows * 62 + 64)
  out += Array("id,age,x1,x2,x3,x4,x5,x6,x7,x8\n".utf8)
  for r in 1...max(rows, 1) {
    out += Array(String(r).utf8)
    out.append(44)
    out += Array(String(18 + next() % 73).utf8)
    for _ in 0..<8 {
      out.append(44)
      let v = next() % 10_000  // 0.000 ... 9.999
      out.append(UInt8(48 + v / 1000))
      out.append(46)
      out.append(UInt8(48 + (v / 100) % 10))
      out.append(UInt8(48 + (v / 10) % 10))
      out.append(UInt8(48 + v % 10))
    }
    out.append(10)
  }
  return out
}
