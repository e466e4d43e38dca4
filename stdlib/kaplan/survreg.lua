-- Parametric survival regression: survreg(d, formula [, opts]) as R's
-- survival::survreg, printed as summary(survreg). The functions are declared
-- in Swift (Sources/Scripting/SurvregLibrary.swift); this file prints the
-- result (R's print.summary.survreg with printCoefmat at 3 digits).
local M = {}

local bind = require("kaplan.bind")
local format = require("kaplan.format")
local is_na, level_text = format.is_na, format.level_text

-- R's printCoefmat layout: names left-aligned, one space between columns.
local function table_text(columns, rows, gap)
  for j, c in ipairs(columns) do c.left = j == 1 end
  return format.format_table(columns, rows, "", gap or " ")
end

-- R's round(x, d) for printing (half away from zero is close enough here:
-- the layout, not the value, depends on it).
local function round(x, d)
  if is_na(x) then return x end
  local m = 10 ^ d
  local y = x * m
  return (y >= 0 and math.floor(y + 0.5) or -math.floor(-y + 0.5)) / m
end

-- printCoefmat's estimate columns: rounded to max(1, digits - digmin)
-- decimals, digmin from the smallest non-zero magnitude, then formatted
-- together at `digits` significant digits.
local function estimate_columns(columns, n, digits)
  local smallest = math.huge
  for _, values in ipairs(columns) do
    for i = 1, n do
      local a = values[i] and math.abs(values[i])
      if a and a == a and a ~= 0 and a ~= math.huge then smallest = math.min(smallest, a) end
    end
  end
  local decimals = 1
  if smallest < math.huge then
    decimals = math.max(1, digits - (1 + math.floor(math.log(smallest, 10))))
  end
  local all, k = {}, 0
  for _, values in ipairs(columns) do
    for i = 1, n do k = k + 1; all[k] = round(values[i], decimals) end
  end
  local text = format.format_column(all, k, digits)
  local out = {}
  for j = 1, #columns do
    out[j] = {}
    for i = 1, n do out[j][i] = text[(j - 1) * n + i] end
  end
  return out
end

local function rows_of(m)
  local rows = {}
  for _, t in ipairs(m.terms) do rows[#rows + 1] = t end
  for _, t in ipairs(m.log_scale or {}) do rows[#rows + 1] = t end
  return rows
end

--- The summary of a survreg fit, as R's summary(survreg) prints it.
function M.format(m)
  local digits = 3
  local rows = rows_of(m)
  local n = #rows
  local names, value, se, naive, z, p = {}, {}, {}, {}, {}, {}
  for i, r in ipairs(rows) do
    names[i], value[i], se[i], naive[i], p[i] = r.name, r.coef, r.se, r.naive_se, r.p
    z[i] = round(r.z, 2)
  end
  local cols = estimate_columns(m.robust and { value, se, naive } or { value, se }, n, digits)
  local columns = { { "", names }, { "Value", cols[1] } }
  if m.robust then
    columns[#columns + 1] = { "Std. Err", cols[2] }
    columns[#columns + 1] = { "(Naive SE)", cols[3] }
  else
    columns[#columns + 1] = { "Std. Error", cols[2] }
  end
  columns[#columns + 1] = { "z", format.format_column(z, n, digits) }
  columns[#columns + 1] = { "p", format.format_pvals(p, n, 2) }
  local out = { "Parametric survival regression (survreg): " .. m.formula, "" }
  out[#out + 1] = table_text(columns, n)
  out[#out + 1] = ""
  local scales = m.scales
  if m.scale_fixed then
    out[#out + 1] = "Scale fixed at " .. format.format_number(scales[1], digits)
  elseif #scales == 1 then
    out[#out + 1] = "Scale= " .. format.format_number(scales[1], digits)
  else
    out[#out + 1] = "Scale:"
    local list = {}
    for i = 1, #scales do list[i] = scales[i] end
    local text = format.format_column(list, #list, digits)
    local header = {}
    for i = 1, #list do header[i] = { m.strata[i], { text[i] } } end
    out[#out + 1] = format.format_table(header, 1, " ", " ")
  end
  out[#out + 1] = ""
  out[#out + 1] = m.dist_name .. " distribution"
  local ll = m.loglik
  out[#out + 1] = string.format("Loglik(model)= %s   Loglik(intercept only)= %s",
    format.format_value(round(ll.fitted, 1)), format.format_value(round(ll.null, 1)))
  local chi = m.chisq
  if chi.df > 0 then
    out[#out + 1] = string.format("\tChisq= %s on %d degrees of freedom, p= %s",
      format.format_value(round(chi.statistic, 2)), chi.df, format.format_number(chi.p, 2))
  end
  if m.robust then out[#out + 1] = "(Loglikelihood assumes independent observations)" end
  out[#out + 1] = "Number of Newton-Raphson Iterations: " .. m.iterations
  if m.n_dropped > 0 then
    out[#out + 1] = string.format("n=%d (%s deleted due to missingness)", m.n,
      format.plural(m.n_dropped, "observation"))
  else
    out[#out + 1] = "n= " .. m.n
  end
  if m.ph and #m.ph.terms > 1 then
    local level = level_text(m.conf_level)
    out[#out + 1] = ""
    out[#out + 1] = string.format("Proportional hazards form (as Stata's streg): shape = 1/scale = %s",
      format.format_number(m.ph.shape, 4))
    local k = #m.ph.terms - 1
    local hn, hr, hse, hz, hp, lo, hi = {}, {}, {}, {}, {}, {}, {}
    for i = 1, k do
      local t = m.ph.terms[i + 1]
      hn[i], hr[i], hse[i], hz[i], hp[i], lo[i], hi[i] = t.name, t.hr, t.se, t.z, t.p, t.lower, t.upper
    end
    out[#out + 1] = table_text({ { "", hn }, { "HR", format.format_column(hr, k, 4) },
      { "se(coef)", format.format_column(hse, k, 4) }, { "z", format.format_column(hz, k, 3) },
      { "p", format.format_pvals(hp, k, 3) }, { "lower " .. level, format.format_column(lo, k, 4) },
      { "upper " .. level, format.format_column(hi, k, 4) } }, k, "  ")
  end
  for _, w in ipairs(m.warnings or {}) do out[#out + 1] = "Warning: " .. w end
  return table.concat(out, "\n")
end

bind.metatable("survreg").__tostring = function(m) return M.format(m) end

function M.install(kaplan)
  kaplan.survreg = M
end

return M
