import Foundation
import Testing
import TestSupport
@testable import Survival

/// Tiny data worked by hand, in the manner of Therneau & Grambsch's appendix
/// (R survival tests/book1.R, book2.R): six subjects, one binary covariate,
/// two tied deaths at t = 2. With r = exp(β):
///
///   t=1: risk set x = (1,1,1,0,0,0), subject 1 (x=1) dies.
///   t=2: risk set x = (1,0,0,0), subjects 3 (x=1) and 4 (x=0) die.
///   t=3: censored; t=4: subject 6 (x=0) dies alone.
struct CoxHandWorkedTests {
  static let time: [Double] = [1, 1, 2, 2, 3, 4]
  static let status: [Double] = [1, 0, 1, 1, 0, 1]
  static let x: [Double] = [1, 1, 1, 0, 0, 0]
  static let weights: [Double] = [1, 2, 1, 3, 1, 2]

  /// The kernels sum a handful of terms; only round-off separates them from the formulas.
  static let handTolerance = Tolerance.closedForm

  func evaluate(_ beta: Double, ties: CoxTies, weights: [Double]? = nil) throws
    -> CoxLikelihoodEvaluation
  {
    try CoxModel.partialLikelihood(
      time: Self.time, status: Self.status, covariates: Self.x, columns: 1, beta: [beta],
      weights: weights, ties: ties)
  }

