import Datasets
import Foundation
import LuaHost
import RunControl

/// A dataset as Lua sees it: an immutable userdata (`dataset`).
public final class LuaDataset {
  public let dataset: Dataset
  /// Its columns' share of the run's memory budget (RunMemoryAccount).
  private let lease: MemoryLease?
  /// Throws when the dataset's new buffers do not fit in `--max-memory`.
  public init(_ dataset: Dataset) throws {
    self.dataset = dataset
    lease = try MemoryLease.take(
      dataset.columns, what: "a dataset of \(dataset.rowCount) rows and \(dataset.columns.count) columns")
  }
}

/// A column as Lua sees it (`column`): values with element-wise operators.
public final class LuaColumn {
  public let column: Column
  public let name: String
  private let lease: MemoryLease?
  /// Throws when the column's buffer is new and does not fit in `--max-memory`.
  public init(_ column: Column, name: String) throws {
    self.column = column
    self.name = name
    lease = try MemoryLease.take([column], what: "a column of \(column.count) rows")
  }
}

/// A calendar date scalar (`date("2004-03-01")`).
public final class LuaDate {
  public let days: Int32
  public init(days: Int32) { self.days = days }
}

/// The Swift half of the `datasets` library: reading and writing CSV,
/// bundled data, and the `dataset`, `column` and `date` userdata types.
/// `stdlib/kaplan/datasets.lua` builds the public functions, help and
/// printing on top of these.
struct DatasetLibrary: KaplanLibrary {
  let name = "datasets"

  /// Methods written in Lua (stdlib/kaplan/datasets.lua) for each type,
  /// consulted after the Swift methods; `__tostring` among them prints.
  final class LuaExtensions {
    var byType: [String: [String: LuaValue]] = [:]
    func lookup(_ type: String, _ key: String) -> LuaValue? { byType[type]?[key] }
  }
  let extensions = LuaExtensions()

  func install(in runtime: KaplanRuntime) throws -> LibraryBinding {
    LibraryBinding(internals: try installInternals(in: runtime))
  }

