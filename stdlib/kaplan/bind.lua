-- The Lua half of the binding layer (Sources/Scripting/Binding): every
-- public Kaplan function is declared once in Swift (KaplanFunction) and
-- reaches Lua through kaplan.core.registry; this module makes the public
-- globals and result methods from those entries.
--
-- Results: a function that returns a result kind ("km", "cox", ...) returns
-- a plain table and a handle to its Swift result. bind.result() gives the
-- table the kind's metatable and keeps the handle beside it (one weak
-- table, here, for every kind). Methods and plot() use the handle, never
-- the table: a result table is a copy for reading, and editing it changes
-- nothing that its methods compute. Its array fields are read-only views
-- of the Swift result (M.is_view; Scripting/Binding/ResultArray.swift).
--
-- Errors: bind.raise(msg) raises msg at the first line outside the stdlib,
-- the position every Swift error gets from the C trampoline; stdlib code
-- never counts error levels.
local M = {}

local core       -- kaplan.core
local entries = {}        -- the registry, in declaration order
local by_name = {}        -- "km", "km:at", "dataset:head" -> entry
local by_fn = {}          -- public function -> entry (for help)
local kinds = {}          -- kind name -> kind entry {name, section, summary, fields}
local metatables = {}     -- kind name -> metatable of its results
local implementations = {} -- qualified name -> Lua implementation
local handles = setmetatable({}, { __mode = "k" })
local guarded_printer -- defined below, used by finish

--- Raises `message` at the script's line (the first outside the stdlib).
function M.raise(message)
  core.binding.raise(message)
end

--- The metatable of results of `kind` (made on first use): __name
-- "kaplan.<kind>", methods in __index. Modules add __tostring.
function M.metatable(kind)
  local mt = metatables[kind]
  if not mt then
    mt = { __name = "kaplan." .. kind, __index = {}, kaplan_kind = kind }
    metatables[kind] = mt
  end
  return mt
end

--- Makes `t` a result of `kind` with its Swift `handle` (nil for results
-- without one). Returns t.
--
-- Warnings: a result with a non-empty `warnings` array (a Cox fit that did
-- not converge, an infinite coefficient) has them printed to
-- stderr now, when the function returns, as R does: once per call, as
-- "Warning in cox(): ...", `caller` naming the function (default: the
-- kind). They stay in t.warnings; --quiet or options{warnings = false}
-- silences the printing (core.binding.warn decides).
function M.result(kind, t, handle, caller)
  if type(t) ~= "table" then return t end
  t.kind = kind
  if handle ~= nil then handles[t] = handle end
  setmetatable(t, M.metatable(kind))
  local warnings = rawget(t, "warnings")
  if type(warnings) == "table" and #warnings > 0 then core.binding.warn(caller or kind, warnings) end
  return t
end

-- The userdata types whose methods are declared with them as receiver.
local userdata_kinds = { dataset = true, column = true, date = true, NA = true, grouped = true, summary = true }

--- The kind of x: the kind of a result made by bind.result, or "dataset",
-- "column" or "date" for those userdata; nil for anything else.
function M.kind_of(x)
  local t = type(x)
  if t == "userdata" then
    -- Their metatables are locked to scripts: the host knows the type.
    local name = core.binding.type_name(x)
    return userdata_kinds[name] and name or nil
  end
  if t ~= "table" then return nil end
  -- Only Kaplan's own metatables count: a script's table whose metatable
  -- says kaplan_kind is not a result.
  local mt = getmetatable(x)
  local kind = type(mt) == "table" and rawget(mt, "kaplan_kind") or nil
  if type(kind) ~= "string" or metatables[kind] ~= mt then return nil end
  return kind
end

--- Whether `x` is a result's array view (Scripting/Binding/ResultArray):
-- a read-only userdata with # and [i] (NA as nil), ipairs, pairs and
-- x:totable() for a plain table. Modules that need a table (json) or
-- walk keys with pairs/next (show) ask this first.
function M.is_view(x)
  return type(x) == "userdata" and core.binding.type_name(x) == "result array"
end

--- The Swift handle of result `x` of `kind`, or an error at the script's
-- line naming the method: "calling 'at' on bad self (km result expected,
-- got table)".
function M.handle(x, kind, method)
  local h = handles[x]
  if h == nil or M.kind_of(x) ~= kind then
    local got = M.kind_of(x) and (M.kind_of(x) .. " result") or type(x)
    if type(x) == "table" and h == nil then got = "a table not made by a Kaplan function" end
    M.raise(string.format("calling '%s' on bad self (%s result expected, got %s)", method, kind, got))
  end
  return h
end

--- The handle and kind of any result (for plot), nil when x has none.
function M.any_handle(x)
  local h = handles[x]
  if h == nil then return nil end
  return h, M.kind_of(x)
end

--- Supplies the Lua implementation of a declared function or method
-- ("help", "plot", "dataset:where", "cox:anova"): it replaces the one made
-- from the Swift body, or gives one to a declaration without a body.
function M.implement(qualified_name, fn)
  implementations[qualified_name] = fn
end

--- The registry entry of a qualified name: "km", "km:at", "dataset:with"
-- (help.lua maps the letters a script uses, d:with, to the receiver).
function M.entry(name)
  return by_name[name]
end

--- The entry of a public function value, for help(f).
function M.entry_of(fn)
  return by_fn[fn]
end

--- Every entry, in declaration order; every kind.
function M.entries() return entries end
function M.kinds() return kinds end

