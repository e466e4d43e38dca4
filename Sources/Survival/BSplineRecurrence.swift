/// The Cox–de Boor recurrence shared by the spline bases (`ns`/`bs` in
/// Analysis' `SplineBasis`, `pspline` in `PenalisedSplineBasis`).
public enum BSplineRecurrence {
  /// Writes into `values[0...degree]` the `degree + 1` B-splines of degree
  /// `degree` that are non-zero at `x` in the knot span `span`
  /// (`knots[span] ≤ x < knots[span + 1]`):
  /// B_{i,j}(x) = (x − t_i)/(t_{i+j} − t_i) B_{i,j−1}(x) + (t_{i+j+1} − x)/(t_{i+j+1} − t_{i+1}) B_{i+1,j−1}(x),
  /// computed in de Boor's triangular form (de Boor, *A Practical Guide to
  /// Splines*, 1978, BSPLVB), the order of operations of R's `splineDesign`.
  /// `left` and `right` are scratch of at least `degree + 1` elements.
  public static func nonZeroValues(
    at x: Double, knots: [Double], span: Int, degree: Int,
    values: inout [Double], left: inout [Double], right: inout [Double]
  ) {
    values[0] = 1
    guard degree >= 1 else { return }
    for j in 1...degree {
      left[j] = x - knots[span + 1 - j]
      right[j] = knots[span + j] - x
      var saved = 0.0
      for i in 0..<j {
        let t = values[i] / (right[i + 1] + left[j - i])
        values[i] = saved + right[i + 1] * t
        saved = left[j - i] * t
      }
      values[j] = saved
    }
  }
}
