import LuaHost

/// One public Kaplan function or method, declared once: what help prints,
/// what completion offers, how its options are checked, and the body that
/// calls into Analysis and encodes the result.
///
/// A declaration is the only thing a library writes to add a function; the
/// binding layer (`BindingRegistry`) makes the Lua function from it, checks
/// the options table against `options` before `body` runs, positions every
/// error at the script's line, and publishes the declaration to the stdlib
/// (`kaplan.registry`) for `help()`, completion and the registry test.
public struct KaplanFunction {
  /// The Lua name: `km`, or the method name (`at`) when `receiver` is set.
  public let name: String
  /// The kind a method is called on: a result kind (`km`, `cox`), or
  /// `dataset` / `column` / `date` for the userdata types; nil for globals.
  public let receiver: String?
  /// The section of `help()` (Survival, Datasets, ...).
  public let section: String
  /// `km(d, formula [, opts])` or `fit:at(times [, opts])`.
  public let signature: String
  /// One paragraph; its first sentence is the line `help()` lists.
  public let summary: String
  /// The options table's schema (empty: the function takes none).
  public let options: [OptionSpec]
  /// Which argument is the options table, counted as the caller counts
  /// (self not counted for methods); nil when there is none.
  public let optionsArgument: Int?
  /// A runnable example (the registry test runs every one).
  public let example: String
  /// The result kind it returns (`km`), nil for plain values.
  public let returns: String?
  /// The most arguments it takes, counted as the caller counts (self not
  /// counted for methods); an extra non-nil argument is an error, never
  /// ignored. Taken from the signature unless given; nil (any number) for
  /// a signature with `...`.
  public let maxArguments: Int?
  /// Arguments the stdlib's Lua implementation appends after the script's
  /// when it calls the Swift body (plot passes the handles of its `pvalue`
  /// and `hr` results): allowed by the Swift body's check, never to scripts.
  public let stdlibArguments: Int
  /// The Swift body; it returns the Lua results (see `KaplanCall.result`).
  /// Nil for a function written in the stdlib (`help`, `show`, `d:where`
  /// with a function): its Lua module supplies it with `bind.implement`.
  public let body: ((KaplanCall) throws -> [LuaValue])?

  public init(
    _ name: String, receiver: String? = nil, section: String, signature: String, summary: String,
    options: [OptionSpec] = [], optionsArgument: Int? = nil, returns: String? = nil, arguments: Int? = nil,
    stdlibArguments: Int = 0, example: String, body: ((KaplanCall) throws -> [LuaValue])?
  ) {
    self.name = name
    self.receiver = receiver
    self.section = section
    self.signature = signature
    self.summary = summary
    self.options = options
    self.optionsArgument = optionsArgument
    self.returns = returns
    self.maxArguments = arguments ?? Self.arity(of: signature)
    self.stdlibArguments = stdlibArguments
    self.example = example
    self.body = body
  }

  /// `km` or `km:at`: the name help and messages use for the registry entry.
  public var qualifiedName: String { receiver.map { "\($0):\(name)" } ?? name }

  /// The arguments a signature shows: `km(d, formula [, opts])` takes 3,
  /// `help([x])` 1, `d:select{names}` (a table, Lua's call sugar) 1,
  /// `debug_traceback()` 0; the first form of a signature with
  /// alternatives (`date(text [, format]) or date(days)`) is the longest.
  /// Nil when the signature has `...` inside its parentheses.
  static func arity(of signature: String) -> Int? {
    guard let open = signature.firstIndex(where: { $0 == "(" || $0 == "{" }) else { return nil }
    if signature[open] == "{" { return 1 }
    var depth = 0
    var inner = ""
    for ch in signature[signature.index(after: open)...] {
      if ch == "(" { depth += 1 }
      if ch == ")" {
        if depth == 0 { break }
        depth -= 1
      }
      inner.append(ch)
    }
    if inner.contains("...") { return nil }
    let words = inner.filter { !"[] ".contains($0) }
    if words.isEmpty { return 0 }
    return inner.filter { $0 == "," }.count + 1
  }
}

/// A kind of result (`km`, `cox`, `cuminc`, ...) or of userdata (`dataset`,
/// `column`): what `help(x)` says of a value of that kind. Its methods are
/// the functions declared with this kind as `receiver`.
public struct ResultKind {
  public let name: String
  public let section: String
  public let summary: String
  /// The fields of the result table, with one line of doc each.
  public let fields: [(String, String)]
  /// Its `tidy()` form (nil: `tidy(x)` refuses results of this kind).
  public let tidier: Tidier?

  public init(
    _ name: String, section: String, summary: String, fields: [(String, String)] = [], tidy: Tidier? = nil
  ) {
    self.name = name
    self.section = section
    self.summary = summary
    self.fields = fields
    self.tidier = tidy
  }
}

/// The Swift result behind a result table: the analysis that methods
/// (`fit:at`, `m:predict`) and `plot()` use. The stdlib keeps it beside the
/// table it was returned with; the table is a copy for reading, so editing
/// it never changes what the methods compute.
public final class ResultHandle {
  public let kind: String
  public let value: Any
  /// The dataset the result was computed from (every result keeps it, see
  /// `KaplanCall.result`), for the uses that rerun an analysis on it: plot's
  /// log-rank p of a km fit, `m:anova()` of a Cox fit. Holding the dataset's
  /// Lua object, not only its columns, keeps them in the run's memory budget
  /// for as long as the result lives.
  public let dataset: LuaDataset?

  public init(kind: String, value: Any, dataset: LuaDataset? = nil) {
    self.kind = kind
    self.value = value
    self.dataset = dataset
  }
}

/// One call of a declared function: the Lua arguments, the checked options
/// and the receiver's Swift result.
public struct KaplanCall {
  public let lua: LuaCall
  public let options: OptionValues
  public let declaration: KaplanFunction

  /// The function's name as messages give it (`km`, `at`).
  public var name: String { declaration.name }

  /// The Swift result of the receiver (argument 1 of a result method), as `T`.
  public func receiver<T>(as type: T.Type) throws -> T {
    let handle = try lua.object(1, as: ResultHandle.self)
    guard let value = handle.value as? T else {
      let kind = declaration.receiver ?? "result"
      throw lua.argumentError(1, "\(kind) result expected, got a \(handle.kind) result")
    }
    return value
  }

  /// The Swift result at argument `index` (a handle passed by the stdlib).
  public func result<T>(_ index: Int, as type: T.Type, kind: String) throws -> T {
    let handle = try lua.object(index, as: ResultHandle.self)
    guard let value = handle.value as? T else {
      throw lua.argumentError(index, "\(kind) result expected, got a \(handle.kind) result")
    }
    return value
  }

  /// The results of a function that returns a result kind: the plain table
  /// and the handle to `value` that the stdlib keeps beside it. The handle
  /// keeps the dataset the result comes from: argument 1 of a global
  /// analysis (`km(d, ...)`), the receiver's dataset for a method.
  public func result(_ table: LuaValue, of value: Any) -> [LuaValue] {
    [table, .object(ResultHandle(kind: declaration.returns ?? declaration.name, value: value, dataset: source))]
  }

  /// The dataset behind this call's result, if any (see `result`).
  private var source: LuaDataset? {
    if declaration.receiver == nil {
      return lua.isObject(1, of: LuaDataset.self) ? try? lua.object(1, as: LuaDataset.self) : nil
    }
    guard lua.isObject(1, of: ResultHandle.self) else { return nil }
    return (try? lua.object(1, as: ResultHandle.self))?.dataset
  }
}
