-- Cox proportional-hazards regression: cox(d, formula [, opts]) as R's
-- survival::coxph, m:anova() as anova(m), and lrtest(m1, m2) / m:anova(m2)
-- as anova(m1, m2). The functions are declared in Swift
-- (Sources/Scripting/CoxLibrary.swift) and fit from the result's handle;
-- this file prints the results and passes a second model as its handle.
local M = {}

local bind = require("kaplan.bind")

-- Number formatting -----------------------------------------------------

local format = require("kaplan.format")
local is_na, plural, level_text = format.is_na, format.plural, format.level_text

-- p-values as R's printCoefmat shows them: format.pval at 3 digits,
-- "<2e-16" below machine precision; a column is formatted together.
local function format_ps(values, n) return format.format_pvals(values, n, 3) end

-- Lines of a table: columns[j] = {header, cells}, the first left-aligned,
-- two spaces between columns.
local function table_text(columns, rows)
  for j, c in ipairs(columns) do c.left = j == 1 end
  return format.format_table(columns, rows, "", "  ")
end

-- A test statistic rounded to 2 decimals, as summary.coxph prints it.
local function format_stat(x)
  if is_na(x) then return "NA" end
  local s = string.format("%.2f", x)
  return (s:gsub("%.?0+$", ""))
end

-- Printing ----------------------------------------------------------------

