import Foundation

/// The standard law of a pass, as a type: the kernel is generic over it, so each law gets its own compiled loop
/// (its log f, log S and log F inlined) with no per-row switch on the distribution.
protocol SurvregStandardLaw {
  static var base: SurvregDistribution.Base { get }
}

enum SurvregExtremeValueLaw: SurvregStandardLaw {
  static var base: SurvregDistribution.Base { .extremeValue }
}

enum SurvregLogisticLaw: SurvregStandardLaw {
  static var base: SurvregDistribution.Base { .logistic }
}

enum SurvregNormalLaw: SurvregStandardLaw {
  static var base: SurvregDistribution.Base { .normal }
}

/// One worker's pass over a range of rows: ℓ, then the gradient (q), then
/// the lower triangle of the information (q × q) into its slot.
///
/// Rows go in blocks of `blockRows`. For a block: η column by column (the
/// offset, then x₀β₀, x₁β₁, … added in that order, as a row-by-row sum), then
/// each row's terms (ℓ and the log-scale sums added row by row, in row order),
/// keeping the weights a = w·ℓ_η, b = −w·ℓ_ηη and e = −w·ℓ_ητ; then the
/// cross-products Σ a·xⱼ, Σ (b·xⱼ)·xₖ and Σ e·xⱼ as dot products over the
/// block's contiguous column segments, four lanes at a time. The lanes change
/// the order of the additions within a block (the last bits of the gradient
/// and information, well under 1e-12 relative), not ℓ, which stays a
/// row-order sum. Everything depends on the rows and the split only.
struct SurvregRowKernel: Sendable {
  let p: Int
  let q: Int
  let base: SurvregDistribution.Base
  let fixedScale: Double?
  let derivatives: Bool
  let hasInterval: Bool
  let hasWeights: Bool
  let hasOffset: Bool
  let hasStrata: Bool
  /// No left- or interval-censored row (`SurvregLikelihood.exactOrRightOnly`).
  let exactOrRightOnly: Bool

  /// Rows per block: the block's η, weights and products stay in the first-level cache.
  static let blockRows = 256

  func run(_ rows: Range<Int>, _ input: SurvregRowInputs, into out: DisjointWrites<Double>, at start: Int) {
    switch base {
    case .extremeValue: run(SurvregExtremeValueLaw.self, rows, input, into: out, at: start)
    case .logistic: run(SurvregLogisticLaw.self, rows, input, into: out, at: start)
    case .normal: run(SurvregNormalLaw.self, rows, input, into: out, at: start)
    }
  }

