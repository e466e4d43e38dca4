import Dispatch
import Foundation

/// How a row of a parametric survival model is censored, as the status
/// column of R's `Surv(type = "interval")`: 0 right-censored (y > y₁),
/// 1 exact, 2 left-censored (y ≤ y₁), 3 interval-censored (y₁ < y ≤ y₂).
public enum SurvregCensoring: UInt8, Sendable {
  case right = 0, exact = 1, left = 2, interval = 3
}

/// The response and design of a parametric fit, as contiguous buffers.
///
/// `y1` is the (transformed) time, or the lower end of an interval; `y2` the
/// upper end for interval rows (ignored elsewhere; may be empty when no
/// row is interval-censored). `x` is the n × p design, column-major (column
/// j is `x[j·n ..< (j+1)·n]`, as `DesignMatrix` holds it, so the fit reads
/// the model frame's columns without transposing them) and includes the
/// intercept column. `strata` (0-based, k levels) gives each row's scale;
/// nil is one scale.
public struct SurvregData: Sendable {
  public let n: Int
  public let p: Int
  public let y1: [Double]
  public let y2: [Double]
  public let status: [SurvregCensoring]
  /// Column-major n × p.
  public let x: [Double]
  public let weights: [Double]?
  public let offset: [Double]?
  public let strata: [Int]?
  public let strataCount: Int

  /// The data with the design given column-major (`columns[j·n + i]`).
  public init(
    y1: [Double], y2: [Double], status: [SurvregCensoring], columns: [Double], p: Int, weights: [Double]? = nil,
    offset: [Double]? = nil, strata: [Int]? = nil, strataCount: Int = 1
  ) {
    self.n = y1.count
    self.p = p
    self.y1 = y1
    self.y2 = y2
    self.status = status
    self.x = columns
    self.weights = weights
    self.offset = offset
    self.strata = strata
    self.strataCount = max(1, strataCount)
  }

  /// The data with the design given row-major (`x[i·p + j]`), transposed once.
  public init(
    y1: [Double], y2: [Double], status: [SurvregCensoring], x: [Double], p: Int, weights: [Double]? = nil,
    offset: [Double]? = nil, strata: [Int]? = nil, strataCount: Int = 1
  ) {
    let n = y1.count
    var columns = [Double](repeating: 0, count: x.count)
    if x.count == n * p {
      for i in 0..<n { for j in 0..<p { columns[j * n + i] = x[i * p + j] } }
    } else {
      columns = x  // a shape error, reported by the fit
    }
    self.init(
      y1: y1, y2: y2, status: status, columns: columns, p: p, weights: weights, offset: offset, strata: strata,
      strataCount: strataCount)
  }
}

/// One row's log-likelihood and its derivatives in the linear predictor η
/// and in τ = log σ.
struct SurvregRowTerms {
  var loglik = 0.0
  var eta = 0.0
  var etaEta = 0.0
  var tau = 0.0
  var tauTau = 0.0
  var etaTau = 0.0

  /// R's floor of a row whose probability is 0 in doubles (survregc1's `SMALL`): such a row counts as
  /// log-probability −200, whatever the parameters, instead of a log-probability below −744 that would let
  /// one impossible row (a time of 1e200 under a Weibull fitted to the others) decide the whole fit. R
  /// documents it as "what to use for log(f(x)) when f(x) gives a zero". The row's derivatives are those of a
  /// constant (R puts arbitrary ones there, which keep its Newton steps from settling: with one such row its
  /// Weibull fit runs out of iterations).
  static let floored = SurvregRowTerms(loglik: floorLoglik)
  static let floorLoglik = -200.0
  /// log of the least positive double: a log-probability below it is a probability that underflows to 0.
  static let underflow = log(Double.leastNonzeroMagnitude)
}

