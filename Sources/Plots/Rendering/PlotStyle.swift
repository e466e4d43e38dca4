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
/// a digit's width, which is close for Latin letters and dashes, except
/// East Asian wide characters (an em) and combining marks (none).
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

  /// Helvetica-Bold (Arial Bold, Liberation Sans Bold: the same advances),
  /// 32 ... 126. Bold text was estimated as regular × 1.08, which is short
  /// for words of bold's wider letters ("p interaction": 70.6 for 72.0).
  private static let asciiBold: [Int] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
  ]

  /// East Asian wide and full-width characters (Hangul, CJK, kana, full-width
  /// forms): a whole em, where the digit's width drew a Japanese legend title
  /// over its first key (session-5 review). Combining marks take none.
  static func isWide(_ v: Int) -> Bool {
    (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
      || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
      || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
  }

  /// The advance width of `s` at `size`, regular or bold (outside ASCII,
  /// bold is taken as 8% wider).
  static func width(_ s: String, size: Double, bold: Bool = false) -> Double {
    var units = 0.0
    let table = bold ? asciiBold : ascii
    let other = bold ? 1.08 : 1
    for scalar in s.unicodeScalars {
      let v = Int(scalar.value)
      if (32...126).contains(v) {
        units += Double(table[v - 32])
      } else if isWide(v) {
        units += 1000 * other
      } else if !(0x300...0x36F).contains(v) {
        units += 556 * other
      }
    }
    return units / 1000 * size
  }
}
