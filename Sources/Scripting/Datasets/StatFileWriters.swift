import Datasets
import LuaHost
import StatFiles

/// `write_xpt(d, path [, opts])` and `write_dta(d, path)`: writes under the
/// output directory only (the sandbox's `checkWrite`), as `write_csv`. A
/// name or label the format cannot hold is an argument error naming the
/// column; a file that cannot be written returns nil and a message.
struct StatFileWriters {
  let policy: SandboxPolicy

  var writeXPT: KaplanFunction {
    let policy = self.policy
    return datasetsFunction(
      "write_xpt", signature: "write_xpt(d, path [, opts])",
      summary: "Writes a dataset as a SAS transport file (version 5, the FDA's format for submissions, or 8) "
        + "under the output directory, with variable labels, the dataset label and dates as DATE9.; names and "
        + "labels are checked against the version's limits (the dataset label: 40 bytes in both). Returns true, "
        + "or nil and a message.",
      options: [
        // Any integer here: the body says which two versions exist (5 or 8), not a range 5-8.
        OptionSpec("version", .integer(.any), default: .integer(5),
                   doc: "5 (names up to 8 characters, labels up to 40) or 8 (names up to 32, labels up to 256)"),
        OptionSpec("name", .string, defaultText: "the file name without extension, in upper case",
                   doc: "the data set (member) name"),
        OptionSpec("labels", .table, doc: "variable labels to write, as {AGE = \"Age (years)\"} (default: the "
                     + "dataset's own, d:labels())"),
      ], optionsArgument: 3, arguments: 3,
      example: """
        local d = dataset("aml"):label("time", "Weeks to relapse or censoring")
        assert(write_xpt(d, "aml.xpt", {version = 5, name = "AML"}))
        local out = package.loaded.kaplan.settings.output_directory
        print(read_xpt(out .. "/aml.xpt"):label("time"))
        """
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self).dataset
      let path = try call.lua.string(2)
      var options = StatFileWriter.XPTOptions()
      options.version = try call.options.integer("version")
      guard options.version == 5 || options.version == 8 else {
        throw call.lua.argumentError(
          3, "option 'version' must be 5 or 8 (the SAS transport versions), got \(options.version)")
      }
      options.tableName = try call.options.optionalString("name")
      options.labels = try Self.labels(call, argument: 3)
      let resolved = try policy.checkWrite(path)
      return try Self.run(call, path: path, resolved: resolved) {
        try StatFileWriter.writeXPT(d, path: resolved, options: options)
      }
    }
  }

  var writeDTA: KaplanFunction {
    let policy = self.policy
    return datasetsFunction(
      "write_dta", signature: "write_dta(d, path [, opts])",
      summary: "Writes a dataset as a Stata file (format 118, Stata 14 and later; UTF-8) under the output "
        + "directory, with variable labels, the dataset label and dates as %td; a column read through value "
        + "labels goes back as its codes with the labels, special missing values as .a-.z. Returns true, or nil "
        + "and a message.",
      options: [
        OptionSpec("labels", .table, doc: "variable labels to write, as {age = \"Age (years)\"} (default: the "
                     + "dataset's own)")
      ], optionsArgument: 3, arguments: 3,
      example: """
        assert(write_dta(dataset("aml"), "aml.dta"))
        local out = package.loaded.kaplan.settings.output_directory
        print(#read_dta(out .. "/aml.dta"))
        """
    ) { call in
      let d = try call.lua.object(1, as: LuaDataset.self).dataset
      let path = try call.lua.string(2)
      let labels = try Self.labels(call, argument: 3)
      let resolved = try policy.checkWrite(path)
      return try Self.run(call, path: path, resolved: resolved) {
        try StatFileWriter.writeDTA(d, path: resolved, labels: labels)
      }
    }
  }

  private static func labels(_ call: KaplanCall, argument: Int) throws -> [String: String] {
    guard case .table(let t)? = try call.options.value("labels") else { return [:] }
    if let first = t.array.first {
      throw call.lua.argumentError(
        argument, "option 'labels': column name = label expected, got a list entry \(OptionValues.shown(first))")
    }
    var out: [String: String] = [:]
    for (name, v) in t.fields {
      guard v.typeName == "string", let s = v.stringValue else {
        throw call.lua.argumentError(
          argument, "option 'labels': the label of '\(name)' must be a string, got \(OptionValues.shown(v))")
      }
      out[name] = s
    }
    return out
  }

  private static func run(_ call: KaplanCall, path: String, resolved: String, _ body: () throws -> Void) throws
    -> [LuaValue]
  {
    do {
      try body()
      return [.boolean(true)]
    } catch let error as StatWriteError {
      // A column's name or label: the dataset's fault; the labels option's: the options'. Infinite values
      // that XPT writes as missing are a warning from the writer, prefixed with the function's name.
      throw call.lua.argumentError(["labels:", "name:", "version:"].contains(where: error.message.hasPrefix) ? 3 : 1,
                                   error.message)
    } catch let error as DatasetError {
      return [.nil, .string(String(describing: error).replacingOccurrences(of: resolved, with: path))]
    }
  }
}
