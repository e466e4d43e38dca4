import Foundation

/// The choice of a penalised term's θ between outer iterations of a
/// penalised Cox fit, as R `survival` 3.5 does it (`frailty.controldf` for
/// `pspline(x, df = k)`; a fixed θ for `pspline(x, theta = t)`).
///
/// The df search: θ ∈ (0, 1) maps to the penalty weight λ = θ/(1 − θ); the
/// history starts with the two points (θ, df) = (1, 1) and (0, nterm), the
/// first guess is 1 − df/nterm. After each fit at θ, with its effective df:
/// - done when this is not the first fit and |df − target| < eps;
/// - the points are sorted by θ (the df sign-flipped when df falls as θ
///   grows), b₁ is the last point at or below the target (1 when all lie
///   above, n − 2 when all below);
/// - when the last df got less than 40% closer to the target than the one
///   before, and fewer than two bisections were made in a row, θ is the
///   mid-point of the bracket (b₁, b₁ + 1);
/// - otherwise b₁ steps back one point when b₁ + 1 is the last point or the
///   target is nearer to point b₁ than to b₁ + 1 (b₁ > 1), and θ solves the
///   power curve log(df − df_b₁) = a + power·log(θ − θ_b₁) through points
///   b₁ + 1 and b₁ + 2 at the target.
/// The θ proposed by the call that says done is not fitted (R prints it).
public struct CoxThetaSearch: Sendable {
  public enum Rule: Sendable, Equatable {
    case fixed(theta: Double)
    case degreesOfFreedom(target: Double, nterm: Double, eps: Double)
  }

  public let rule: Rule
  /// θ for the next fit.
  public private(set) var theta: Double
  public private(set) var done: Bool
  /// (θ, df) of R's history: the two starting points, then each fit.
  public private(set) var thetas: [Double]
  public private(set) var dfs: [Double]
  private var halvings: Int?

  public init(_ rule: Rule) {
    self.rule = rule
    switch rule {
    case .fixed(let theta):
      self.theta = theta
      done = true
      thetas = []
      dfs = []
    case .degreesOfFreedom(let target, let nterm, _):
      theta = 1 - target / nterm
      done = false
      thetas = [1, 0]
      dfs = [1, nterm]
    }
    halvings = nil
  }

  /// Records the fit at the current θ (whose effective df is `df`, fit
  /// number `iteration`, from 1) and proposes the next θ.
  public mutating func update(iteration: Int, df: Double) {
    guard case .degreesOfFreedom(let target0, _, let eps) = rule else {
      done = true
      return
    }
    thetas.append(theta)
    dfs.append(df)
    let nx = thetas.count
    done = iteration > 1 && abs(dfs[nx - 1] - target0) < eps
    var target = target0
    let doingWell = !(abs((dfs[nx - 1] - target) / (dfs[nx - 2] - target)) > 0.6)
    // R: order(x), ties kept in their order.
    let order = (0..<nx).sorted { (thetas[$0], $0) < (thetas[$1], $1) }
    var y: [Double]
    if (thetas[0] - thetas[1]) * (dfs[0] - dfs[1]) > 0 {
      y = order.map { dfs[$0] }
    } else {
      y = order.map { -dfs[$0] }
      target = -target
    }
    let x = order.map { thetas[$0] }
    // b1 is 1-based, as in R.
    var b1: Int
    if y.allSatisfy({ $0 > target }) {
      b1 = 1
    } else if y.allSatisfy({ $0 < target }) {
      b1 = nx - 2
    } else {
      b1 = (1...nx).last { y[$0 - 1] <= target } ?? 1
      if !doingWell && (halvings ?? 0) < 2 {
        theta = (x[b1 - 1] + x[b1]) / 2
        halvings = max(halvings ?? 0, 0) + 1
        return
      }
      if b1 + 1 == nx || (b1 > 1 && (target - y[b1 - 1]) < (y[b1] - target)) { b1 -= 1 }
    }
    b1 = min(max(b1, 1), nx - 2)  // R would index past the points (NA)
    let xx = [log(x[b1] - x[b1 - 1]), log(x[b1 + 1] - x[b1 - 1])]
    let yy = [log(y[b1] - y[b1 - 1]), log(y[b1 + 1] - y[b1 - 1])]
    let power = (yy[1] - yy[0]) / (xx[1] - xx[0])
    let a = yy[0] - power * xx[0]
    let newx = (log(target - y[b1 - 1]) - a) / power
    theta = x[b1 - 1] + exp(newx)
    halvings = 0
  }
}
