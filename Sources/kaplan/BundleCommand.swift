import ArgumentParser
import Foundation
import Scripting

/// Placeholder replaced below.
struct BundleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "bundle", abstract: "Bundle a study.")
}

enum StudyBundle {
  static func isBundlePath(_ path: String) -> Bool { path.lowercased().hasSuffix(".kaplan") }
}

func verifyBundle(_ path: String) -> Int32 { 2 }