  func installInternals(in runtime: KaplanRuntime) throws -> [(String, LuaValue)] {
    let lua = runtime.lua
    try registerTypes(lua)
    let policy = runtime.policy
    let stdlib = runtime.stdlibPath
    let extensions = self.extensions
    return [
      ("extend", lua.function("extend") { call in
        let type = try call.string(1)
        var methods: [String: LuaValue] = [:]
        for (k, v) in try call.table(2).fields { methods[k] = v }
        extensions.byType[type] = methods
        return []
      }),
      ("read_csv", lua.function("read_csv") { call in
        let path = try call.string(1)
        let options = try csvOptions(try call.optionalTable(2), call: call)
        let resolved = try policy.checkRead(path)
        do {
          // Warnings name the file as the script did, as errors do below.
          let dataset = try RunWarnings.rewriting({ $0.replacingOccurrences(of: resolved, with: path) }) {
            try CSVReader.read(path: resolved, options: options)
          }
          return [.object(try LuaDataset(dataset))]
        } catch let error as DatasetError {
          // Expected failures (a missing file, a malformed row) return nil, message.
          return [.nil, .string(String(describing: error).replacingOccurrences(of: resolved, with: path))]
        }
      }),
      ("write_csv", lua.function("write_csv") { call in
        let d = try call.object(1, as: LuaDataset.self).dataset
        let path = try call.string(2)
        let resolved = try policy.checkWrite(path)
        do {
          try CSVWriter.write(d, path: resolved)
          return [.boolean(true)]
        } catch {
          return [.nil, .string("cannot write '\(path)': \(error)")]
        }
      }),
      ("bundled", lua.function("dataset") { call in
        let name = try call.string(1)
        do {
          return [.object(try LuaDataset(try BundledDatasets.load(name, stdlib: stdlib)))]
        } catch {
          throw call.argumentError(1, String(describing: error))
        }
      }),
      ("list", lua.function("datasets") { _ in
        let entries = try BundledDatasets.list(stdlib: stdlib)
        return [.array(entries.map { e in
          .record(["name": .string(e.name), "rows": .integer(e.rows), "columns": .integer(e.columns),
                   "description": .string(e.description)])
        })]
      }),
      ("from", lua.function("dataset.from") { call in
        let spec = try call.table(1)
        var names: [String] = []
        var columns: [Column] = []
        // Each array column is asked of the memory budget before it is
        // built (its values as Scalars, then its buffer), with the columns
        // built before it: the dataset's lease comes only at the end, and
        // eight columns of one shared 4M-row table reached 590 MB under
        // --max-memory 200M before it refused (review of issue 12).
        var built = 0
        func columnFrom(_ value: LuaValue, name: String, call: LuaCall, argument: Int) throws -> Column {
          if case .table(let t) = value {
            let rows = t.array.count
            do {
              try MemoryBudget.require(
                built + rows * (MemoryLayout<Scalar>.stride + 8), for: "column '\(name)' of \(rows) rows")
            } catch { throw call.argumentError(argument, String(describing: error)) }
            built += rows * 8
          }
          return try Scripting.columnFrom(value, name: name, call: call, argument: argument)
        }
        // Either {{"name", {values}}, ...} (ordered) or {name = {values}, ...} (sorted by name).
        if !spec.array.isEmpty {
          for (i, item) in spec.array.enumerated() {
            guard case .table(let pair) = item, pair.array.count == 2, case .string(let n) = pair.array[0] else {
              throw call.argumentError(1, "entry \(i + 1) must be {name, values}")
            }
            names.append(n)
            columns.append(try columnFrom(pair.array[1], name: n, call: call, argument: 1))
          }
        }
        for (n, v) in spec.fields {
          names.append(n)
          columns.append(try columnFrom(v, name: n, call: call, argument: 1))
        }
        do {
          return [.object(try LuaDataset(try Dataset(names: names, columns: columns)))]
        } catch {
          throw call.argumentError(1, String(describing: error))
        }
      }),
      ("date", lua.function("date") { call in
        if let days = try? call.number(1) {
          // Days since 1970-01-01; anything else would trap in Int32(_:).
          guard let d = Int32(exactly: days), d != Column.naDate else {
            throw call.argumentError(1, "days since 1970-01-01 must be a whole number between -2147483647 and 2147483647, got \(OptionTable.describe(.number(days)))")
          }
          return [.object(LuaDate(days: d))]
        }
        let text = try call.string(1)
        let format = try call.optionalString(2)
        let parsed: Int32?
        if let format {
          do { parsed = try DateFormat(format).parse(text) } catch { throw call.argumentError(2, String(describing: error)) }
        } else {
          parsed = CalendarDate.parseISO(text)
        }
        guard let days = parsed else {
          throw call.argumentError(1, "'\(text)' is not a date in format \(format ?? "%Y-%m-%d")")
        }
        return [.object(LuaDate(days: days))]
      }),
      ("months_between", lua.function("months_between") { call in
        try between(call, name: "months", Column.monthsBetween)
      }),
      ("years_between", lua.function("years_between") { call in
        try between(call, name: "years", Column.yearsBetween)
      }),
      ("is_dataset", lua.function("is_dataset") { call in [.boolean(call.isObject(1, of: LuaDataset.self))] }),
      ("is_column", lua.function("is_column") { call in [.boolean(call.isObject(1, of: LuaColumn.self))] }),
      ("is_date", lua.function("is_date") { call in [.boolean(call.isObject(1, of: LuaDate.self))] }),
      ("preview", lua.function("preview") { call in
        // Rows as strings for the Lua printer: {names, types, rows, nrow}.
        let d = try call.object(1, as: LuaDataset.self).dataset
        let rows = try call.integer(2)
        let indices = Array(0..<min(max(rows, 0), d.rowCount))
        return [.record([
          "names": .strings(d.names),
          "types": .strings(d.kinds.map(\.rawValue)),
          "nrow": .integer(d.rowCount),
          "rows": .array(indices.map { i in .strings(d.columns.map { $0.value(at: i).description }) }),
        ])]
      }),
      ("describe", lua.function("describe") { call in
        let d = try call.object(1, as: LuaDataset.self).dataset
        return [.array(d.describe().map(summaryValue))]
      }),
    ]
  }