  func expectHand(
    _ e: CoxLikelihoodEvaluation, loglik: Double, score: Double, information: Double,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(approxEqual(e.loglik, loglik, relative: Self.handTolerance), sourceLocation: sourceLocation)
    #expect(
      approxEqual(e.score[0], score, relative: Self.handTolerance, absoluteFloor: 1e-14),
      sourceLocation: sourceLocation)
    #expect(
      approxEqual(e.information[0], information, relative: Self.handTolerance),
      sourceLocation: sourceLocation)
  }

  @Test(arguments: [0.0, log(2.0), -1.3])
  func breslowUnweighted(beta: Double) throws {
    let r = exp(beta)
    // ℓ = 2β − log(3r+3) − 2 log(r+3)
    let m1 = 3 * r / (3 * r + 3)
    let m2 = r / (r + 3)
    expectHand(
      try evaluate(beta, ties: .breslow),
      loglik: 2 * beta - log(3 * r + 3) - 2 * log(r + 3),
      score: (1 - m1) + (1 - 2 * m2),
      information: m1 * (1 - m1) + 2 * m2 * (1 - m2))
  }

  @Test(arguments: [0.0, log(2.0), -1.3])
  func efronUnweighted(beta: Double) throws {
    let r = exp(beta)
    // t=2 in two halves: denominators r+3 and (r+3) − (r+1)/2 = (r+5)/2.
    let m1 = 3 * r / (3 * r + 3)
    let m2a = r / (r + 3)
    let m2b = (r / 2) / ((r + 5) / 2)
    expectHand(
      try evaluate(beta, ties: .efron),
      loglik: 2 * beta - log(3 * r + 3) - log(r + 3) - log((r + 5) / 2),
      score: (1 - m1) + (1 - m2a - m2b),
      information: m1 * (1 - m1) + m2a * (1 - m2a) + m2b * (1 - m2b))
  }

  @Test(arguments: [0.0, log(2.0), -1.3])
  func exactUnweighted(beta: Double) throws {
    let r = exp(beta)
    // t=2: the 2-subsets of {x=1, 0, 0, 0}: three hold the x=1 subject
    // (product r), three do not (product 1): B = 3r + 3.
    let m1 = 3 * r / (3 * r + 3)
    let m2 = 3 * r / (3 * r + 3)
    expectHand(
      try evaluate(beta, ties: .exact),
      loglik: 2 * beta - log(3 * r + 3) - log(3 * r + 3),
      score: (1 - m1) + (1 - m2),
      information: m1 * (1 - m1) + m2 * (1 - m2))
  }

  @Test(arguments: [0.0, log(2.0), -1.3])
  func breslowWeighted(beta: Double) throws {
    let r = exp(beta)
    // w = (1,2,1,3,1,2). t=1: S0 = 4r + 6. t=2: S0 = r + 6, death weight 4.
    // t=4: subject 6 alone, S0 = 2, contributes −2 log 2.
    let m1 = 4 * r / (4 * r + 6)
    let m2 = r / (r + 6)
    expectHand(
      try evaluate(beta, ties: .breslow, weights: Self.weights),
      loglik: beta - log(4 * r + 6) + beta - 4 * log(r + 6) - 2 * log(2),
      score: (1 - m1) + (1 - 4 * m2),
      information: m1 * (1 - m1) + 4 * m2 * (1 - m2))
  }

  @Test(arguments: [0.0, log(2.0), -1.3])
  func efronWeighted(beta: Double) throws {
    let r = exp(beta)
    // t=2: mean death weight 2; denominators r+6 and (r+6) − (r+3)/2 = (r+9)/2,
    // covariate sums r and r/2.
    let m1 = 4 * r / (4 * r + 6)
    let m2a = r / (r + 6)
    let m2b = r / (r + 9)
    expectHand(
      try evaluate(beta, ties: .efron, weights: Self.weights),
      loglik: beta - log(4 * r + 6) + beta - 2 * log(r + 6) - 2 * log((r + 9) / 2) - 2 * log(2),
      score: (1 - m1) + (1 - 2 * m2a - 2 * m2b),
      information: m1 * (1 - m1) + 2 * m2a * (1 - m2a) + 2 * m2b * (1 - m2b))
  }

  /// Exact ties on (start, stop] data: six rows, one covariate, r = exp(β).
  ///
  ///   row  (start, stop]  x  event
  ///    1      (0, 4]      1    1
  ///    2      (2, 4]      0    1
  ///    3      (0, 6]      1    0
  ///    4      (4, 7]      0    1     enters at 4: not at risk at t = 4
  ///    5      (1, 3]      2    1
  ///    6      (3, 7]      1    0
  ///
  /// t=3: risk set {1, 2, 3, 5}, x = (1, 0, 1, 2), row 5 dies alone:
  ///      B = r + 1 + r + r² = (1+r)², term 2β − 2 log(1+r),
  ///      U = 2 − 2r/(1+r), I = 2r/(1+r)².
  /// t=4: risk set {1, 2, 3, 6} (start < 4 ≤ stop), x = (1, 0, 1, 1); rows 1
  ///      and 2 die. 2-subsets: the three pairs of x=1 rows (product r², sum
  ///      of x 2) and the three pairs with row 2 (product r, sum 1):
  ///      B = 3r² + 3r = 3r(1+r), numerator exp(1·β + 0·β) = r,
  ///      term β − log 3 − β − log(1+r) = −log 3 − log(1+r);
  ///      U = 1 − (6r² + 3r)/(3r² + 3r) = −r/(1+r);
  ///      I = (4·3r² + 1·3r)/(3r² + 3r) − ((2r+1)/(r+1))² = r/(1+r)².
  /// t=7: risk set {4, 6}, x = (0, 1), row 4 dies: B = 1 + r,
  ///      term −log(1+r), U = −r/(1+r), I = r/(1+r)².
  /// Total: ℓ = 2β − log 3 − 4 log(1+r), U = 2 − 4r/(1+r), I = 4r/(1+r)².
  /// (Counting row 4 at t = 4, as start ≤ t would, gives B = 3r² + 6r + 1.)
  @Test(arguments: [0.0, log(2.0), -1.3])
  func exactCountingProcess(beta: Double) throws {
    let r = exp(beta)
    let e = try CoxModel.partialLikelihood(
      time: [4, 4, 6, 7, 3, 7], status: [1, 1, 0, 1, 1, 0], covariates: [1, 0, 1, 0, 2, 1],
      columns: 1, beta: [beta], ties: .exact, start: [0, 2, 0, 4, 1, 3])
    expectHand(
      e, loglik: 2 * beta - log(3) - 4 * log(1 + r), score: 2 - 4 * r / (1 + r),
      information: 4 * r / ((1 + r) * (1 + r)))
  }

  /// Splitting each subject's follow-up into (start, stop] pieces leaves the
  /// likelihood unchanged, so the counting-process fit must equal the
  /// right-censored one (exact ties: without weights, which R refuses).
  @Test(arguments: [CoxTies.efron, .breslow, .exact])
  func countingProcessSplitEqualsUnsplit(ties: CoxTies) throws {
    let weights = ties == .exact ? [Double](repeating: 1, count: Self.time.count) : Self.weights
    let whole = try CoxModel.fit(
      time: Self.time, status: Self.status, covariates: Self.x, columns: 1,
      weights: weights, options: CoxOptions(ties: ties))
    var start: [Double] = []
    var stop: [Double] = []
    var status: [Double] = []
    var x: [Double] = []
    var w: [Double] = []
    for i in 0..<Self.time.count {
      if Self.time[i] > 1.5 {
        start += [0, 1.5]
        stop += [1.5, Self.time[i]]
        status += [0, Self.status[i]]
        x += [Self.x[i], Self.x[i]]
        w += [weights[i], weights[i]]
      } else {
        start.append(0)
        stop.append(Self.time[i])
        status.append(Self.status[i])
        x.append(Self.x[i])
        w.append(weights[i])
      }
    }
    let split = try CoxModel.fit(
      start: start, stop: stop, status: status, covariates: x, columns: 1, weights: w,
      options: CoxOptions(ties: ties))
    #expect(approxEqual(split.coefficients[0], whole.coefficients[0], relative: 1e-9))
    #expect(approxEqual(split.loglik, whole.loglik, relative: 1e-12))
    #expect(approxEqual(split.loglikInitial, whole.loglikInitial, relative: 1e-12))
    #expect(approxEqual(split.standardErrors[0], whole.standardErrors[0], relative: 1e-9))
  }

  /// Without tied deaths Efron, Breslow and exact are the same likelihood.
  @Test func noTiesAllMethodsAgree() throws {
    let time: [Double] = [5, 3, 9, 1, 7, 4]
    let status: [Double] = [1, 1, 0, 1, 1, 0]
    let x: [Double] = [0.5, -1, 2, 0.3, 1.1, -0.4]
    let fits = try CoxTies.allCases.map {
      try CoxModel.fit(time: time, status: status, covariates: x, columns: 1,
                       options: CoxOptions(ties: $0))
    }
    for fit in fits.dropFirst() {
      #expect(approxEqual(fit.coefficients[0], fits[0].coefficients[0], relative: 1e-9))
      #expect(approxEqual(fit.loglik, fits[0].loglik, relative: 1e-12))
    }
  }
}

