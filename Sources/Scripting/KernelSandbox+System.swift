import Foundation

/// The system files Kaplan and `rsvg-convert` read after the restriction,
/// found by tracing `kaplan run scripts/clocc.lua` (PNG plots) under
/// `strace -f`: shared libraries, the dynamic linker's cache, fonts and the
/// fontconfig cache (without it fontconfig rescans every font on each plot),
/// time zones (`os.date`), locales and MIME data. `/usr/bin` is not among
/// them: only `rsvg-convert` itself may be run.
extension KernelSandbox {
  static func systemReadPaths(environment: [String: String]) -> [(String, String)] {
    var paths: [(String, String)] = [
      ("/usr/lib", "shared libraries"), ("/usr/lib64", "shared libraries"), ("/usr/lib32", "shared libraries"),
      ("/lib", "shared libraries"), ("/lib64", "shared libraries"), ("/usr/local/lib", "shared libraries"),
      ("/etc/ld.so.cache", "the dynamic linker's cache"),
      ("/usr/share", "fonts, time zones, locales, MIME data"), ("/usr/local/share", "fonts"),
      ("/etc/fonts", "fontconfig"), ("/var/cache/fontconfig", "the fontconfig cache"),
      ("/etc/localtime", "the time zone (os.date)"), ("/etc/locale.alias", "locale names"),
    ]
    if let home = environment["HOME"], home.hasPrefix("/") {
      for (sub, reason) in [(".cache/fontconfig", "the fontconfig cache"), (".fonts", "fonts"),
                            (".local/share/fonts", "fonts"), (".config/fontconfig", "fontconfig")] {
        paths.append(((home as NSString).appendingPathComponent(sub), reason))
      }
    }
    for dir in loadedLibraryDirectories() where !paths.contains(where: { dir.hasPrefix($0.0 + "/") }) {
      paths.append((dir, "libraries Kaplan has loaded"))
    }
    return paths
  }

  /// Directories of the shared libraries mapped into this process (the
  /// Swift runtime may live outside /usr/lib, e.g. in /opt/swift).
  static func loadedLibraryDirectories() -> [String] {
    guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return [] }
    var seen: [String] = []
    for line in maps.split(separator: "\n") {
      guard let slash = line.firstIndex(of: "/") else { continue }
      let file = String(line[slash...])
      guard file.contains(".so") else { continue }
      let dir = (file as NSString).deletingLastPathComponent
      if !seen.contains(dir) { seen.append(dir) }
    }
    return seen
  }

  /// The ELF interpreter (`PT_INTERP`, e.g. /lib64/ld-linux-x86-64.so.2)
  /// of the program at `path`: running a dynamically linked program needs
  /// execute access to it as well. Reference: System V ABI, "Program
  /// Header" (ELF-64: e_phoff at 32, e_phentsize at 54, e_phnum at 56;
  /// p_offset at 8, p_filesz at 32).
  static func elfInterpreters(of path: String) -> [String] {
    guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    guard let head = try? handle.read(upToCount: 1 << 16), head.count >= 64 else { return [] }
    let bytes = [UInt8](head)
    guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46,
          bytes[4] == 2, bytes[5] == 1 else { return [] }   // ELF-64, little-endian
    func integer(_ offset: Int, _ size: Int) -> Int? {
      guard offset >= 0, size <= 8, offset + size <= bytes.count else { return nil }
      var v: UInt64 = 0
      for i in (0..<size).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
      return v < 1 << 32 ? Int(v) : nil
    }
    guard let phoff = integer(32, 8), let phentsize = integer(54, 2), let phnum = integer(56, 2),
          phentsize >= 56 else { return [] }
    for i in 0..<phnum {
      let header = phoff + i * phentsize
      guard let type = integer(header, 4), type == 3,   // PT_INTERP
            let offset = integer(header + 8, 8), let size = integer(header + 32, 8),
            size > 1, offset + size <= bytes.count else { continue }
      let name = String(decoding: bytes[offset..<(offset + size - 1)], as: UTF8.self)
      return [name]
    }
    return []
  }
}