  /// A `__tostring` that calls the Lua-side formatter of `type`.
  private func tostring(_ type: String) -> LuaCallback {
    { [extensions] call in
      guard let formatter = extensions.lookup(type, "__tostring") else { return [.string(type)] }
      return Array(try call.call(formatter, [try call.value(1)]).prefix(1))
    }
  }

  private func registerTypes(_ lua: LuaState) throws {
    try lua.registerType(LuaDataset.self, name: "dataset", methods: datasetMethods(),
      metamethods: [
        "__len": { call in [.integer(try call.object(1, as: LuaDataset.self).dataset.rowCount)] },
        "__tostring": tostring("dataset"),
      ],
      index: { [extensions] call in
        let d = try call.object(1, as: LuaDataset.self).dataset
        guard case .string(let key) = try call.value(2) else { return [.nil] }
        if let method = extensions.lookup("dataset", key) { return [method] }
        guard let column = d[key] else { return [.nil] }
        return [.object(try LuaColumn(column, name: key))]
      })
    try lua.registerType(LuaColumn.self, name: "column", methods: columnMethods(),
      metamethods: columnMetamethods(),
      index: { [extensions] call in
        let c = try call.object(1, as: LuaColumn.self).column
        if case .string(let key) = try call.value(2), let method = extensions.lookup("column", key) {
          return [method]
        }
        guard case .integer(let i) = try call.value(2) else { return [.nil] }
        guard i >= 1, i <= c.count else { return [.nil] }
        return [scalarValue(c.value(at: i - 1))]
      })
    try lua.registerType(LuaDate.self, name: "date", methods: [
      "year": { call in [.integer(CalendarDate.components(days: try call.object(1, as: LuaDate.self).days).year)] },
      "days": { call in [.integer(Int(try call.object(1, as: LuaDate.self).days))] },
    ], metamethods: [
      "__tostring": { call in [.string(CalendarDate.formatISO(try call.object(1, as: LuaDate.self).days))] },
      "__sub": { call in
        // date - date: days between; date - n: a date n days earlier; with a column, a column.
        if call.isObject(1, of: LuaDate.self), call.isObject(2, of: LuaDate.self) {
          return [.integer(Int(try call.object(1, as: LuaDate.self).days) - Int(try call.object(2, as: LuaDate.self).days))]
        }
        if call.isObject(1, of: LuaDate.self), let n = try wholeDays(call, 2) {
          return [.object(try shiftedDate(try call.object(1, as: LuaDate.self).days, by: n, sign: -1, op: "-"))]
        }
        return [try columnValue(try Column.apply(.subtract, try operand(call, 1), try operand(call, 2)), name: "days")]
      },
      "__add": { call in
        let (date, n) = call.isObject(1, of: LuaDate.self) ? (1, 2) : (2, 1)
        if let days = try wholeDays(call, n) {
          return [.object(try shiftedDate(try call.object(date, as: LuaDate.self).days, by: days, sign: 1, op: "+"))]
        }
        return [try columnValue(try Column.apply(.add, try operand(call, 1), try operand(call, 2)), name: "date")]
      },
      "__eq": { call in [.boolean(try call.object(1, as: LuaDate.self).days == (try call.object(2, as: LuaDate.self).days))] },
      "__lt": { call in [.boolean(try call.object(1, as: LuaDate.self).days < (try call.object(2, as: LuaDate.self).days))] },
      "__le": { call in [.boolean(try call.object(1, as: LuaDate.self).days <= (try call.object(2, as: LuaDate.self).days))] },
    ])
  }

  // MARK: dataset methods