--- The entries of the methods of `kind` ("km", "dataset"), sorted by name.
function M.methods_of(kind)
  local out = {}
  for _, e in ipairs(entries) do
    if e.receiver == kind then out[#out + 1] = e end
  end
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

--- The entries of every method called `name`, whatever its receiver
-- (help("c:mean") finds column:mean), in declaration order.
function M.methods_named(name)
  local out = {}
  for _, e in ipairs(entries) do
    if e.receiver and e.name == name then out[#out + 1] = e end
  end
  return out
end

-- Wraps a Swift function that returns a result of `kind`.
local function returning(name, kind, fn)
  return function(...)
    local t, handle = fn(...)
    return M.result(kind, t, handle, name)
  end
end

-- Wraps a Swift method of result `kind`: self is replaced by its handle.
local function method_of(kind, name, fn, returns)
  if returns then
    return function(self, ...)
      local t, handle = fn(M.handle(self, kind, name), ...)
      return M.result(returns, t, handle, name)
    end
  end
  return function(self, ...)
    return fn(M.handle(self, kind, name), ...)
  end
end

--- Reads the registry (called by init.lua before the libraries' modules).
function M.install(kaplan)
  core = kaplan.core
  for _, k in ipairs(core.kinds) do kinds[k.name] = k end
  for _, e in ipairs(core.registry) do
    entries[#entries + 1] = e
    by_name[e.qualified_name] = e
  end
  kaplan.registry = M
end

-- A Lua method of a userdata kind behind the check of its self, worded as
-- the Swift methods word it ("calling 'rows' on bad self (dataset
-- expected, got nil; call it as d:rows(...))").
local function checked_self(kind, name, fn)
  local check = core.binding.self_check(kind, name)
  return function(self, ...)
    check(self)
    return fn(self, ...)
  end
end

-- Wraps a Lua implementation so that an argument past the most its
-- declaration takes is an error, as the binding layer makes it for Swift
-- bodies: "bad argument #4 to 'plot' (no more arguments expected, got
-- number)". Self is not counted for methods; trailing nils are no arguments.
local function arity_checked(e, fn)
  local max = e.max_arguments
  if not max or type(fn) ~= "function" then return fn end
  local shift = e.receiver and 1 or 0
  local name = e.name
  return function(...)
    local n = select("#", ...)
    for i = max + shift + 1, n do
      local v = select(i, ...)
      if v ~= nil then
        local got = M.kind_of(v) or type(v)
        M.raise(string.format("bad argument #%d to '%s' (no more arguments expected, got %s)", i - shift, name, got))
      end
    end
    return fn(...)
  end
end

-- A result prints its table as it is: a script may edit the copy it got
-- (relabel a curve for a printout). An edit the printer cannot follow
-- (`fit.strata = nil`) is an error at the script's line that says what
-- happened, not one inside the stdlib; methods, plot() and tidy() still use
-- the fit.
guarded_printer = function(kind, printer)
  if type(printer) ~= "function" then return printer end
  return function(t)
    local ok, text = pcall(printer, t)
    if ok then return text end
    local reason = tostring(text):gsub("^[^\n]-:%d+: ", "")
    M.raise(string.format("cannot print this %s result: its table was edited (%s); methods, plot() and tidy() "
      .. "still use the fit", kind, reason))
  end
end

-- Sets global `name`; "dataset.from" is field `from` of global `dataset`.
local function set_global(name, fn)
  local owner, field = name:match("^([%w_]+)%.([%w_]+)$")
  if owner then rawget(_G, owner)[field] = fn else rawset(_G, name, fn) end
end

--- Makes the globals and methods (called by init.lua after every module
-- had its say with bind.implement). A declaration with neither a Swift
-- body nor a Lua implementation is an error of Kaplan's own.
--
-- Userdata kinds (dataset, column, date): the methods with a Swift body are
-- the type's own; those implemented here go in bind.metatable(kind) as for
-- result kinds, and the whole table (with its __tostring) is handed to
-- Swift (core.binding.extend, UserdataMethods), which looks there for the
-- keys that are not Swift methods.
function M.finish()
  local userdata = {}
  for _, kind in ipairs(core.binding.userdata_kinds()) do userdata[kind] = true end
  for _, e in ipairs(entries) do
    local fn = implementations[e.qualified_name]
    if fn then fn = arity_checked(e, fn) end
    if fn and userdata[e.receiver] then
      if e.fn then
        error("kaplan: " .. e.qualified_name .. " has a Swift body, which a Lua implementation cannot replace", 0)
      end
      fn = checked_self(e.receiver, e.name, fn)
    end
    if not fn and e.fn then
      if e.receiver and kinds[e.receiver] and not userdata[e.receiver] then
        fn = method_of(e.receiver, e.name, e.fn, e.returns)
      elseif e.returns and not e.receiver then
        fn = returning(e.name, e.returns, e.fn)
      else
        fn = e.fn
      end
    end
    if not fn then error("kaplan: " .. e.qualified_name .. " is declared but has no implementation", 0) end
    e.public = fn
    by_fn[fn] = e
    if not e.receiver then
      set_global(e.name, fn)
    elseif kinds[e.receiver] and (not userdata[e.receiver] or implementations[e.qualified_name]) then
      M.metatable(e.receiver).__index[e.name] = fn
    end
  end
  for kind, mt in pairs(metatables) do
    if not userdata[kind] then mt.__tostring = guarded_printer(kind, mt.__tostring) end
  end
  for kind in pairs(userdata) do core.binding.extend(kind, M.metatable(kind)) end
end

return M
