import Datasets
import LuaHost

/// The result kinds' `tidy()` forms (`ResultKind.tidy`), by kind, filled
/// as the runtime installs each library; the global `tidy(x)` reads it when
/// called, so a kind of any library has its tidy form.
public final class TidyRegistry {
  private var tidiers: [String: Tidier] = [:]
  /// The kinds with a tidy form, in declaration order (for messages).
  public private(set) var kinds: [String] = []

  public init() {}

  func register(_ resultKinds: [ResultKind]) {
    for kind in resultKinds {
      guard let tidier = kind.tidier else { continue }
      if tidiers[kind.name] == nil { kinds.append(kind.name) }
      tidiers[kind.name] = tidier
    }
  }

  /// The tidier of `kind`, nil when the kind has none.
  public func tidier(of kind: String) -> Tidier? { tidiers[kind] }
}

/// `tidy(x [, opts])` (declared in BindingLibrary): the dataset of the
/// result behind handle argument 1. The stdlib wrapper passes the handle
/// of a result (`bind.any_handle`), or the value itself when it is not a
/// result, for the message to name what was given.
enum TidyFunction {
  static let options = [
    OptionSpec("exponentiate", .boolean, default: .boolean(false),
               doc: "cox, finegray and subgroups: estimate, conf_low and conf_high as hazard ratios (exp), as broom's "
                 + "exponentiate; std_error stays that of the log hazard ratio"),
  ]

  static func run(_ call: KaplanCall, registry: TidyRegistry) throws -> [LuaValue] {
    let takes = "tidy(x) takes a result of: " + registry.kinds.joined(separator: ", ")
    guard call.lua.isObject(1, of: ResultHandle.self) else {
      var given = call.lua.typeName(1)
      if given == "table" { given = "a table not made by a Kaplan function" }
      throw call.lua.argumentError(1, "a Kaplan result expected, got \(given); \(takes)")
    }
    let handle = try call.lua.object(1, as: ResultHandle.self)
    guard let tidier = registry.tidier(of: handle.kind) else {
      throw call.lua.argumentError(1, "a \(handle.kind) result has no tidy form; \(takes)")
    }
    let exponentiate = try call.options.boolean("exponentiate")
    if exponentiate && !tidier.exponentiates {
      let models = registry.kinds.filter { registry.tidier(of: $0)?.exponentiates == true }
      let named = models.count > 1 ? models.dropLast().joined(separator: ", ") + " and " + (models.last ?? "")
        : models.joined()
      throw call.lua.argumentError(
        2, "option 'exponentiate' applies to \(named) results, got a \(handle.kind) result")
    }
    let dataset = try tidier.dataset(of: handle.value, options: TidyOptions(exponentiate: exponentiate))
    return [.object(try LuaDataset(dataset))]
  }
}
