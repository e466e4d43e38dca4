import Foundation
import Testing
import TestSupport
@testable import Survival

/// Fine–Gray regression against R cmprsk 2.2-11 `crr` and `predict.crr`
/// (fixtures of scripts/fixtures/competing_risks.R): colon with the factor
/// rx expanded by model.matrix plus numeric age, sex, obstruct (both causes);
/// myeloid with trt and sex; the tied generated data with numeric and
/// dummy covariates; with censoring groups (cengroup) on colon and tied.
/// Iterative results are compared at Tolerance.iterative.
struct FineGrayTests {
  @Test(arguments: ["colon", "myeloid", "tied"])
  func crrMatches(name: String) throws {
    let fx = try CompetingRisksFixture(name)
    let fits = try #require(fx.json["crr"] as? [[String: Any]])
    #expect(!fits.isEmpty)
    for spec in fits {
      let p = try #require((spec["p"] as? NSNumber)?.intValue)
      let failCode = try #require((spec["failcode"] as? NSNumber)?.intValue)
      let x = CompetingRisksFixture.doubles(spec["x"])
      let cengroup = spec["cengroup"] is [Any] ? CompetingRisksFixture.ints(spec["cengroup"]) : nil
      let fit = try FineGray.fit(
        time: fx.time, status: fx.status, covariates: x, p: p, failCode: failCode, censoringGroup: cengroup)
      let label = "\(name) failcode \(failCode)\(cengroup == nil ? "" : " cengroup")"
      let tol = Tolerance.iterative
      #expect(fit.converged == ((spec["converged"] as? Bool) ?? false), "\(label) converged")
      let coef = CompetingRisksFixture.doubles(spec["coef"])
      #expect(allClose(fit.coefficients, coef, relative: tol),
        "\(label) coef \(firstMismatch(fit.coefficients, coef, relative: tol))")
      let se = CompetingRisksFixture.doubles(spec["se"])
      #expect(allClose(fit.standardErrors, se, relative: tol),
        "\(label) se \(firstMismatch(fit.standardErrors, se, relative: tol))")
      let variance = CompetingRisksFixture.rows(spec["var"]).flatMap { $0 }
      #expect(allClose(fit.variance, variance, relative: tol),
        "\(label) var \(firstMismatch(fit.variance, variance, relative: tol))")
      let loglik = CompetingRisksFixture.doubles(spec["loglik"])[0]
      let loglikNull = CompetingRisksFixture.doubles(spec["loglik_null"])[0]
      #expect(approxEqual(fit.logLikelihood, loglik, relative: tol),
        "\(label) loglik \(fit.logLikelihood) vs \(loglik)")
      #expect(approxEqual(fit.nullLogLikelihood, loglikNull, relative: Tolerance.closedForm), "\(label) null loglik")
      let uftime = CompetingRisksFixture.doubles(spec["uftime"])
      #expect(fit.failureTimes == uftime, "\(label) uftime")
      let bfitj = CompetingRisksFixture.doubles(spec["bfitj"])
      #expect(allClose(fit.baselineJumps, bfitj, relative: tol),
        "\(label) bfitj \(firstMismatch(fit.baselineJumps, bfitj, relative: tol))")
      // predict.crr: profiles column-major n_profiles × p; predictions rows = times.
      let np = try #require((spec["n_profiles"] as? NSNumber)?.intValue)
      let profiles = CompetingRisksFixture.doubles(spec["profiles"])
      let predicted = CompetingRisksFixture.rows(spec["predict_cif"])
      for j in 0..<np {
        let profile = (0..<p).map { profiles[$0 * np + j] }
        let ours = fit.predict(profile)
        let theirs = predicted.map { $0[j] }
        #expect(allClose(ours, theirs, relative: tol),
          "\(label) predict \(j) \(firstMismatch(ours, theirs, relative: tol))")
      }
    }
  }

  /// Without competing causes and censoring, crr's likelihood is Cox's
  /// partial likelihood (Breslow ties); one binary covariate, times 1...4,
  /// x = 1,0,1,0, all failing: ℓ(0) = −log 4 − log 3 − log 2.
  @Test func nullLikelihoodByHand() throws {
    let fit = try FineGray.fit(time: [1, 2, 3, 4], status: [1, 1, 1, 1], covariates: [1, 0, 1, 0], p: 1)
    #expect(approxEqual(fit.nullLogLikelihood, -(log(4.0) + log(3.0) + log(2.0)), relative: 1e-14))
    #expect(fit.failureTimes == [1, 2, 3, 4])
  }
}
