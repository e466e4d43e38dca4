import Foundation

/// A point in SVG user units (pixels; y grows downwards).
public struct Point: Equatable, Sendable, CustomStringConvertible {
  public var x: Double
  public var y: Double
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
  public var description: String { "(\(x), \(y))" }
}

/// An axis-aligned rectangle in SVG user units.
public struct Rect: Equatable, Sendable {
  public var x: Double
  public var y: Double
  public var width: Double
  public var height: Double
  public init(x: Double, y: Double, width: Double, height: Double) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }
  public var minX: Double { x }
  public var maxX: Double { x + width }
  public var minY: Double { y }
  public var maxY: Double { y + height }
}

/// An affine map from data values to pixels: `domain.lower ↦ range.lower`,
/// `domain.upper ↦ range.upper`. For the y axis the range is inverted
/// (larger values higher up), so `range.lower` is the panel's bottom edge.
public struct LinearScale: Equatable, Sendable {
  public var domainLower: Double
  public var domainUpper: Double
  public var rangeLower: Double
  public var rangeUpper: Double

  public init(domain: (Double, Double), range: (Double, Double)) {
    domainLower = domain.0
    domainUpper = domain.1
    rangeLower = range.0
    rangeUpper = range.1
  }

  /// `rangeLower + (v − domainLower) · (rangeUpper − rangeLower) / (domainUpper − domainLower)`.
  public func callAsFunction(_ v: Double) -> Double {
    rangeLower + (v - domainLower) * (rangeUpper - rangeLower) / (domainUpper - domainLower)
  }
}

/// A base-10 logarithmic map from positive data values to pixels.
public struct LogScale: Equatable, Sendable {
  public var domainLower: Double
  public var domainUpper: Double
  public var rangeLower: Double
  public var rangeUpper: Double

  public init(domain: (Double, Double), range: (Double, Double)) {
    domainLower = domain.0
    domainUpper = domain.1
    rangeLower = range.0
    rangeUpper = range.1
  }

  /// `rangeLower + log(v / domainLower) / log(domainUpper / domainLower) · (rangeUpper − rangeLower)`.
  public func callAsFunction(_ v: Double) -> Double {
    let t = (log10(v) - log10(domainLower)) / (log10(domainUpper) - log10(domainLower))
    return rangeLower + t * (rangeUpper - rangeLower)
  }
}
