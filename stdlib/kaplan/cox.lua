-- Cox proportional-hazards regression: cox(d, formula [, opts]) as R's
-- survival::coxph, and lrtest(m1, m2) / m:anova(m2) as anova(m1, m2).
-- Swift (Sources/Scripting/CoxLibrary.swift) fits and returns plain data;
-- this file checks the call, attaches the metatable and prints the summary.
local M = {}

-- Number formatting -----------------------------------------------------

local format = require("kaplan.format")
local is_na, table_lines, plural = format.is_na, format.table_lines, format.plural

--- Formats a column of numbers with a common layout, as R's format()
-- does with `digits` significant digits (see kaplan.format).
M.format_column = format.format_column

--- A p-value as R's format.pval prints it: 3 significant digits, "<2e-16"
-- below machine precision.
function M.format_p(p)
  if is_na(p) then return "NA" end
  if p < 2.220446e-16 then return "<2e-16" end
  return M.format_column({ p }, 1, 3)[1]
end

-- A test statistic rounded to 2 decimals, as summary.coxph prints it.
local function format_stat(x)
  if is_na(x) then return "NA" end
  local s = string.format("%.2f", x)
  return (s:gsub("%.?0+$", ""))
end

-- Printing ----------------------------------------------------------------

local function level_text(level)
  return string.format("%g%%", level * 100)
end

