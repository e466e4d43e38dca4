-- show(x): a readable rendering of any Lua value, nested tables included.
-- Used by the REPL to print expression values. Result objects with a
-- __tostring print their summary instead.
local M = {}

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

-- Numbers as R prints them: 7 significant digits, integers in full.
local format_number = require("kaplan.format").format_value

local function sorted_keys(t)
  local keys = {}
  local n = #t
  for k in pairs(t) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys, n
end

--- Renders `x` as text. Tables are shown with their keys, nested up to
-- `depth` (default 4) levels; long arrays are elided after `max_items` (20).
function M.render(x, depth, max_items, indent, seen)
  depth = depth or 4
  max_items = max_items or 20
  indent = indent or ""
  seen = seen or {}
  local t = type(x)
  if t == "string" then return string.format("%q", x):gsub("\\\n", "\\n") end
  if t == "number" then return format_number(x) end
  -- A result's array view prints as the array it reads as.
  local view = t == "userdata" and require("kaplan.bind").is_view(x)
  if t ~= "table" and not view then return tostring(x) end
  local mt = not view and getmetatable(x)
  if type(mt) == "table" and mt.__tostring then return tostring(x) end
  if seen[x] then return "<cycle>" end
  if depth == 0 then return "{...}" end
  seen[x] = true
  local keys, n
  if view then keys, n = {}, #x else keys, n = sorted_keys(x) end
  if n == 0 and #keys == 0 then seen[x] = nil; return "{}" end
  local inner = indent .. "  "
  -- Short flat arrays of scalars fit on one line.
  local flat = #keys == 0
  -- Only the items shown are looked at: a table's __len may claim 2^62.
  for i = 1, math.min(n, max_items) do if type(x[i]) == "table" then flat = false; break end end
  if flat then
    local parts = {}
    for i = 1, math.min(n, max_items) do parts[#parts + 1] = M.render(x[i], depth - 1, max_items, inner, seen) end
    if n > max_items then parts[#parts + 1] = string.format("... (%d more)", n - max_items) end
    local line = "{" .. table.concat(parts, ", ") .. "}"
    if #line <= 100 then seen[x] = nil; return line end
  end
  local lines = {}
  for i = 1, math.min(n, max_items) do
    lines[#lines + 1] = inner .. M.render(x[i], depth - 1, max_items, inner, seen) .. ","
  end
  if n > max_items then lines[#lines + 1] = inner .. string.format("-- ... (%d more)", n - max_items) end
  for _, k in ipairs(keys) do
    local key = is_identifier(k) and k or ("[" .. M.render(k, 1, max_items, inner, seen) .. "]")
    lines[#lines + 1] = inner .. key .. " = " .. M.render(x[k], depth - 1, max_items, inner, seen) .. ","
  end
  seen[x] = nil
  return "{\n" .. table.concat(lines, "\n") .. "\n" .. indent .. "}"
end

--- show(...) prints each value readably (nested tables expanded).
function M.show(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = M.render((select(i, ...))) end
  print(table.concat(parts, "\t"))
end

return M
