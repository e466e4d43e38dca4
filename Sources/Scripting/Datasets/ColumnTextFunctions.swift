import Datasets
import LuaHost
import RunControl

/// The string functions and conversions of columns (issue 15): `upper`,
/// `lower`, `trim`, `sub`, `gsub`, `starts_with`, `ends_with`, `contains`,
/// `str_len`, `paste`, `concat`, `as_number`, `as_string`, `as_date`, each as
/// a global (which also takes a single value) and as a column method, plus
/// the declarations of `ColumnCutFunctions` and `ColumnDateFunctions`.
///
/// A string column is computed once per level (Datasets'
/// `Column+Strings.swift`). `sub`, `gsub` and `contains{pattern = true}`
/// use Lua's own pattern matching, per level, through the `string.gsub`
/// and `string.find` this runtime started with (a script that replaces
/// `string.gsub` does not change them). A match runs in C, where the count
/// hook cannot stop it: between levels the run's stop is polled, and a
/// single pathological match (a pattern bomb) is ended by the watchdog as
/// any pattern match of a script is (`Watchdog`).
enum ColumnTextFunctions {
  /// Every declaration of the column functions of issue 15 (the one entry
  /// DatasetLibrary adds to its list).
  static func declarations(in lua: LuaState) throws -> [KaplanFunction] {
    let patterns = try LuaPatterns(lua)
    return ColumnCutFunctions.declarations + strings(patterns) + conversions + ColumnDateFunctions.declarations
  }

  /// Lua's `string.gsub` and `string.find` as this runtime started.
  struct LuaPatterns {
    let gsub: LuaValue
    let find: LuaValue

    init(_ lua: LuaState) throws {
      let chunk = try lua.load("return string.gsub, string.find", chunkName: "=kaplan.patterns")
      let functions = try lua.call(chunk, [], traceback: false)
      guard functions.count == 2 else { throw LuaError.runtime("kaplan: string.gsub and string.find not found") }
      (gsub, find) = (functions[0], functions[1])
    }
  }

  typealias Pairs = ColumnFunctionPairs

  /// A function of each value of a string column alone.
  static func levelwise(
    _ name: String, summary: String, example: String, _ f: @escaping (Column) throws -> Column
  ) -> [KaplanFunction] {
    Pairs.pair(name, rest: "", summary: summary, arguments: 0, example: example) { call in
      let (column, isValue) = try Pairs.subject(call, values: true)
      return try Pairs.result(try Pairs.located(call, [:]) { try f(column) }, call, isValue: isValue)
    }
  }

  /// A test of each value of a string column against a text argument.
  static func test(
    _ name: String, argument: String, summary: String, example: String, options: [OptionSpec] = [],
    _ f: @escaping (Column, String, KaplanCall) throws -> Column
  ) -> [KaplanFunction] {
    Pairs.pair(
      name, rest: options.isEmpty ? argument : "\(argument) [, opts]", summary: summary, options: options,
      optionsArgument: options.isEmpty ? nil : 2, arguments: options.isEmpty ? 1 : 2, example: example
    ) { call in
      let (column, isValue) = try Pairs.subject(call, values: true)
      let text = try call.lua.string(2)
      return try Pairs.result(try Pairs.located(call, [:]) { try f(column, text, call) }, call, isValue: isValue)
    }
  }

