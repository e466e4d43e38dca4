import Datasets
import Testing

@testable import Analysis

/// The model frame's clean path (complete, valid data: `CleanResponse`, the
/// columns used in place) gives the frame of the general path (mask, row
/// list, gathers): each dataset is read as it is and with one more row
/// whose time is missing, which the general path drops.
@Suite struct CleanFrameTests {
  /// Columns of 9 complete rows, and the same with a 10th row missing its time.
  struct Data {
    var time: [Double] = [5, 8, 3, 12, 7, 2, 9, 4, 6]
    var status: Column = .int([1, 0, 1, 1, 0, 1, 0, 1, 1])
    var extraStatus: Column = .int([1])
    var others: [(String, Column, Column)] = [
      (
        "arm", .factor(codes: [0, 1, 1, 0, 1, 0, 2, 2, 1], levels: ["A", "B", "C", "unused"]),
        .factor(codes: [0], levels: [])
      ),
      ("site", .int([3, 1, 3, 2, 1, 1, 2, 3, 3]), .int([1])),
      ("w", .double([1, 2, 1, 0.5, 1, 3, 1, 1, 2]), .double([1])),
      ("entry", .double([0, 1, 0, 2, 0, 1, 0.5, 0, 1]), .double([0])),
      ("flag", .bool([0, 1, 1, 0, 1, 0, 0, 1, 1]), .bool([1])),
      ("off", .double([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]), .double([0])),
    ]

    func datasets() throws -> (complete: Dataset, extended: Dataset) {
      var names = ["time", "status"], complete = [Column.double(time), status]
      var extended = [Column.double(time + [.nan]), Self.append(status, extraStatus)]
      for (name, column, extra) in others {
        names.append(name)
        complete.append(column)
        extended.append(Self.append(column, extra))
      }
      return (try Dataset(names: names, columns: complete), try Dataset(names: names, columns: extended))
    }

    static func append(_ column: Column, _ extra: Column) -> Column {
      switch (column, extra) {
      case (.double(let a), .double(let b)): return .double(a + b)
      case (.int(let a), .int(let b)): return .int(a + b)
      case (.bool(let a), .bool(let b)): return .bool(a + b)
      case (.factor(let a, let levels), .factor(let b, _)): return .factor(codes: a + b, levels: levels)
      default: return column
      }
    }
  }

  /// Both paths on `data`; the clean path must be the one taken on the complete data.
  func expectSameFrame(
    _ formula: String, _ data: Data, _ options: ModelFrameOptions = ModelFrameOptions()
  ) throws {
    let (complete, extended) = try data.datasets()
    let f = try Formula(parsing: formula)
    let clean = try ModelFrame(dataset: complete, formula: f, options: options)
    let general = try ModelFrame(dataset: extended, formula: f, options: options)
    let resolver = try ColumnResolver(dataset: complete, formula: f, weights: options.weights)
    #expect(try CleanResponse(resolver: resolver, formula: f, coding: options.eventCoding) != nil)
    #expect(clean.selection == .all(count: 9))
    #expect(general.selection == .listed(Array(0..<9)))
    #expect(clean.rows == general.rows && clean.droppedCount == 0 && general.droppedCount == 1)
    #expect(clean.time == general.time)
    #expect(clean.start == general.start)
    #expect(clean.event == general.event)
    #expect(clean.causes == general.causes)
    #expect(clean.weights == general.weights)
    #expect(clean.offset == general.offset)
    #expect(clean.strata == general.strata)
    #expect(clean.cluster == general.cluster)
    #expect(clean.groups == general.groups)
    #expect(clean.curves == general.curves)
  }

  @Test func survivalFramesAgree() throws {
    var data = Data()
    try expectSameFrame("Surv(time, status) ~ arm + strata(site) + cluster(flag) + offset(off)", data)
    try expectSameFrame("Surv(time, status) ~ site + flag", data, ModelFrameOptions(weights: "w"))
    try expectSameFrame("Surv(entry, time, status) ~ 1", data)
    data.status = .int([2, 1, 2, 2, 1, 2, 1, 2, 2])  // 1/2 coding
    data.extraStatus = .int([2])
    try expectSameFrame("Surv(time, status) ~ arm", data)
    data.status = .double([1, 0, 1, 1, 0, 1, 0, 1, -0.0])
    data.extraStatus = .double([1])
    try expectSameFrame("Surv(time, status) ~ arm", data)
    data.status = .double([2, 1, 2, 2, 1, 2, 1, 2, 2])
    try expectSameFrame("Surv(time, status) ~ arm", data)
    data.status = .bool([1, 0, 1, 1, 0, 1, 0, 1, 1])
    data.extraStatus = .bool([1])
    try expectSameFrame("Surv(time, status) ~ arm", data)
  }

