-- Grouped datasets: g:with{...}, columns computed within each group (as
-- dplyr's group_by() |> mutate()). A value that is a function is called
-- once per group with that group's rows as a dataset (in row order) and
-- returns a column of as many rows or one value; the Swift halves
-- (DatasetGroupedWith.swift) split the rows and put the pieces back in
-- the rows' places. Calls are protected so that an error names the column
-- and the group; a time limit or Ctrl-C still stops the loop.
local M = {}

local bind = require("kaplan.bind")

--- g:with{name = value | function(group), ...}: a grouped dataset with the
-- columns added or replaced (keys and order as d:with).
function M.with(g, spec, ...)
  local parts = M.core.group_parts(g, spec, ...)
  local computed = {}
  local function compute(name, value)
    if type(value) ~= "function" then return value end
    local results = {}
    for k, part in ipairs(parts.data) do
      local ok, v = pcall(value, part)
      if not ok then
        bind.raise(string.format("with: the function for '%s' failed in group %d (%s): %s", name, k,
          parts.labels[k], tostring(v)))
      end
      results[k] = v
    end
    return M.core.group_assemble(g, parts.rows, results, name)
  end
  for i, entry in ipairs(spec) do
    computed[i] = { entry[1], compute(entry[1], entry[2]) }
  end
  for name, value in pairs(spec) do
    if type(name) == "string" then computed[name] = compute(name, value) end
  end
  return g:ungroup():with(computed):group_by(parts.keys)
end

function M.install(kaplan)
  M.core = kaplan.core.datasets
  bind.implement("grouped:with", M.with)
end

return M
