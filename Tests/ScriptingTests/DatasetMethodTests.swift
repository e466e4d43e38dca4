import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// The dataset, column and date methods as declared through the binding
/// layer (issue 13): describe with SD and quartiles (and `by`), no argument
/// or entry silently ignored, the order of `d:with{}`, `d:head(n)` printing
/// n rows, and comparison operators on columns naming the method to use.
@Suite struct DatasetMethodTests {
  let rt: KaplanRuntime
  init() throws { rt = try makeRuntime() }

  /// Summaries are closed-form: R's values printed with %.17g.
  static let tolerance = 1e-12

  private func number(_ code: String) throws -> Double {
    guard let x = try lua(rt, code).first?.doubleValue else { throw LuaError.runtime("not a number: \(code)") }
    return x
  }

  // MARK: describe (item 4)

  @Test func describeMatchesRsMeanSdAndQuartiles() throws {
    // R: x <- lung$time; mean(x); sd(x); quantile(x, c(.25, .5, .75)) (type 7).
    let time = "local s = dataset('lung'):describe().groups[1].columns[2]; return s."
    #expect(try lua(rt, time + "name") == [.string("time")])
    let expected: [(String, Double)] = [
      ("mean", 305.23245614035091), ("sd", 210.64554314070384), ("q1", 166.75), ("median", 255.5), ("q3", 396.5),
      ("min", 5), ("max", 1022),
    ]
    for (key, value) in expected {
      #expect(relativeError(try number(time + key), value) < Self.tolerance, "\(key)")
    }
    // wt.loss has 14 NA: skipped, and counted.
    let wt = "local s = dataset('lung'):describe().groups[1].columns[10]; return s."
    #expect(try lua(rt, wt + "missing") == [.integer(14)])
    #expect(relativeError(try number(wt + "sd"), 13.139901587663863) < Self.tolerance)
    #expect(relativeError(try number(wt + "q3"), 15.75) < Self.tolerance)
  }