  static func strings(_ patterns: LuaPatterns) -> [KaplanFunction] {
    levelwise(
      "upper", summary: "Upper case of each value of a string column (or of one string), as R's toupper. The "
        + "levels are the column's levels mapped, in their order; levels that become equal merge at the first "
        + "(levels b, B, a give B, A), as R's levels(f) <- toupper(levels(f)). Unicode's full case mapping is "
        + "used, as stringr's str_to_upper: \"straße\" gives \"STRASSE\" (base R's toupper keeps the ß).",
      example: "print(upper(\"stage ii\"))\nprint(dataset(\"colon\").rx:upper():levels()[2])"
    ) { try $0.uppercased() }
      + levelwise(
        "lower", summary: "Lower case of each value of a string column (or of one string), as R's tolower; "
          + "levels as upper's.",
        example: "print(lower(\"LEV+5FU\"))\nprint(dataset(\"colon\").rx:lower():levels()[3])"
      ) { try $0.lowercased() }
      + trim + substitutions(patterns)
      + test(
        "starts_with", argument: "prefix",
        summary: "A bool column: whether each value starts with prefix (plain text, not a pattern); NA for NA.",
        example: "local colon = dataset(\"colon\")\nprint(#colon:where(colon.rx:starts_with(\"Lev\")))"
      ) { c, text, _ in try c.startsWith(text) }
      + test(
        "ends_with", argument: "suffix",
        summary: "A bool column: whether each value ends with suffix (plain text, not a pattern); NA for NA.",
        example: "local colon = dataset(\"colon\")\nprint(#colon:where(colon.rx:ends_with(\"5FU\")))"
      ) { c, text, _ in try c.endsWith(text) }
      + test(
        "contains", argument: "text",
        summary: "A bool column: whether each value contains text, plain text unless {pattern = true} (then a "
          + "Lua pattern, as string.find); NA for NA.",
        example: "local colon = dataset(\"colon\")\nprint(#colon:where(colon.rx:contains(\"+\")))\n"
          + "print(#colon:where(contains(colon.rx, \"^L.v$\", {pattern = true})))",
        options: [OptionSpec("pattern", .boolean, default: .boolean(false),
                             doc: "text is a Lua pattern (string.find) rather than plain text")]
      ) { c, text, call in
        guard try call.options.boolean("pattern") else { return try c.containsText(text) }
        let found = try matchLevels(c, call, "contains") { level in
          let r = try call.lua.call(patterns.find, [.string(level), .string(text)])
          return [.boolean(r.first.map { $0 != .nil } ?? false)]
        }
        return try c.testingLevels { level in found[level] ?? false }
      }
      + levelwise(
        "str_len", summary: "The number of characters of each value of a string column (or of one string), as "
          + "R's nchar: an int column, NA for NA.",
        example: "print(str_len(\"Lev+5FU\"))\nprint(dataset(\"colon\").rx:str_len():max())"
      ) { try $0.stringLengths() }
      + [paste(name: "paste", separator: " "), paste(name: "concat", separator: "")]
  }

  static var trim: [KaplanFunction] {
    Pairs.pair(
      "trim", rest: "[opts]",
      summary: "White space (spaces, tabs, line breaks) removed from both ends of each value of a string column "
        + "(or of one string), as R's trimws.",
      options: [OptionSpec.choice("which", Column.TrimSide.allCases.map { ($0.rawValue, $0) }, default: "both",
                                  doc: "which ends to trim")],
      optionsArgument: 1, arguments: 1,
      example: "print(\"[\" .. trim(\"  stage II \") .. \"]\")\nprint(trim(\"  x \", {which = \"left\"}) .. \"|\")"
    ) { call in
      let (column, isValue) = try Pairs.subject(call, values: true)
      let side = Column.TrimSide(rawValue: try call.options.string("which")) ?? .both
      return try Pairs.result(try Pairs.located(call, [:]) { try column.trimmed(side) }, call, isValue: isValue)
    }
  }

  static func substitutions(_ patterns: LuaPatterns) -> [KaplanFunction] {
    func declare(_ name: String, first: Bool) -> [KaplanFunction] {
      Pairs.pair(
        name, rest: "pattern, replacement",
        summary: (first ? "The first match" : "Every match")
          + " of a Lua pattern in each value of a string column (or one string) replaced, as string.gsub"
          + (first ? " with n = 1" : "") + " (%1 in the replacement is the first capture; a table or function "
          + "replacement as string.gsub takes). Levels that become equal merge.",
        arguments: 2,
        example: first
          ? "print(sub(\"stage II\", \"I\", \"1\"))\nprint(dataset(\"colon\").rx:sub(\"%+\", \" and \"):levels()[3])"
          : "print(gsub(\"stage II\", \"I\", \"1\"))\nprint(table.concat(dataset(\"colon\").rx:gsub(\"[^%a]\", \"\")"
            + ":levels(), \" \"))"
      ) { call in
        let (column, isValue) = try Pairs.subject(call, values: true)
        let pattern = try call.lua.string(2)
        let replacement = try call.lua.value(3)
        guard ["string", "number", "table"].contains(replacement.typeName) || call.lua.typeName(3) == "function"
        else {
          throw call.lua.argumentError(3, "string, table or function expected, got \(call.lua.typeName(3))")
        }
        // Only the levels rows have: Lua runs once for each.
        let (codes, levels) = try Pairs.located(call, [:]) { try column.droppingUnusedLevels().stringLevels() }
        var arguments: [LuaValue] = [.nil, .string(pattern), replacement]
        if first { arguments.append(.integer(1)) }
        var replaced: [String] = []
        replaced.reserveCapacity(levels.count)
        for level in levels {
          // One match may be slow (it runs in C, out of the hook's reach):
          // poll the stop after each.
          try Cancellation.check()
          arguments[0] = .string(level)
          let r = try patternCall(call) { try call.lua.call(patterns.gsub, arguments) }
          guard case .string(let s)? = r.first else {
            throw LuaError.runtime("\(name): string.gsub returned no string")
          }
          replaced.append(s)
        }
        return try Pairs.result(Column.relabelled(codes: codes, newLevels: replaced), call, isValue: isValue)
      }
    }
    return declare("sub", first: true) + declare("gsub", first: false)
  }

