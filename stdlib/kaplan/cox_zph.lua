-- The proportional-hazards test of a Cox model, m:zph() (declared in Swift,
-- Sources/Scripting/CoxZphBinding.swift), printed as R's print.cox.zph:
-- printCoefmat(table, digits = 3, P.values = TRUE) of chisq, df and p.
local M = {}

local bind = require("kaplan.bind")
local format = require("kaplan.format")

-- x rounded to `decimals`, as R's round() (via C's correctly rounded printf).
local function round(x, decimals)
  if x == nil or x ~= x then return x end
  return tonumber(string.format("%." .. decimals .. "f", x))
end

--- The table as print.cox.zph shows it. printCoefmat treats chisq as its
-- coefficient column: rounded to max(1, digits - digmin) decimals (digmin
-- = 1 + floor(log10 of the smallest nonzero |chisq|)) and formatted together
-- at 3 digits; df is the "test statistic" column; p is format.pval at 2
-- digits.
function M.format(z)
  local rows = z.table
  local n = #rows
  local names, chisq, df, ps = {}, {}, {}, {}
  local smallest
  for i = 1, n do
    local r = rows[i]
    names[i], chisq[i], df[i], ps[i] = r.term, r.chisq, r.df, r.p
    local a = r.chisq and math.abs(r.chisq)
    if a and a > 0 and a < math.huge then smallest = math.min(smallest or a, a) end
  end
  local decimals = 1
  if smallest then decimals = math.max(1, 3 - (1 + math.floor(math.log(smallest, 10)))) end
  local rounded = {}
  for i = 1, n do rounded[i] = round(chisq[i], decimals) end
  local cells = format.format_column(rounded, n, 3)
  for i = 1, n do
    -- A nonzero value that rounds to zero is shown at 2 digits, as R does.
    if chisq[i] and chisq[i] ~= 0 and rounded[i] == 0 then cells[i] = format.format_number(chisq[i], 2) end
  end
  local columns = {
    { "", names, left = true }, { "chisq", cells }, { "df", format.format_column(df, n, 3) },
    { "p", format.format_pvals(ps, n, 2) },
  }
  return format.format_table(columns, n, "", " ")
end

bind.metatable("cox_zph").__tostring = function(z) return M.format(z) end

function M.install(kaplan)
  kaplan.cox_zph = M
end

return M
