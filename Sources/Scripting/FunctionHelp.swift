import LuaHost

/// The help text of a name, as `help("NAME")` prints it in a script, for
/// `kaplan help NAME` on the command line (which printed the CLI overview:
/// session-6 review). The text comes from the same Lua function
/// (`kaplan.help`'s `text`), so the two cannot differ; an unknown name gives
/// help's message, with its "did you mean" suggestion.
public enum FunctionHelp {
  /// `.success(text)` or `.failure(message)`.
  public static func text(of name: String, in runtime: KaplanRuntime) throws -> Result<String, FunctionHelpError> {
    let chunk = try runtime.lua.load(
      "local help = package.loaded['kaplan.help'] return help.text(...)", chunkName: "=kaplan help")
    let out = try runtime.stoppable { try runtime.lua.call(chunk, [.string(name)]) }
    if let text = out.first?.stringValue { return .success(text) }
    let message = out.count > 1 ? out[1].stringValue ?? "" : ""
    return .failure(FunctionHelpError(message: message.isEmpty ? "no help for \"\(name)\"" : message))
  }
}

/// `kaplan help NAME` for a name that has no help; the message says why.
public struct FunctionHelpError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
