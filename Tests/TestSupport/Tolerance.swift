import Foundation

/// Named tolerances shared by the numeric tests (docs/ARCHITECTURE.md, "Correctness and performance").
public enum Tolerance {
  /// Closed-form estimators (KM, log-rank, Aalen–Johansen, Gray): 1e-10 relative.
  public static let closedForm = 1e-10
  /// Iterative fits (Cox, Fine–Gray): 1e-6 relative.
  public static let iterative = 1e-6
}

/// Whether `a` and `b` agree to `relative` tolerance (absolute near zero:
/// |a − b| ≤ relative · max(|a|, |b|, 1e-300) or both are NaN / equal infinities).
public func approxEqual(_ a: Double, _ b: Double, relative: Double, absoluteFloor: Double = 0) -> Bool {
  if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
  if a == b { return true }
  let scale = max(abs(a), abs(b))
  return abs(a - b) <= max(relative * scale, absoluteFloor)
}

/// The project root (where Package.swift lives), found from this source file.
public let projectRoot: URL = {
  var url = URL(fileURLWithPath: #filePath)
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      return url
    }
  }
  return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}()

/// Reads a JSON fixture under `Tests/Fixtures/` as a Foundation object.
public func loadFixture(_ relativePath: String) throws -> Any {
  let url = projectRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
  let data = try Data(contentsOf: url)
  return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
}