--- The R-like summary of a Cox fit (print(m)).
function M.format(m)
  local terms = m.terms
  local n = #terms
  local function col(header, key, fmt)
    local values = {}
    for i = 1, n do values[i] = terms[i][key] end
    return { header, (fmt or format.format_column)(values, n, 4) }
  end
  local names = {}
  for i = 1, n do names[i] = terms[i].name end
  local level = level_text(m.conf_level)
  local columns = { { "", names }, col("coef", "coef"), col("HR", "hr"), col("SE", "se") }
  if m.robust then columns[#columns + 1] = col("robust SE", "robust_se") end
  columns[#columns + 1] = col("z", "z")
  columns[#columns + 1] = col("p", "p", format_ps)
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
  out[#out + 1] = table_text(columns, n)
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
    local p = format.format_pval(x.p, 3)
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

local lrtest_mt = bind.metatable("lrtest")

lrtest_mt.__tostring = function(r)
  local out = {
    "Likelihood ratio test of nested Cox models",
    "  Model 1: " .. r.formulas[1],
    "  Model 2: " .. r.formulas[2],
    "",
  }
  local columns = {
    { "", { "1", "2" } }, { "loglik", format.format_column(r.loglik, 2, 7) },
    { "Chisq", { "", format.format_number(r.statistic, 5) } },
    { "Df", { "", tostring(r.df) } },
    { "p", { "", format.format_pval(r.p, 3) } },
  }
  out[#out + 1] = table_text(columns, 2)
  return table.concat(out, "\n")
end

-- Analysis of deviance ------------------------------------------------------

local anova_mt = bind.metatable("cox_anova")

anova_mt.__tostring = function(a)
  local rows = a.rows
  local n = #rows
  local names, ll, chi, df, ps = {}, {}, {}, {}, {}
  for i = 1, n do
    local r = rows[i]
    names[i], ll[i], ps[i] = r.term, r.loglik, r.df and r.p
    -- Four decimals, as R's print.anova shows this column.
    chi[i] = r.chisq and string.format("%.4f", r.chisq) or ""
    df[i] = r.df and tostring(r.df) or ""
  end
  local p = format.format_pvals(ps, n, 3, nil, "")
  local out = {
    "Analysis of deviance of a Cox model: " .. a.formula,
    string.format("  terms added sequentially (first to last); ties: %s; n = %d", a.ties, a.n),
    "",
  }
  out[#out + 1] = table_text({ { "", names }, { "loglik", format.format_column(ll, n, 5) }, { "Chisq", chi },
    { "Df", df }, { "p", p } }, n)
  return table.concat(out, "\n")
end

bind.metatable("cox").__tostring = function(m) return M.format(m) end

-- Penalised splines (cox_pspline) -------------------------------------------

--- R's print.coxph.penal: the table (coef, se(coef), se2, Chisq, DF, p;
-- a pspline term as its linear and nonlin rows), the iterations, R's
-- "Theta=" (the value its df search proposed next), the df per term and
-- the likelihood-ratio test on their sum.
function M.format_pspline(m)
  local rows = m.rows
  local n = #rows
  local function col(header, key, digits)
    local values = {}
    for i = 1, n do values[i] = rows[i][key] end
    return { header, format.format_column(values, n, digits or 3, "") }
  end
  local names, chisq, df, ps = {}, {}, {}, {}
  for i = 1, n do
    names[i] = rows[i].label
    chisq[i] = string.format("%.2f", rows[i].chisq)
    df[i] = string.format("%.2f", rows[i].df)
    ps[i] = rows[i].p
  end
  local out = {
    "Cox proportional hazards model with penalised splines: " .. m.formula,
    string.format("  ties: %s", m.ties),
  }
  if m.strata then
    local list = #m.strata <= 6 and (": " .. table.concat(m.strata, "; ")) or ""
    out[#out + 1] = "  stratified: " .. plural(#m.strata, "stratum", "strata") .. list
  end
  if m.weights then out[#out + 1] = "  case weights: " .. m.weights end
  out[#out + 1] = ""
  out[#out + 1] = table_text({ { "", names }, col("coef", "coef"), col("se(coef)", "se"), col("se2", "se2"),
    { "Chisq", chisq }, { "DF", df }, { "p", format_ps(ps, n) } }, n)
  out[#out + 1] = ""
  out[#out + 1] = string.format("Iterations: %d outer, %d Newton-Raphson", m.iterations.outer, m.iterations.newton)
  for i, theta in ipairs(m.theta_next) do
    out[#out + 1] = string.format("     Theta= %s (%s; fitted at %s)", format.format_number(theta, 6),
      m.spline_terms[i], format.format_number(m.theta[i], 6))
  end
  local dfs = {}
  for i, d in ipairs(m.df) do dfs[i] = string.format("%.1f", d.df) end
  out[#out + 1] = "Degrees of freedom for terms= " .. table.concat(dfs, " ")
  out[#out + 1] = string.format("Likelihood ratio test=%s  on %s df, p=%s", format_stat(m.lr.statistic),
    format.format_number(m.lr.df, 6), format.format_pval(m.lr.p, 2))
  out[#out + 1] = string.format("n= %d, number of events= %d, %s dropped for missing values", m.n, m.events,
    plural(m.n_dropped, "row"))
  for _, w in ipairs(m.warnings or {}) do out[#out + 1] = "Warning: " .. w end
  return table.concat(out, "\n")
end

bind.metatable("cox_pspline").__tostring = function(m) return M.format_pspline(m) end

-- The handle of a result, or the value itself: Swift refuses anything that
-- is not a cox result, naming the argument.
local function model(x)
  return (bind.any_handle(x)) or x
end

function M.install(kaplan)
  kaplan.cox = M
  local anova, lrtest = bind.entry("cox:anova").fn, bind.entry("lrtest").fn
  -- m:anova() is the analysis of deviance; m:anova(m2) the test of lrtest(m, m2).
  bind.implement("cox:anova", function(m, other)
    local h = bind.handle(m, "cox", "anova")
    if other == nil then return bind.result("cox_anova", anova(h)) end
    return bind.result("lrtest", anova(h, model(other)))
  end)
  bind.implement("lrtest", function(m1, m2)
    return bind.result("lrtest", lrtest(model(m1), model(m2)))
  end)
  -- cox() gives a cox_pspline result when the formula has pspline() terms.
  local cox = bind.entry("cox").fn
  bind.implement("cox", function(...)
    local t, handle = cox(...)
    local kind = (type(t) == "table" and rawget(t, "spline_terms") ~= nil) and "cox_pspline" or "cox"
    return bind.result(kind, t, handle, "cox")
  end)
  -- The methods of a cox result say why a penalised fit lacks them.
  local methods = bind.metatable("cox_pspline").__index
  for _, e in ipairs(bind.methods_of("cox")) do
    local name = e.name
    methods[name] = function()
      bind.raise("m:" .. name .. "() is not available for a cox() fit with pspline() terms "
        .. "(Kaplan gives its print and tidy(m), as R's coxph table)")
    end
  end
end

return M
