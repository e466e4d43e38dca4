/// Validated per-subject survival data, sorted once by (group, time).
///
/// Right-censored data `Surv(time, event)` or delayed entry
/// `Surv(entry, exit, event)`: a subject is at risk at time t when
/// entry < t ≤ exit (R `survival` counting-process convention). Case weights
/// are optional (R `survfit(weights =)`); groups are indices `0..<groupCount`
/// built by the Analysis layer, which also keeps their labels.
///
/// Preconditions, checked with a thrown `SurvivalInputError`: at least one
/// subject; all buffers as long as `time`; times finite and ≥ 0; entry < exit;
/// events 0 or 1; weights finite and ≥ 0; groups in range.
public struct SurvivalSample: Sendable {
  /// Number of subjects.
  public let count: Int
  /// Number of groups; curves are returned for each, empty ones included.
  public let groupCount: Int
  /// Exit (event or censoring) time of each subject.
  public let time: [Double]
  /// Entry time of each subject, nil for right-censored data.
  public let entry: [Double]?
  /// 1 for an event, 0 for a censoring.
  public let event: [UInt8]
  /// Case weights, nil when unweighted.
  public let weights: [Double]?
  /// Group of each subject; nil when there is one group (built on access
  /// when the groups were given as 32-bit codes).
  public var group: [Int]? {
    switch groupCodes {
    case .wide(let g)?: return g
    case .compact(let g)?: return g.map { Int($0) }
    case nil: return nil
    }
  }
  /// The groups as given: `Int`s, or a factor's 32-bit codes kept as they are.
  let groupCodes: GroupCodes?

  enum GroupCodes: Sendable {
    case wide([Int])
    case compact([Int32])

    var count: Int {
      switch self {
      case .wide(let g): return g.count
      case .compact(let g): return g.count
      }
    }
  }

  /// Subjects ordered by (group, time), ties in input order.
  let order: [UInt32]
  /// `time[order[p]]` and `event[order[p]]`: kernels read these sequentially.
  let sortedTime: [Double]
  let sortedEvent: [UInt8]
  /// Where each group starts in `order` (`groupCount + 1` offsets).
  let groupStart: [Int]
  /// Subjects ordered by (group, entry) when there is delayed entry.
  let entryOrder: [UInt32]?

  /// Right-censored data, `Surv(time, event)`.
  public init<Event: EventCode>(
    time: [Double], event: [Event], weights: [Double]? = nil,
    group: [Int]? = nil, groupCount: Int = 1
  ) throws {
    try self.init(entry: nil, time: time, event: event, weights: weights, group: group, groupCount: groupCount)
  }

  /// Delayed entry (left truncation), `Surv(entry, exit, event)`; `entry` nil
  /// means every subject is at risk from time 0. Events are R's numeric
  /// status or the `Int` codes of the model frame (`EventCode`).
  public init<Event: EventCode>(
    entry: [Double]?, time: [Double], event: [Event], weights: [Double]? = nil,
    group: [Int]? = nil, groupCount: Int = 1
  ) throws {
    try self.init(
      entry: entry, time: time, events: event, weights: weights, groups: group.map { .wide($0) },
      groupCount: groupCount, flag: { $0.eventFlag }, value: { $0.reportedValue })
  }

  /// Events as the `Int` codes of `ModelFrame.event` (0 censored, 1 event).
  public init(
    entry: [Double]? = nil, time: [Double], eventCodes event: [Int], weights: [Double]? = nil,
    group: [Int]? = nil, groupCount: Int = 1
  ) throws {
    try self.init(entry: entry, time: time, event: event, weights: weights, group: group, groupCount: groupCount)
  }

  /// As `init(entry:time:eventCodes:...)` with the groups as 32-bit codes
  /// (a factor column's own codes, 0..<groupCount), read as they are: no
  /// list of 8-byte indices is built for the sort.
  public init(
    entry: [Double]? = nil, time: [Double], eventCodes event: [Int], weights: [Double]? = nil,
    groupCodes: [Int32], groupCount: Int
  ) throws {
    try self.init(
      entry: entry, time: time, events: event, weights: weights, groups: .compact(groupCodes),
      groupCount: groupCount, flag: { $0.eventFlag }, value: { $0.reportedValue })
  }

