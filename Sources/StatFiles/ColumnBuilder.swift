import Datasets

/// One variable's values as ReadStat hands them over, cell by cell, into
/// contiguous buffers: numbers as doubles (special missing values as
/// tagged NaNs, `Column.taggedMissing`), text as codes into a level table
/// built as it goes (no per-row String unless the text is new).
final class ColumnBuilder {
  enum Storage {
    case number
    case text
  }

  let name: String
  let storage: Storage
  let label: String?
  let format: String?
  /// The name of its value-label set, if any.
  let labelSet: String?
  /// Stata's byte/int/long: whole numbers, an int column unless a tagged
  /// missing value forces double.
  let isInteger: Bool
  /// SPSS: the variable declares user-missing values or ranges.
  let hasDefinedMissing: Bool

  // Appended once a cell from ReadStat's callbacks, never while another access
  // is open: unchecked, the per-cell runtime exclusivity check (a third of
  // the callback's time in a profile of read_xpt) is not paid.
  @exclusivity(unchecked) var numbers: [Double] = []
  @exclusivity(unchecked) var codes: [Int32] = []
  var levels: [String] = []
  private var levelIndex: [String: Int32] = [:]
  var missingCodes: [String] = []
  private var missingIndex: [String: Int] = [:]

  init(
    name: String, storage: Storage, label: String?, format: String?, labelSet: String?, isInteger: Bool,
    hasDefinedMissing: Bool
  ) {
    self.name = name
    self.storage = storage
    self.label = label
    self.format = format
    self.labelSet = labelSet
    self.isInteger = isInteger
    self.hasDefinedMissing = hasDefinedMissing
  }

  var count: Int { storage == .number ? numbers.count : codes.count }

  func reserve(_ rows: Int) {
    switch storage {
    case .number: numbers.reserveCapacity(rows)
    case .text: codes.reserveCapacity(rows)
    }
  }

  /// A special missing value with display text `code` (".A", "99").
  func appendMissing(code: String) {
    let k: Int
    if let known = missingIndex[code] {
      k = known
    } else if missingCodes.count >= 0xFFFF {
      // The NaN payload holds 16 bits of code: further codes are plain NA.
      numbers.append(.nan)
      return
    } else {
      missingCodes.append(code)
      k = missingCodes.count
      missingIndex[code] = k
    }
    numbers.append(Column.taggedMissing(k))
  }

  /// A text value; empty text is NA, as `read_csv` reads an empty field.
  func appendText(_ pointer: UnsafePointer<CChar>?) {
    guard let pointer, pointer.pointee != 0 else {
      codes.append(-1)
      return
    }
    let text = String(cString: pointer)
    if let code = levelIndex[text] {
      codes.append(code)
    } else {
      let code = Int32(truncatingIfNeeded: levels.count)
      levels.append(text)
      levelIndex[text] = code
      codes.append(code)
    }
  }

  /// Pads to `rows` with NA (a file that ended a row early).
  func pad(to rows: Int) {
    while count < rows {
      switch storage {
      case .number: numbers.append(.nan)
      case .text: codes.append(-1)
      }
    }
  }
}
