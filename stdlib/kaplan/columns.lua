-- Columns: c:map(f), the one column function written in Lua (a Lua
-- function per value). Its Swift halves (ColumnConditionalFunctions.swift)
-- check the arguments and give the values, then build the column from the
-- results. Calls of f are protected so that an error names its row; a
-- time limit or Ctrl-C still stops the loop (pcall cannot catch a stop).
local M = {}

local bind = require("kaplan.bind")

--- c:map(f): f(value) for each value in row order (NA passed as nil);
-- nil or NA results are NA.
function M.map(c, f, ...)
  local values = M.core.map_values(c, f, ...)
  local n = #c
  local out = {}
  local na = M.NA
  for i = 1, n do
    local ok, v = pcall(f, values[i])
    if not ok then bind.raise(string.format("map: the function failed at row %d: %s", i, tostring(v))) end
    if v == nil then v = na end
    out[i] = v
  end
  return M.core.map_column(out, n)
end

function M.install(kaplan)
  M.core = kaplan.core.datasets
  M.NA = rawget(_G, "NA")
  bind.implement("column:map", M.map)
end

return M