  /// The checks and the sort, for events of any element type: `flag` gives
  /// an event's 0/1 flag, nil for a value that is neither (reported as
  /// `value` of it).
  private init<Event>(
    entry: [Double]?, time: [Double], events event: [Event], weights: [Double]?,
    groups: GroupCodes?, groupCount: Int, flag: (Event) -> UInt8?, value: (Event) -> Double
  ) throws {
    let n = time.count
    guard n > 0 else { throw SurvivalInputError.empty }
    // The sort carries row numbers in 31 bits.
    try SurvivalInputError.checkRowCount(n)
    guard groupCount >= 1 else {
      throw SurvivalInputError.invalidOption("groupCount must be at least 1, got \(groupCount)")
    }
    if event.count != n { throw SurvivalInputError.lengthMismatch(argument: "event", expected: n, actual: event.count) }
    if let w = weights, w.count != n {
      throw SurvivalInputError.lengthMismatch(argument: "weights", expected: n, actual: w.count)
    }
    if let g = groups, g.count != n {
      throw SurvivalInputError.lengthMismatch(argument: "group", expected: n, actual: g.count)
    }
    if let e = entry, e.count != n {
      throw SurvivalInputError.lengthMismatch(argument: "entry", expected: n, actual: e.count)
    }
    for i in 0..<n where !(time[i].isFinite && time[i] >= 0) {
      throw SurvivalInputError.invalidTime(argument: "time", index: i, value: time[i])
    }
    if let e = entry {
      for i in 0..<n {
        if !(e[i].isFinite && e[i] >= 0) {
          throw SurvivalInputError.invalidTime(argument: "entry", index: i, value: e[i])
        }
        if !(e[i] < time[i]) {
          throw SurvivalInputError.entryNotBeforeExit(index: i, entry: e[i], exit: time[i])
        }
      }
    }
    // Every flag is written below before it is read (no zero fill).
    var events: [UInt8] = RadixOrder.uninitialized(n)
    for i in 0..<n {
      guard let f = flag(event[i]) else { throw SurvivalInputError.invalidEvent(index: i, value: value(event[i])) }
      events[i] = f
    }
    if let w = weights {
      for i in 0..<n where !(w[i].isFinite && w[i] >= 0) {
        throw SurvivalInputError.invalidWeight(index: i, value: w[i])
      }
    }
    switch groups {
    case .wide(let g)?:
      for i in 0..<n where g[i] < 0 || g[i] >= groupCount {
        throw SurvivalInputError.invalidGroup(index: i, value: g[i], groupCount: groupCount)
      }
    case .compact(let g)?:
      for i in 0..<n where g[i] < 0 || Int(g[i]) >= groupCount {
        throw SurvivalInputError.invalidGroup(index: i, value: Int(g[i]), groupCount: groupCount)
      }
    case nil where groupCount != 1:
      throw SurvivalInputError.invalidOption("groupCount is \(groupCount) but no group indices were given")
    case nil:
      break
    }
    self.count = n
    self.groupCount = groupCount
    self.time = time
    self.entry = entry
    self.event = events
    self.weights = weights
    self.groupCodes = groups
    func order(_ key: [Double], flag: [UInt8]?) -> RadixOrder.Sorted {
      switch groups {
      case .wide(let g)?: return RadixOrder.order(key: key, groupCodes: g, groupCount: groupCount, flag: flag)
      case .compact(let g)?: return RadixOrder.order(key: key, groupCodes: g, groupCount: groupCount, flag: flag)
      case nil: return RadixOrder.order(key: key, group: nil, groupCount: groupCount, flag: flag)
      }
    }
    let sorted = order(time, flag: events)
    self.order = sorted.order
    self.groupStart = sorted.groupStart
    self.sortedTime = sorted.sortedKey
    self.sortedEvent = sorted.sortedFlag
    if let e = entry {
      self.entryOrder = order(e, flag: nil).order
    } else {
      self.entryOrder = nil
    }
  }

  /// Boolean events, for callers holding `Bool` columns.
  public init(
    time: [Double], event: [Bool], weights: [Double]? = nil,
    group: [Int]? = nil, groupCount: Int = 1
  ) throws {
    try self.init(
      entry: nil, time: time, events: event, weights: weights, groups: group.map { .wide($0) },
      groupCount: groupCount, flag: { $0 ? 1 : 0 }, value: { $0 ? 1 : 0 })
  }

  /// Number of subjects in each group.
  public var groupSizes: [Int] {
    (0..<groupCount).map { groupStart[$0 + 1] - groupStart[$0] }
  }

  /// Whether the weights are not all whole numbers, in which case R's
  /// `survfit` switches to the robust (infinitesimal jackknife) variance.
  var hasFractionalWeights: Bool {
    guard let w = weights else { return false }
    return w.contains { $0 != $0.rounded(.down) }
  }
}

/// An event indicator as the survival kernels take it: 1 an event, 0 a
/// censoring. The Analysis layer hands the `Int` codes of `ModelFrame.event`
/// to every kernel unchanged; R-style numeric status (`Double`, as the
/// fixture tests give it) and the kernels' own 0/1 bytes (`UInt8`) are
/// accepted as well, each checked once, straight into the sample's flags.
public protocol EventCode: Sendable {
  /// 1 or 0, nil for any other value.
  var eventFlag: UInt8? { get }
  /// The value as an error message shows it.
  var reportedValue: Double { get }
}

extension Int: EventCode {
  public var eventFlag: UInt8? { self == 1 ? 1 : (self == 0 ? 0 : nil) }
  public var reportedValue: Double { Double(self) }
}

extension Double: EventCode {
  public var eventFlag: UInt8? { self == 1 ? 1 : (self == 0 ? 0 : nil) }
  public var reportedValue: Double { self }
}

extension UInt8: EventCode {
  public var eventFlag: UInt8? { self <= 1 ? self : nil }
  public var reportedValue: Double { Double(self) }
}
