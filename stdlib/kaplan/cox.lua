-- Cox proportional-hazards regression: cox(d, formula [, opts]) as R's
-- survival::coxph, m:anova() as anova(m), and lrtest(m1, m2) / m:anova(m2)
-- as anova(m1, m2). The functions are declared in Swift
-- (Sources/Scripting/CoxLibrary.swift) and fit from the result's handle;
-- this file prints the results and passes a second model as its handle.
local M = {}

local bind = require("kaplan.bind")

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

local lrtest_mt = bind.metatable("lrtest")

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

-- Analysis of deviance ------------------------------------------------------

local anova_mt = bind.metatable("cox_anova")

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

bind.metatable("cox").__tostring = function(m) return M.format(m) end

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
end

return M
