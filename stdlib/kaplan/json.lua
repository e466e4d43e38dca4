-- json(x): results as JSON text, for other tools. Tables whose keys are all
-- positive integers become arrays, others objects with sorted keys (number
-- keys written as text; other keys are an error); nil holes in arrays
-- (NA) become null; NaN and infinities become null; values JSON cannot hold
-- (datasets, functions) are left out of objects and are null in arrays.
local M = {}

local function is_view(x) return require("kaplan.bind").is_view(x) end
local function kind_of(x) return require("kaplan.bind").kind_of(x) end

-- JSON text is UTF-8 (RFC 8259, section 8.1): a string that is not (Latin-1
-- labels, binary data) cannot be written as it is, and replacing its bytes
-- would change the value silently, so it is an error naming the string and
-- the first bad byte. Found by the JSON fuzzer (Tests/Fuzz/README.md).
local function escape(s)
  local ok, bad = utf8.len(s)
  if not ok then
    local shown = s:sub(1, 40):gsub("[^%w%p ]", function(c) return string.format("\\x%02X", c:byte()) end)
    error(string.format("json: string \"%s\" is not valid UTF-8 (byte %d); JSON text must be UTF-8", shown, bad), 0)
  end
  return (s:gsub('[%c"\\]', function(c)
    local map = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
    return map[c] or string.format("\\u%04x", c:byte())
  end))
end

-- The largest index when every key is a positive integer (an array, NA
-- holes allowed), else nil. An array sparser than half full past index 10
-- ({[1e9] = 1}) is written as an object instead of a billion nulls.
local function array_length(t)
  local n, count = 0, 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return nil end
    if k > n then n = k end
    count = count + 1
  end
  if count == 0 or (n > 10 and n > 2 * count) then return nil end
  return n
end

-- A float as the shortest of 15, 16 or 17 significant digits that reads
-- back as the same double (0.95, not 0.94999999999999996); 17 always does
-- (IEEE 754 binary64). A subnormal (below 2^-1022) carries fewer digits,
-- so its search starts at 1 (5e-324, not 4.94065645841247e-324). Whole
-- floats print without ".0", as JSON readers take them as the same number.
local function number_text(x)
  local first = (x ~= 0 and math.abs(x) < 2.2250738585072014e-308) and 1 or 15
  for digits = first, 16 do
    local s = string.format("%." .. digits .. "g", x)
    if tonumber(s) == x then return s end
  end
  return string.format("%.17g", x)
end

-- An object key: strings as they are, numbers as text (so {1, 2, x = 3}
-- keeps its 1 and 2); other keys cannot be written and are an error
-- rather than dropped.
local function key_text(k)
  if type(k) == "string" then return k end
  if math.type(k) == "integer" then return string.format("%d", k) end
  if type(k) == "number" then return number_text(k) end
  error("json: a table has a " .. type(k) .. " key, which JSON cannot hold", 0)
end

local function encode(x, depth, seen, out)
  local t = type(x)
  if x == nil then out[#out + 1] = "null"
  elseif t == "boolean" then out[#out + 1] = tostring(x)
  elseif t == "number" then
    if x ~= x or x == math.huge or x == -math.huge then out[#out + 1] = "null"
    elseif math.type(x) == "integer" then out[#out + 1] = tostring(x)
    else out[#out + 1] = number_text(x) end
  elseif t == "string" then out[#out + 1] = '"' .. escape(x) .. '"'
  elseif is_view(x) then
    -- A result's array view: written as the table it reads as (the same
    -- text as when results held tables, NA holes and all).
    encode(x:totable(), depth, seen, out)
  elseif t == "table" then
    if seen[x] then error("json: a table contains itself", 0) end
    if depth > 100 then error("json: nested too deeply", 0) end
    seen[x] = true
    local n = array_length(x)
    if n then
      -- the sequence may have nil holes (NA): up to the largest index
      out[#out + 1] = "["
      for i = 1, n do
        if i > 1 then out[#out + 1] = "," end
        local v = x[i]
        if type(v) == "function" or (type(v) == "userdata" and not is_view(v)) then v = nil end
        encode(v, depth + 1, seen, out)
      end
      out[#out + 1] = "]"
    else
      local keys, by_text = {}, {}
      for k, v in pairs(x) do
        if type(v) ~= "function" and (type(v) ~= "userdata" or is_view(v)) then
          local text = key_text(k)
          if by_text[text] ~= nil then
            error("json: keys " .. text .. " and \"" .. text .. "\" would both be \"" .. text .. "\"", 0)
          end
          by_text[text] = k
          keys[#keys + 1] = text
        end
      end
      -- A result says which Kaplan computed it (issue 19: provenance); a
      -- result's own field of that name, if a script set one, is kept.
      local version = nil
      if depth == 0 and by_text.kaplan_version == nil and kind_of(x) ~= nil then
        version = package.loaded.kaplan.version
        keys[#keys + 1] = "kaplan_version"
      end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, text in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = '"' .. escape(text) .. '":'
        if version ~= nil and text == "kaplan_version" then
          encode(version, depth + 1, seen, out)
        else
          encode(x[by_text[text]], depth + 1, seen, out)
        end
      end
      out[#out + 1] = "}"
    end
    seen[x] = nil
  else
    out[#out + 1] = "null"
  end
end

function M.json(x)
  local out = {}
  -- Errors of encode (raised without a position, at any depth) are raised
  -- again at the line that called json().
  local ok, message = pcall(encode, x, 0, {}, out)
  if not ok then
    -- Errors of a metamethod of the value keep their own position.
    local own = type(message) == "string" and message:sub(1, 5) == "json:"
    if own then require("kaplan.bind").raise(message) end
    error(message, 0)
  end
  return table.concat(out)
end

return M
