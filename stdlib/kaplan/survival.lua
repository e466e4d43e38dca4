-- Survival curves and tests: km, logrank, pairwise_logrank, followup.
-- The numbers come from Swift (Sources/Scripting/SurvivalLibrary.swift,
-- R survival's survfit, survdiff, quantile, summary and print); this file
-- labels the results, gives them methods and prints them as R does.
local M = {}

local core -- kaplan.core.survival, set by install

-- Calls a Swift function and re-raises its error at the caller of the
-- public function (level 3: invoke, the public function, its caller), so
-- that messages point at the script's line, not at this file.
local function invoke(f, ...)
  local r = table.pack(pcall(f, ...))
  if not r[1] then error(r[2], 3) end
  return table.unpack(r, 2, r.n)
end

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

-- The Swift fit behind each km result, for its methods (weak keys: the
-- handle goes with the result).
local handles = setmetatable({}, { __mode = "k" })

local KM = {}
local km_mt = { __name = "kaplan.km", __index = KM }
local at_mt = { __name = "kaplan.km_at" }
local quantile_mt = { __name = "kaplan.km_quantile" }
local rmst_mt = { __name = "kaplan.km_rmst" }

local function handle_of(fit, method)
  local h = type(fit) == "table" and handles[fit]
  if not h then
    error(string.format("calling '%s' on bad self (km result expected, got %s)", method,
      type(fit) == "table" and "a table not made by km()" or type(fit)), 3)
  end
  return h
end

--- km(d, formula [, opts]): Kaplan–Meier curves as R's survfit.
function M.km(d, formula, opts)
  local fit, handle = invoke(core.km, d, formula, opts)
  fit.kind = "km"
  fit.data = d
  handles[fit] = handle
  return setmetatable(fit, km_mt)
end

function KM.at(fit, times, opts)
  local r = invoke(core.km_at, handle_of(fit, "at"), times, opts)
  r.kind = "km_at"
  return setmetatable(r, at_mt)
end

function KM.quantile(fit, probs)
  local r = invoke(core.km_quantile, handle_of(fit, "quantile"), probs)
  r.kind = "km_quantile"
  return setmetatable(r, quantile_mt)
end

function KM.rmst(fit, tau)
  local r = invoke(core.km_rmst, handle_of(fit, "rmst"), tau)
  r.kind = "km_rmst"
  return setmetatable(r, rmst_mt)
end

local function km_title(fit)
  local extra = {}
  if fit.weights then extra[#extra + 1] = "weights '" .. fit.weights .. "'" end
  if fit.variance == "robust" then extra[#extra + 1] = "robust variance (fractional weights)" end
  local s = "Kaplan–Meier estimate: " .. fit.formula
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

local logrank_mt = { __name = "kaplan.logrank" }

--- logrank(d, formula [, opts]): the k-sample log-rank test as R's survdiff.
function M.logrank(d, formula, opts)
  local r = invoke(core.logrank, d, formula, opts)
  r.kind = "logrank"
  return setmetatable(r, logrank_mt)
end

local function test_name(rho, gamma)
  if (rho or 0) == 0 and (gamma or 0) == 0 then return "Log-rank test" end
  if (gamma or 0) == 0 then
    return string.format("G-rho test, rho = %s%s", number(rho, 7), rho == 1 and " (Peto–Peto)" or "")
  end
  return string.format("Fleming–Harrington test, rho = %s, gamma = %s", number(rho, 7),
    number(gamma, 7))
end

logrank_mt.__tostring = function(r)
  local k = #r.groups
  local labels, n, o, e, oe, ov = {}, {}, {}, {}, {}, {}
  for i, g in ipairs(r.groups) do
    labels[i], n[i], o[i], e[i], oe[i], ov[i] = g.label, g.n, g.observed, g.expected, g.oe2_e, g.oe2_v
  end
  local title = test_name(r.rho, r.gamma) .. ": " .. r.formula
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
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- pairwise_logrank

local pairwise_mt = { __name = "kaplan.pairwise_logrank" }

--- pairwise_logrank(d, formula [, opts]): log-rank tests of all pairs of groups.
function M.pairwise_logrank(d, formula, opts)
  local r = invoke(core.pairwise_logrank, d, formula, opts)
  r.kind = "pairwise_logrank"
  return setmetatable(r, pairwise_mt)
end

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

local followup_mt = { __name = "kaplan.followup" }

--- followup(d, "Surv(time, event)" [, opts]): median follow-up by reverse Kaplan–Meier.
function M.followup(d, formula, opts)
  local r = invoke(core.followup, d, formula, opts)
  r.kind = "followup"
  return setmetatable(r, followup_mt)
end

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
  core = kaplan.core.survival
  M.core = core
  _G.km = M.km
  _G.logrank = M.logrank
  _G.pairwise_logrank = M.pairwise_logrank
  _G.followup = M.followup
  kaplan.survival = M
  local doc = kaplan.help.doc

  doc { name = "km", fn = M.km, section = "Survival",
    signature = "km(d, formula [, opts])",
    summary = "Kaplan–Meier curves per group with Greenwood CIs, medians and the Nelson–Aalen hazard, as R's survfit.",
    options = {
      { "conf_type", "\"log-log\" (default, as SAS/Stata), \"log\" (R's default), \"plain\", \"logit\", \"arcsin\", \"none\"" },
      { "conf_level", "confidence level (default 0.95)" },
      { "weights", "column of case weights; fractional weights use R's robust variance" },
    },
    example = "local lung = dataset(\"lung\")\n" ..
      "local fit = km(lung, \"Surv(time, status) ~ sex\")\n" ..
      "print(fit)                          -- n, events, median (95% CI, log-log)\n" ..
      "print(fit.strata[1].label, fit.strata[1].median)\n" ..
      "print(fit:at{180, 365, 730})        -- survival at 6 months, 1 and 2 years\n" ..
      "print(km(lung, \"Surv(time, status) ~ 1\", {conf_type = \"log\"}))" }

  doc { name = "km methods", section = "Survival",
    signature = "fit:at(times [, opts]) / fit:quantile([probs]) / fit:rmst([tau])",
    summary = "Reading a km fit: survival at times (R summary(fit, times =)), quantiles with CIs, restricted mean survival.",
    options = {
      { "fit:at{36, 60}", "per curve: time, n_risk, n_event, n_censor, surv, std_err, lower, upper" },
      { "fit:at(t, {extend = true})", "report times past the end of follow-up (last value, 0 at risk)" },
      { "fit:quantile{0.25, 0.5}", "per curve: probs, quantile, lower, upper (default probs 0.25, 0.5, 0.75)" },
      { "fit:rmst(tau)", "per curve rmean, se; with two curves the difference (second - first), CI and p" },
      { "fit.strata[i]", "label, n, events, time, n_risk, n_event, n_censor, surv, std_err, lower, upper," ..
        " cumhaz, std_chaz, median, median_lower, median_upper" },
      { "fit.n, fit.events, fit.n_dropped", "rows used, events, rows dropped for missing values" },
    },
    example = "local fit = km(dataset(\"colon\"), \"Surv(time, status) ~ rx\")\n" ..
      "print(fit:at{365, 1826})\nprint(fit:quantile{0.25, 0.5})\nprint(fit:rmst(2000))" }

  doc { name = "logrank", fn = M.logrank, section = "Survival",
    signature = "logrank(d, formula [, opts])",
    summary = "The k-sample log-rank test (strata(x) for the stratified test), as R's survdiff: chisq, df, p, O and E per group.",
    options = {
      { "rho", "G-rho weights S(t-)^rho (default 0, the log-rank test; 1 is Peto–Peto)" },
      { "gamma", "Fleming–Harrington weights S(t-)^rho (1 - S(t-))^gamma (default 0)" },
      { "trend", "true: test for trend across the ordered groups (scores 1, 2, ...); or an array of scores" },
    },
    example = "local vet = dataset(\"veteran\")\n" ..
      "print(logrank(vet, \"Surv(time, status) ~ trt + strata(celltype)\"))\n" ..
      "print(logrank(vet, \"Surv(time, status) ~ celltype\", {rho = 1}).p)" }

  doc { name = "pairwise_logrank", fn = M.pairwise_logrank, section = "Survival",
    signature = "pairwise_logrank(d, formula [, opts])",
    summary = "Log-rank tests of every pair of groups with adjusted p-values (survminer's pairwise_survdiff).",
    options = {
      { "adjust", "\"holm\" (default), \"bonferroni\", \"BH\" (or \"bh\"), \"none\"" },
      { "rho", "G-rho weights, as logrank (default 0)" },
      { "gamma", "Fleming–Harrington gamma, as logrank (default 0)" },
    },
    example = "local colon = dataset(\"colon\")\nlocal death = colon:where(colon.etype:eq(2))\n" ..
      "print(pairwise_logrank(death, \"Surv(time, status) ~ rx\", {adjust = \"bonferroni\"}))" }

  doc { name = "followup", fn = M.followup, section = "Survival",
    signature = "followup(d, formula [, opts])",
    summary = "Median follow-up by reverse Kaplan–Meier with its CI, overall and per group (formula ~ g), and the median censored time.",
    options = {
      { "conf_type", "CI of the median, as km (default \"log-log\")" },
      { "conf_level", "confidence level (default 0.95)" },
    },
    example = "local lung = dataset(\"lung\")\nprint(followup(lung, \"Surv(time, status)\"))\n" ..
      "print(followup(lung, \"Surv(time, status) ~ sex\").overall.median)" }
end

return M