--- The R-like summary of a Cox fit (print(m)).
function M.format(m)
  local terms = m.terms
  local n = #terms
  local function col(header, key, fmt)
    local values = {}
    for i = 1, n do values[i] = terms[i][key] end
    local cells = fmt and {} or M.format_column(values, n, 4)
    if fmt then for i = 1, n do cells[i] = fmt(values[i]) end end
    table.insert(cells, 1, header)
    return cells
  end
  local names = { "" }
  for i = 1, n do names[i + 1] = terms[i].name end
  local level = level_text(m.conf_level)
  local columns = { names, col("coef", "coef"), col("HR", "hr"), col("SE", "se") }
  if m.robust then columns[#columns + 1] = col("robust SE", "robust_se") end
  columns[#columns + 1] = col("z", "z")
  columns[#columns + 1] = col("p", "p", M.format_p)
  columns[#columns + 1] = col("lower " .. level, "lower")
  columns[#columns + 1] = col("upper " .. level, "upper")

  local variance = "model-based"
  if m.robust then
    variance = "robust (sandwich)" .. (m.cluster and (", clustered by " .. m.cluster) or "")
  end
  local out = {
    "Cox proportional hazards model: " .. m.formula,
    string.format("  ties: %s; variance: %s; HR with %s CI", m.ties, variance, level),
  }
  if m.strata then
    local list = #m.strata <= 6 and (": " .. table.concat(m.strata, "; ")) or ""
    out[#out + 1] = "  stratified: " .. plural(#m.strata, "stratum", "strata") .. list
  end
  if m.weights then out[#out + 1] = "  case weights: " .. m.weights end
  out[#out + 1] = ""
  for _, line in ipairs(table_lines(columns, n)) do out[#out + 1] = line end
  local singular = 0
  for i = 1, n do if terms[i].singular then singular = singular + 1 end end
  if singular > 0 then
    out[#out + 1] = string.format("(%d not defined because of singularities)", singular)
  end
  out[#out + 1] = ""
  out[#out + 1] = string.format("n = %d, events = %d, %s dropped for missing values",
    m.n, m.events, plural(m.n_dropped, "row"))
  local t = m.tests
  local function test_line(label, x)
    local p = M.format_p(x.p)
    return string.format("%-22s= %s on %s, p %s", label, format_stat(x.statistic), plural(x.df, "df", "df"),
      p:sub(1, 1) == "<" and ("< " .. p:sub(2)) or ("= " .. p))
  end
  out[#out + 1] = test_line("Likelihood ratio test", t.lr)
  out[#out + 1] = test_line("Wald test", t.wald)
  out[#out + 1] = test_line("Score (log-rank) test", t.score)
  if t.robust_score then out[#out + 1] = test_line("Robust score test", t.robust_score) end
  if m.robust then
    out[#out + 1] = "  (the likelihood ratio and score tests assume independent rows; "
      .. "the Wald and robust score tests do not)"
  end
  local c = m.concordance
  if c and not is_na(c.c) then
    out[#out + 1] = string.format("Concordance = %.3f (se = %.3f)", c.c, c.se or 0 / 0)
  end
  local warned = false
  for _, w in ipairs(m.warnings or {}) do
    out[#out + 1] = "Warning: " .. w
    warned = warned or w:find("did not converge", 1, true) ~= nil
  end
  if not m.converged and not warned then
    out[#out + 1] = string.format("Warning: did not converge (%s; see max_iter)", plural(m.iterations, "iteration"))
  end
  return table.concat(out, "\n")
end

-- Likelihood-ratio test ---------------------------------------------------

local lrtest_mt = { __name = "kaplan.lrtest" }

lrtest_mt.__tostring = function(r)
  local out = {
    "Likelihood ratio test of nested Cox models",
    "  Model 1: " .. r.formulas[1],
    "  Model 2: " .. r.formulas[2],
    "",
  }
  local ll = M.format_column(r.loglik, 2, 7)
  local columns = {
    { "", "1", "2" }, { "loglik", ll[1], ll[2] },
    { "Chisq", "", M.format_column({ r.statistic }, 1, 5)[1] },
    { "Df", "", tostring(r.df) },
    { "p", "", M.format_p(r.p) },
  }
  for _, line in ipairs(table_lines(columns, 2)) do out[#out + 1] = line end
  return table.concat(out, "\n")
end

local cox_mt = { __name = "kaplan.cox" }

local function is_cox(m) return type(m) == "table" and getmetatable(m) == cox_mt end

local function type_of(x)
  local mt = getmetatable(x)
  if type(mt) == "table" and type(mt.__name) == "string" then return mt.__name end
  return type(x)
end

local function response(f) return (f:match("^(.-)~") or f):gsub("%s+", "") end

-- The test itself; `fname` names the caller in argument errors and errors
-- are raised at level 3 (the caller of lrtest or anova).
local function lrtest_impl(m1, m2, fname, first)
  if not is_cox(m1) then
    error(string.format("bad argument #%d to '%s' (cox model expected, got %s)", first, fname, type_of(m1)), 3)
  end
  if not is_cox(m2) then
    error(string.format("bad argument #%d to '%s' (cox model expected, got %s)", first + 1, fname, type_of(m2)), 3)
  end
  if response(m1.formula) ~= response(m2.formula) then
    error(string.format("%s: the models have different responses (%s and %s)", fname,
      response(m1.formula), response(m2.formula)), 3)
  end
  if m1.n ~= m2.n then
    error(string.format("%s: the models were fitted to different numbers of rows (%d and %d); "
      .. "fit both to the same complete rows (drop the rows missing in either model first)",
      fname, m1.n, m2.n), 3)
  end
  local df1, df2 = m1.tests.lr.df, m2.tests.lr.df
  if df1 == df2 then
    error(string.format("%s: both models have %s; the likelihood-ratio test compares a model "
      .. "with a smaller one nested in it", fname, plural(df1, "coefficient")), 3)
  end
  local r = M.core.lrtest(m1.loglik.fitted, df1, m2.loglik.fitted, df2)
  r.kind = "lrtest"
  r.loglik = { m1.loglik.fitted, m2.loglik.fitted }
  r.formulas = { m1.formula, m2.formula }
  return setmetatable(r, lrtest_mt)
end

--- lrtest(m1, m2): likelihood-ratio test between nested Cox fits (R anova).
function M.lrtest(m1, m2)
  local r = lrtest_impl(m1, m2, "lrtest", 1)  -- not a tail call: errors name the caller's line
  return r
end

local methods = {}

-- The dataset and options each fit was made from, for m:anova() (weak
-- keys: a model that is no longer used takes its dataset with it).
local inputs = setmetatable({}, { __mode = "k" })

-- Analysis of deviance ------------------------------------------------------

local anova_mt = { __name = "kaplan.anova" }

anova_mt.__tostring = function(a)
  local rows = a.rows
  local n = #rows
  local names, ll, chi, df, p = { "" }, {}, { "Chisq" }, { "Df" }, { "p" }
  for i = 1, n do
    names[i + 1] = rows[i].term
    ll[i] = rows[i].loglik
  end
  local llcells = M.format_column(ll, n, 5)
  table.insert(llcells, 1, "loglik")
  for i = 1, n do
    local r = rows[i]
    -- Four decimals, as R's print.anova shows this column.
    chi[i + 1] = r.chisq and string.format("%.4f", r.chisq) or ""
    df[i + 1] = r.df and tostring(r.df) or ""
    p[i + 1] = r.df and M.format_p(r.p) or ""
  end
  local out = {
    "Analysis of deviance of a Cox model: " .. a.formula,
    string.format("  terms added sequentially (first to last); ties: %s; n = %d", a.ties, a.n),
    "",
  }
  for _, line in ipairs(table_lines({ names, llcells, chi, df, p }, n)) do out[#out + 1] = line end
  return table.concat(out, "\n")
end

--- m:anova(): the sequential analysis of deviance (R anova(m));
-- m:anova(m2): the likelihood-ratio test of lrtest(m, m2).
function methods.anova(m, other)
  if other == nil then
    if not is_cox(m) then
      error(string.format("bad argument #1 to 'anova' (cox model expected, got %s)", type_of(m)), 2)
    end
    local given = inputs[m]
    if not given then
      error("anova: this model's dataset is not known (m:anova() needs a model made by cox())", 2)
    end
    local ok, res = pcall(M.core.anova, given.d, m.formula, given.opts)
    if not ok then error(res, 2) end
    return setmetatable(res, anova_mt)
  end
  local r = lrtest_impl(m, other, "anova", 0)
  return r
end

cox_mt.__index = methods
cox_mt.__tostring = function(m) return M.format(m) end

--- cox(d, formula [, opts]): fits the model (see help(cox)).
-- Called through pcall so that Swift's errors carry no position of this
-- file; error(res, 2) then points at the script's line.
function M.cox(...)
  local ok, res = pcall(M.core.fit, ...)
  if not ok then error(res, 2) end
  setmetatable(res, cox_mt)
  local d, _, opts = ...
  inputs[res] = { d = d, opts = opts }
  return res
end

function M.install(kaplan)
  M.core = kaplan.core.cox
  kaplan.cox = M
  _G.cox = M.cox
  _G.lrtest = M.lrtest
  local doc = kaplan.help.doc
  doc { name = "cox", fn = M.cox, section = "Survival",
    signature = "cox(d, formula [, opts])",
    summary = "Cox proportional-hazards regression, as R's coxph: hazard ratios with CIs, Wald/LR/score tests, concordance.",
    options = {
      { "ties", "\"efron\" (default, as R), \"breslow\" (as SAS and Stata) or \"exact\" "
        .. "(conditional logistic; no case weights; with Surv(start, stop, event) and cluster(id) "
        .. "the robust variance uses Breslow score residuals, as R)" },
      { "weights", "column of case weights (> 0), e.g. \"w\"" },
      { "robust", "robust (sandwich) standard errors; default as R: true with cluster(id) or non-integer weights" },
      { "conf_level", "level of the hazard-ratio confidence intervals (default 0.95)" },
      { "init", "initial coefficients, one per coefficient (default zeros); loglik.null and the tests are then at init, as in R" },
      { "max_iter", "Newton–Raphson iterations (default 20, R's iter.max)" },
      { "tol", "convergence tolerance on the relative change of the log-likelihood (default 1e-9, R's eps)" },
      { "formula", "Surv(time, event) or Surv(start, stop, event) ~ terms; a + b, a:b, a*b, factor(x), "
        .. "strata(x), cluster(id), offset(x); string columns are factors (first level is the reference)" },
      { "result", "terms[i] = {name, variable, level, reference_level, coef, hr, se, robust_se, z, p, lower, upper}; "
        .. "loglik = {null, fitted}; n, events, n_dropped; tests.lr/wald/score(/robust_score) = {statistic, df, p}; "
        .. "concordance = {c, se}; var (rows; robust when robust, naive_var then model-based); means; "
        .. "iterations, converged, robust, ties, conf_level, formula, strata, cluster, warnings" },
    },
    example = "local colon = dataset(\"colon\")\n"
      .. "local deaths = colon:where(colon.etype:eq(2))\n"
      .. "local m = cox(deaths, \"Surv(time, status) ~ rx + age + nodes + strata(sex)\")\n"
      .. "print(m)\n"
      .. "print(m.terms[2].hr, m.terms[2].lower, m.terms[2].upper)" }
  doc { name = "anova", fn = methods.anova, section = "Survival",
    signature = "m:anova() / m:anova(m2)",
    summary = "Analysis of deviance of a Cox model, as R's anova(m): terms added one at a time, each with its "
      .. "likelihood-ratio test; with a second model, the test of lrtest(m, m2).",
    options = {
      { "result", "rows[i] = {term, loglik, chisq, df, p} (the first row, NULL, has loglik only); formula, ties, n" },
      { "notes", "every model uses the full model's rows, strata, offset and case weights (R drops the weights in "
        .. "the nested models); refused with a robust variance, as in R" },
    },
    example = "local m = cox(dataset(\"veteran\"), \"Surv(time, status) ~ trt + celltype + karno\")\n"
      .. "print(m:anova())" }
  doc { name = "lrtest", fn = M.lrtest, section = "Survival",
    signature = "lrtest(m1, m2)",
    summary = "Likelihood-ratio test between nested Cox models fitted to the same rows (R's anova(m1, m2)); also m1:anova(m2).",
    options = {
      { "result", "statistic (2 × the log-likelihood difference), df, p; loglik = {m1, m2}" },
    },
    example = "local lung = dataset(\"lung\"):where(function(r) return r[\"ph.ecog\"] ~= nil end)\n"
      .. "local small = cox(lung, \"Surv(time, status) ~ age\")\n"
      .. "local big = cox(lung, \"Surv(time, status) ~ age + sex + ph.ecog\")\n"
      .. "print(lrtest(small, big))" }
end

return M