  /// `test` of each level of a string column through Lua (the first result
  /// of `body`, a boolean), keyed by level.
  static func matchLevels(
    _ column: Column, _ call: KaplanCall, _ name: String, _ body: (String) throws -> [LuaValue]
  ) throws -> [String: Bool] {
    let (_, levels) = try Pairs.located(call, [:]) { try column.droppingUnusedLevels().stringLevels() }
    var found: [String: Bool] = [:]
    for level in levels {
      try Cancellation.check()
      let r = try patternCall(call, body: { try body(level) })
      found[level] = r.first == .boolean(true)
    }
    return found
  }

  /// A call of string.gsub or string.find whose error (a malformed pattern,
  /// a bad replacement) becomes an argument error: the pattern is argument
  /// 2, the replacement 3. A stop, and an error raised by a replacement
  /// function, pass unchanged.
  static func patternCall(_ call: KaplanCall, body: () throws -> [LuaValue]) throws -> [LuaValue] {
    do {
      return try body()
    } catch let error as LuaError {
      guard case .lua(let message, _) = error, !call.lua.state.stopRequested else { throw error }
      // lstrlib raises these without a position (luaL_error in a C function).
      let patternErrors = [
        "malformed pattern", "missing '[' after '%f' in pattern", "invalid pattern capture", "unfinished capture",
        "pattern too complex", "invalid capture index",
      ]
      if message.contains("replacement"), !message.contains(":") { throw call.lua.argumentError(3, message) }
      // "invalid capture index %2" is the replacement's when it holds "%2".
      if message.hasPrefix("invalid capture index "), let token = message.split(separator: " ").dropFirst(3).first,
        case .string(let replacement)? = try? call.lua.value(3), replacement.contains(token)
      {
        throw call.lua.argumentError(3, message + " in the replacement")
      }
      if patternErrors.contains(where: { message.hasPrefix($0) }) { throw call.lua.argumentError(2, message) }
      throw error
    }
  }

  // MARK: paste

  static let pasteSchema = [
    OptionSpec("sep", .string, default: .string(" "), doc: "the text between the values"),
  ]

  /// `paste(x, ... [, opts])` or `concat(x, ...)`: a trailing table is the
  /// options (paste only); every other argument is a column or a value.
  static func paste(name: String, separator: String) -> KaplanFunction {
    let isPaste = name == "paste"
    return KaplanFunction(
      name, section: "Datasets", signature: isPaste ? "paste(x, ... [, opts])" : "concat(x, ...)",
      summary: isPaste
        ? "Values of columns and constants joined row by row into a string column, separated by opts.sep "
          + "(default a space), as R's paste: NA is the text \"NA\", numbers are written as R's as.character; "
          + "levels are sorted. One string when no argument is a column."
        : "Values of columns and constants joined row by row with nothing between them (paste with sep = \"\", "
          + "R's paste0): NA is the text \"NA\"; levels are sorted.",
      example: isPaste
        ? "local colon = dataset(\"colon\")\nlocal group = paste(colon.rx, colon.sex, {sep = \"/\"})\n"
          + "print(table.concat(group:levels(), \" \"))"
        : "local colon = dataset(\"colon\")\nprint(concat(\"id-\", colon.id)[1])"
    ) { call in
      var last = call.lua.count
      while last > 0, call.lua.isNil(last) { last -= 1 }
      var sep = separator
      if isPaste, last > 0, call.lua.typeName(last) == "table" {
        let options = try OptionValues.parse(
          try call.lua.value(last), function: name, schema: pasteSchema, error: { call.lua.argumentError(last, $0) })
        sep = try options.string("sep")
        last -= 1
      }
      guard last > 0 else { throw call.lua.argumentError(1, "a column or value expected, got no value") }
      var parts: [Operand] = []
      for i in 1...last {
        if call.lua.typeName(i) == "table" {
          let hint = isPaste ? " (only the last argument may be the options table)" : ""
          throw call.lua.argumentError(i, "column or value expected, got table\(hint)")
        }
        parts.append(try operand(call.lua, i))
      }
      guard parts.contains(where: { if case .column = $0 { return true } else { return false } }) else {
        let texts = parts.map { part -> String in
          guard case .scalar(let s) = part else { return "" }
          if case .double(let x) = s { return RNumberText.asCharacter(x) }
          return s == .missing ? "NA" : s.description
        }
        return [.string(texts.joined(separator: sep))]
      }
      try requireColumn(rows: parts.map(rows(of:)).max() ?? 0)
      var places: [String: Pairs.Place] = [:]
      for i in 1...last { places["#\(i)"] = .argument(i) }
      let result = try Pairs.located(call, places) { try Column.paste(parts, sep: sep) }
      return try Pairs.result(result, call, isValue: false)
    }
  }

