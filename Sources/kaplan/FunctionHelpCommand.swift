import ArgumentParser
import Foundation
import Scripting

/// `kaplan help NAME` for a Kaplan function, method or result kind (not a
/// subcommand): prints what `help("NAME")` prints in a script. Without it
/// ArgumentParser's own `help` printed the CLI overview for any name it did
/// not know as a subcommand (session-6 review). `kaplan help run` and
/// `kaplan help` keep ArgumentParser's help of the commands.
enum FunctionHelpCommand {
  /// The name asked for, when the command line is `kaplan help NAME` and
  /// NAME is not a subcommand or an option.
  static func requestedName(_ arguments: [String]) -> String? {
    guard arguments.count == 3, arguments[1] == "help" else { return nil }
    let name = arguments[2]
    guard !name.hasPrefix("-") else { return nil }
    let subcommands = Kaplan.configuration.subcommands.map { $0._commandName }
    return subcommands.contains(name) ? nil : name
  }

  /// Prints the help (exit status 0) or the error (status 1, on stderr).
  static func run(_ name: String) -> Int32 {
    do {
      let runtime = try KaplanRuntime(options: RuntimeOptions())
      switch try FunctionHelp.text(of: name, in: runtime) {
      case .success(let text):
        print(text)
        return 0
      case .failure(let error):
        printError("kaplan help: \(error.message)")
        return 1
      }
    } catch {
      printError("kaplan help: \(error)")
      return 1
    }
  }
}