  @Test func integerTimesAgree() throws {
    let data = Data()
    let names = ["days", "status"]
    let days = try Dataset(names: names, columns: [.int([5, 8, 3, 12, 0, 2, 9, 4, 6]), data.status])
    let withNA = try Dataset(
      names: names,
      columns: [.int([5, 8, 3, 12, 0, 2, 9, 4, 6, Column.naInt]), .int([1, 0, 1, 1, 0, 1, 0, 1, 1, 1])])
    let f = try Formula(parsing: "Surv(days, status) ~ 1")
    let clean = try ModelFrame(dataset: days, formula: f), general = try ModelFrame(dataset: withNA, formula: f)
    #expect(clean.selection == .all(count: 9) && general.droppedCount == 1)
    #expect(clean.time == general.time && clean.time == [5, 8, 3, 12, 0, 2, 9, 4, 6])
    #expect(clean.event == general.event)
  }

  @Test func competingRisksFramesAgree() throws {
    var data = Data()
    let codes: [([Int], StatusValue?)] = [
      ([0, 1, 2, 1, 0, 2, 2, 1, 1], nil),  // the frame's own codes
      ([0, 2, 5, 2, 0, 5, 5, 2, 2], nil),  // gaps
      ([1, 2, 3, 2, 1, 3, 3, 2, 2], nil),  // no 0: every code a cause
      ([1, 2, 3, 2, 1, 3, 3, 2, 2], .code(2)),
      ([-1, 0, 3, 0, -1, 3, 3, 0, 0], .label("-1")),
      ([0, 1, 2, 1, 0, 2, 2, 1, 1], .code(0.5)),
    ]
    for (values, censor) in codes {
      data.status = .int(values)
      data.extraStatus = .int([values[0]])
      try expectSameFrame(
        "Surv(time, status) ~ arm + strata(site)", data,
        ModelFrameOptions(eventCoding: .competingRisks(censor: censor)))
    }
  }

  /// The clean path reads a double column of times and an integer column
  /// of 0/1 events (or of the frame's competing-risks codes) in place.
  @Test func columnsAreUsedWithoutACopy() throws {
    let time: [Double] = [5, 8, 3, 12]
    let status = [1, 0, 1, 0], cause = [0, 1, 2, 1]
    let d = try Dataset(names: ["time", "status", "cause"], columns: [.double(time), .int(status), .int(cause)])
    func address<T>(_ a: [T]) -> UnsafeRawPointer? {
      a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
    let f = try ModelFrame(dataset: d, formula: Formula(parsing: "Surv(time, status) ~ 1"))
    #expect(address(f.time) == address(time))
    #expect(address(f.event) == address(status))
    let cr = try ModelFrame(
      dataset: d, formula: Formula(parsing: "Surv(time, cause) ~ 1"),
      options: ModelFrameOptions(eventCoding: .competingRisks(censor: nil)))
    #expect(address(cr.event) == address(cause))
    #expect(cr.causes == ["1", "2"])
  }

  /// Data the clean path declines reach the general path's errors unchanged.
  @Test func invalidDataKeepTheirErrors() throws {
    let d = try Dataset(
      names: ["time", "status", "bad"],
      columns: [.double([1, 2, 3]), .int([0, 2, 1]), .int([0, 1, 3])])
    #expect(throws: ModelFrameError("row 1: event must be 0/1 (or 1/2, or true/false), got 0 in column 'status'")) {
      try ModelFrame(dataset: d, formula: Formula(parsing: "Surv(time, status) ~ 1"))
    }
    let t = try Dataset(names: ["time", "status"], columns: [.double([1, 2, -3]), .int([0, 1, 1])])
    #expect(throws: ModelFrameError("row 3: time must not be negative, got -3 in column 'time'")) {
      try ModelFrame(dataset: t, formula: Formula(parsing: "Surv(time, status) ~ 1"))
    }
    let start = try Dataset(
      names: ["a", "b", "status"], columns: [.double([0, 2]), .double([1, 2]), .int([0, 1])])
    #expect(throws: ModelFrameError("row 2: start (2) must be less than stop (2) in columns 'a' and 'b'")) {
      try ModelFrame(dataset: start, formula: Formula(parsing: "Surv(a, b, status) ~ 1"))
    }
  }

  /// One variable whose levels all occur groups as its codes, as the table does.
  @Test func oneVariableGroupsAsTheTable() {
    let codes: [Int32] = (0..<1_000).map { Int32(($0 * 7) % 5) }
    let coding = Categorical(codes: codes, levels: ["a", "b", "c", "d", "e"])
    let fast = Grouping.combining([("x", coding)])
    #expect(fast == Grouping.combiningByTable([("x", coding)]))
    #expect(fast.labels == ["x=a", "x=b", "x=c", "x=d", "x=e"])
    // An unused level or a missing code takes the table.
    let unused = Categorical(codes: codes, levels: ["a", "b", "c", "d", "e", "f"])
    #expect(Grouping.combining([("x", unused)]).labels.count == 5)
    let missing = Categorical(codes: codes + [-1], levels: ["a", "b", "c", "d", "e"])
    #expect(Grouping.combining([("x", missing)]) == Grouping.combiningByTable([("x", missing)]))
  }
}
