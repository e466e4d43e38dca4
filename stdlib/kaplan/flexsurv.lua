-- Flexible parametric survival models: flexsurv(d, formula [, opts]) printed
-- as R flexsurv's print.flexsurvreg, and parametric_compare(...) printed as
-- the comparison table of NICE DSU TSD 14. The functions are declared in
-- Swift (Sources/Scripting/FlexsurvLibrary.swift, ParametricCompareBinding.swift).
local M = {}

local bind = require("kaplan.bind")
local format = require("kaplan.format")

local function column(values, n, digits)
  return format.format_column(values, n, digits or 4)
end

--- The printout of a flexsurv fit: flexsurv's estimates table (est, L95%,
-- U95%, se on the natural scale; exp(est) and its interval for covariates).
function M.format(m)
  local terms = m.terms
  local n = #terms
  local names, est, lo, hi, se, eest, elo, ehi = {}, {}, {}, {}, {}, {}, {}, {}
  local covariates = false
  for i, t in ipairs(terms) do
    names[i], est[i], lo[i], hi[i], se[i] = t.name, t.est, t.est_lower, t.est_upper, t.est_se
    if not t.baseline then
      covariates = true
      eest[i], elo[i], ehi[i] = math.exp(t.coef), t.lower and math.exp(t.lower), t.upper and math.exp(t.upper)
    end
  end
  local level = format.level_text(m.conf_level)
  local low, high = "L" .. level, "U" .. level
  local columns = { { "", names, left = true }, { "est", column(est, n) }, { low, column(lo, n) },
    { high, column(hi, n) }, { "se", column(se, n) } }
  if covariates then
    local function blank(values)
      local text = column(values, n)
      for i, t in ipairs(terms) do if t.baseline then text[i] = "" end end
      return text
    end
    columns[#columns + 1] = { "exp(est)", blank(eest) }
    columns[#columns + 1] = { low, blank(elo) }
    columns[#columns + 1] = { high, blank(ehi) }
  end
  local out = { "Flexible parametric survival model (flexsurv): " .. m.formula,
    "Distribution: " .. m.dist_name, "" }
  if m.knots then
    local k = {}
    for i = 1, #m.knots do k[i] = m.knots[i] end
    out[#out + 1] = "Knots (log time): " .. table.concat(column(k, #k), " ")
    out[#out + 1] = ""
  end
  out[#out + 1] = "Estimates:"
  out[#out + 1] = format.format_table(columns, n, "", "  ")
  out[#out + 1] = ""
  if (m.n_interval or 0) > 0 then
    out[#out + 1] = string.format("N = %d,  Events: %d,  Interval-censored: %d,  Right-censored: %d", m.n, m.events,
      m.n_interval, m.n - m.events - m.n_interval)
  else
    out[#out + 1] = string.format("N = %d,  Events: %d,  Censored: %d", m.n, m.events, m.n - m.events)
  end
  if m.n_dropped > 0 then
    out[#out + 1] = string.format("(%s deleted due to missingness)", format.plural(m.n_dropped, "observation"))
  end
  -- A log-likelihood that is not finite is NA in the table (nil): printed as NA, not a failure.
  local ll = m.loglik.fitted
  out[#out + 1] = string.format("Log-likelihood = %s, df = %d", ll and format.format_number(ll, 6) or "NA", m.df)
  out[#out + 1] = "AIC = " .. (ll and format.format_number(-2 * ll + 2 * m.df, 6) or "NA")
  for _, w in ipairs(m.warnings or {}) do out[#out + 1] = "Warning: " .. w end
  return table.concat(out, "\n")
end

--- The comparison table, sorted by AIC.
function M.format_compare(c)
  local models = c.models
  local n = #models
  local label, ll, df, aic, bic, delta = {}, {}, {}, {}, {}, {}
  for i, r in ipairs(models) do
    label[i] = r.label .. (r.converged and "" or " (not converged)")
    ll[i], df[i], aic[i], bic[i], delta[i] = r.loglik, tostring(r.df), r.aic, r.bic, r.delta_aic
  end
  local function fixed(values, decimals)
    local out = {}
    for i = 1, n do out[i] = string.format("%." .. decimals .. "f", values[i]) end
    return out
  end
  local out = { string.format("Parametric survival models: %s (n = %d), sorted by AIC", c.formula, c.n), "" }
  out[#out + 1] = format.format_table({ { "Model", label, left = true }, { "Loglik", fixed(ll, 2) },
    { "df", df }, { "AIC", fixed(aic, 2) }, { "BIC", fixed(bic, 2) }, { "dAIC", fixed(delta, 2) } }, n, "", "  ")
  for _, w in ipairs(c.warnings or {}) do out[#out + 1] = "Warning: " .. w end
  return table.concat(out, "\n")
end

bind.metatable("flexsurv").__tostring = function(m) return M.format(m) end
bind.metatable("parametric_compare").__tostring = function(c) return M.format_compare(c) end

function M.install(kaplan)
  kaplan.flexsurv = M
end

return M
