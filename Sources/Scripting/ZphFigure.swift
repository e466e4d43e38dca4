import Analysis
import Foundation
import Plots
import Survival

/// The figure of a `cox_zph` result (`plot(z)`), as R `plot.cox.zph`: per
/// term, the scaled Schoenfeld residuals, the natural-spline smooth
/// (`ZphSmooth`, R's `ns(x, df = 4)` least-squares fit) with its ±2 SE
/// band, and the term's test in the title. The x axis is the transformed
/// time; for "km", "rank" and user transforms its 8 ticks are placed where
/// R places them (times rounded to 2 significant digits, mapped back onto
/// the transformed scale by linear interpolation); for "log" the ticks are
/// 1-2-5 times on the log scale.
enum ZphFigure {
  static func data(_ a: CoxZphAnalysis) -> ZphPlotData {
    let r = a.result
    let e = r.x.count
    var panels: [ZphPanel] = []
    for (t, term) in r.termNames.enumerated() {
      let y = Array(r.y[(t * e)..<((t + 1) * e)])
      let k = r.termNames.count
      let curve = ZphSmooth.curve(x: r.x, y: y, variance: r.variance[t * k + t])
      let keep = (0..<e).filter { !y[$0].isNaN }
      let p = t < r.p.count ? r.p[t] : .nan
      panels.append(ZphPanel(
        term: term, pText: PlotFigure.formatP(p), x: keep.map { r.x[$0] }, y: keep.map { y[$0] },
        curveX: curve?.x ?? [], fit: curve?.fit ?? [], upper: curve?.upper ?? [], lower: curve?.lower ?? []))
    }
    return ZphPlotData(panels: panels, xTicks: ticks(a))
  }

  static func ticks(_ a: CoxZphAnalysis) -> [(value: Double, label: String)]? {
    let r = a.result
    switch a.transformName {
    case "identity": return nil
    case "log":
      guard let lo = r.time.min(), let hi = r.time.max(), lo > 0 else { return nil }
      var out: [(Double, String)] = []
      var base = pow(10, floor(log10(lo)))
      while base <= hi {
        for m in [1.0, 2, 5] where m * base >= lo && m * base <= hi {
          out.append((log(m * base), tickLabel(m * base)))
        }
        base *= 10
      }
      return out
    default:
      // Unique x with their times, sorted by x (R: !duplicated(xx), approx).
      var seen = Set<Double>()
      var pairs: [(Double, Double)] = []
      for (x, t) in zip(r.x, r.time) where seen.insert(x).inserted { pairs.append((x, t)) }
      pairs.sort { $0.0 < $1.0 }
      guard pairs.count >= 2, let lo = pairs.first?.0, let hi = pairs.last?.0 else { return nil }
      var out: [(Double, String)] = []
      for i in 1...8 {
        let target = lo + (hi - lo) * Double(2 * i - 1) / 16
        guard let time = interpolate(pairs, target) else { continue }
        let rounded = significant(time, 2)
        guard let value = interpolate(pairs.map { ($0.1, $0.0) }.sorted { $0.0 < $1.0 }, rounded) else { continue }
        out.append((value, tickLabel(rounded)))
      }
      return out
    }
  }

  /// Linear interpolation in sorted (x, y) pairs (nil outside, as approx gives NA).
  static func interpolate(_ pairs: [(Double, Double)], _ x: Double) -> Double? {
    guard let first = pairs.first, let last = pairs.last, x >= first.0, x <= last.0 else { return nil }
    var lo = 0, hi = pairs.count - 1
    while hi - lo > 1 {
      let mid = (lo + hi) / 2
      if pairs[mid].0 <= x { lo = mid } else { hi = mid }
    }
    let (x0, y0) = pairs[lo], (x1, y1) = pairs[hi]
    return x1 == x0 ? y0 : y0 + (y1 - y0) * (x - x0) / (x1 - x0)
  }

  static func significant(_ x: Double, _ digits: Int) -> Double {
    guard x != 0, x.isFinite else { return x }
    let scale = pow(10, Double(digits) - ceil(log10(abs(x))))
    return (x * scale).rounded() / scale
  }
}

/// A tick value as R's format() prints it: no trailing zeros.
private func tickLabel(_ x: Double) -> String {
  if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
  return String(format: "%g", x)
}