  @Test func describeByGroupsTheRows() throws {
    // R: tapply(aml$time, aml$x, function(y) c(mean(y), sd(y), quantile(y, c(.25, .5, .75)))).
    let r = try lua(rt, """
      local s = dataset('aml'):describe{by = 'x'}
      local g1, g2 = s.groups[1], s.groups[2]
      return s.by, #s.groups, g1.label, g1.rows, g2.label, g2.rows, #g1.columns, g1.columns[1].name
      """)
    #expect(r == [.string("x"), .integer(2), .string("Maintained"), .integer(11), .string("Nonmaintained"),
                  .integer(12), .integer(2), .string("time")])
    let group = "local s = dataset('aml'):describe{by = 'x'}; return s.groups[%d].columns[1].%@"
    let expected: [(Int, String, Double)] = [
      (1, "mean", 38.454545454545453), (1, "sd", 42.610711414769028), (1, "q1", 15.5), (1, "q3", 39.5),
      (2, "mean", 21.25), (2, "sd", 14.397758663953724), (2, "q1", 8), (2, "median", 19.5), (2, "q3", 30.75),
    ]
    for (g, key, value) in expected {
      #expect(relativeError(try number(String(format: group, g, key)), value) < Self.tolerance, "\(g) \(key)")
    }
    let text = try lua(rt, "return tostring(dataset('aml'):describe{by = 'x'})").first?.stringValue ?? ""
    #expect(text.contains("x = Maintained (11 rows)"))
    #expect(text.contains("x = Nonmaintained (12 rows)"))
  }

  @Test func describeRefusesWhatItCannotUse() {
    #expect(luaError(rt, "dataset('aml'):describe{bye = 'x'}")
      == "test:1: bad argument #1 to 'describe' (unknown option 'bye'; did you mean 'by'? (options: by))")
    #expect(luaError(rt, "dataset('aml'):describe{by = 1}")
      == "test:1: bad argument #1 to 'describe' (option 'by' must be a column name (string), got 1)")
    #expect(luaError(rt, "dataset('aml'):describe{by = 'arm'}")
      == "test:1: describe: no column 'arm' (columns: time, status, x)")
    #expect(luaError(rt, "dataset('aml'):describe({}, 2)")
      == "test:1: bad argument #2 to 'describe' (no more arguments expected, got number)")
  }

  @Test func describeShowsTheTopLevelsOfAString() throws {
    // 13 levels: p 5, q 3, r 2 and ten of one row each; the print keeps the
    // five most frequent (ties in level order) and sums the others.
    let r = try lua(rt, """
      local v = {'p', 'p', 'p', 'p', 'p', 'q', 'q', 'q', 'r', 'r'}
      for i = 1, 10 do v[#v + 1] = string.format('l%02d', i) end
      local s = dataset.from{id = v}:describe()
      return s.groups[1].columns[1].n_levels, tostring(s)
      """)
    #expect(r.first == .integer(13))
    let text = r.last?.stringValue ?? ""
    #expect(text.contains("13 levels: p 5, q 3, r 2, l01 1, l02 1, (8 others) 8"), "\(text)")
    #expect(!text.contains("l03"))
    let numbers = try lua(rt, "return tostring(dataset('lung'):describe())").first?.stringValue ?? ""
    let header = "column     type      missing    mean      sd  min     q1  median     q3   max"
    #expect(numbers.contains(header), "\(numbers)")
    #expect(numbers.contains("time       <double>        0   305.2   210.6    5  166.8   255.5  396.5  1022"))
  }

  // MARK: entries and arguments never dropped (item 3)

  @Test func quantileNamesTheBadEntry() throws {
    let c = "local c = dataset('lung').age\n"
    #expect(luaError(rt, c + "return c:quantile{0.5, 'x'}")
      == "test:2: bad argument #1 to 'quantile' (array of probabilities expected, but entry 2 is a string)")
    #expect(luaError(rt, c + "return c:quantile{0.5, p = 0.9}")
      == "test:2: bad argument #1 to 'quantile' (array of probabilities expected, but it has a field 'p')")
    #expect(luaError(rt, c + "return c:quantile{0.5, 1.5}")
      == "test:2: bad argument #1 to 'quantile' (probability 2 must be in [0, 1], got 1.5)")
    #expect(luaError(rt, c + "return c:quantile(-0.1)")
      == "test:2: bad argument #1 to 'quantile' (probability must be in [0, 1], got -0.1)")
    // R: quantile(lung$age, c(.25, .75)) is 56, 69.
    #expect(try lua(rt, c + "local q = c:quantile{0.25, 0.75}; return q[1], q[2], c:quantile(0.5)")
      == [.number(56), .number(69), .number(63)])
  }

  @Test(arguments: [
    ("local d = dataset('aml'); local x = d:head(5, 6)",
     "bad argument #2 to 'head' (no more arguments expected, got number)"),
    ("local d = dataset('aml'); local x = d:names('x')",
     "bad argument #1 to 'names' (no more arguments expected, got string)"),
    ("local x = dataset('aml').time:sum(1)", "bad argument #1 to 'sum' (no more arguments expected, got number)"),
    ("local x = dataset('aml', 'x')", "bad argument #2 to 'dataset' (no more arguments expected, got string)"),
    ("local x = date('2004-01-01', '%Y-%m-%d', 1)",
     "bad argument #3 to 'date' (no more arguments expected, got number)"),
    ("local x = date(5, '%Y')", "bad argument #2 to 'date' (no more arguments expected, got string)"),
    ("local d = dataset('aml'); local x = d:where(d.time:lt(9), 1)",
     "bad argument #2 to 'where' (no more arguments expected, got number)"),
    ("local d = dataset('aml'); local x = d:where(function() return true end, 1)",
     "bad argument #2 to 'where' (no more arguments expected, got number)"),
    ("local d = dataset('aml'); local x = d:rows(1)",
     "bad argument #1 to 'rows' (no more arguments expected, got number)"),
    ("local x = dataset('aml'):select{'time', x = 1}",
     "bad argument #1 to 'select' (array of column names expected, but it has a field 'x')"),
    ("local x = dataset('aml'):sort{'time', 3}",
     "bad argument #1 to 'sort' (array of sort keys expected, but entry 2 is a number)"),
    ("local x = dataset.from{x = {1, 2, y = 3}}",
     "bad argument #1 to 'dataset.from' (column 'x': an array of values expected, but it has a field 'y')"),
  ])
  func extraArgumentsAndFieldsAreErrors(code: String, message: String) {
    // `local x =`: a tail call from the chunk would leave no script frame to name.
    #expect(luaError(rt, code) == "test:1: " + message)
  }

  @Test func readCsvOptionsGoThroughTheSchema() {
    #expect(luaError(rt, "read_csv('x.csv', {delim = ','})")
      == "test:1: bad argument #2 to 'read_csv' (unknown option 'delim' (options: "
        + "delimiter, missing, types, levels, date_format, skip, comment))")
    #expect(luaError(rt, "read_csv('x.csv', {skip = -1})")
      == "test:1: bad argument #2 to 'read_csv' (option 'skip' must be a non-negative integer, got -1)"
      || luaError(rt, "read_csv('x.csv', {skip = -1})").contains("option 'skip' must be"))
    #expect(luaError(rt, "read_csv('x.csv', {missing = {'NA', 3}})")
      == "test:1: bad argument #2 to 'read_csv' (option 'missing' must be an array of strings, got table)")
    #expect(luaError(rt, "read_csv('x.csv', {delimiter = ';;'})")
      == "test:1: bad argument #2 to 'read_csv' (option 'delimiter': one ASCII character expected, got \";;\")")
    #expect(luaError(rt, "read_csv('x.csv', {types = {x = 'float'}})")
      == "test:1: bad argument #2 to 'read_csv' (option 'types': type of 'x' must be one of \"double\", \"int\", "
        + "\"string\", \"bool\", \"date\", got \"float\")")
  }

  // MARK: d:with order (item 4)

  @Test func withKeepsTheListOrderAndSortsKeyedEntries() throws {
    let r = try lua(rt, """
      local aml = dataset('aml')
      local listed = aml:with{ {'zeta', 1}, {'alpha', aml.time * 2}, {'mid', 3} }
      local keyed = aml:with{ zeta = 1, alpha = 2, mid = 3 }
      local mixed = aml:with{ {'z', 1}, b = 2, a = 3 }
      local replaced = aml:with{ {'new', 0}, {'time', aml.time + 1} }
      return table.concat(listed:names(), ','), table.concat(keyed:names(), ','), table.concat(mixed:names(), ','),
        table.concat(replaced:names(), ','), replaced.time[1], listed.alpha[1]
      """)
    #expect(r == [
      .string("time,status,x,zeta,alpha,mid"), .string("time,status,x,alpha,mid,zeta"),
      .string("time,status,x,z,a,b"), .string("time,status,x,new"), .number(10), .number(18),
    ])
    #expect(luaError(rt, "local d = dataset('aml'); return d:with{ {'a', 1}, a = 2 }")
      == "test:1: bad argument #1 to 'with' (column 'a' is given twice)")
    #expect(luaError(rt, "local d = dataset('aml'); return d:with{ {'a'} }")
      == "test:1: bad argument #1 to 'with' (entry 1 must be {name, values}, got table)")
  }

  // MARK: printing n rows (item 4)

  @Test func headPrintsTheRowsAskedFor() throws {
    func dataLines(_ code: String) throws -> [String] {
      let text = try lua(rt, "return tostring(\(code))").first?.stringValue ?? ""
      return Array(text.split(separator: "\n").map(String.init).dropFirst(3))
    }
    #expect(try dataLines("dataset('lung'):head(15)").count == 15)
    #expect(try dataLines("dataset('lung'):tail(25)").count == 25)
    #expect(try dataLines("dataset('aml'):head(-3)").count == 20)
    // A dataset not made by head/tail: all of up to 20 rows, else 10 and a count of the rest.
    #expect(try dataLines("dataset('aml'):take{1, 2, 3}").count == 3)
    let lung = try dataLines("dataset('lung')")
    #expect(lung.count == 11 && lung.last == "… 218 more rows")
  }

  // MARK: comparison operators (item 5)

  @Test func comparisonOperatorsNameTheMethod() {
    let d = "local d = dataset('lung')\n"
    let lead = "test:2: comparison operators (== < <= > >=) cannot compare a column element-wise: Lua makes their "
      + "result one boolean; use "
    #expect(luaError(rt, d + "return d.age >= 65") == lead + "d.age:ge(65)")
    #expect(luaError(rt, d + "return d.age < 3") == lead + "d.age:lt(3)")
    #expect(luaError(rt, d + "return d.age > 3") == lead + "d.age:gt(3)")
    #expect(luaError(rt, d + "return d.age <= 3") == lead + "d.age:le(3)")
    #expect(luaError(rt, d + "return d['wt.loss'] < d.age") == lead + "d[\"wt.loss\"]:lt(d.age)")
    #expect(luaError(rt, d + "return d.age == d.age") == lead + "d.age:eq(d.age)")
    #expect(luaError(rt, d + "return (d.age * 2) >= 130") == lead + "c:ge(130)")
    #expect(luaError(rt, "local d = dataset.from{t = {date('2004-01-01')}}\nreturn d.t < date('2005-01-01')")
      == lead + "d.t:lt(date(\"2005-01-01\"))")
    #expect(luaError(rt, "local d = dataset.from{t = {date('2004-01-01')}}\nreturn date('2005-01-01') <= d.t")
      == lead + "d.t:ge(date(\"2005-01-01\"))")
    // == between a column and a number calls no metamethod in Lua 5.4: always false (help of c:eq says so).
    #expect((try? lua(rt, d + "return d.age == 65")) == [.boolean(false)])
    #expect((try? lua(rt, "return date('2004-01-01') < date('2004-01-02'), date('2004-01-01') == date('2004-01-01')"))
      == [.boolean(true), .boolean(true)])
  }

  // MARK: declarations

  @Test func everyDatasetsDeclarationHasHelpAndARunnableExample() throws {
    let entries = try lua(rt, """
      local out = {}
      for _, e in ipairs(package.loaded.kaplan.registry.entries()) do
        if e.library == 'datasets' then
          out[#out + 1] = e.qualified_name .. '\\1' .. e.summary .. '\\1' .. e.signature .. '\\1' .. e.example
        end
      end
      return table.concat(out, '\\2')
      """).first?.stringValue ?? ""
    let declarations = entries.split(separator: "\u{2}").map {
      $0.split(separator: "\u{1}", omittingEmptySubsequences: false)
    }
    #expect(declarations.count >= 50)
    for d in declarations {
      #expect(d.count == 4 && d.allSatisfy { !$0.isEmpty }, "\(d.first ?? "")")
      guard d.count == 4 else { continue }
      let fresh = try makeRuntime()
      let code = "local print = function() end\n" + d[3]
      #expect(luaError(fresh, code) == "(no error)", "example of \(d[0])")
    }
  }

  @Test func luaMethodsReachTheUserdataThroughTheirKind() throws {
    // d:where, d:rows, d:describe are written in datasets.lua: bind.finish
    // puts them in bind.metatable("dataset"), handed to the userdata type.
    let r = try lua(rt, """
      local bind = package.loaded.kaplan.registry
      local d = dataset('aml')
      return d.where == bind.metatable('dataset').__index.where, d.rows ~= nil, d.describe ~= nil,
        bind.entry('dataset:where').public == d.where, bind.entry('column:quantile') ~= nil
      """)
    #expect(r == [.boolean(true), .boolean(true), .boolean(true), .boolean(true), .boolean(true)])
  }
}

private func relativeError(_ a: Double, _ b: Double) -> Double {
  b == 0 ? abs(a) : abs(a - b) / abs(b)
}
