-- plot(result [, opts]): figures of Kaplan–Meier fits, cumulative
-- incidence and Cox / Fine–Gray models. The function, its options and its
-- help are declared in Swift (Sources/Scripting/PlotLibrary.swift), which
-- checks the options and builds the figure from the Swift result.
--
-- This wrapper hands Swift the handles, not the tables: plot() draws the
-- result behind a result table, so editing the table (fit.strata[1].surv)
-- changes its figure no more than it changes fit:at(). It also prints the
-- terminal preview that Swift returns when no file is given.
local M = {}

local bind = require("kaplan.bind")

local swift_plot -- the Swift body of the declaration

-- What a value is, as the message of a wrong first argument says it.
local function described(x)
  local kind = bind.kind_of(x)
  if kind then return "a " .. kind .. " table not made by a Kaplan function" end
  if type(x) == "table" then return "a table not made by a Kaplan function" end
  return type(x)
end

-- The handle of a result given as option `key` (pvalue = logrank(...),
-- hr = cox(...)); Swift checks its kind and refuses a table without one.
local function option_handle(opts, key)
  if type(opts) ~= "table" then return nil end
  local v = rawget(opts, key)
  if type(v) ~= "table" then return nil end
  return (bind.any_handle(v))
end

--- plot(result [, opts]) (see help(plot)).
function M.plot(result, opts)
  local handle = bind.any_handle(result)
  if handle == nil then
    bind.raise("bad argument #1 to 'plot' (km, cuminc, cox, finegray, cox_zph, subgroups or parametric_compare "
      .. "result expected, got "
      .. described(result) .. ")")
  end
  local path, preview = swift_plot(handle, opts, option_handle(opts, "pvalue"), option_handle(opts, "hr"))
  if preview then
    print(preview)
    return
  end
  return path
end

function M.install(kaplan)
  swift_plot = bind.entry("plot").fn
  bind.implement("plot", M.plot)
  kaplan.plots = M
end

return M
