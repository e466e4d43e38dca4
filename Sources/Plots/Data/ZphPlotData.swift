import Foundation

/// What the figure of a proportional-hazards test (`plot(m:zph())`, R
/// `plot.cox.zph`) draws: one panel per term with the scaled Schoenfeld
/// residuals against transformed time, the spline smooth and its ±2 SE
/// band, and the term's p-value in the panel title.
public struct ZphPlotData: Equatable, Sendable {
  public var panels: [ZphPanel]
  /// x-axis ticks on the transformed scale with their labels in time units
  /// (R's `xaxisval`/`xaxislab` for the km and rank transforms); nil: plain
  /// ticks of the x values.
  public var xTicks: [(value: Double, label: String)]?

  public init(panels: [ZphPanel], xTicks: [(value: Double, label: String)]? = nil) {
    self.panels = panels
    self.xTicks = xTicks
  }

  public static func == (a: ZphPlotData, b: ZphPlotData) -> Bool {
    a.panels == b.panels && a.xTicks?.map(\.value) == b.xTicks?.map(\.value)
      && a.xTicks?.map(\.label) == b.xTicks?.map(\.label)
  }
}

public struct ZphPanel: Equatable, Sendable {
  public var term: String
  /// "p = 0.0042": the term's test.
  public var pText: String
  /// Residuals (events whose residual is NA are left out).
  public var x: [Double]
  public var y: [Double]
  /// The smooth on its grid, and the band (nil when the spline fit is singular).
  public var curveX: [Double]
  public var fit: [Double]
  public var upper: [Double]
  public var lower: [Double]

  public init(
    term: String, pText: String, x: [Double], y: [Double], curveX: [Double], fit: [Double], upper: [Double],
    lower: [Double]
  ) {
    self.term = term
    self.pText = pText
    self.x = x
    self.y = y
    self.curveX = curveX
    self.fit = fit
    self.upper = upper
    self.lower = lower
  }
}
