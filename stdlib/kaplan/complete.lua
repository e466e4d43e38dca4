-- Tab completion for the REPL. complete(word, line): `word` is the text
-- libedit replaces (it breaks words at spaces, quotes, brackets, operators
-- and '/', not at '.' or ':'), `line` the line up to the cursor. Returns
-- the candidates that replace `word`.
--
--   km<Tab>, math.fl<Tab>      globals and fields of tables
--   d:<Tab>, fit:<Tab>         methods, from the registry (kaplan.bind)
--   d.ag<Tab>, fit.<Tab>       a dataset's columns, a result's fields
--   km(d, "...", {conf_<Tab>   the options of the function being called
--   read_csv("da<Tab>          files the sandbox lets the script read
local M = {}

local bind = require("kaplan.bind")

-- Functions whose first argument is a path to read.
local readers = { read_csv = true }

local function is_name(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

-- Sorted, de-duplicated names (only valid identifiers).
local function collect(add_all)
  local names, seen = {}, {}
  add_all(function(k)
    if is_name(k) and not seen[k] then
      seen[k] = true
      names[#names + 1] = k
    end
  end)
  table.sort(names)
  return names
end

-- The names after `value.` (fields) or `value:` (methods).
local function members(value, methods)
  local kind = bind.kind_of(value)
  return collect(function(add)
    local t = type(value)
    if kind and (methods or t == "userdata") then
      if methods then
        for _, e in ipairs(bind.methods_of(kind)) do add(e.name) end
      elseif kind == "dataset" then
        local ok, names = pcall(function() return value:names() end)
        if ok and type(names) == "table" then for _, n in ipairs(names) do add(n) end end
      end
    end
    if methods and bind.is_view(value) then add("totable") end
    if t == "table" then
      if not methods then for k in pairs(value) do add(k) end end
      local mt = getmetatable(value)
      if type(mt) == "table" and type(rawget(mt, "__index")) == "table" then
        for k, v in pairs(mt.__index) do
          if not methods or type(v) == "function" then add(k) end
        end
      end
    elseif t == "string" and methods then
      for k in pairs(string) do add(k) end
    end
  end)
end

-- The value a chain of names ("fit", "d.age", "math") leads to, read
-- without errors (nil when any step fails).
local function resolve(chain)
  local value = _G
  for part in chain:gmatch("[^%.:]+") do
    if type(value) ~= "table" and type(value) ~= "userdata" then return nil end
    local ok, v = pcall(function() return value[part] end)
    if not ok then return nil end
    value = v
  end
  return value
end

-- Completions of an identifier chain ending at the cursor.
local function chain_candidates(chain)
  local prefix, sep, partial = chain:match("^(.-)([%.:])([%a_]*[%w_]*)$")
  local scope, base
  if prefix and prefix ~= "" then
    local value = resolve(prefix)
    if value == nil then return {} end
    scope = members(value, sep == ":")
    base = prefix .. sep
  else
    partial = chain
    scope = members(_G, false)
    base = ""
  end
  local out = {}
  for _, name in ipairs(scope) do
    if name:sub(1, #partial) == partial then out[#out + 1] = base .. name end
  end
  return out
end

-- Where the line stands: inside a string (the quote's position), and the
-- unclosed brackets outside strings, innermost last ({char, position}).
local function scan(line)
  local open, quote, quote_at = {}, nil, nil
  local i = 1
  while i <= #line do
    local ch = line:sub(i, i)
    if quote then
      if ch == "\\" then i = i + 1
      elseif ch == quote then quote = nil end
    elseif ch == '"' or ch == "'" then
      quote, quote_at = ch, i
    elseif ch == "-" and line:sub(i, i + 1) == "--" then
      return { comment = true }
    elseif ch == "(" or ch == "{" or ch == "[" then
      open[#open + 1] = { ch, i }
    elseif ch == ")" or ch == "}" or ch == "]" then
      open[#open] = nil
    end
    i = i + 1
  end
  return { open = open, quote_at = quote and quote_at or nil }
end

-- The callee written just before position `at` ("km", "fit:at", "d:with").
local function callee_before(line, at)
  return line:sub(1, at - 1):match("([%a_][%w_%.:]*)%s*$")
end

-- The registry entry of a callee; for a method, by the kind of its receiver.
local function entry_of_callee(callee)
  local receiver, method = callee:match("^(.-):([%a_][%w_]*)$")
  if not receiver then
    local value = resolve(callee)
    return (type(value) == "function" and bind.entry_of(value)) or bind.entry(callee)
  end
  local kind = bind.kind_of(resolve(receiver))
  if kind then return bind.entry(kind .. ":" .. method) end
  local found = bind.methods_named(method)
  return #found == 1 and found[1] or nil
end

-- Arguments before position `at` at the depth of the bracket opened at `from`.
local function argument_index(line, from, at)
  local depth, index, quote = 0, 1, nil
  for i = from + 1, at - 1 do
    local ch = line:sub(i, i)
    if quote then
      if ch == quote then quote = nil end
    elseif ch == '"' or ch == "'" then quote = ch
    elseif ch == "(" or ch == "{" or ch == "[" then depth = depth + 1
    elseif ch == ")" or ch == "}" or ch == "]" then depth = depth - 1
    elseif ch == "," and depth == 0 then index = index + 1 end
  end
  return index
end

-- Option names of the call whose options table is the innermost open `{`,
-- when the cursor is where a key goes.
local function option_candidates(line, state, word)
  local brace = state.open[#state.open]
  if not brace or brace[1] ~= "{" then return nil end
  -- A key goes right after `{` or `,` (not after `key = `).
  if not line:match("[{,]%s*[%a_]?[%w_]*$") then return nil end
  local entry, index
  local paren = state.open[#state.open - 1]
  local direct = callee_before(line, brace[2])
  if direct then
    -- f{...}: the table is the only argument.
    entry, index = entry_of_callee(direct), 1
  elseif paren and paren[1] == "(" then
    local callee = callee_before(line, paren[2])
    entry = callee and entry_of_callee(callee)
    index = argument_index(line, paren[2], brace[2])
  end
  if not entry or entry.options_argument ~= index then return nil end
  local out = {}
  for _, o in ipairs(entry.options) do
    if o.key:sub(1, #word) == word then out[#out + 1] = o.key end
  end
  table.sort(out)
  return out
end

-- File names for a string being typed as the first argument of a reader.
local function file_candidates(line, state)
  local q = state.quote_at
  local paren = state.open[#state.open]
  if not paren or paren[1] ~= "(" then return nil end
  local callee = callee_before(line, paren[2])
  if not callee or not readers[callee] or argument_index(line, paren[2], q) ~= 1 then return nil end
  if not line:sub(paren[2] + 1, q - 1):match("^%s*$") then return nil end
  local files = package.loaded.kaplan.core.completion.files
  return files(line:sub(q + 1))
end

--- Completions of `word`, the text before the cursor being `line`.
function M.complete(word, line)
  line = line or word
  local state = scan(line)
  if state.comment then return {} end
  if state.quote_at then
    local typed = line:sub(state.quote_at + 1)
    local files = file_candidates(line, state)
    if not files then return {} end
    -- libedit replaces `word`, the end of what was typed after the quote.
    local keep = #typed - #word
    local out = {}
    for _, f in ipairs(files) do out[#out + 1] = f:sub(keep + 1) end
    return out
  end
  local options = option_candidates(line, state, word)
  if options then return options end
  return chain_candidates(word)
end

return M
