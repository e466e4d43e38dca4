/// Fixed visual constants shared by the renderers.
enum PlotStyle {
  /// Named faces first (what journals use), then the generic family, so the
  /// SVG needs no font files.
  static let fontFamily = PlotOptions.defaultFontFamily
  static let ink = "#000000"
  static let axisGrey = "#333333"
  static let mutedInk = "#555555"
  static let referenceLine = "#7F7F7F"
  static let stripe = "#F2F2F2"
}

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
/// distinguishable under the common colour-vision deficiencies. Ordered for
/// a white background: the pale yellow comes last.
public enum Palette {
  public static let okabeIto: [String] = [
    "#0072B2",  // blue
    "#D55E00",  // vermillion
    "#009E73",  // bluish green
    "#CC79A7",  // reddish purple
    "#E69F00",  // orange
    "#56B4E9",  // sky blue
    "#000000",  // black
    "#F0E442",  // yellow
  ]

  /// The colour of group `index` (0-based), cycling through the palette.
  public static func color(_ index: Int) -> String {
    okabeIto[index % okabeIto.count]
  }
}

/// Approximate text extents for layout, from the Helvetica/Arial advance
/// widths (Adobe AFM, units of 1/1000 em). Characters outside ASCII count as
/// a digit's width, which is close for Latin letters and dashes.
enum TextMetrics {
  private static let ascii: [Int] = [
    // 32 ... 126
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
  ]

  /// The advance width of `s` at `size` (bold text is about 8% wider).
  static func width(_ s: String, size: Double, bold: Bool = false) -> Double {
    var units = 0
    for scalar in s.unicodeScalars {
      let v = Int(scalar.value)
      units += (32...126).contains(v) ? ascii[v - 32] : 556
    }
    return Double(units) / 1000 * size * (bold ? 1.08 : 1)
  }
}
