--- Printing of the Cox prediction results declared in Swift
-- (Sources/Scripting/CoxPredictionLibrary.swift): the Wald test of m:test and
-- m:contrast. Predicted curves (m:survfit) are km results and print as km's.
local M = {}

local bind = require("kaplan.bind")
local format = require("kaplan.format")

local wald_mt = bind.metatable("cox_wald")

wald_mt.__tostring = function(w)
  local out = { "Wald test of linear hypotheses on the Cox coefficients" }
  if w.names then out[#out + 1] = "  H0: " .. table.concat(w.names, " = ") .. " = 0" end
  out[#out + 1] = string.format(
    "  Chisq = %s on %d df, p = %s", format.format_number(w.statistic, 5), w.df, format.format_pval(w.p, 3))
  return table.concat(out, "\n")
end

function M.install(kaplan)
  local adjusted = bind.entry("adjusted_curves").fn
  -- The model is passed to Swift as its handle (as lrtest's).
  bind.implement("adjusted_curves", function(m, d, opts)
    return bind.result("km", adjusted(bind.handle(m, "cox", "adjusted_curves"), d, opts))
  end)
end

return M
