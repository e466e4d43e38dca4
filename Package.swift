// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Kaplan",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "kaplan", targets: ["kaplan"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // C: the system Lua 5.4 and libedit, and the shim Swift cannot live without.
    .systemLibrary(
      name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
    .systemLibrary(
      name: "CEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    .target(name: "CLuaShim", dependencies: ["CLua"]),
    // ReadStat (SAS, XPT, Stata, SPSS files): no pkg-config file, linked by name;
    // its shim reads from memory so the sandbox and the memory budget see the bytes.
    .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),
    .target(name: "CReadStatShim", dependencies: ["CReadStat"]),
    // The Landlock system calls (Linux), for the kernel layer of the sandbox.
    .target(name: "CLandlock"),
    // Child processes (rsvg-convert) in their own group, dying with Kaplan.
    .target(name: "CProcess"),
    // Linked only into the executables: re-executes with huge pages (HugePages.c).
    .target(name: "CStartup"),
    // Element-wise loops that vectorise (R's round, %% by a whole number), for Datasets.
    .target(name: "CKernels"),

    // Core libraries (see DESIGN.md for what each may touch).
    .target(name: "LuaHost", dependencies: ["CLua", "CLuaShim", "RunControl"]),
    // Cancellation and the memory budget: polled by every computing module.
    // glibc's allocator settings (malloc.h), for RunControl's FreedMemoryRetention.
    .target(name: "CMalloc"),
    .target(name: "RunControl", dependencies: ["CMalloc"]),
    .target(name: "Datasets", dependencies: ["RunControl", "CKernels"]),
    .target(name: "Survival", dependencies: ["RunControl", "CKernels"]),
    .target(name: "Analysis", dependencies: ["Datasets", "Survival"]),
    // Excel workbooks (.xlsx): its own ZIP reader (zlib's raw inflate, bounded) and XML reader; also
    // the ZIP reader of study bundles. ZIPFoundation only writes archives (bundles, .docx).
    .systemLibrary(name: "CInflate", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "XLSX", dependencies: ["Datasets", "RunControl", "CInflate"]),
    .target(name: "Plots", dependencies: ["RunControl", "CProcess"]),
    // Reports and tables as HTML, Word (.docx, through ZIPFoundation), RTF and Markdown.
    .target(name: "Documents", dependencies: ["ZIPFoundation"]),
    // Statistical packages' files (ReadStat) to and from Datasets.
    .target(name: "StatFiles", dependencies: ["Datasets", "RunControl", "CReadStat", "CReadStatShim"]),
    .target(
      name: "Scripting",
      dependencies: [
        "LuaHost", "Datasets", "StatFiles", "Survival", "Analysis", "Plots", "CLandlock", "CProcess", "XLSX",
        "Documents", "ZIPFoundation",
      ]),

    // The command-line tool.
    .executableTarget(
      name: "kaplan",
      dependencies: [
        "Scripting", "LuaHost", "CEdit", "CStartup",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Benchmarks (scripts/bench.sh runs them next to R and lifelines).
    .executableTarget(
      name: "KaplanBench", dependencies: ["Datasets", "Survival", "Analysis", "LuaHost", "CStartup"]),

    // Tests. TestSupport holds shared helpers (fixtures, tolerances).
    .target(name: "TestSupport", dependencies: ["RunControl"], path: "Tests/TestSupport"),
    .testTarget(name: "LuaHostTests", dependencies: ["LuaHost", "TestSupport"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "RunControl", "TestSupport"]),
    .testTarget(
      name: "XLSXTests", dependencies: ["XLSX", "Datasets", "RunControl", "TestSupport", "ZIPFoundation"]),
    .testTarget(name: "SurvivalTests", dependencies: ["Survival", "TestSupport"]),
    .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Datasets", "TestSupport"]),
    .testTarget(name: "StatFilesTests", dependencies: ["StatFiles", "Datasets", "TestSupport"]),
    .testTarget(name: "PlotsTests", dependencies: ["Plots", "TestSupport"]),
    .testTarget(name: "DocumentsTests", dependencies: ["Documents", "TestSupport", "ZIPFoundation"]),
    .testTarget(name: "ScriptingTests", dependencies: ["Scripting", "LuaHost", "TestSupport", "ZIPFoundation"]),
    .testTarget(name: "KaplanCLITests", dependencies: ["TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)

// libFuzzer targets (Tests/Fuzz/README.md). Declared only when KAPLAN_FUZZ is
// set, as `make fuzz` does, so that `swift build` and `swift test` neither
// build them nor link libFuzzer's `main` into another executable. `make fuzz`
// builds them with `-sanitize=fuzzer` in their own scratch path (.build-fuzz).
if Context.environment["KAPLAN_FUZZ"] != nil {
  package.targets += [
    .target(name: "FuzzDriver", path: "Sources/Fuzz/Driver"),
    .target(name: "FuzzCoverage", dependencies: ["CLua"], path: "Sources/Fuzz/Coverage"),
    .target(name: "FuzzLua", dependencies: ["Scripting", "LuaHost", "FuzzCoverage"], path: "Sources/Fuzz/Lua"),
    .executableTarget(name: "fuzz-csv", dependencies: ["Datasets", "FuzzDriver"], path: "Sources/Fuzz/CSV"),
    .executableTarget(
      name: "fuzz-formula", dependencies: ["Analysis", "Datasets", "Survival", "FuzzDriver"],
      path: "Sources/Fuzz/Formula"),
    .executableTarget(name: "fuzz-json", dependencies: ["FuzzLua", "FuzzDriver"], path: "Sources/Fuzz/JSON"),
    .executableTarget(name: "fuzz-lua-api", dependencies: ["FuzzLua", "FuzzDriver"], path: "Sources/Fuzz/LuaAPI"),
    .executableTarget(
      name: "fuzz-stat-files", dependencies: ["StatFiles", "Datasets", "FuzzDriver"], path: "Sources/Fuzz/StatFiles"),
    .executableTarget(
      name: "fuzz-xlsx", dependencies: ["XLSX", "Datasets", "FuzzDriver", "ZIPFoundation"], path: "Sources/Fuzz/XLSX"),
    .executableTarget(
      name: "fuzz-bundle", dependencies: ["Scripting", "FuzzDriver", "ZIPFoundation"], path: "Sources/Fuzz/Bundle"),
  ]
  package.products += [
    "fuzz-csv", "fuzz-formula", "fuzz-json", "fuzz-lua-api", "fuzz-stat-files", "fuzz-xlsx", "fuzz-bundle",
  ].map {
    .executable(name: $0, targets: [$0])
  }
}
