-- Survival curves and tests: km, logrank, pairwise_logrank, followup.
-- The numbers come from Swift (Sources/Scripting/SurvivalLibrary.swift,
-- R survival's survfit, survdiff, quantile, summary and print); this file
-- labels the results, gives them methods and prints them as R does.
local M = {}

local bind = require("kaplan.bind")

---------------------------------------------------------------------------
-- Printing: numbers as R's print methods of survival show them, through the
-- one formatting module (kaplan.format).

local format = require("kaplan.format")
local level_text, format_table = format.level_text, format.format_table

local function is_number(x)
  return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge
end

-- A column at R's print.survfit/print.survdiff digits (default 3).
local function column(values, n, digits)
  return format.format_column(values, n, digits or 3)
end

-- One number as R's format(x, digits = d) (default 3).
local function number(x, digits)
  return format.format_number(x, digits or 3)
end

local function round1(x)
  if not is_number(x) then return x end
  return math.floor(x * 10 + 0.5) / 10
end

--- "95% CI, log-log" (or "no confidence intervals").
local function ci_text(conf_type, conf_level)
  if conf_type == "none" then return "no confidence intervals (conf_type \"none\")" end
  return level_text(conf_level) .. " CI, " .. conf_type
end

local function dropped_line(n_dropped)
  if n_dropped and n_dropped > 0 then
    return string.format("  (%d observation%s deleted due to missingness)", n_dropped, n_dropped == 1 and "" or "s")
  end
end

local function lines_of(...)
  local out = {}
  for i = 1, select("#", ...) do
    local l = select(i, ...)
    if l then out[#out + 1] = l end
  end
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- km

local km_mt = bind.metatable("km")
local at_mt = bind.metatable("km_at")
local quantile_mt = bind.metatable("km_quantile")
local rmst_mt = bind.metatable("km_rmst")

local function km_title(fit)
  local extra = {}
  if fit.weights then extra[#extra + 1] = "weights '" .. fit.weights .. "'" end
  if fit.variance == "robust" then extra[#extra + 1] = "robust variance (fractional weights)" end
  local s = (fit.title or "Kaplan–Meier estimate") .. ": " .. fit.formula
  if #extra > 0 then s = s .. "  [" .. table.concat(extra, "; ") .. "]" end
  return s
end

km_mt.__tostring = function(fit)
  local k = #fit.strata
  local labels, n, events, med, lo, hi = {}, {}, {}, {}, {}, {}
  for i, s in ipairs(fit.strata) do
    labels[i], n[i], events[i] = s.label, s.n, s.events
    med[i], lo[i], hi[i] = s.median, s.median_lower, s.median_upper
  end
  local cols = { { "", labels, left = true }, { "n", column(n, k) }, { "events", column(events, k) },
    { "median", column(med, k) } }
  if fit.conf_type ~= "none" then
    local level = number(fit.conf_level, 7)
    cols[#cols + 1] = { level .. "LCL", column(lo, k) }
    cols[#cols + 1] = { level .. "UCL", column(hi, k) }
  end
  return lines_of(km_title(fit), dropped_line(fit.n_dropped), "", format_table(cols, k), "",
    "Median survival with " .. ci_text(fit.conf_type, fit.conf_level) .. ".")
end

at_mt.__tostring = function(r)
  local level = level_text(r.conf_level)
  local parts = { "Survival at chosen times (summary with times): " .. r.formula }
  for _, s in ipairs(r.strata) do
    local m = #s.time
    parts[#parts + 1] = ""
    parts[#parts + 1] = "                " .. s.label
    local cols = { { "time", column(s.time, m, 7) }, { "n.risk", column(s.n_risk, m, 7) },
      { "n.event", column(s.n_event, m, 7) }, { "survival", column(s.surv, m) },
      { "std.err", column(s.std_err, m) } }
    if r.conf_type ~= "none" then
      cols[#cols + 1] = { "lower " .. level .. " CI", column(s.lower, m) }
      cols[#cols + 1] = { "upper " .. level .. " CI", column(s.upper, m) }
    end
    parts[#parts + 1] = format_table(cols, m, " ")
  end
  parts[#parts + 1] = ""
  parts[#parts + 1] = ci_text(r.conf_type, r.conf_level) .. "; n.event counts events since the previous time shown."
  return table.concat(parts, "\n")
end

quantile_mt.__tostring = function(r)
  local labels, probs, q, lo, hi = {}, {}, {}, {}, {}
  local n = 0
  for _, s in ipairs(r.strata) do
    for j = 1, #r.probs do
      n = n + 1
      labels[n] = j == 1 and s.label or ""
      probs[n], q[n], lo[n], hi[n] = r.probs[j], s.quantile[j], s.lower[j], s.upper[j]
    end
  end
  local cols = { { "", labels, left = true }, { "prob", column(probs, n, 7) }, { "time", column(q, n) } }
  if r.conf_type ~= "none" then
    cols[#cols + 1] = { "lower", column(lo, n) }
    cols[#cols + 1] = { "upper", column(hi, n) }
  end
  return lines_of("Quantiles of survival time: " .. r.formula, "", format_table(cols, n), "",
    "Time at which survival first falls to 1 - prob; " .. ci_text(r.conf_type, r.conf_level) ..
    " (NA: the curve does not get there).")
end

rmst_mt.__tostring = function(r)
  local k = #r.strata
  local labels, n, events, mean, se = {}, {}, {}, {}, {}
  for i, s in ipairs(r.strata) do
    labels[i], n[i], events[i], mean[i], se[i] = s.label, s.n, s.events, s.rmean, s.se
  end
  local tau = number(r.tau, 7)
  local out = { "Restricted mean survival time up to " .. tau .. (r.common_tau and " (the longest follow-up)" or "") ..
    ": " .. r.formula, "",
    format_table({ { "", labels, left = true }, { "n", column(n, k) }, { "events", column(events, k) },
      { "rmean", column(mean, k) }, { "se(rmean)", column(se, k) } }, k) }
  local d = r.difference
  if d then
    out[#out + 1] = ""
    out[#out + 1] = string.format("Difference %s: %s (%s CI %s to %s), p= %s", d.label,
      number(d.estimate), level_text(d.conf_level), number(d.lower), number(d.upper),
      format.format_pval(d.p, 2))
  end
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- logrank

local logrank_mt = bind.metatable("logrank")

local function test_name(rho, gamma)
  if (rho or 0) == 0 and (gamma or 0) == 0 then return "Log-rank test" end
  if (gamma or 0) == 0 then
    return string.format("G-rho test, rho = %s%s", number(rho, 7), rho == 1 and " (Peto–Peto)" or "")
  end
  return string.format("Fleming–Harrington test, rho = %s, gamma = %s", number(rho, 7),
    number(gamma, 7))
end

-- The tests of logrank{weights = ...} (Klein and Moeschberger's names).
local weight_names = {
  gehan = "Gehan–Breslow–Wilcoxon test (weights n at risk)",
  ["tarone-ware"] = "Tarone–Ware test (weights sqrt(n at risk))",
  ["peto-peto"] = "Peto–Peto test (weights Peto's S~(t))",
  ["modified-peto"] = "Modified Peto–Peto test (weights S~(t) n/(n+1))",
}

-- The MaxCombo lines: each FH(rho, gamma) z, then the maximum and its p-value.
local function maxcombo_lines(out, m)
  local names, z, used = {}, {}, {}
  for i, c in ipairs(m.components) do
    names[i] = string.format("FH(%s,%s)", number(c.rho, 7), number(c.gamma, 7))
    z[i] = c.z
    used[i] = c.used and "" or "(left out)"
  end
  out[#out + 1] = ""
  out[#out + 1] = format_table({ { "", names, left = true }, { "Z", column(z, #names, 4) },
    { "", used, left = true } }, #names)
  out[#out + 1] = ""
  out[#out + 1] = string.format(" MaxCombo: max|Z|= %s, p= %s (Gauss–Kronrod quadrature, error < %s)",
    number(m.statistic, 4), format.format_pval(m.p, 1), number(m.p_error, 2))
end

logrank_mt.__tostring = function(r)
  local k = #r.groups
  local labels, n, o, e, oe, ov = {}, {}, {}, {}, {}, {}
  for i, g in ipairs(r.groups) do
    labels[i], n[i], o[i], e[i], oe[i], ov[i] = g.label, g.n, g.observed, g.expected, g.oe2_e, g.oe2_v
  end
  local title = (weight_names[r.weights] or test_name(r.rho, r.gamma)) .. ": " .. r.formula
  if r.strata then title = title .. "  (stratified: " .. #r.strata .. " strata)" end
  local out = { title }
  local dropped = dropped_line(r.n_dropped)
  if dropped then out[#out + 1] = dropped end
  out[#out + 1] = ""
  out[#out + 1] = format_table({ { "", labels, left = true }, { "N", column(n, k) }, { "Observed", column(o, k) },
    { "Expected", column(e, k) }, { "(O-E)^2/E", column(oe, k) }, { "(O-E)^2/V", column(ov, k) } }, k)
  out[#out + 1] = ""
  out[#out + 1] = string.format(" Chisq= %s  on %d degrees of freedom, p= %s",
    number(round1(r.chisq)), r.df, format.format_pval(r.p, 1))
  if r.trend then
    local scores = {}
    for i, s in ipairs(r.trend.scores) do scores[i] = number(s, 7) end
    out[#out + 1] = string.format(" Test for trend (scores %s): Chisq= %s  on 1 degree of freedom, p= %s",
      table.concat(scores, ", "), number(round1(r.trend.chisq)), format.format_pval(r.trend.p, 1))
  end
  if r.maxcombo then maxcombo_lines(out, r.maxcombo) end
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- pairwise_logrank

local pairwise_mt = bind.metatable("pairwise_logrank")

pairwise_mt.__tostring = function(r)
  local k = #r.pairs
  local first, second, chisq, p, adj = {}, {}, {}, {}, {}
  for i, x in ipairs(r.pairs) do
    first[i], second[i], chisq[i], p[i], adj[i] = x.first, x.second, x.chisq, x.p, x.p_adjusted
  end
  local pstrings, adjstrings = format.format_pvals(p, k, 3), format.format_pvals(adj, k, 3)
  local cols = { { "group 1", first, left = true }, { "group 2", second, left = true },
    { "Chisq", column(chisq, k) }, { "p", pstrings } }
  if r.adjust ~= "none" then cols[#cols + 1] = { "p (" .. r.adjust .. ")", adjstrings } end
  return lines_of("Pairwise " .. test_name(r.rho, r.gamma):gsub("^L", "l") .. "s: " .. r.formula,
    dropped_line(r.n_dropped), "", format_table(cols, k), "",
    r.adjust == "none" and "p-values not adjusted for multiple comparisons."
      or ("p-values adjusted for " .. k .. " comparisons by " .. r.adjust .. " (R p.adjust)."))
end

---------------------------------------------------------------------------
-- followup

local followup_mt = bind.metatable("followup")

followup_mt.__tostring = function(r)
  local rows = { r.overall }
  for _, g in ipairs(r.groups) do rows[#rows + 1] = g end
  local k = #rows
  local labels, n, cens, med, lo, hi, mc = {}, {}, {}, {}, {}, {}, {}
  for i, x in ipairs(rows) do
    labels[i], n[i], cens[i], med[i], lo[i], hi[i], mc[i] = x.label, x.n, x.censored, x.median, x.lower, x.upper,
      x.median_censored
  end
  local o = r.overall
  local head = "Median follow-up " .. number(o.median)
  if r.conf_type ~= "none" then
    head = head .. " (" .. level_text(r.conf_level) .. " CI " .. number(o.lower) .. " to " ..
      number(o.upper) .. ")"
  end
  head = head .. " in the time units of '" .. r.time .. "', by reverse Kaplan–Meier"
  local cols = { { "", labels, left = true }, { "n", column(n, k) }, { "censored", column(cens, k) },
    { "median", column(med, k) } }
  if r.conf_type ~= "none" then
    local level = number(r.conf_level, 7)
    cols[#cols + 1] = { level .. "LCL", column(lo, k) }
    cols[#cols + 1] = { level .. "UCL", column(hi, k) }
  end
  cols[#cols + 1] = { "median censored", column(mc, k) }
  return lines_of(head, "Formula: " .. r.formula, dropped_line(r.n_dropped), "", format_table(cols, k), "",
    "Reverse Kaplan–Meier (censoring as the event), " .. ci_text(r.conf_type, r.conf_level) ..
    "; median censored: the median time of the censored subjects.")
end

---------------------------------------------------------------------------

function M.install(kaplan)
  kaplan.survival = M
end

return M
