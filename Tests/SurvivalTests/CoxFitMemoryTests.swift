import Testing
@_spi(Benchmark) @testable import Survival

/// What a 10⁷-row right-censored Cox fit no longer holds at its peak (issue
/// 14): the row order in 32 bits, the status as bytes, indicator columns as
/// bytes until the linear predictor (`CoxPackedColumns`), and the
/// concordance's influence, ranks and sort items in the freed sorted
/// covariates (`Concordance.rightCensored(scratch:)`). Each gives the
/// numbers of the arrays it replaces, bit for bit.
struct CoxFitMemoryTests {
  static func uniform(_ state: inout UInt64) -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / 9_007_199_254_740_992
  }

  /// The 32-bit row order is the `Int` one, with and without strata.
  @Test func rowOrderIn32BitsIsTheSameOrder() {
    var state: UInt64 = 5
    let n = 3_000
    let time = (0..<n).map { _ in (Self.uniform(&state) * 50).rounded() }
    let strata = (0..<n).map { _ in Int(Self.uniform(&state) * 3) * 7 - 4 }
    for s in [nil, strata] {
      let wide = RowOrder.sorted(strata: s, key: time, descending: false)
      let narrow = RowOrder.sorted(strata: s, key: time, descending: false, rowsAs: Int32.self)
      #expect(narrow.rows.map { Int($0) } == wide.rows)
      #expect(narrow.keys == wide.keys)
      #expect(narrow.blockStart == wide.blockStart)
    }
  }

  /// A column whose values are all +0.0 or 1.0 is packed and emptied
  /// (when `nocenter` lists 0 and 1, so that the scaling leaves it alone);
  /// −0.0, −1, other values and a column-major buffer are kept as given.
  @Test func onlyZeroOneColumnsArePacked() {
    let indicator: [Double] = [0, 1, 1, 0, 1]
    let negativeZero: [Double] = [0, 1, -0.0, 0, 1]
    let minusOne: [Double] = [0, 1, -1, 0, 1]
    let other: [Double] = [0.5, 1, 1, 0, 1]
    var covariates = CoxCovariates.columns([indicator, negativeZero, minusOne, other, indicator])
    let packed = CoxPackedColumns(packing: &covariates, n: 5, p: 5, nocenter: [-1, 0, 1])
    #expect((0..<5).map { packed.isPacked($0) } == [true, false, false, false, true])
    #expect(packed.bytes[0] == [0, 1, 1, 0, 1])
    guard case .columns(let columns) = covariates else {
      Issue.record("the covariates are no longer column arrays")
      return
    }
    #expect(columns.map(\.count) == [0, 5, 5, 5, 0])
    #expect(columns[1].map(\.bitPattern) == negativeZero.map(\.bitPattern))

    var centred = CoxCovariates.columns([indicator])
    let none = CoxPackedColumns(packing: &centred, n: 5, p: 1, nocenter: [-1, 0])
    #expect(!none.isPacked(0) && centred.count == 5)
    var flat = CoxCovariates.columnMajor(indicator)
    let kept = CoxPackedColumns(packing: &flat, n: 5, p: 1, nocenter: [-1, 0, 1])
    #expect(!kept.isPacked(0) && flat.count == 5)
  }

  /// The right-censored concordance with its buffers in caller scratch
  /// (filled with NaN first: nothing may be read before it is written)
  /// equals the one with fresh arrays, and a Double status equals the
  /// bytes: one stratum (the rank split, ranked by two workers) and
  /// balanced strata, with ties and case weights.
  @Test(arguments: [false, true]) func concordanceInScratchEqualsFreshBuffers(weighted: Bool) {
    var state: UInt64 = weighted ? 31 : 37
    let n = 100_200
    var time: [Double] = [], flags: [UInt8] = [], predictor: [Double] = [], weights: [Double] = []
    for _ in 0..<n {
      time.append((Self.uniform(&state) * 400).rounded(.up))
      flags.append(Self.uniform(&state) < 0.55 ? 1 : 0)
      predictor.append((Self.uniform(&state) * 2_000).rounded() / 100 - 10)
      weights.append(weighted ? (Self.uniform(&state) * 3).rounded(.up) : 1)
    }
    let strataCount = 4
    var blocks: [Range<Int>] = []
    for s in 0..<strataCount { blocks.append((s * n / strataCount)..<((s + 1) * n / strataCount)) }
    for b in blocks { time[b].sort() }
    let status = flags.map { Double($0) }
    let w = weighted ? weights : []
    for stratified in [false, true] {
      let parts = stratified ? blocks : [0..<n]
      var layout = time
      if !stratified { layout.sort() }
      let fresh = Concordance.rightCensored(
        time: layout, status: status, predictor: predictor, weights: w, blocks: parts, cluster: nil,
        reverse: true)
      var scratch = [Double](repeating: .nan, count: Concordance.scratchDoubles(n) + 3)
      let placed = scratch.withUnsafeMutableBufferPointer { buffer in
        Concordance.rightCensored(
          time: layout, status: flags, predictor: predictor, weights: w, blocks: parts, cluster: nil,
          reverse: true, scratch: buffer)
      }
      #expect(placed == fresh)
      #expect(placed.standardError.bitPattern == fresh.standardError.bitPattern)
      #expect(placed.concordance.bitPattern == fresh.concordance.bitPattern)
    }
  }

  /// A fit whose design has indicator columns handed over as arrays (packed
  /// until the linear predictor; p = 7, so the concordance runs in the
  /// sorted covariates' buffer) equals the column-major fit (nothing
  /// packed), its `Int` row order included.
  @Test func fitWithPackedColumnsEqualsColumnMajorFit() throws {
    let rows = CoxCompactDataTests.Rows(n: 60_000, p: 7, seed: 23)
    let flat = try CoxModel.fit(time: rows.time, status: rows.status, covariates: rows.x, columns: 7)
    var inputs = CoxReleasableInputs(events: rows.events, covariates: .columns(rows.columns))
    let fit = try CoxModel.fit(start: nil, stop: rows.time, inputs: &inputs, columns: 7)
    #expect(fit.coefficients.map(\.bitPattern) == flat.coefficients.map(\.bitPattern))
    #expect(fit.loglik.bitPattern == flat.loglik.bitPattern)
    #expect(fit.linearPredictor.map(\.bitPattern) == flat.linearPredictor.map(\.bitPattern))
    #expect(fit.concordance == flat.concordance)
    #expect(fit.martingale == flat.martingale)
    #expect(fit.sortedRows == flat.sortedRows)
    #expect(fit.sortedRows == RowOrder.order(strata: nil, key: rows.time, descending: false))
  }
}
