-- json(x): results as JSON text, for other tools. Tables with a sequence
-- part become arrays, others objects with sorted keys; nil holes in arrays
-- (NA) become null; NaN and infinities become null; values JSON cannot hold
-- (datasets, functions) are left out of objects and are null in arrays.
local M = {}

local function escape(s)
  return (s:gsub('[%c"\\]', function(c)
    local map = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
    return map[c] or string.format("\\u%04x", c:byte())
  end))
end

local function is_array(t)
  local n = #t
  if n == 0 then return next(t) == nil and false end
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 or k > n then return false end
  end
  return true
end

local function encode(x, depth, seen, out)
  local t = type(x)
  if x == nil then out[#out + 1] = "null"
  elseif t == "boolean" then out[#out + 1] = tostring(x)
  elseif t == "number" then
    if x ~= x or x == math.huge or x == -math.huge then out[#out + 1] = "null"
    elseif math.type(x) == "integer" then out[#out + 1] = tostring(x)
    else out[#out + 1] = string.format("%.17g", x) end
  elseif t == "string" then out[#out + 1] = '"' .. escape(x) .. '"'
  elseif t == "table" then
    if seen[x] then error("json: a table contains itself", 3) end
    if depth > 100 then error("json: nested too deeply", 3) end
    seen[x] = true
    if is_array(x) then
      -- the sequence may have nil holes (NA): use the largest index
      local n = 0
      for k in pairs(x) do if k > n then n = k end end
      out[#out + 1] = "["
      for i = 1, n do
        if i > 1 then out[#out + 1] = "," end
        local v = x[i]
        if type(v) == "function" or type(v) == "userdata" then v = nil end
        encode(v, depth + 1, seen, out)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k, v in pairs(x) do
        if type(k) == "string" and type(v) ~= "function" and type(v) ~= "userdata" then keys[#keys + 1] = k end
      end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = '"' .. escape(k) .. '":'
        encode(x[k], depth + 1, seen, out)
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
  encode(x, 0, {}, out)
  return table.concat(out)
end

function M.install_docs(doc)
  doc { name = "json", fn = M.json, section = "General",
    signature = "json(x)",
    summary = "Encodes a value (e.g. a result) as JSON text; NA and NaN become null, datasets are left out.",
    example = "local f = assert(io.open(\"fit.json\", \"w\"))\nf:write(json(km(dataset(\"aml\"), \"Surv(time, status) ~ x\")))\nf:close()" }
end

return M