  // MARK: conversions

  static let strictOption = OptionSpec(
    "strict", .boolean, default: .boolean(true),
    doc: "a value that does not convert is an error naming its row; false makes it NA (with one warning)")

  static var conversions: [KaplanFunction] {
    Pairs.pair(
      "as_number", rest: "[opts]",
      summary: "Numbers from a string column (or one string), read as read_csv reads them (decimal, 1e5, Inf; "
        + "spaces around ignored; \"NA\" and \"\" are NA); bools give 0/1, dates days since 1970-01-01. The first "
        + "value that is not a number is an error naming its row, unless {strict = false}.",
      options: [strictOption], optionsArgument: 1, arguments: 1,
      example: "print(as_number(\" 2.5 \") * 2)\nlocal d = dataset.from{ {\"dose\", {\"10\", \"12.5\", \"NA\"}} }\n"
        + "print(d.dose:as_number():sum())"
    ) { call in
      let (column, isValue) = try Pairs.subject(call, values: true)
      let strict = try call.options.boolean("strict")
      return try Pairs.result(try Pairs.located(call, [:]) { try column.asNumber(strict: strict) }, call,
                              isValue: isValue)
    }
      + Pairs.pair(
        "as_string", rest: "[format]",
        summary: "Text from a column (or one value): numbers as R's as.character writes them (15 significant "
          + "digits, 1e+05), bools TRUE/FALSE, dates ISO or in format (as date(text, format) reads); NA stays NA. "
          + "Levels follow the values' order (ascending numbers and dates).",
        arguments: 1,
        example: "print(as_string(0.1 + 0.2), as_string(date(\"2004-03-01\"), \"%d/%m/%Y\"))\n"
          + "print(table.concat(dataset(\"aml\").time:as_string():levels(), \" \"))"
      ) { call in
        let (column, isValue) = try Pairs.subject(call, values: true)
        var format: DateFormat?
        if let text = try call.lua.optionalString(2) {
          do { format = try DateFormat(text) } catch { throw call.lua.argumentError(2, "\(error)") }
        }
        let result = try Pairs.located(call, ["format": .argument(2)]) { try column.asString(dateFormat: format) }
        return try Pairs.result(result, call, isValue: isValue)
      }
      + Pairs.pair(
        "as_date", rest: "[format [, opts]]",
        summary: "Dates from a string column (or one string) in format (ISO %Y-%m-%d by default; %d/%m/%Y, "
          + "%d%b%Y, ... as date(text, format)); \"NA\" and \"\" are NA; numbers are days since 1970-01-01. The "
          + "first value that is not a date is an error naming its row, unless {strict = false} (after the format, "
          + "or in its place).",
        options: [strictOption], optionsArgument: 2, arguments: 2,
        example: "print(as_date(\"01/03/2004\", \"%d/%m/%Y\"))\n"
          + "local d = dataset.from{ {\"visit\", {\"2004-03-01\", \"2004-04-15\"}} }\n"
          + "print(d.visit:as_date():max())"
      ) { call in
        let (column, isValue) = try Pairs.subject(call, values: true)
        var format: DateFormat?
        var options = call.options
        if call.lua.typeName(2) == "table" {
          // as_date(c, {strict = false}): the options without a format.
          try noMoreArguments(call.lua, after: 2)
          options = try OptionValues.parse(
            try call.lua.value(2), function: call.name, schema: call.declaration.options,
            error: { call.lua.argumentError(2, $0) })
        } else if let text = try call.lua.optionalString(2) {
          do { format = try DateFormat(text) } catch { throw call.lua.argumentError(2, "\(error)") }
        }
        let strict = try options.boolean("strict")
        let result = try Pairs.located(call, [:]) { try column.asDate(format: format, strict: strict) }
        return try Pairs.result(result, call, isValue: isValue)
      }
  }
}
