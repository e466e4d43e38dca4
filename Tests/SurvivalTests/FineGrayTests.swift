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
      func expectClose(_ ours: [Double], _ theirs: [Double], _ what: String) {
        #expect(allClose(ours, theirs, relative: tol), "\(label) \(what) \(firstMismatch(ours, theirs, relative: tol))")
      }
      #expect(fit.converged == ((spec["converged"] as? Bool) ?? false), "\(label) converged")
      let coef = CompetingRisksFixture.doubles(spec["coef"])
      expectClose(fit.coefficients, coef, "coef")
      let se = CompetingRisksFixture.doubles(spec["se"])
      expectClose(fit.standardErrors, se, "se")
      let variance = CompetingRisksFixture.rows(spec["var"]).flatMap { $0 }
      expectClose(fit.variance, variance, "var")
      let loglik = CompetingRisksFixture.doubles(spec["loglik"])[0]
      let loglikNull = CompetingRisksFixture.doubles(spec["loglik_null"])[0]
      #expect(
        approxEqual(fit.logLikelihood, loglik, relative: tol), "\(label) loglik \(fit.logLikelihood) vs \(loglik)")
      #expect(approxEqual(fit.nullLogLikelihood, loglikNull, relative: Tolerance.closedForm), "\(label) null loglik")
      let uftime = CompetingRisksFixture.doubles(spec["uftime"])
      #expect(fit.failureTimes == uftime, "\(label) uftime")
      let bfitj = CompetingRisksFixture.doubles(spec["bfitj"])
      expectClose(fit.baselineJumps, bfitj, "bfitj")
      // predict.crr: profiles column-major n_profiles × p; predictions rows = times.
      let np = try #require((spec["n_profiles"] as? NSNumber)?.intValue)
      let profiles = CompetingRisksFixture.doubles(spec["profiles"])
      let predicted = CompetingRisksFixture.rows(spec["predict_cif"])
      for j in 0..<np {
        let profile = (0..<p).map { profiles[$0 * np + j] }
        let ours = try fit.predict(profile)
        let theirs = predicted.map { $0[j] }
        expectClose(ours, theirs, "predict \(j)")
      }
    }
  }

  /// `summary.crr`'s pseudo likelihood-ratio test, 2 (ℓ(β̂) − ℓ(0)) on p df,
  /// against the fixtures' R log-likelihoods and R's
  /// `pchisq(2 * (loglik - loglik.null), p, lower.tail = FALSE)` of them
  /// (R 4.2.2), in fixture order.
  @Test(arguments: [
    ("colon", [5.4711399409927095e-06, 3.805855609468873e-05, 5.4735635619904287e-06]),
    ("myeloid", [0.056438624751736312]),
    ("tied", [9.7283481982609477e-11, 6.5076021381734462e-07, 1.082270051834371e-10]),
  ])
  func pseudoLikelihoodRatioTest(name: String, rP: [Double]) throws {
    let fx = try CompetingRisksFixture(name)
    let fits = try #require(fx.json["crr"] as? [[String: Any]])
    #expect(fits.count == rP.count)
    for (spec, expectedP) in zip(fits, rP) {
      let p = try #require((spec["p"] as? NSNumber)?.intValue)
      let failCode = try #require((spec["failcode"] as? NSNumber)?.intValue)
      let cengroup = spec["cengroup"] is [Any] ? CompetingRisksFixture.ints(spec["cengroup"]) : nil
      let fit = try FineGray.fit(
        time: fx.time, status: fx.status, covariates: CompetingRisksFixture.doubles(spec["x"]), p: p,
        failCode: failCode, censoringGroup: cengroup)
      let loglik = CompetingRisksFixture.doubles(spec["loglik"])[0]
      let loglikNull = CompetingRisksFixture.doubles(spec["loglik_null"])[0]
      let test = fit.likelihoodRatioTest
      let label = "\(name) failcode \(failCode)\(cengroup == nil ? "" : " cengroup")"
      #expect(test.df == p, "\(label) df")
      // The statistic is a difference of two log-likelihoods, each within
      // Tolerance.iterative of R's: its absolute error is bounded by theirs.
      let statisticTolerance = 2 * Tolerance.iterative * (abs(loglik) + abs(loglikNull))
      #expect(abs(test.statistic - 2 * (loglik - loglikNull)) <= statisticTolerance, "\(label) statistic")
      #expect(approxEqual(test.p, expectedP, relative: Tolerance.iterative), "\(label) p \(test.p) vs \(expectedP)")
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
