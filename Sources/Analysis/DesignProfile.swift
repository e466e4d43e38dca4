import Datasets

/// A covariate's value in a prediction profile.
public enum ProfileValue: Sendable, Equatable {
  case number(Double)
  case text(String)
  case boolean(Bool)

  /// The value in row `r` of a dataset column (a date as its day number),
  /// as predictions of every model read newdata; the row has no NA.
  init(_ column: Column, row r: Int) {
    switch column {
    case .double(let v): self = .number(v[r])
    case .int(let v): self = .number(Double(v[r]))
    case .factor(let codes, let levels): self = .text(levels[Int(codes[r])])
    case .bool(let v): self = .boolean(v[r] != 0)
    case .date(let v): self = .number(Double(v[r]))
    }
  }
}

/// Design-matrix rows for covariate profiles (`{age = 60, rx = "Lev"}`):
/// what R's `model.matrix(terms(fit), newdata)` gives with the fitted
/// model's factor levels, and what `predict.crr(object, cov1)` takes as
/// `cov1`. Columns follow `DesignMatrix` exactly: numeric variables as they
/// are, factors as indicators of their levels (after the reference level
/// where R uses contrasts), interactions as products, first variable
/// varying fastest.
public struct DesignProfile: Sendable {
  enum Coding: Sendable {
    case numeric
    case categorical([String])
    /// A transform, evaluated on the basis fitted to the data (R's
    /// `makepredictcall`: the knots and polynomial coefficients of the fit).
    case transformed(VariableTransform, FittedBasis)
  }

  let terms: [Term]
  let codings: [FormulaVariable: Coding]
  /// The dataset columns a profile must give, in formula order.
  public let variables: [String]
  /// R's column names, as `DesignMatrix.columnNames`.
  public let columnNames: [String]

  public init(frame: ModelFrame, design: DesignMatrix) {
    var codings: [FormulaVariable: Coding] = [:]
    var variables: [String] = []
    for v in frame.formula.variables {
      if let t = frame.transformed[v], let transform = v.transform {
        codings[v] = .transformed(transform, t.basis)
      } else {
        switch frame.covariate(v) {
        case .categorical(let coding)?: codings[v] = .categorical(coding.levels)
        case .numeric?, .basis?, nil: codings[v] = .numeric
        }
      }
      for c in v.columns where !variables.contains(c) { variables.append(c) }
    }
    self.terms = frame.formula.terms
    self.codings = codings
    self.variables = variables
    self.columnNames = design.columnNames
  }

  /// The design row of `profile` (column name → value). Every variable of
  /// the model must be given, and nothing else; factor values must be
  /// levels the model was fitted with.
  public func row(_ profile: [String: ProfileValue]) throws -> [Double] {
    for key in profile.keys.sorted() where !variables.contains(key) {
      throw ModelFrameError(
        "unknown variable '\(key)' in the profile (the model's variables: \(variables.joined(separator: ", ")))")
    }
    var values: [String: Double] = [:]
    var levelOf: [String: String] = [:]
    var rows: [String: [Double]] = [:]
    for (v, coding) in codings.sorted(by: { $0.key.label < $1.key.label }) {
      if case .transformed(let transform, let basis) = coding {
        rows[v.label] = try Self.transformRow(transform, basis, profile: profile, variables: variables)
        continue
      }
      guard let value = profile[v.column] else {
        throw ModelFrameError(
          "the profile has no value for '\(v.column)' (give every variable: \(variables.joined(separator: ", ")))")
      }
      switch coding {
      case .transformed: break
      case .numeric:
        guard case .number(let x) = value, x.isFinite else {
          throw ModelFrameError("'\(v.column)' in the profile must be a finite number, got \(Self.describe(value))")
        }
        values[v.label] = x
      case .categorical(let levels):
        let text: String
        switch value {
        case .text(let s): text = s
        case .number(let x): text = RValueFormat.number(x)
        case .boolean(let b): text = b ? "TRUE" : "FALSE"
        }
        guard levels.contains(text) else {
          throw ModelFrameError(
            "'\(v.column)' = \(Self.describe(value)) in the profile is not a level of '\(v.label)' "
              + "(levels: \(levels.joined(separator: ", ")))")
        }
        levelOf[v.label] = text
      }
    }
    var row: [Double] = []
    for (k, term) in terms.enumerated() {
      var product: [Double] = [1]
      for variable in term.variables {
        var block: [Double]
        switch codings[variable] ?? .numeric {
        case .numeric:
          block = [values[variable.label] ?? .nan]
        case .transformed:
          block = rows[variable.label] ?? [.nan]
        case .categorical(let levels):
          let contrasts = DesignMatrix.usesContrasts(variable, in: term, preceding: terms[..<k])
          let used = contrasts ? Array(levels.dropFirst()) : levels
          let level = levelOf[variable.label]
          block = used.map { $0 == level ? 1 : 0 }
        }
        product = block.flatMap { piece in product.map { $0 * piece } }
      }
      row += product
    }
    guard row.count == columnNames.count else {
      throw ModelFrameError("internal: a profile gave \(row.count) design columns, the model has \(columnNames.count)")
    }
    return row
  }

  /// The design columns of a transform at the profile's values of its columns.
  static func transformRow(
    _ transform: VariableTransform, _ basis: FittedBasis, profile: [String: ProfileValue], variables: [String]
  ) throws -> [Double] {
    if case .timeTransform = transform.kind {
      throw ModelFrameError("a model with \(transform.label) has no covariate profile: its value changes with time")
    }
    var numbers: [String: Double] = [:]
    for c in transform.argument.columns {
      guard let value = profile[c] else {
        throw ModelFrameError(
          "the profile has no value for '\(c)' (give every variable: \(variables.joined(separator: ", ")))")
      }
      guard case .number(let x) = value, x.isFinite else {
        throw ModelFrameError(
          "'\(c)' in the profile must be a finite number (for \(transform.label)), got \(describe(value))")
      }
      numbers[c] = x
    }
    let x = transform.argument.value { numbers[$0] ?? .nan }
    let row = basis.row(x)
    guard row.allSatisfy(\.isFinite) else {
      throw ModelFrameError("\(transform.label) has no finite value at the profile's values")
    }
    return row
  }

  static func describe(_ value: ProfileValue) -> String {
    switch value {
    case .number(let x): return RValueFormat.number(x)
    case .text(let s): return "\"\(s)\""
    case .boolean(let b): return b ? "true" : "false"
    }
  }
}
