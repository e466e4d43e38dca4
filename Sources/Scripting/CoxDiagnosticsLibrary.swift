import Analysis
import Datasets
import LuaHost
import Survival

/// Diagnostics of a Cox model, declared on the `cox` result kind:
/// `m:residuals(type [, opts])` (R `survival` 3.5 `residuals.coxph`) and
/// `m:zph([opts])` (R `cox.zph`, the score test of proportional hazards).
/// Both read the fit behind the handle (`CoxAnalysis`), never the result
/// table; the numbers come from `CoxResiduals` and `CoxZph` (Analysis).
struct CoxDiagnosticsLibrary: KaplanLibrary {
  let name = "cox_diagnostics"

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(functions: [residuals] + CoxZphBinding.functions, kinds: CoxZphBinding.kinds)
  }

  private static let types = CoxResidualType.allCases.map { $0.rawValue }

  private var residuals: KaplanFunction {
    KaplanFunction(
      "residuals", receiver: "cox", section: "Survival", signature: "m:residuals([type] [, opts])",
      summary: "Residuals of a Cox model as a dataset, as R's residuals.coxph: type \"martingale\" (default), "
        + "\"deviance\", \"score\", \"schoenfeld\", \"scaledsch\", \"dfbeta\" or \"dfbetas\". One row per row "
        + "of the data (column `row`; NA where the fit dropped the row for a missing value), one column per "
        + "coefficient for the matrix types; the Schoenfeld types have one row per event (`row`, `time`, "
        + "`strata`). dfbeta and dfbetas are multiplied by the case weights, the others are not (as R).",
      options: [
        OptionSpec("collapse", .either(.boolean, .column), default: .boolean(false),
                   doc: "sum the residuals per cluster: true for the model's cluster() column, or a column name "
                     + "(R's collapse); one row per value, sorted"),
      ],
      optionsArgument: 2,
      example: """
        local m = cox(dataset("lung"), "Surv(time, status) ~ age + sex + ph.ecog")
        local r = m:residuals("martingale")
        print(r:head(3))
        print(m:residuals("dfbeta"):head(3))
        print(m:residuals("schoenfeld"):head(3))
        """
    ) { call in
      let model = try call.receiver(as: CoxAnalysis.self)
      var type = CoxResidualType.martingale
      if !call.lua.isNil(2) {
        let given = call.lua.typeName(2) == "string" ? try call.lua.string(2) : nil
        guard let name = given, let t = CoxResidualType(rawValue: name) else {
          let shown = given.map { "\"\($0)\"" } ?? call.lua.typeName(2)
          throw call.lua.argumentError(
            2, "residual type must be one of " + Self.types.map { "\"\($0)\"" }.joined(separator: ", ")
              + ", got \(shown)")
        }
        type = t
      }
      var collapse = CoxResiduals.Collapse.none
      switch try call.options.value("collapse") {
      case .boolean(true)?: collapse = .cluster
      case let value? where value.typeName == "string": collapse = .column(value.stringValue ?? "")
      default: break
      }
      let result = try CoxResiduals(model: model, type: type, collapse: collapse)
      return [.object(try LuaDataset(try result.dataset()))]
    }
  }
}