  private func datasetMethods() -> [String: LuaCallback] {
    func d(_ call: LuaCall) throws -> Dataset { try call.object(1, as: LuaDataset.self).dataset }
    func wrap(_ call: LuaCall, _ body: () throws -> Dataset) throws -> [LuaValue] {
      do { return [.object(try LuaDataset(try body()))] } catch let e as DatasetError {
        throw LuaError.runtime("\(call.name): \(e)")
      }
    }
    func names(_ call: LuaCall, _ i: Int) throws -> [String] {
      let t = try call.table(i)
      return try t.array.enumerated().map { k, v in
        guard case .string(let s) = v else { throw call.argumentError(i, "column names expected (entry \(k + 1) is \(v.typeName))") }
        return s
      }
    }
    return [
      "names": { call in [.strings(try d(call).names)] },
      "types": { call in
        let ds = try d(call)
        return [.table(LuaTable(fields: zip(ds.names, ds.kinds).map { ($0, .string($1.rawValue)) }))]
      },
      "nrow": { call in [.integer(try d(call).rowCount)] },
      "ncol": { call in [.integer(try d(call).names.count)] },
      "column": { call in
        let ds = try d(call)
        let name = try call.string(2)
        do { return [.object(try LuaColumn(try ds.column(named: name), name: name))] } catch {
          throw call.argumentError(2, String(describing: error))
        }
      },
      "head": { call in let n = try call.optionalInteger(2) ?? 6; return try wrap(call) { try d(call).head(n) } },
      "tail": { call in let n = try call.optionalInteger(2) ?? 6; return try wrap(call) { try d(call).tail(n) } },
      "select": { call in let n = try names(call, 2); return try wrap(call) { try d(call).select(n) } },
      "drop": { call in let n = try names(call, 2); return try wrap(call) { try d(call).drop(n) } },
      "sort": { call in
        let keys: [String]
        if let s = try? call.string(2) { keys = [s] } else { keys = try names(call, 2) }
        return try wrap(call) { try d(call).sorted(by: keys) }
      },
      "with": { call in
        let ds = try d(call)
        let spec = try call.table(2)
        var additions: [(name: String, column: Column)] = []
        for (name, value) in spec.fields {
          additions.append((name, try columnFrom(value, name: name, call: call, argument: 2, rows: ds.rowCount)))
        }
        return try wrap(call) { try ds.with(additions) }
      },
      "where_mask": { call in
        let ds = try d(call)
        let mask = try call.object(2, as: LuaColumn.self).column
        // Called by d:where(mask) (datasets.lua): messages name 'where'.
        do { return [.object(try LuaDataset(try ds.filter(mask)))] } catch let e as DatasetError {
          throw LuaError.runtime("where: \(e)")
        }
      },
      "take": { call in
        // Rows by 1-based index (used by where(function) in Lua).
        let ds = try d(call)
        let t = try call.table(2)
        let idx = try t.array.map { v -> Int in
          guard let x = v.doubleValue, x >= 1, x <= Double(ds.rowCount), x == x.rounded() else {
            throw call.argumentError(2, "row numbers 1..\(ds.rowCount) expected")
          }
          return Int(x) - 1
        }
        return try wrap(call) { try ds.rows(idx) }
      },
      "split": { call in
        let ds = try d(call)
        let name = try call.string(2)
        do {
          let parts = try ds.split(by: name)
          return [.array(try parts.map { .record(["label": .string($0.label), "data": .object(try LuaDataset($0.dataset))]) })]
        } catch { throw LuaError.runtime("split: \(error)") }
      },
      "count": { call in
        let keys: [String]
        if let s = try? call.string(2) { keys = [s] } else { keys = try names(call, 2) }
        return try wrap(call) { try d(call).count(by: keys) }
      },
      "relevel": { call in
        let name = try call.string(2), ref = try call.string(3)
        return try wrap(call) { try d(call).relevel(name, reference: ref) }
      },
      "levels": { call in
        let name = try call.string(2)
        if call.isNil(3) {
          do {
            guard let levels = try d(call).column(named: name).levels else {
              throw LuaError.runtime("levels: column '\(name)' is not a string column")
            }
            return [.strings(levels)]
          } catch let e as DatasetError { throw LuaError.runtime("levels: \(e)") }
        }
        let order = try names(call, 3)
        return try wrap(call) { try d(call).settingLevels(name, order) }
      },
      "rename": { call in
        let old = try call.string(2), new = try call.string(3)
        return try wrap(call) { try d(call).renamed(old, to: new) }
      },
      "columns": { call in
        // Every column as a Lua array (NA as nil), keyed by name: for row iteration.
        let ds = try d(call)
        return [.table(LuaTable(fields: zip(ds.names, ds.columns).map { ($0, columnArray($1)) }))]
      },
    ]
  }

