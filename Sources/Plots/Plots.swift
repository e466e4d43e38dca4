// Plots: publication figures for survival analyses, in pure Swift.
//
// Inputs are plain value types the Lua binding fills from results:
//   SurvivalPlotData / SurvivalSeries  Kaplan–Meier, cumulative incidence,
//                                      predicted survival (one series per group)
//   ForestPlotData / ForestRow         hazard ratios of a Cox model
//   PlotOptions                        the `plot(result, opts)` keys; validate()
//                                      names the key in its PlotError
//
// Outputs:
//   SurvivalPlot(data, options).svg()  figure with legend, annotations and
//                                      number-at-risk table (SVG text)
//   ForestPlot(data, options).svg()    forest plot on a log axis
//   .write(to: "os.svg" | ".png" | ".pdf")  via PlotFile (rsvg-convert for PNG/PDF)
//   TerminalPreview.render(data, ...)  braille preview for the REPL
//
// The layouts (SurvivalPlotLayout, ForestPlotLayout) are public so tests
// and callers can check where every vertex, count and label goes.
