-- Tab completion for the REPL: given the word before the cursor
-- ("km", "math.fl", "fit.str", "d:he"), the candidate completions.
local M = {}

local function members(value, methods_only)
  local names = {}
  local seen = {}
  local function add(k)
    if type(k) == "string" and k:match("^[%a_][%w_]*$") and not seen[k] then
      seen[k] = true
      names[#names + 1] = k
    end
  end
  local t = type(value)
  if t == "table" then
    if not methods_only then for k in pairs(value) do add(k) end end
    local mt = getmetatable(value)
    if type(mt) == "table" and type(mt.__index) == "table" then
      for k in pairs(mt.__index) do add(k) end
    end
  elseif t == "string" then
    for k in pairs(string) do add(k) end
  elseif t == "userdata" then
    local kaplan = package.loaded.kaplan
    local lister = kaplan and kaplan.members
    if lister then for _, k in ipairs(lister(value, methods_only)) do add(k) end end
  end
  table.sort(names)
  return names
end

--- Completions of `word` (the text from the start of the identifier chain).
function M.complete(word)
  local prefix, sep, partial = word:match("^(.-)([%.:])([%a_]*[%w_]*)$")
  local scope, base
  if prefix and prefix ~= "" then
    local value = _G
    for part in prefix:gmatch("[^%.:]+") do
      if type(value) ~= "table" and type(value) ~= "userdata" then return {} end
      local ok, v = pcall(function() return value[part] end)
      if not ok then return {} end
      value = v
    end
    scope = members(value, sep == ":")
    base = prefix .. sep
  else
    partial = word
    scope = members(_G)
    base = ""
  end
  local out = {}
  for _, name in ipairs(scope) do
    if name:sub(1, #partial) == partial then out[#out + 1] = base .. name end
  end
  return out
end

return M
