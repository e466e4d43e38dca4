import Documents
import Plots

/// The Swift value behind a `figure()` result: the rendered SVG (the same
/// bytes `plot(x, {file = "f.svg"})` writes with the same options) and its
/// PNG, made on first use by a format that needs one (DOCX, RTF) and kept,
/// so a figure in several documents is converted once.
final class FigureValue {
  let svg: String
  let caption: String?
  /// What the figure draws ("km curves", "forest plot"), for printing.
  let description: String
  private var png: [UInt8]?

  /// PNG pixels per SVG pixel when the script gives no resolution: 2 gives
  /// 192 dpi at the figure's size, sharp in print and on high-density screens.
  static let defaultPNGZoom = 2.0
  let pngZoom: Double

  init(svg: String, caption: String?, description: String, pngZoom: Double = defaultPNGZoom) {
    self.svg = svg
    self.caption = caption
    self.description = description
    self.pngZoom = pngZoom
  }

  /// The figure for a document, with its PNG when `needsPNG`.
  func documentFigure(needsPNG: Bool) throws -> DocumentFigure {
    if needsPNG && png == nil {
      do {
        png = try PlotFile(zoom: pngZoom).pngBytes(svg: svg)
      } catch PlotError.converterNotFound {
        throw DocumentError(
          "the figures of .docx and .rtf files are PNG images, made by the program 'rsvg-convert', which is not "
            + "on PATH; install the Debian/Ubuntu package librsvg2-bin (or Homebrew librsvg), or write .html or .md")
      } catch PlotError.conversionFailed(_, let status, let message) {
        throw DocumentError("rsvg-convert failed converting the \(description) to PNG (exit status \(status))"
          + (message.isEmpty ? "" : ": \(message)"))
      }
    }
    return DocumentFigure(svg: svg, png: needsPNG ? png : nil, caption: caption)
  }
}