  @inline(never)
  func run<Law: SurvregStandardLaw>(
    _ law: Law.Type, _ rows: Range<Int>, _ input: SurvregRowInputs, into out: DisjointWrites<Double>, at start: Int
  ) {
    let p = self.p, q = self.q
    guard let th = input.theta.baseAddress, let x = input.x.baseAddress, let y1 = input.y1.baseAddress,
      let status = input.status.baseAddress, let base0 = out.baseAddress
    else {
      out.baseAddress?[start] = 0
      return
    }
    let y2 = input.y2.baseAddress, weights = input.weights.baseAddress
    let offset = input.offset.baseAddress, strata = input.strata.baseAddress
    // σ and log σ of each stratum, once per pass rather than an exp per row.
    let scales = fixedScale == nil ? max(1, input.theta.count - p) : 1
    var logSigmas = [Double](repeating: fixedScale.map { log($0) } ?? 0, count: scales)
    if fixedScale == nil { for k in 0..<scales { logSigmas[k] = th[p + k] } }
    let sigmas = logSigmas.map { fixedScale ?? exp($0) }
    let estimatesScale = fixedScale == nil
    let oneScale = !(hasStrata && estimatesScale)
    // Exact and right-censored rows mixed at random defeat the branch predictor; the extreme-value law's two
    // terms are cheap enough to compute both and select.
    let selectsStatus = exactOrRightOnly && Law.base == .extremeValue
    var loglik = 0.0
    let g = base0 + start + 1
    let h = base0 + start + 1 + q
    let n = input.y1.count
    let blockRows = Self.blockRows
    // eta, a, b, e and b·xⱼ for one block.
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 5 * blockRows)
    defer { scratch.deallocate() }
    let etas = scratch, aw = scratch + blockRows, bw = scratch + 2 * blockRows
    let ew = scratch + 3 * blockRows, bx = scratch + 4 * blockRows
    var lo = rows.lowerBound
    while lo < rows.upperBound {
      let m = min(blockRows, rows.upperBound - lo)
      if hasOffset, let offset {
        for i in 0..<m { etas[i] = offset[lo + i] }
      } else {
        for i in 0..<m { etas[i] = 0 }
      }
      for j in 0..<p {
        let column = x + (j &* n &+ lo)
        let beta = th[j]
        for i in 0..<m { etas[i] += column[i] * beta }
      }
      for i in 0..<m {
        let row = lo + i
        let s = hasStrata ? strata.map { $0[row] } ?? 0 : 0
        let k = estimatesScale ? s : 0
        let logSigma = logSigmas[k], sigma = sigmas[k]
        let r: SurvregRowTerms
        if selectsStatus {
          r = Law.base.exactOrRightTerms(
            exact: status[row] == .exact, y: y1[row], eta: etas[i], sigma: sigma, logSigma: logSigma)
        } else {
          r = Law.base.rowTerms(
            status[row], y1: y1[row], y2: hasInterval ? y2.map { $0[row] } ?? 0 : 0, eta: etas[i], sigma: sigma,
            logSigma: logSigma)
        }
        let w = hasWeights ? weights.map { $0[row] } ?? 1 : 1
        loglik += w * r.loglik
        guard derivatives else { continue }
        aw[i] = w * r.eta
        bw[i] = -w * r.etaEta
        ew[i] = -w * r.etaTau
        if estimatesScale {
          let c = p + s
          g[c] += w * r.tau
          h[c * q + c] -= w * r.tauTau
          if !oneScale {
            // A stratum's scale: its row of the information takes this row's e·xⱼ.
            let e = ew[i]
            for j in 0..<p { h[c * q + j] += e * x[j &* n &+ row] }
          }
        }
      }
      if derivatives {
        for j in 0..<p {
          let column = UnsafePointer(x + (j &* n &+ lo))
          g[j] += Self.dot(aw, column, m)
          for i in 0..<m { bx[i] = bw[i] * column[i] }
          let hRow = j * q
          for k in 0...j { h[hRow + k] += Self.dot(bx, x + (k &* n &+ lo), m) }
          if estimatesScale && oneScale { h[p * q + j] += Self.dot(ew, column, m) }
        }
      }
      lo += m
    }
    base0[start] = loglik
  }

  /// Σ a[i]·b[i] over m values: four SIMD2 lanes (eight partial sums) added
  /// in a fixed order, then the tail.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ m: Int) -> Double {
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var s0 = SIMD2<Double>(), s1 = SIMD2<Double>(), s2 = SIMD2<Double>(), s3 = SIMD2<Double>()
    let stride = MemoryLayout<Double>.stride
    var i = 0
    while i + 8 <= m {
      let o = i * stride
      s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
        * rb.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
      s1 += ra.loadUnaligned(fromByteOffset: o + 2 * stride, as: SIMD2<Double>.self)
        * rb.loadUnaligned(fromByteOffset: o + 2 * stride, as: SIMD2<Double>.self)
      s2 += ra.loadUnaligned(fromByteOffset: o + 4 * stride, as: SIMD2<Double>.self)
        * rb.loadUnaligned(fromByteOffset: o + 4 * stride, as: SIMD2<Double>.self)
      s3 += ra.loadUnaligned(fromByteOffset: o + 6 * stride, as: SIMD2<Double>.self)
        * rb.loadUnaligned(fromByteOffset: o + 6 * stride, as: SIMD2<Double>.self)
      i += 8
    }
    let s = (s0 + s1) + (s2 + s3)
    var total = s[0] + s[1]
    while i < m {
      total += a[i] * b[i]
      i += 1
    }
    return total
  }
}

extension SurvregDistribution.Base {
  /// `rowTerms` of an exact or right-censored row with the status as a selection rather than a branch: the same
  /// operations in the same order, so the same bits. Only the extreme-value law has a branch-free form here (its
  /// log f and log S share eᶻ); the others go through `rowTerms`.
  @inline(__always)
  func exactOrRightTerms(exact: Bool, y: Double, eta: Double, sigma: Double, logSigma: Double) -> SurvregRowTerms {
    guard self == .extremeValue else {
      return rowTerms(exact ? .exact : .right, y1: y, y2: 0, eta: eta, sigma: sigma, logSigma: logSigma)
    }
    let z = (y - eta) / sigma
    let w = exp(z)
    // log f = z − eᶻ, (1 − eᶻ), −eᶻ; log S = −eᶻ, −eᶻ, −eᶻ.
    let value = exact ? z - w : -w
    // A row whose probability underflows (eᶻ above 744 at least) is `SurvregRowTerms.floored`: a branch that
    // ordinary data never take, so the common path keeps its selects.
    if w > 700, value < SurvregRowTerms.underflow { return .floored }
    let first = exact ? 1 - w : -w
    let second = -w
    var t = SurvregRowTerms()
    t.loglik = exact ? value - logSigma : value
    t.eta = -first / sigma
    t.etaEta = second / (sigma * sigma)
    let tau = -z * first
    t.tau = exact ? tau - 1 : tau
    t.tauTau = z * z * second + z * first
    t.etaTau = (z * second + first) / sigma
    return t
  }
}