  // MARK: column methods

  private func columnMethods() -> [String: LuaCallback] {
    func c(_ call: LuaCall) throws -> Column { try call.object(1, as: LuaColumn.self).column }
    func number(_ x: Double?) -> LuaValue { x.map { $0.isNaN ? .nil : .number($0) } ?? .nil }
    func compare(_ op: BinaryOperator) -> LuaCallback {
      { call in [try columnValue(try Column.apply(op, try operand(call, 1), try operand(call, 2)), name: "mask")] }
    }
    return [
      "name": { call in [.string(try call.object(1, as: LuaColumn.self).name)] },
      "type": { call in [.string(try c(call).kind.rawValue)] },
      "sum": { call in [number(try c(call).sum())] },
      "mean": { call in [number(try c(call).mean())] },
      "median": { call in [number(try c(call).median())] },
      "min": { call in [scalarValue(try c(call).min() ?? .missing)] },
      "max": { call in [scalarValue(try c(call).max() ?? .missing)] },
      "quantile": { call in
        let col = try c(call)
        if let p = try? call.number(2) {
          guard p >= 0, p <= 1 else { throw call.argumentError(2, "probability in [0, 1] expected, got \(p)") }
          return [number(try col.quantile(p))]
        }
        let ps = try call.table(2).array.compactMap { $0.doubleValue }
        return [.array(try ps.map { number(try col.quantile($0)) })]
      },
      "levels": { call in
        guard let levels = try c(call).levels else { return [.nil] }
        return [.strings(levels)]
      },
      "count": { call in
        [.table(LuaTable(fields: try c(call).valueCounts().map { ($0.label, .integer($0.count)) }))]
      },
      "missing": { call in [.integer(try c(call).missingCount)] },
      "is_missing": { call in [try columnValue(try c(call).missingMask(), name: "missing")] },
      "values": { call in [columnArray(try c(call))] },
      "eq": compare(.equal), "ne": compare(.notEqual),
      "lt": compare(.less), "le": compare(.lessEqual),
      "gt": compare(.greater), "ge": compare(.greaterEqual),
    ]
  }

  private func columnMetamethods() -> [String: LuaCallback] {
    func binary(_ op: BinaryOperator) -> LuaCallback {
      { call in
        let a = try operand(call, 1), b = try operand(call, 2)
        try requireColumn(rows: max(rows(of: a), rows(of: b)))
        return [try columnValue(try Column.apply(op, a, b), name: op.rawValue)]
      }
    }
    return [
      "__len": { call in [.integer(try call.object(1, as: LuaColumn.self).column.count)] },
      "__tostring": tostring("column"),
      "__add": binary(.add), "__sub": binary(.subtract), "__mul": binary(.multiply), "__div": binary(.divide),
      // Lua converts the results of __eq/__lt/__le to booleans, so element-wise
      // comparisons are methods (c:ge(65)); logic uses & | ~ (see datasets.lua).
      "__band": binary(.and), "__bor": binary(.or),
      "__bnot": { call in [try columnValue(try call.object(1, as: LuaColumn.self).column.not(), name: "not")] },
      "__unm": { call in [try columnValue(try call.object(1, as: LuaColumn.self).column.negated(), name: "neg")] },
    ]
  }
}

// MARK: - conversions

/// A column argument or a scalar (number, string, boolean, date) as an operand.
func operand(_ call: LuaCall, _ index: Int) throws -> Operand {
  if call.isObject(index, of: LuaColumn.self) { return .column(try call.object(index, as: LuaColumn.self).column) }
  if call.isObject(index, of: LuaDate.self) { return .scalar(.date(try call.object(index, as: LuaDate.self).days)) }
  switch try call.value(index) {
  case .integer(let i): return .scalar(.int(i))
  case .number(let d): return .scalar(.double(d))
  case .string(let s): return .scalar(.string(s))
  case .boolean(let b): return .scalar(.bool(b))
  case .nil: return .scalar(.missing)
  default:
    // A closed column or date: say so (call.object names it) rather than "column expected, got column".
    if call.typeName(index) == "column" { _ = try call.object(index, as: LuaColumn.self) }
    if call.typeName(index) == "date" { _ = try call.object(index, as: LuaDate.self) }
    throw call.argumentError(index, "column, number, string, boolean or date expected, got \(call.typeName(index))")
  }
}

