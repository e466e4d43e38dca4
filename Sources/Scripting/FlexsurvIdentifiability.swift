import Analysis
import LuaHost

/// Refuses a flexsurv fit with fewer rows than parameters (session-7 review:
/// a one-row generalised-gamma fit has no finite log-likelihood and its
/// printout failed as "its table was edited"). Such a likelihood has no
/// unique maximum, so there is no estimate to report (R's flexsurvreg, whose
/// optim stops at a singular Hessian, warns or errors on such data; flexsurv
/// is not installed here to compare wording). The error says how many rows
/// the family needs.
enum FlexsurvIdentifiability {
  static func check(_ a: FlexsurvAnalysis) throws {
    let q = a.parameterCount
    guard a.n < q else { return }
    let rows = a.n == 1 ? "1 row" : "\(a.n) rows"
    throw LuaError.runtime(
      "flexsurv: \(rows) cannot identify the \(q) parameters of the \(a.distribution.label) model "
        + "(\(a.parameterNames.joined(separator: ", "))); give at least \(q) rows")
  }
}
