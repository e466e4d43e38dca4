import Foundation

/// Deviance residuals from martingale residuals, as R `residuals.coxph`
/// (type = "deviance"): sign(M) √(−2(M + δ log(δ − M))), δ the (summed)
/// event count, the log term 0 when δ = 0 (Therneau & Grambsch 2000, §4.3).
///
/// From `parallelThreshold` values two workers take the first and the second
/// half (each value is computed alone, by the same operations, so the split
/// changes no number). At 10⁶ rows the logarithms are what the deviance
/// residuals cost once the fit has kept its martingale residuals.
public enum CoxDevianceResiduals {
  public static let parallelThreshold = 50_000

  public static func compute(
    martingale: [Double], status: [Double], parallelThreshold: Int = parallelThreshold
  ) -> [Double] {
    compute(martingale: martingale, counts: status, parallelThreshold: parallelThreshold)
  }

  /// The same from the model frame's integer events, read in place (no
  /// n-length copy as doubles: at 10⁶ rows its 8 MB of fresh pages cost
  /// about as much as the logarithms).
  public static func compute(
    martingale: [Double], events: [Int], parallelThreshold: Int = parallelThreshold
  ) -> [Double] {
    compute(martingale: martingale, counts: events, parallelThreshold: parallelThreshold)
  }

  @inline(__always)
  static func compute<Count: EventCountValue>(
    martingale: [Double], counts status: [Count], parallelThreshold: Int
  ) -> [Double] {
    let n = min(martingale.count, status.count)
    guard n > 0 else { return [] }
    let workers = n >= parallelThreshold ? 2 : 1
    return [Double](unsafeUninitializedCapacity: n) { out, count in
      martingale.withUnsafeBufferPointer { martingale in
        status.withUnsafeBufferPointer { status in
          // Worker w writes its half of `out` only; the inputs are read only.
          let out = DisjointWrites(out), m = SharedReads(martingale), d = SharedReads(status)
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            let o = out.baseAddress.unsafelyUnwrapped
            let mv = m.buffer, dv = d.buffer
            for i in (w * n / workers)..<((w + 1) * n / workers) {
              let r = mv[i], e = dv[i].doubleValue
              let inner = -2 * (r + (e == 0 ? 0 : e * log(e - r)))
              (o + i).initialize(to: (r > 0 ? 1 : (r < 0 ? -1 : 0)) * inner.squareRoot())
            }
          }
        }
      }
      count = n
    }
  }
}

/// An event count as a double: the status of a fit (doubles) or the model
/// frame's integer events.
protocol EventCountValue { var doubleValue: Double { get } }
extension Double: EventCountValue { var doubleValue: Double { self } }
extension Int: EventCountValue { var doubleValue: Double { Double(self) } }