/// The whole number of days at argument `index` when it is a number (nil
/// for other values, which are column operands); a fraction, NaN or
/// infinity is an error rather than a trap in `Int32(_:)`.
private func wholeDays(_ call: LuaCall, _ index: Int) throws -> Int? {
  guard let x = try? call.number(index) else { return nil }
  guard x == x.rounded(), abs(x) < 1e9 else {
    throw LuaError.runtime("date arithmetic: a date moves by whole days, got \(OptionTable.describe(.number(x)))")
  }
  return Int(x)
}

/// `days + sign * n` as a date, or an error when it leaves the range of dates.
private func shiftedDate(_ days: Int32, by n: Int, sign: Int, op: String) throws -> LuaDate {
  guard let d = Int32(exactly: Int(days) + sign * n), d != Column.naDate else {
    throw LuaError.runtime("date arithmetic: \(CalendarDate.formatISO(days)) \(op) \(n) days is out of the range of dates")
  }
  return LuaDate(days: d)
}

/// `months_between` / `years_between`: a column when either argument is a
/// column, a number for two dates.
private func between(_ call: LuaCall, name: String, _ f: (Operand, Operand) throws -> Column) throws -> [LuaValue] {
  var a = try operand(call, 1), b = try operand(call, 2)
  guard case .scalar(let x) = a, case .scalar(let y) = b else { return [try columnValue(try f(a, b), name: name)] }
  // Two scalars: compute on a one-row date column, return the number.
  if case .date = x { a = .column(try Column(values: [x])) } else if case .date = y { b = .column(try Column(values: [y])) }
  let column = try f(a, b)
  return [column.count == 1 ? scalarValue(column.value(at: 0)) : try columnValue(column, name: name)]
}

/// Rows of an operand (0 for a scalar).
func rows(of operand: Operand) -> Int {
  if case .column(let c) = operand { return c.count }
  return 0
}

/// Refuses, before it is computed, a new column of `rows` rows that the
/// run's memory budget cannot hold (8 bytes a row: the widest column type).
func requireColumn(rows: Int) throws {
  try MemoryBudget.require(count: rows, stride: MemoryLayout<Double>.stride, for: "a column of \(rows) rows")
}

func columnValue(_ column: Column, name: String) throws -> LuaValue {
  .object(try LuaColumn(column, name: name))
}

/// A Lua value for one scalar; NA is nil.
func scalarValue(_ s: Scalar) -> LuaValue {
  switch s {
  case .missing: return .nil
  case .double(let d): return .number(d)
  case .int(let i): return .integer(i)
  case .string(let t): return .string(t)
  case .bool(let b): return .boolean(b)
  case .date(let d): return .object(LuaDate(days: d))
  }
}

/// The whole column as a Lua array (NA as nil holes).
func columnArray(_ column: Column) -> LuaValue {
  switch column {
  case .double(let v): return .numbers(v, nanAsNil: true)
  default: return .array((0..<column.count).map { scalarValue(column.value(at: $0)) })
  }
}

/// A column from a Lua value: a column object, an array of values (nil = NA
/// is not representable in a Lua array's middle, so NA is `nil` only via
/// columns), or a scalar broadcast to `rows`.
func columnFrom(_ value: LuaValue, name: String, call: LuaCall, argument: Int, rows: Int? = nil) throws -> Column {
  switch value {
  case .object(let o as LuaColumn): return o.column
  case .table(let t):
    let scalars = try t.array.enumerated().map { i, v -> Scalar in
      switch v {
      case .integer(let x): return .int(x)
      case .number(let x): return x.isNaN ? .missing : .double(x)
      case .string(let s): return .string(s)
      case .boolean(let b): return .bool(b)
      case .object(let d as LuaDate): return .date(d.days)
      default: throw call.argumentError(argument, "column '\(name)': value \(i + 1) is a \(v.typeName)")
      }
    }
    do { return try Column(values: scalars, name: name) } catch {
      throw call.argumentError(argument, "column '\(name)': \(error)")
    }
  default:
    if let rows, let s = try? scalarFrom(value) {
      do { return try Column(values: Array(repeating: s, count: rows), name: name) } catch {
        throw call.argumentError(argument, "column '\(name)': \(error)")
      }
    }
    throw call.argumentError(argument, "column '\(name)': column or array expected, got \(value.typeName)")
  }
}