extension SurvregDistribution.Base {
  /// The contribution of one row on the y scale (without the Jacobian of
  /// the log transform, which R adds once to the total).
  ///
  /// With z = (y − η)/σ, ∂z/∂η = −1/σ and ∂z/∂τ = −z, a term ℓ = L(z) with
  /// L = log f − τ (exact), log S (right) or log F (left) has
  /// ℓ_η = −L′/σ, ℓ_ηη = L″/σ², ℓ_τ = −zL′ (− 1 when exact),
  /// ℓ_ττ = z²L″ + zL′, ℓ_ητ = (zL″ + L′)/σ (Kalbfleisch & Prentice §3.6).
  /// An interval row has ℓ = log D, D = S(z₁) − S(z₂) (F(z₂) − F(z₁) when
  /// z₁ ≤ 0, for precision, as R's `survreg`), and its derivatives follow from
  /// D's: D_η = (f₁ − f₂)/σ, D_τ = f₁z₁ − f₂z₂, and so on. A row whose probability underflows is
  /// `SurvregRowTerms.floored`, as R's.
  @inline(__always)
  func rowTerms(
    _ status: SurvregCensoring, y1: Double, y2: Double, eta: Double, sigma: Double, logSigma: Double
  ) -> SurvregRowTerms {
    let z = (y1 - eta) / sigma
    var t = SurvregRowTerms()
    let term: LogTerm
    switch status {
    case .exact:
      term = logDensity(z)
    case .right:
      term = logSurvival(z)
    case .left:
      term = logDistribution(z)
    case .interval:
      let z2 = (y2 - eta) / sigma
      let (f1, g1) = density(z)
      let (f2, g2) = density(z2)
      let d: Double
      if z > 0 {
        d = probabilities(z).survival - probabilities(z2).survival
      } else {
        d = probabilities(z2).distribution - probabilities(z).distribution
      }
      // An infinite end contributes no density (f = f' = 0, z·f = 0).
      let zf1 = z.isFinite ? z * f1 : 0, zf2 = z2.isFinite ? z2 * f2 : 0
      let zg1 = z.isFinite ? z * g1 : 0, zg2 = z2.isFinite ? z2 * g2 : 0
      let zzg1 = z.isFinite ? z * zg1 : 0, zzg2 = z2.isFinite ? z2 * zg2 : 0
      let dEta = (f1 - f2) / sigma
      let dEtaEta = (g2 - g1) / (sigma * sigma)
      let dTau = zf1 - zf2
      let dTauTau = -zzg1 - zf1 + zzg2 + zf2
      let dEtaTau = (-zg1 + zg2 - f1 + f2) / sigma
      guard d > 0 else { return .floored }
      let a = dEta / d, b = dTau / d
      t.loglik = log(d)
      t.eta = a
      t.etaEta = dEtaEta / d - a * a
      t.tau = b
      t.tauTau = dTauTau / d - b * b
      t.etaTau = dEtaTau / d - a * b
      return t
    }
    if term.value < SurvregRowTerms.underflow { return .floored }
    t.loglik = term.value
    t.eta = -term.first / sigma
    t.etaEta = term.second / (sigma * sigma)
    t.tau = -z * term.first
    t.tauTau = z * z * term.second + z * term.first
    t.etaTau = (z * term.second + term.first) / sigma
    if status == .exact {
      t.loglik -= logSigma
      t.tau -= 1
    }
    return t
  }
}

/// The log-likelihood of a location–scale model with its gradient and
/// information (minus the Hessian) in θ = (β, log σ₁, …, log σₖ), summed
/// over the rows in one fused pass over the contiguous columns with no
/// allocation per row. From 2¹⁶ rows the pass is split between two workers at the middle
/// row, each summing into its own slot; the two sums are then added in a
/// fixed order, so the result depends on the data only, never on timing.
struct SurvregLikelihood {
  let data: SurvregData
  let base: SurvregDistribution.Base
  /// The fixed scale, or nil when the k log-scales are parameters.
  let fixedScale: Double?
  /// Every row exact or right-censored: the kernel's extreme-value rows then take no branch on the status.
  let exactOrRightOnly: Bool

