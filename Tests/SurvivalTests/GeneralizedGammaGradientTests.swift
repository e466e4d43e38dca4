import Foundation
import Testing
import TestSupport

@testable import Survival

/// The generalised gamma's terms (`GeneralizedGammaTerms`): log f and log S against 40-digit values
/// (`scripts/fixtures/gengamma_mpmath.py`), the analytic score in (μ, log σ, Q) against differences of the
/// likelihood, and continuity of log S and its gradient across Temme's branch at |Q| = 0.02.
struct GeneralizedGammaGradientTests {
  /// log S and log f against mpmath: the incomplete gamma's series and continued fraction reach ~1e-13
  /// relative; Temme's expansion, kept to c₁, is within 1e-10 of S at |Q| < 0.02, |w| ≤ 4.
  static let valueTolerance = 1e-9
  /// d log S/dQ (forward-mode) against mpmath's central difference.
  static let slopeTolerance = 1e-7
  /// The score against central differences of ℓ with step 1e-5 (truncation ~1e-10, rounding ~1e-11/1e-5).
  static let scoreTolerance = 1e-6

  static let family = GeneralizedGammaFamily()

  @Test func valuesMatchFortyDigitReference() throws {
    guard let all = try loadFixture("flexsurv/gengamma_mpmath.json") as? [String: Any],
      let rows = all["rows"] as? [[String: Double]]
    else {
      Issue.record("gengamma_mpmath.json is missing or malformed")
      return
    }
    #expect(rows.count > 80)
    for r in rows {
      guard let q = r["q"], let w = r["w"], let logS = r["log_s"], let logF = r["log_f"], let slope = r["dlog_s_dq"]
      else { continue }
      let theta = [0.0, 0.0, q]
      let t = exp(w)
      let s = theta.withUnsafeBufferPointer { Self.family.logSurvival(t, $0) }
      let f = theta.withUnsafeBufferPointer { Self.family.logDensity(t, $0) }
      #expect(approxEqual(s, logS, relative: Self.valueTolerance, absoluteFloor: 1e-12), "log S at Q = \(q), w = \(w)")
      #expect(approxEqual(f, logF, relative: Self.valueTolerance), "log f at Q = \(q), w = \(w)")
      let d = GeneralizedGammaTerms.logSurvival(w: WQDual(w, 1, 0), q: WQDual(q, 0, 1))
      #expect(approxEqual(d.dq, slope, relative: Self.slopeTolerance, absoluteFloor: 1e-10), "dQ at \(q), \(w)")
    }
  }

  /// One row's contribution and analytic gradient against central differences, for events, censored rows
  /// and left-truncated rows, across Q (both signs, the Temme band, its edge and the log-normal Q = 0).
  @Test(arguments: [-1.5, -0.4, -0.05, -0.0201, -0.0199, -0.004, 0, 1e-7, 0.0199, 0.0201, 0.08, 0.6, 1, 2.2])
  func scoreEqualsDifferences(_ q: Double) {
    let rows: [(t: Double, entry: Double, event: Bool)] = [
      (3.0, 0, true), (40.0, 0, false), (0.2, 0, true), (12.0, 2.5, true), (90.0, 10, false), (1.1, 0, false),
    ]
    let theta = [2.1, -0.35, q]
    for row in rows {
      var g = [0.0, 0.0, 0.0]
      var th = theta
      let l = th.withUnsafeMutableBufferPointer { thb in
        g.withUnsafeMutableBufferPointer { gb in
          Self.family.addRowGradient(time: row.t, entry: row.entry, event: row.event, weight: 1.5, theta: thb,
                                     gradient: gb)
        }
      }
      let direct = theta.withUnsafeBufferPointer {
        Self.family.rowLoglik(time: row.t, entry: row.entry, event: row.event, weight: 1.5, theta: $0)
      }
      #expect(approxEqual(l, direct, relative: 1e-14), "ℓ at Q = \(q)")
      for j in 0..<3 {
        let h = 1e-5
        var up = theta, down = theta
        up[j] += h
        down[j] -= h
        let lu = up.withUnsafeBufferPointer {
          Self.family.rowLoglik(time: row.t, entry: row.entry, event: row.event, weight: 1.5, theta: $0)
        }
        let ld = down.withUnsafeBufferPointer {
          Self.family.rowLoglik(time: row.t, entry: row.entry, event: row.event, weight: 1.5, theta: $0)
        }
        let numeric = (lu - ld) / (2 * h)
        #expect(approxEqual(g[j], numeric, relative: Self.scoreTolerance, absoluteFloor: 1e-8),
                "Q = \(q), row \(row), θ\(j): \(g[j]) against \(numeric)")
      }
    }
  }

  /// On each side of |Q| = seriesLimit log S and its gradient agree (Temme against the incomplete gamma).
  @Test(arguments: [-1.0, 1.0])
  func continuousAcrossTheSeriesLimit(_ sign: Double) {
    let limit = GeneralizedGammaFamily.seriesLimit
    for w in stride(from: -5.0, through: 5.0, by: 0.25) {
      let below = GeneralizedGammaTerms.logSurvival(w: WQDual(w, 1, 0), q: WQDual(sign * limit * (1 - 1e-12), 0, 1))
      let above = GeneralizedGammaTerms.logSurvival(w: WQDual(w, 1, 0), q: WQDual(sign * limit * (1 + 1e-12), 0, 1))
      #expect(approxEqual(below.v, above.v, relative: 1e-10, absoluteFloor: 1e-12), "log S at w = \(w)")
      #expect(approxEqual(below.dw, above.dw, relative: 1e-8, absoluteFloor: 1e-10), "d/dw at w = \(w)")
      #expect(approxEqual(below.dq, above.dq, relative: 1e-6, absoluteFloor: 1e-8), "d/dQ at w = \(w)")
    }
  }

  /// At Q = 0 the family is the log-normal, value and w-derivative.
  @Test func logNormalAtZero() {
    for w in [-3.0, -0.5, 0, 1.2, 6] {
      let s = GeneralizedGammaTerms.logSurvival(w: WQDual(w, 1, 0), q: WQDual(0, 0, 1))
      let normal = SurvregDistribution.Base.normal.logSurvival(w)
      #expect(approxEqual(s.v, normal.value, relative: 1e-15, absoluteFloor: 1e-300))
      #expect(approxEqual(s.dw, normal.first, relative: 1e-14))
      let f = GeneralizedGammaTerms.logDensity(w: WQDual(w, 1, 0), q: WQDual(0, 0, 1))
      #expect(approxEqual(f.v, -0.5 * w * w - 0.5 * log(2 * Double.pi), relative: 1e-15))
    }
  }
}
