import Foundation

/// The exact partial likelihood for tied death times (R `ties = "exact"`,
/// the discrete/conditional-logistic model of Kalbfleisch & Prentice).
///
/// At a death time with risk set R (m rows, risk scores r_k = exp(η_k)) and
/// d deaths D, the term is exp(Σ_D η) / B(m, d), where B(m, d) — the sum of
/// Π r over all d-subsets of R — is the elementary symmetric polynomial
/// built by the recursion B(k, j) = B(k−1, j) + r_k B(k−1, j−1) (Gail,
/// Lubin & Rubinstein 1981). Its first and second derivatives in β follow
/// the same recursion:
///   ∂B(k,j) = ∂B(k−1,j) + r_k (x_k B(k−1,j−1) + ∂B(k−1,j−1)),
///   ∂²B(k,j) = ∂²B(k−1,j) + r_k (x_k x_kᵀ B + x_k ∂Bᵀ + ∂B x_kᵀ + ∂²B)(k−1,j−1),
/// giving ℓ = Σ_D η − log B, U = Σ_D x − ∂B/B, I = ∂²B/B − (∂B/B)(∂B/B)ᵀ.
/// A single death reduces to the Breslow term. Cost O(m d p²) per tied
/// death time. Case weights are not allowed (as in R).
///
/// Reference: R `survival` 3.5 `coxexact.fit`/`coxexact.c` (right-censored data).
final class CoxExactKernel: CoxLikelihoodKernel {
  let poll = KernelPoll()
  let data: CoxPreparedData
  var p: Int { data.p }
  private var term: CoxExactDeathTerm
  private var eta: [Double]

  init(data: CoxPreparedData) {
    self.data = data
    var maxDeaths = 1
    var k = 0
    while k < data.n {
      var e = k
      var d = 0
      while e < data.n && data.time[e] == data.time[k] && data.sortedStrata[e] == data.sortedStrata[k] {
        if data.statusValues[e] == 1 { d += 1 }
        e += 1
      }
      maxDeaths = max(maxDeaths, d)
      k = e
    }
    term = CoxExactDeathTerm(p: data.p, maxDeaths: maxDeaths)
    eta = [Double](repeating: 0, count: data.n)
  }

  func evaluate(beta: [Double], score u: inout [Double], information imat: inout [Double]) -> Double {
    let n = data.n
    let p = data.p
    let x = data.x
    var loglik = 0.0
    for i in 0..<p { u[i] = 0 }
    for i in 0..<(p * p) { imat[i] = 0 }
    for k in 0..<n {
      var e = data.offset[k]
      for j in 0..<p { e += beta[j] * x[k * p + j] }
      eta[k] = e
    }
    var blockStart = 0
    var work = 0
    while blockStart < n {
      var stratumEnd = blockStart
      while stratumEnd < n && data.sortedStrata[stratumEnd] == data.sortedStrata[blockStart] { stratumEnd += 1 }
      var k = blockStart
      while k < stratumEnd {
        var e = k
        var deaths = 0
        while e < stratumEnd && data.time[e] == data.time[k] {
          if data.statusValues[e] == 1 {
            deaths += 1
            loglik += eta[e]
            for j in 0..<p { u[j] += x[e * p + j] }
          }
          e += 1
        }
        if deaths > 0 {
          // The exact term costs O(risk set · deaths · p²): poll by work done.
          work &+= (stratumEnd - k) &* deaths &* (p * p + 1)
          if work > KernelPoll.interval {
            work = 0
            // Left early: the driver throws on seeing the same stop.
            if poll.stopRequested() { return loglik }
          }
          term.add(
            deaths: deaths, riskSet: k..<stratumEnd, eta: eta, x: x, loglik: &loglik, u: &u,
            imat: &imat)
        }
        k = e
      }
      blockStart = stratumEnd
    }
    return loglik
  }
}

/// The denominator of one exact death-time term and its derivatives: the
/// recursion B(k, j) = B(k−1, j) + r_k B(k−1, j−1) over the rows of the risk
/// set (in any order), with the derivative recursions of `CoxExactKernel`'s
/// doc comment. It subtracts log B(m, d) from ℓ, ∂B/B from U and adds
/// ∂²B/B − (∂B/B)(∂B/B)ᵀ to I; the caller adds Σ_D η and Σ_D x. Scratch for
/// up to `maxDeaths` tied deaths is allocated once.
struct CoxExactDeathTerm {
  let p: Int
  private var b: [Double]
  private var db: [Double]
  private var d2b: [Double]
  private var rowOuter: [Double]

  init(p: Int, maxDeaths: Int) {
    self.p = p
    b = [Double](repeating: 0, count: maxDeaths + 1)
    db = [Double](repeating: 0, count: (maxDeaths + 1) * p)
    d2b = [Double](repeating: 0, count: (maxDeaths + 1) * p * p)
    rowOuter = [Double](repeating: 0, count: p * p)
  }

  /// - Parameters:
  ///   - riskSet: the sorted positions at risk (deaths included).
  ///   - eta: linear predictor per sorted position; `x` row-major n × p.
  mutating func add<Rows: Sequence>(
    deaths d: Int, riskSet: Rows, eta: [Double], x: [Double], loglik: inout Double,
    u: inout [Double], imat: inout [Double]
  ) where Rows.Element == Int {
    let pp = p * p
    for j in 0...d { b[j] = j == 0 ? 1 : 0 }
    for i in 0..<((d + 1) * p) { db[i] = 0 }
    for i in 0..<((d + 1) * pp) { d2b[i] = 0 }
    for row in riskSet {
      let r = exp(eta[row])
      for i in 0..<p { for l in 0..<p { rowOuter[i * p + l] = x[row * p + i] * x[row * p + l] } }
      // Degrees from high to low, so each update reads the previous row's values.
      for j in stride(from: d, through: 1, by: -1) {
        let previous = j - 1
        let bPrevious = b[previous]
        for i in 0..<p {
          for l in 0...i {
            let term = rowOuter[i * p + l] * bPrevious
              + x[row * p + i] * db[previous * p + l] + db[previous * p + i] * x[row * p + l]
              + d2b[previous * pp + i * p + l]
            d2b[j * pp + i * p + l] += r * term
          }
        }
        for i in 0..<p {
          db[j * p + i] += r * (x[row * p + i] * bPrevious + db[previous * p + i])
        }
        b[j] += r * bPrevious
      }
    }
    let denominator = b[d]
    loglik -= log(denominator)
    for i in 0..<p {
      let mi = db[d * p + i] / denominator
      u[i] -= mi
      for l in 0...i {
        let ml = db[d * p + l] / denominator
        let value = d2b[d * pp + i * p + l] / denominator - mi * ml
        imat[i * p + l] += value
        if l != i { imat[l * p + i] += value }
      }
    }
  }
}
