import Foundation
import Testing
@testable import Plots

/// The figure's geometry against the input data: every vertex, count and
/// mark must land where the axis transform puts the data.
@Suite struct SurvivalGeometryTests {
  let data = TrialData.survival()

  /// Pixel positions computed two ways agree to rounding error only.
  static let pixelTolerance = 1e-9

  @Test func axisTransformMapsDomainOntoPanelEdges() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions(xlim: [0, 60]))
    let tol = Self.pixelTolerance
    #expect(abs(layout.x(0) - layout.panel.minX) < tol)
    #expect(abs(layout.x(60) - layout.panel.maxX) < tol)
    #expect(abs(layout.y(0) - layout.panel.maxY) < tol)
    #expect(abs(layout.y(1) - layout.panel.minY) < tol)
    #expect(abs(layout.x(30) - (layout.panel.minX + layout.panel.maxX) / 2) < tol)
  }

  @Test func curveVerticesAreTheStepsOfTheInput() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions())
    for (g, s) in data.series.enumerated() {
      // (0, 1), then at each event time the old and the new value, then the last time.
      var expected = [(0.0, 1.0)]
      var v = 1.0
      for i in s.time.indices where s.nEvent[i] > 0 {
        expected.append((s.time[i], v))
        expected.append((s.time[i], s.value[i]))
        v = s.value[i]
      }
      if let last = s.time.last, s.nEvent.last == 0 { expected.append((last, v)) }
      let pixels = expected.map { Point(x: layout.x($0.0), y: layout.y($0.1)) }
      #expect(layout.groups[g].curve == pixels, "group \(g)")
    }
  }

  @Test func defaultAxisCoversFollowUpAndEndsOnATick() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions())
    // Longest follow-up 111.x months: months axis in steps of 12 up to 120.
    #expect(layout.xTicks == [0, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120])
    #expect(layout.xTickLabels.last == "120")
    #expect(layout.yTickLabels == ["0.00", "0.25", "0.50", "0.75", "1.00"])
    let percent = try SurvivalPlotLayout(data, options: PlotOptions(percent: true))
    #expect(percent.yTickLabels == ["0%", "25%", "50%", "75%", "100%"])
  }

  @Test func breaksSetTheTickInterval() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions(xlim: [0, 100], breaks: 25))
    #expect(layout.xTicks == [0, 25, 50, 75, 100])
    #expect(layout.tables[0].columns == [0, 25, 50, 75, 100].map { layout.x($0) })
  }

  @Test func riskTableCountsSubjectsStillAtRiskAtEachTick() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions())
    let table = try #require(layout.tables.first)
    #expect(table.title.string == "Number at risk")
    for (g, subjects) in [TrialData.control, TrialData.treatment].enumerated() {
      let expected = layout.xTicks.map { t in subjects.filter { $0.time >= t }.count }
      #expect(table.rows[g].counts == expected)
      #expect(table.rows[g].color == Palette.color(g))
    }
    #expect(table.rows[0].counts.first == 62)
    #expect(table.rows[1].counts.first == 60)
    // The numbers sit under the ticks.
    #expect(table.columns == layout.xTicks.map { layout.x($0) })
  }

  @Test func cumulativeRowsCountEventsAndCensoringsUpToEachTick() throws {
    let layout = try SurvivalPlotLayout(
      data, options: PlotOptions(riskTable: false, cumulativeEvents: true, cumulativeCensored: true))
    #expect(layout.tables.map(\.title.string) == ["Cumulative number of events", "Cumulative number censored"])
    for (g, subjects) in [TrialData.control, TrialData.treatment].enumerated() {
      let events = layout.xTicks.map { t in subjects.filter { $0.event && $0.time <= t }.count }
      let censored = layout.xTicks.map { t in subjects.filter { !$0.event && $0.time <= t }.count }
      #expect(layout.tables[0].rows[g].counts == events)
      #expect(layout.tables[1].rows[g].counts == censored)
    }
  }

  @Test func censorMarksSitAtCensoringTimesOnTheCurve() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions())
    for (g, subjects) in [TrialData.control, TrialData.treatment].enumerated() {
      let s = data.series[g]
      let times = Array(Set(subjects.filter { !$0.event }.map(\.time))).sorted()
      let expected = times.map { Point(x: layout.x($0), y: layout.y(s.value(at: $0, start: 1))) }
      #expect(layout.groups[g].censorMarks == expected)
      #expect(!expected.isEmpty)
    }
    let none = try SurvivalPlotLayout(data, options: PlotOptions(censorMarks: false))
    #expect(none.groups.allSatisfy { $0.censorMarks.isEmpty })
  }

  @Test func xlimClipsCurvesAtTheAxisEnd() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions(xlim: [0, 36]))
    for (g, s) in data.series.enumerated() {
      let curve = layout.groups[g].curve
      #expect(curve.allSatisfy { $0.x >= layout.panel.minX && $0.x <= layout.panel.maxX })
      let last = try #require(curve.last)
      #expect(last == Point(x: layout.x(36), y: layout.y(s.value(at: 36, start: 1))))
    }
  }

  @Test func confidenceBandsFollowTheLimitsStepwise() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions(confInt: true))
    let s = data.series[1]
    let band = try #require(layout.groups[1].bands.first)
    let lower = try #require(s.lower)
    let upper = try #require(s.upper)
    // Upper edge: flat at 1 until the first time, then upper[i] over [t_i, t_{i+1}).
    #expect(band[0] == Point(x: layout.x(0), y: layout.y(1)))
    for i in 0..<(s.time.count - 1) where upper[i].isFinite {
      #expect(band.contains(Point(x: layout.x(s.time[i]), y: layout.y(upper[i]))))
      #expect(band.contains(Point(x: layout.x(s.time[i + 1]), y: layout.y(upper[i]))))
      #expect(band.contains(Point(x: layout.x(s.time[i + 1]), y: layout.y(lower[i]))))
    }
    let off = try SurvivalPlotLayout(data, options: PlotOptions())
    #expect(off.groups.allSatisfy { $0.bands.isEmpty })
  }

  @Test func incidenceCurvesRiseFromZero() throws {
    let inc = TrialData.incidence()
    let layout = try SurvivalPlotLayout(inc, options: PlotOptions())
    for g in layout.groups {
      #expect(g.curve.first == Point(x: layout.x(0), y: layout.y(0)))
      // y pixels never increase downward along a rising curve.
      for i in 1..<g.curve.count { #expect(g.curve[i].y <= g.curve[i - 1].y) }
    }
    #expect(layout.yTitle.string == "Cumulative incidence")
  }

  @Test func medianLinesReachEachGroupsMedian() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions(medianLines: true))
    let medians = data.series.compactMap { $0.medianTime(kind: .survival) }
    #expect(medians.count == 2)
    for (s, m) in zip(data.series, medians) {
      // The median is the first time the curve is at or below one half.
      let i = try #require(s.value.firstIndex { $0 <= 0.5 })
      #expect(m == s.time[i])
    }
    let horizontal = layout.medianSegments[0]
    #expect(horizontal.from == Point(x: layout.x(0), y: layout.y(0.5)))
    #expect(horizontal.to == Point(x: layout.x(medians.max() ?? 0), y: layout.y(0.5)))
    #expect(layout.medianSegments.dropFirst().map(\.from.x) == medians.sorted().map { layout.x($0) })
  }

  @Test func medianOnAFlatHalfIsTheMidpointAsInR() {
    let s = SurvivalSeries(
      label: "a", time: [1, 2, 3, 4], value: [0.75, 0.5, 0.5, 0.25], nRisk: [4, 3, 2, 1],
      nEvent: [1, 1, 0, 1], nCensor: [0, 0, 1, 0])
    #expect(s.medianTime(kind: .survival) == 2.5)
  }

  @Test func labelsAndColorsReplaceTheDefaults() throws {
    let layout = try SurvivalPlotLayout(
      data, options: PlotOptions(labels: ["Control", "Treated"], colors: ["#111111", "steelblue"]))
    #expect(layout.groups.map(\.label) == ["Control", "Treated"])
    #expect(layout.legend.map(\.color) == ["#111111", "steelblue"])
    #expect(layout.tables[0].rows.map(\.label) == ["Control", "Treated"])
  }

  @Test func annotationsStayClearOfTheCurves() throws {
    for options in [PlotOptions(), PlotOptions(medianLines: true)] {
      let layout = try SurvivalPlotLayout(data, options: options)
      #expect(layout.annotations.map(\.string) == ["Log-rank p = 0.0042", "HR 0.58 (95% CI 0.38–0.88)"])
      for note in layout.annotations {
        let box = Rect(
          x: note.at.x, y: note.at.y - note.size, width: TextMetrics.width(note.string, size: note.size),
          height: note.size * 1.2)
        #expect(box.minX >= layout.panel.minX && box.maxX <= layout.panel.maxX)
        for g in layout.groups {
          for i in 1..<g.curve.count {
            #expect(!SurvivalPlotLayout.intersects(.init(from: g.curve[i - 1], to: g.curve[i]), box))
          }
        }
      }
    }
  }

  @Test func tableLabelsEndLeftOfTheFirstColumnsNumbers() throws {
    let layout = try SurvivalPlotLayout(data, options: PlotOptions())
    let table = layout.tables[0]
    let widest = TextMetrics.width("62", size: layout.fontSize)
    #expect(table.labelRight < table.columns[0] - widest / 2)
    let labelWidth = TextMetrics.width("Observation", size: layout.fontSize)
    #expect(table.labelRight - labelWidth >= 0)
  }

  @Test func numberAtRiskRuleOnAHandWorkedSeries() {
    // Times 2, 5 (censored), 9; four subjects, one still at risk after 9.
    let s = SurvivalSeries(
      label: "a", time: [2, 5, 9], value: [0.75, 0.75, 0.375], nRisk: [4, 3, 2], nEvent: [1, 0, 1],
      nCensor: [0, 1, 0])
    #expect([0, 2, 2.5, 5, 6, 9, 9.5].map { s.nRisk(at: $0) } == [4, 4, 3, 3, 2, 2, 0])
    #expect([0, 2, 5, 9].map { s.cumulativeEvents(at: $0) } == [0, 1, 1, 2])
    #expect(s.censorMarks == [CensorMark(time: 5, value: 0.75)])
    #expect(s.value(at: 8.9, start: 1) == 0.75)
    #expect(s.medianTime(kind: .survival) == 9)
  }

  @Test func svgDrawsTheLayout() throws {
    let plot = try SurvivalPlot(data)
    let svg = plot.svg()
    let l = plot.layout
    let table = l.tables[0]
    let first = "<text x=\"\(SVGWriter.number(table.columns[0]))\" y=\"\(SVGWriter.number(table.rows[0].baseline))\""
    #expect(svg.contains(first + " font-size=\"12\" text-anchor=\"middle\" fill=\"#0072B2\">62</text>"))
    #expect(svg.contains("points=\"" + SVGWriter.pointList(l.groups[1].curve) + "\""))
    #expect(svg.contains(">Number at risk</text>"))
    #expect(svg.contains(">Log-rank p = 0.0042</text>"))
  }
}
