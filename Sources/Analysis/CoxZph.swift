import Survival

/// The proportional-hazards test of a Cox model on a dataset, as R
/// `survival` 3.x `cox.zph(fit, transform, terms, global)`: the score test
/// per term (a factor's columns together when `terms`, one per coefficient
/// otherwise) and GLOBAL, with the scaled Schoenfeld residuals against the
/// transformed event times (`CoxZph` in Survival computes them).
public struct CoxZphAnalysis: Sendable {
  public enum Transform {
    case km, rank, identity, log
    /// A function of time (a Lua function), called once per distinct event time.
    case custom((Double) throws -> Double)

    public var name: String {
      switch self {
      case .km: return "km"
      case .rank: return "rank"
      case .identity: return "identity"
      case .log: return "log"
      case .custom: return "user"
      }
    }
  }

  public let result: CoxZph.Result
  public let transformName: String
  /// The stratum label of each event (empty without strata).
  public let eventStrata: [String]
  /// 1-based input row of each event.
  public let eventRows: [Int]

  public init(model: CoxAnalysis, transform: Transform = .km, terms: Bool = true, global: Bool = true) throws {
    let data = try model.diagnosticsData()
    let frame = data.frame
    let design = data.design
    let input = data.input
    let kernelTransform: CoxZph.Transform
    switch transform {
    case .km: kernelTransform = .km
    case .rank: kernelTransform = .rank
    case .identity: kernelTransform = .identity
    case .log: kernelTransform = .log
    case .custom(let f):
      var values = [Double](repeating: 0, count: frame.count)
      var cache: [Double: Double] = [:]
      for i in 0..<frame.count where frame.event[i] != 0 {
        let t = frame.time[i]
        if let v = cache[t] {
          values[i] = v
        } else {
          let v = try f(t)
          cache[t] = v
          values[i] = v
        }
      }
      kernelTransform = .values(values)
    }
    let termColumns: [[Int]]
    let termNames: [String]
    if terms {
      termColumns = design.termColumns.map { Array($0) }
      termNames = design.termLabels
    } else {
      termColumns = (0..<design.columnCount).map { [$0] }
      termNames = model.coefficients.map(\.name)
    }
    let result: CoxZph.Result
    do {
      result = try CoxZph.test(
        input, riskSets: try data.riskSets(), transform: kernelTransform, terms: termColumns, termNames: termNames,
        global: global)
    } catch let error as CoxInputError {
      throw ModelFrameError(error.message)
    }
    self.result = result
    transformName = transform.name
    eventStrata = frame.strata.map { g in result.stratum.map { g.labels[$0] } } ?? []
    eventRows = result.eventRows.map { frame.selection[$0] + 1 }
  }
}
