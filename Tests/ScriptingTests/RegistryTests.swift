import Foundation
import LuaHost
import Scripting
import Testing
import TestSupport

/// The registry of the binding layer (issue 13): every public function and
/// method is declared once, with help text, an option schema and a runnable
/// example, and nothing public escapes it.
@Suite struct RegistryTests {
  /// Lua's own base library (and `_G`'s non-function values): the globals
  /// that are not Kaplan's.
  static let luaBase: Set<String> = [
    "assert", "collectgarbage", "dofile", "error", "getmetatable", "ipairs", "load", "loadfile", "next",
    "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "require", "select",
    "setmetatable", "tonumber", "tostring", "type", "xpcall", "warn",
  ]

  /// A sandboxed runtime whose working and output directory is a new
  /// temporary directory, with `print` and `io.write` collected rather than
  /// written (examples print a great deal).
  static func freshRuntime() throws -> KaplanRuntime {
    let directory = try temporaryDirectory().path
    var o = RuntimeOptions(workingDirectory: directory)
    o.stdlibPath = projectRoot.appendingPathComponent("stdlib").path
    o.outputDirectory = directory
    let runtime = try KaplanRuntime(options: o)
    _ = try runtime.lua.run("""
      local sink = {}
      print = function(...) sink[#sink + 1] = select("#", ...) end
      io.write = function(...) sink[#sink + 1] = select("#", ...); return io.stdout end
      """)
    return runtime
  }

  /// Each entry as (qualified name, example).
  static func examples() throws -> [(String, String)] {
    let rt = try Self.freshRuntime()
    let out = try rt.lua.run("""
      local names, examples = {}, {}
      for _, e in ipairs(require("kaplan").bind.entries()) do
        names[#names + 1] = e.qualified_name
        examples[#examples + 1] = e.example
      end
      return names, examples
      """)
    guard out.count == 2, case .table(let names) = out[0], case .table(let texts) = out[1] else { return [] }
    return zip(names.array, texts.array).map { ($0.stringValue ?? "?", $1.stringValue ?? "") }
  }

  @Test func everyEntryHasHelpTextAndOptionDocs() throws {
    let rt = try Self.freshRuntime()
    let problems = try rt.lua.run("""
      local bind = require("kaplan").bind
      local problems = {}
      local function say(e, what) problems[#problems + 1] = e.qualified_name .. ": " .. what end
      for _, e in ipairs(bind.entries()) do
        if #e.summary < 20 then say(e, "no summary") end
        if not e.summary:match("%.$") and not e.summary:match("%)$") then say(e, "summary is not a sentence") end
        -- The signature names the function: km(...), or fit:at(...) for a
        -- method; a table argument may use Lua's call sugar, d:select{...}.
        local head = e.receiver and (":" .. e.name .. "(") or (e.name .. "(")
        local sugar = head:sub(1, -2) .. "{"
        if not e.signature:find(head, 1, true) and not e.signature:find(sugar, 1, true) then
          say(e, "signature '" .. e.signature .. "' does not show " .. head)
        end
        if e.example == "" then say(e, "no example") end
        for _, o in ipairs(e.options) do
          if #o.doc < 5 then say(e, "option '" .. o.key .. "' has no doc") end
          if o.type == "" then say(e, "option '" .. o.key .. "' has no type") end
        end
        if #e.options > 0 and not e.options_argument then say(e, "options but no options argument") end
        if e.options_argument and not e.signature:find("opts", 1, true) then
          say(e, "takes options but its signature does not show opts")
        end
        if e.receiver and not bind.kinds()[e.receiver] then
          say(e, "receiver '" .. e.receiver .. "' is not a declared kind")
        end
        if e.returns and not bind.kinds()[e.returns] then say(e, "returns undeclared kind " .. e.returns) end
        -- help renders it.
        local text = package.loaded["kaplan.help"].text(e.public)
        if not text or not text:find(e.signature, 1, true) then say(e, "help(f) does not show its signature") end
      end
      for name, k in pairs(bind.kinds()) do
        if #k.summary < 10 then problems[#problems + 1] = "kind " .. name .. ": no summary" end
        for _, f in ipairs(k.fields) do
          if #f.doc < 3 then problems[#problems + 1] = "kind " .. name .. ": field " .. f.name .. " has no doc" end
        end
      end
      return problems
      """)
    guard case .table(let list)? = problems.first else {
      Issue.record("no list of problems")
      return
    }
    let lines = list.array.compactMap { $0.stringValue }
    #expect(lines.isEmpty, "\(lines.joined(separator: "\n"))")
    #expect(try Self.examples().count >= 10)
  }

  @Test func everyExampleRunsInAFreshRuntime() throws {
    let examples = try Self.examples()
    #expect(!examples.isEmpty)
    for (name, example) in examples {
      let rt = try Self.freshRuntime()
      do {
        try rt.runScript(source: example, chunkName: "example of \(name)")
      } catch {
        Issue.record("the example of \(name) fails: \(error)\n--- example:\n\(example)")
      }
    }
  }

  @Test func everyPublicGlobalIsDeclared() throws {
    let rt = try Self.freshRuntime()
    let out = try rt.lua.run("""
      local bind = require("kaplan").bind
      local declared, missing = {}, {}
      for _, e in ipairs(bind.entries()) do
        if not e.receiver then declared[e.name] = true end
      end
      for k, v in pairs(_G) do
        local mt = type(v) == "table" and getmetatable(v)
        local callable = type(v) == "function" or (type(mt) == "table" and mt.__call ~= nil)
        if callable and not declared[k] then missing[#missing + 1] = k end
      end
      table.sort(missing)
      return missing
      """)
    guard case .table(let list)? = out.first else {
      Issue.record("no list")
      return
    }
    let undeclared = Set(list.array.compactMap { $0.stringValue }).subtracting(Self.luaBase)
    let escaped = undeclared
    #expect(escaped.isEmpty, "public globals not declared through the binding layer: \(escaped.sorted())")
  }

  @Test func everyDeclaredGlobalIsPublic() throws {
    // The reverse: a declaration without its global (or method) would be
    // help for a function that does not exist.
    let rt = try Self.freshRuntime()
    let out = try rt.lua.run("""
      local missing = {}
      for _, e in ipairs(require("kaplan").bind.entries()) do
        if not e.receiver then
          -- dataset.from is the field from of the global dataset.
          local owner, field = e.name:match("^([%w_]+)%.([%w_]+)$")
          local value = owner and rawget(_G, owner)[field] or rawget(_G, e.name)
          if value ~= e.public then missing[#missing + 1] = e.name end
        end
      end
      return missing
      """)
    guard case .table(let list)? = out.first else { return }
    #expect(list.array.isEmpty, "\(list.array)")
  }
}