/// Bad input: thrown errors with clear messages, or R's result.
struct CoxBadInputTests {
  let time: [Double] = [1, 2, 3, 4]
  let status: [Double] = [1, 0, 1, 1]
  let x: [Double] = [0.1, 0.5, -0.2, 0.9]

  func message(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let error as CoxInputError {
      return error.message
    } catch {
      return "unexpected \(error)"
    }
  }

  @Test func mismatchedLengths() {
    #expect(
      message { _ = try CoxModel.fit(time: time, status: [1, 0], covariates: x, columns: 1) }
        == "status has 2 values but time has 4")
    #expect(
      message { _ = try CoxModel.fit(time: time, status: status, covariates: [1, 2], columns: 1) }
        == "covariates has 2 values, expected n × p = 4 × 1 (column-major)")
    #expect(
      message {
        _ = try CoxModel.fit(
          time: time, status: status, covariates: x, columns: 1, strata: [0, 1])
      } == "strata has 2 values but time has 4")
  }

  @Test func invalidValues() {
    #expect(
      message { _ = try CoxModel.fit(time: time, status: [1, 2, 0, 1], covariates: x, columns: 1) }
        == "status[2] is 2.0; status must be 0 (censored) or 1 (event)")
    #expect(
      message { _ = try CoxModel.fit(time: time, status: [0, 0, 0, 0], covariates: x, columns: 1) }
        == "no events: a Cox model cannot be fitted with 0 failures")
    #expect(
      message {
        _ = try CoxModel.fit(
          time: time, status: status, covariates: [0.1, .nan, 0, 1], columns: 1)
      } == "covariate column 1, row 2 is not a finite number")
    #expect(
      message {
        _ = try CoxModel.fit(
          time: time, status: status, covariates: x, columns: 1, weights: [1, 0, 1, 1])
      } == "weights[2] is 0.0; case weights must be finite and > 0")
    #expect(
      message {
        _ = try CoxModel.fit(
          start: [0, 2, 0, 0], stop: time, status: status, covariates: x, columns: 1)
      } == "stop time must be > start time (row 2)")
    #expect(
      message {
        _ = try CoxModel.fit(
          time: time, status: status, covariates: x, columns: 1, weights: [1, 2, 1, 1],
          options: CoxOptions(ties: .exact))
      } == "case weights are not supported for ties = exact (as in R)")
  }

  /// A constant covariate: R keeps it uncentred, the information is singular,
  /// the coefficient is NA (here NaN) and the fit carries on.
  @Test func constantCovariateIsDropped() throws {
    let fit = try CoxModel.fit(
      time: time, status: status, covariates: x + [3, 3, 3, 3], columns: 2)
    #expect(fit.coefficients[1].isNaN)
    #expect(fit.singular == [false, true])
    #expect(fit.coefficients[0].isFinite)
    #expect(fit.waldTest.df == 1)
  }
}