  init(data: SurvregData, base: SurvregDistribution.Base, fixedScale: Double?) {
    self.data = data
    self.base = base
    self.fixedScale = fixedScale
    exactOrRightOnly = data.status.withUnsafeBufferPointer { status in
      !status.contains { $0 == .left || $0 == .interval }
    }
  }

  var scaleCount: Int { fixedScale == nil ? data.strataCount : 0 }
  var parameterCount: Int { data.p + scaleCount }

  /// Rows from which the pass is shared by two workers.
  static let parallelRows = 1 << 16

  /// ℓ(θ); fills `gradient` (q) and `information` (q × q, row-major, full)
  /// when `derivatives` is true.
  func evaluate(
    _ theta: [Double], gradient: inout [Double], information: inout [Double], derivatives: Bool = true
  ) -> Double {
    let q = parameterCount, n = data.n
    let workers = n >= Self.parallelRows ? 2 : 1
    let slot = 1 + q + q * q
    var sums = [Double](repeating: 0, count: workers * slot)
    let empty: [Double] = []
    let emptyStrata: [Int] = []
    let kernel = SurvregRowKernel(
      p: data.p, q: q, base: base, fixedScale: fixedScale, derivatives: derivatives,
      hasInterval: data.y2.count == n, hasWeights: data.weights != nil, hasOffset: data.offset != nil,
      hasStrata: data.strata != nil, exactOrRightOnly: exactOrRightOnly)
    theta.withUnsafeBufferPointer { th in
      data.x.withUnsafeBufferPointer { x in
        data.y1.withUnsafeBufferPointer { y1 in
          data.y2.withUnsafeBufferPointer { y2 in
            data.status.withUnsafeBufferPointer { status in
              (data.weights ?? empty).withUnsafeBufferPointer { w in
                (data.offset ?? empty).withUnsafeBufferPointer { off in
                  (data.strata ?? emptyStrata).withUnsafeBufferPointer { st in
                    sums.withUnsafeMutableBufferPointer { out in
                      let inputs = SurvregRowInputs(
                        theta: SharedReads(th), x: SharedReads(x), y1: SharedReads(y1), y2: SharedReads(y2),
                        status: SharedReads(status), weights: SharedReads(w), offset: SharedReads(off),
                        strata: SharedReads(st))
                      // Worker w sums rows [w·n/2, (w+1)·n/2) into its own slot w of `out`.
                      let slots = DisjointWrites(out)
                      if workers == 1 {
                        kernel.run(0..<n, inputs, into: slots, at: 0)
                      } else {
                        DispatchQueue.concurrentPerform(iterations: workers) { wk in
                          let lo = wk * n / workers, hi = (wk + 1) * n / workers
                          kernel.run(lo..<hi, inputs, into: slots, at: wk * slot)
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    var loglik = sums[0]
    for wk in 1..<workers { loglik += sums[wk * slot] }
    guard derivatives else { return loglik }
    for j in 0..<q {
      var g = sums[1 + j]
      for wk in 1..<workers { g += sums[wk * slot + 1 + j] }
      gradient[j] = g
    }
    for j in 0..<q {
      for k in 0...j {
        var h = sums[1 + q + j * q + k]
        for wk in 1..<workers { h += sums[wk * slot + 1 + q + j * q + k] }
        information[j * q + k] = h
        information[k * q + j] = h
      }
    }
    return loglik
  }
}

/// The buffers a worker reads (optional ones empty when absent).
struct SurvregRowInputs: Sendable {
  let theta: SharedReads<Double>
  let x: SharedReads<Double>
  let y1: SharedReads<Double>
  let y2: SharedReads<Double>
  let status: SharedReads<SurvregCensoring>
  let weights: SharedReads<Double>
  let offset: SharedReads<Double>
  let strata: SharedReads<Int>
}
