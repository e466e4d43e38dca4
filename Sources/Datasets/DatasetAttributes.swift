/// Metadata a statistical package keeps beside its data: variable labels,
/// value labels, display formats, special missing values and the dataset's
/// own label (SAS, SAS transport, Stata and SPSS files, as R's haven keeps
/// them in attributes).
///
/// They live in the `Dataset` itself, keyed by column name, so every
/// operation that keeps a column keeps its metadata: `select`, `drop`,
/// row subsets (`where`, `sort`, `head`, `take`, ...), `rename` (the entry
/// follows the column), `join` (each side's columns, under their output
/// names) and `bind_rows` (the first dataset that has the column). A column
/// that `with` replaces keeps only its variable label: its values changed,
/// so value labels and missing codes no longer describe them.
public struct DatasetAttributes: Sendable, Equatable {
  /// The dataset's label (SAS's dataset label, Stata's data label, SPSS's file label).
  public var label: String?
  /// Per column name; a column without metadata has no entry.
  public var columns: [String: ColumnAttributes]

  public init(label: String? = nil, columns: [String: ColumnAttributes] = [:]) {
    self.label = label
    self.columns = columns
  }

  /// The entries for `names` only, without empty ones.
  func restricted(to names: [String]) -> DatasetAttributes {
    if columns.isEmpty { return self }
    var kept: [String: ColumnAttributes] = [:]
    for n in names { if let a = columns[n], !a.isEmpty { kept[n] = a } }
    return DatasetAttributes(label: label, columns: kept)
  }
}

/// One column's metadata.
public struct ColumnAttributes: Sendable, Equatable {
  /// The variable label ("Age (years)").
  public var label: String?
  /// The value labels of Stata and SPSS, in code order. A column read with
  /// value labels is a string column whose levels are the labels; these
  /// entries keep the codes behind them.
  public var valueLabels: [ValueLabel]
  /// The texts of the special missing values of a double column (".A" of
  /// SAS and Stata, "99" of an SPSS user-missing code). A missing value
  /// with code k (1-based) in this list is a NaN whose payload says k
  /// (`Column.taggedMissing`), so the code travels with its row through
  /// every gather, filter and sort. A value-labelled (string) column keeps
  /// the code in its factor code instead (`Column.factorCode(missing:)`).
  public var missingCodes: [String]
  /// The display format in the file ("DATE9.", "%td", "ADATE10").
  public var format: String?

  public init(
    label: String? = nil, valueLabels: [ValueLabel] = [], missingCodes: [String] = [], format: String? = nil
  ) {
    self.label = label
    self.valueLabels = valueLabels
    self.missingCodes = missingCodes
    self.format = format
  }

  public var isEmpty: Bool { label == nil && valueLabels.isEmpty && missingCodes.isEmpty && format == nil }
}

/// One value label: the code in the file and its text.
public struct ValueLabel: Sendable, Equatable {
  public enum Code: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)
    /// A tagged missing value (".A" in Stata, SAS formats).
    case tagged(Character)

    public var description: String {
      switch self {
      case .number(let x): return RNumberText.asCharacter(x)
      case .text(let s): return s
      case .tagged(let c): return ".\(c)"
      }
    }
  }
  public var code: Code
  public var label: String

  public init(code: Code, label: String) {
    self.code = code
    self.label = label
  }
}

extension Column {
  /// The quiet NaN that stands for special missing value `code` (1-based
  /// index into `ColumnAttributes.missingCodes`). Every kernel sees NA
  /// (`isNaN`); the payload's top bits mark Kaplan's tag so that a NaN made
  /// by arithmetic is not mistaken for one.
  public static func taggedMissing(_ code: Int) -> Double {
    Double(bitPattern: taggedMissingMark | UInt64(truncatingIfNeeded: code) & 0xFFFF)
  }

  /// The code (1-based) of a special missing value, or nil for a number or
  /// a plain NA.
  public static func missingCode(of x: Double) -> Int? {
    guard x.isNaN else { return nil }
    let bits = x.bitPattern & ~(UInt64(1) << 63)
    guard bits & ~UInt64(0xFFFF) == taggedMissingMark else { return nil }
    let code = Int(bits & 0xFFFF)
    return code > 0 ? code : nil
  }

  /// The factor code of special missing value `code` (1-based) in a
  /// value-labelled column read from Stata or SPSS: `-1 - code`. Every
  /// kernel reads a negative factor code as NA; this one says which code
  /// (`missingCode(ofFactorCode:)`), and travels with its row.
  public static func factorCode(missing code: Int) -> Int32 {
    code > 0 && code <= 0xFFFF ? Int32(-1 - code) : -1
  }

  /// The special missing code (1-based) of a factor code, nil for a level or plain NA.
  public static func missingCode(ofFactorCode c: Int32) -> Int? { c < -1 ? Int(-1 - Int64(c)) : nil }

  private static let taggedMissingMark: UInt64 = 0x7FF8_4B61_0000_0000
}

extension Dataset {
  /// The metadata of column `name`, empty when it has none.
  public func attributes(of name: String) -> ColumnAttributes { attributes.columns[name] ?? ColumnAttributes() }

  /// The same columns with `attributes` (entries for absent names dropped).
  public func with(attributes: DatasetAttributes) -> Dataset {
    Dataset(unchecked: names, columns, attributes.restricted(to: names))
  }

  /// The dataset with column `name`'s metadata replaced.
  public func with(attributes a: ColumnAttributes, of name: String) throws -> Dataset {
    guard index(of: name) != nil else { throw noColumn(name) }
    var all = attributes
    all.columns[name] = a.isEmpty ? nil : a
    return with(attributes: all)
  }

  /// The dataset with its own label set (nil removes it).
  public func with(label: String?) -> Dataset {
    var all = attributes
    all.label = label
    return with(attributes: all)
  }
}

extension DatasetAttributes {
  /// The entries moved to the columns' new names (all renames at once).
  func renamed(_ pairs: [(old: String, new: String)]) -> DatasetAttributes {
    if columns.isEmpty { return self }
    var out = columns
    for (old, _) in pairs { out[old] = nil }
    for (old, new) in pairs { out[new] = columns[old] }
    return DatasetAttributes(label: label, columns: out)
  }
}