private func scalarFrom(_ value: LuaValue) throws -> Scalar {
  switch value {
  case .integer(let x): return .int(x)
  case .number(let x): return .double(x)
  case .string(let s): return .string(s)
  case .boolean(let b): return .bool(b)
  case .object(let d as LuaDate): return .date(d.days)
  default: throw LuaError.runtime("not a scalar")
  }
}

private func summaryValue(_ s: ColumnSummary) -> LuaValue {
  .record([
    "name": .string(s.name), "type": .string(s.kind.rawValue), "rows": .integer(s.rows),
    "missing": .integer(s.missing),
    "min": s.min.map { .string($0.description) } ?? .nil,
    "median": s.median.map { s.kind == .date ? .string(CalendarDate.formatISO(Int32($0.rounded(.down)))) : .number($0) } ?? .nil,
    "mean": s.mean.map { .number($0) } ?? .nil,
    "max": s.max.map { .string($0.description) } ?? .nil,
    "levels": .array(s.levelCounts.map { .record(["level": .string($0.level), "count": .integer($0.count)]) }),
  ])
}

/// CSV options from a Lua table: delimiter, missing, types, levels,
/// date_format, skip, comment. Unknown keys are errors.
private func csvOptions(_ table: LuaTable?, call: LuaCall) throws -> CSVOptions {
  var o = CSVOptions()
  guard let table else { return o }
  let known = ["delimiter", "missing", "types", "levels", "date_format", "skip", "comment"]
  for (key, value) in table.fields {
    func bad(_ what: String) -> LuaError { call.argumentError(2, "option '\(key)': \(what) expected, got \(value.typeName)") }
    switch key {
    case "delimiter":
      guard let s = value.stringValue, s.count == 1, let ch = s.first else { throw bad("one character") }
      o.delimiter = ch
    case "missing":
      guard let t = value.tableValue else { throw bad("array of strings") }
      o.missing = Set(t.array.compactMap(\.stringValue))
    case "types":
      guard let t = value.tableValue else { throw bad("table of column = type") }
      for (col, v) in t.fields {
        guard let s = v.stringValue, let kind = Column.Kind(rawValue: s) else {
          throw call.argumentError(2, "option 'types': type of '\(col)' must be one of double, int, string, bool, date")
        }
        o.columnTypes[col] = kind
      }
    case "levels":
      guard let t = value.tableValue else { throw bad("table of column = {levels}") }
      for (col, v) in t.fields {
        // {arm = "b"} became an empty list of levels ("expected one of the
        // declared levels ()"), {"b", 1} dropped the 1: say what is wrong.
        guard let list = v.tableValue, list.fields.isEmpty, !list.array.isEmpty,
          case let levels = list.array.compactMap(\.stringValue), levels.count == list.array.count
        else {
          throw call.argumentError(2, "option 'levels': levels of '\(col)' must be an array of strings, got \(OptionTable.describe(v))")
        }
        if let twice = levels.enumerated().first(where: { levels[..<$0.offset].contains($0.element) })?.element {
          throw call.argumentError(2, "option 'levels': level '\(twice)' of '\(col)' is given twice")
        }
        o.levels[col] = levels
      }
    case "date_format":
      guard let s = value.stringValue else { throw bad("string") }
      do { o.dateFormat = try DateFormat(s) } catch { throw call.argumentError(2, "option 'date_format': \(error)") }
    case "skip":
      guard case .integer(let n) = value, n >= 0 else { throw bad("non-negative integer") }
      o.skip = n
    case "comment":
      guard let s = value.stringValue else { throw bad("string") }
      o.comment = s
    default:
      throw call.argumentError(2, "unknown option '\(key)' (known: \(known.joined(separator: ", ")))")
    }
  }
  return o
}
