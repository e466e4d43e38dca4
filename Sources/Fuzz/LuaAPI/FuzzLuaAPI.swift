import FuzzDriver
import FuzzLua

/// Fuzzes the whole Lua surface a script sees. The callables are enumerated
/// at run time, after the stdlib and sandbox loaded: every function (or
/// table with `__call`) among the globals and in global tables two levels
/// down (`string.rep`, `dataset.from`, ...), and the methods of every pool
/// object: through its metatable's `__index` table for results (fits, test
/// results), and for userdata (datasets, columns, dates) by the names the
/// binding registry declares for a receiver; what the calls return joins
/// the pool, and so do the array views (`ResultArray`) in a returned
/// result's fields, whose method is `totable`. The
/// input then drives up to 64 steps: call a function, call a method of a
/// pool object, or apply an operator (`#`, `..`, arithmetic, comparison,
/// indexing, `pairs`, `tostring`, `json`) to one, each with generated
/// arguments and under `pcall`. Lua errors are expected; a signal, a hang
/// past the 5 s limit (libFuzzer's -timeout) or memory past the limit
/// (-rss_limit_mb) is a finding. A time-limit error ends the program rather
/// than being caught.
let apiProgram = #"""
local G = ...
local function sorted_keys(t)
  local keys = {}
  for k in next, t do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  return keys
end
local function callable(v)
  if type(v) == "function" then return true end
  local mt = getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__call") ~= nil
end

local callables, seen = {}, { [package.loaded] = true }
local function collect(t, prefix, depth)
  if seen[t] then return end
  seen[t] = true
  for _, k in ipairs(sorted_keys(t)) do
    local v = rawget(t, k)
    if callable(v) then callables[#callables + 1] = { prefix .. k, v } end
    if type(v) == "table" and depth < 2 then collect(v, prefix .. k .. ".", depth + 1) end
  end
end
collect(_G, "", 0)
if G.trace then
  local names = {}
  for i, c in ipairs(callables) do names[i] = c[1] end
  io.stderr:write("fuzz callables (", #callables, "): ", table.concat(names, " "), "\n")
end

local registry = package.loaded.kaplan.registry
local is_view = package.loaded["kaplan.bind"].is_view
-- The array views among a result's fields, two levels down (fit.strata[i].time).
local function views_in(t, out, depth)
  local function visit(v)
    if is_view(v) then out[#out + 1] = v elseif type(v) == "table" and depth < 2 then views_in(v, out, depth + 1) end
  end
  for _, k in ipairs(sorted_keys(t)) do visit(rawget(t, k)) end
  for i = 1, math.min(rawlen(t), 4) do visit(rawget(t, i)) end
  return out
end
local function methods_of(obj)
  local out = {}
  local mt = getmetatable(obj)
  local index = type(mt) == "table" and rawget(mt, "__index") or nil
  if type(index) == "table" then
    for _, k in ipairs(sorted_keys(index)) do
      local v = rawget(index, k)
      if callable(v) then out[#out + 1] = { k, v } end
    end
  end
  -- Userdata (datasets, columns, dates) index through a function: their
  -- methods are the registry's declarations with a receiver (and the Lua
  -- ones bind.finish handed to the type), looked up by name.
  if is_view(obj) then out[#out + 1] = { "totable", obj.totable } end
  if type(obj) == "userdata" then
    local seen_name = {}
    for _, e in ipairs(registry.entries()) do
      if e.receiver and not seen_name[e.name] then
        seen_name[e.name] = true
        local ok, m = pcall(function() return obj[e.name] end)
        if ok and callable(m) then out[#out + 1] = { e.name, m } end
      end
    end
  end
  if type(obj) == "table" then
    for _, k in ipairs(sorted_keys(obj)) do
      local v = rawget(obj, k)
      if callable(v) then out[#out + 1] = { k, v } end
    end
  end
  return out
end

local ops = {
  function(a) return tostring(a) end,
  function(a) return #a end,
  function(a, b) return a .. b end,
  function(a, b) return a + b end,
  function(a, b) return a - b end,
  function(a, b) return a * b end,
  function(a, b) return a / b end,
  function(a, b) return a % b end,
  function(a, b) return a ^ b end,
  function(a, b) return a // b end,
  function(a) return -a end,
  function(a, b) return a == b end,
  function(a, b) return a < b end,
  function(a, b) return a <= b end,
  function(a, b) return a[b] end,
  function(a, b) a[b] = G.value(2) end,
  function(a, b) return a(b) end,
  function(a) local n = 0; for _ in pairs(a) do n = n + 1; if n > 1000 then break end end; return n end,
  function(a) for i in ipairs(a) do if i > 1000 then break end end end,
  function(a) return json(a) end,
  function(a) return table.concat(a, ",", 1, math.min(#a, 1000)) end,
  function(a) return select("#", table.unpack(a, 1, math.min(#a, 200))) end,
}

local function stop_on_limit(ok, ...)
  if not ok then
    local message = ...
    if type(message) == "string" and (message:find("time limit", 1, true) or message:find("interrupted", 1, true)) then
      error(message, 0)
    end
  end
  return ok, ...
end

-- With KAPLAN_FUZZ_VERBOSE: each step on stderr, to read a reproducer.
local function show(v)
  local t = type(v)
  if t == "string" then return string.format("%q", #v > 40 and v:sub(1, 40) .. "..." or v) end
  if t == "number" then return string.format(math.type(v) == "integer" and "%d" or "%.17g", v) end
  if t == "table" then
    local n = 0
    for _ in next, v do n = n + 1 end
    local mt = getmetatable(v)
    return string.format("table(%d keys, #%d%s)", n, rawlen(v), mt and ", metatable" or "")
  end
  return t
end
local function trace(what, list, n)
  if not G.trace then return end
  local shown = {}
  for i = 1, n do shown[i] = show(list[i]) end
  io.stderr:write("fuzz step: ", what, "(", table.concat(shown, ", "), ")\n")
end

local function args(max)
  local list, n = {}, G.byte() % (max + 1)
  for i = 1, n do list[i] = G.value(0) end
  return list, n
end

for _ = 1, 64 do
  if not G.more() then break end
  local what = G.byte() % 8
  local results
  if what < 4 then
    local f = G.pick(callables)
    local list, n = args(4)
    trace(f[1], list, n)
    results = table.pack(stop_on_limit(pcall(f[2], table.unpack(list, 1, n))))
  elseif what < 7 then
    local obj = G.pick(G.pool)
    local methods = methods_of(obj)
    if #methods > 0 then
      local m = G.pick(methods)
      local list, n = args(3)
      trace("<" .. show(obj) .. ">:" .. m[1], list, n)
      results = table.pack(stop_on_limit(pcall(m[2], obj, table.unpack(list, 1, n))))
    end
  else
    local k = G.byte() % #ops + 1
    local a, b = G.pick(G.pool), G.value(0)
    trace("operator " .. k, { a, b }, 2)
    results = table.pack(stop_on_limit(pcall(ops[k], a, b)))
  end
  if results and results[1] then
    for i = 2, math.min(results.n, 3) do
      if results[i] ~= nil and #G.pool < 64 then G.pool[#G.pool + 1] = results[i] end
      if type(results[i]) == "table" then
        for _, v in ipairs(views_in(results[i], {}, 0)) do
          if #G.pool < 64 then G.pool[#G.pool + 1] = v end
        end
      end
    end
  end
end
return #callables
"""#

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLuaAPI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  _ = FuzzSession(program: apiProgram).run(fuzzBytes(data, size))
  return 0
}
