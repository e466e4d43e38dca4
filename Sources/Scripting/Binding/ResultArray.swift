import Datasets
import LuaHost
import RunControl

/// A result's array field as Lua sees it: a read-only view of the Swift
/// array the analysis computed (issue 14, "results that cost no more than
/// their kernels").
///
/// Encoding a km fit of 10^6 rows as Lua tables copied some 11 × 10^6
/// numbers into Lua, which cost more than the fit itself. A view is pushed
/// in constant time and shares the Swift array (copy on write, no copy);
/// Lua reads it element by element only when a script does:
/// - `v[i]` is the number (NA, NaN, as nil, as the tables were); nil outside
///   1...#v and for any other key than a method name;
/// - `#v`, `ipairs(v)` (Lua 5.4's ipairs reads through `__index`),
///   `pairs(v)` (`__pairs`: the indices with a value), `table.concat` and
///   `table.unpack` (both read through `__index` and `__len` in 5.4);
/// - `v:totable()` is a plain, editable table of the same numbers;
/// - assigning `v[i] = x` is an error saying to take `v:totable()`: a
///   result is a copy for reading (docs/ARCHITECTURE.md, "Results").
///
/// Swift code that decodes a view (`LuaState.value(at:)`, a function's
/// table argument) gets the table of its numbers (`LuaDecodedAsValue`).
/// Counts held as `[Int]` read as Lua floats, as the tables had them.
/// The buffer stays in the run's memory budget while the view lives
/// (`MemoryLease`), as the buffers of columns do.
public final class ResultArray: LuaDecodedAsValue {
  enum Storage {
    case doubles([Double])
    case integers([Int])
    /// Part of a larger array (one column of a column-major matrix), shared, not copied.
    case doubleRange([Double], Range<Int>)
  }

  let storage: Storage
  /// Whether NaN reads as nil (R's NA); false for arrays that hold no NA.
  let nanAsNil: Bool
  private let lease: MemoryLease?

  init(_ storage: Storage, nanAsNil: Bool) throws {
    self.storage = storage
    self.nanAsNil = nanAsNil
    switch storage {
    case .doubles(let v): lease = try MemoryLease.take([.double(v)], what: "a result array of \(v.count) numbers")
    case .integers(let v): lease = try MemoryLease.take([.int(v)], what: "a result array of \(v.count) numbers")
    case .doubleRange(let v, let r):
      lease = try MemoryLease.take([.double(v)], what: "a result array of \(r.count) numbers")
    }
  }

  /// A result field over `values` (NaN read as nil).
  static func numbers(_ values: [Double]) throws -> LuaValue {
    .object(try ResultArray(.doubles(values), nanAsNil: true))
  }

  /// A result field over `values[range]` (NaN read as nil), sharing the array: a column of a
  /// column-major result (zph's residuals per term) is not copied.
  static func numbers(_ values: [Double], range: Range<Int>) throws -> LuaValue {
    .object(try ResultArray(.doubleRange(values, range), nanAsNil: true))
  }

  /// A result field of counts.
  static func counts(_ values: [Int]) throws -> LuaValue {
    .object(try ResultArray(.integers(values), nanAsNil: false))
  }

  var count: Int {
    switch storage {
    case .doubles(let v): return v.count
    case .integers(let v): return v.count
    case .doubleRange(_, let r): return r.count
    }
  }

  /// Element `i` (0-based) as Lua reads it: nil for NA.
  func element(_ i: Int) -> LuaValue {
    switch storage {
    case .doubles(let v): return nanAsNil && v[i].isNaN ? .nil : .number(v[i])
    case .integers(let v): return .number(Double(v[i]))
    case .doubleRange(let v, let r):
      let x = v[r.lowerBound + i]
      return nanAsNil && x.isNaN ? .nil : .number(x)
    }
  }

  /// The plain table, pushed in one protected C call as results used to be.
  var table: LuaValue {
    switch storage {
    case .doubles(let v): return .numbers(v, nanAsNil: nanAsNil)
    case .integers(let v): return .numbers(v.map(Double.init), nanAsNil: false)
    case .doubleRange(let v, let r): return .numbers(Array(v[r]), nanAsNil: nanAsNil)
    }
  }

  public func decodedValue() throws -> LuaValue {
    try MemoryBudget.require(
      count: count, stride: MemoryLayout<LuaValue>.stride + ResultArray.decodedValueOverhead,
      for: "the \(count) values of a result array")
    return .table(LuaTable(array: (0..<count).map(element)))
  }

  /// Bytes of the heap box of one decoded value (as LuaState's decoder counts).
  static let decodedValueOverhead = 32

  /// The text `tostring(v)` gives: its length and first values.
  var summary: String {
    let shown = (0..<min(count, ResultArray.shownValues)).map { i -> String in
      switch element(i) {
      case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
      default: return "NA"
      }
    }
    let more = count > ResultArray.shownValues ? ", ..." : ""
    return "result array of \(count) value\(count == 1 ? "" : "s"): {\(shown.joined(separator: ", "))\(more)}"
  }

  /// Values `tostring` shows before "...".
  static let shownValues = 6
}

extension ResultArray {
  /// The name of the userdata type, as messages and `type_name` give it.
  static let typeName = "result array"

  /// Registers the view's userdata type in `lua`.
  static func register(in lua: LuaState) throws {
    func view(_ call: LuaCall) throws -> ResultArray { try call.object(1, as: ResultArray.self) }
    // The iterator of pairs(v): from index i, the next index with a value.
    let next = lua.function("next") { call in
      let v = try view(call)
      var i = max(try call.integer(2), 0)
      while i < v.count {
        let item = v.element(i)
        i += 1
        if item != .nil { return [.integer(i), item] }
      }
      return [.nil]
    }
    try lua.registerType(
      ResultArray.self, name: typeName,
      methods: [
        "totable": { call in
          guard call.count == 1 else { throw call.argumentError(2, "totable takes no arguments") }
          return [try view(call).table]
        },
      ],
      metamethods: [
        "__len": { call in [.integer(try view(call).count)] },
        "__tostring": { call in [.string(try view(call).summary)] },
        "__newindex": { _ in
          throw LuaError.runtime(
            "a result's arrays are read-only (a result is a copy for reading); "
              + "take an editable copy with t = v:totable()")
        },
        // pairs(v): the indices that hold a value, in order, as pairs over
        // the table with NA holes gave them (its order was unspecified).
        "__pairs": { call in [next, .object(try view(call)), .integer(0)] },
      ],
      index: { call in
        let v = try view(call)
        guard case .some(let key) = try? call.value(2), let position = ResultArray.position(key),
          position >= 1, position <= v.count
        else { return [.nil] }
        return [v.element(position - 1)]
      })
  }

  /// An integer key (`v[2]`, `v[2.0]`), else nil.
  static func position(_ key: LuaValue) -> Int? {
    switch key {
    case .integer(let i): return i
    case .number(let x): return x == x.rounded() && abs(x) < 9e15 ? Int(x) : nil
    default: return nil
    }
  }
}
