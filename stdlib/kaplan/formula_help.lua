-- help("formulas"): the formula language of km, logrank, cox, cuminc and
-- finegray (Analysis/FormulaParser*.swift is the grammar; this is its
-- reference for script writers). The example is run by the help tests.
local M = {}

M.example = [[
local lung = dataset("lung")
print(cox(lung, "Surv(time, status == 2) ~ log(wt.loss + 25) + I(age/10) + ns(meal.cal, df = 3)"))
print(cox(lung, "Surv(time, status) ~ poly(age, 2) + bs(ph.karno, df = 4) + strata(sex)"))
print(cox(lung, "Surv(time, status) ~ age + tt(age)", {tt = function(x, t) return x * math.log(t) end}))
print(cox(lung:select{"time", "status", "age", "sex", "ph.ecog"}, "Surv(time, status) ~ ."))
]]

M.text = [[
Formulas (R's survival syntax), as in km(d, formula), logrank, cox, cuminc and finegray:

  Surv(time, event) ~ terms           Surv(start, stop, event) ~ terms (counting process)
  Surv(time, event)                   no terms: ~ 1 (one curve; followup)

Response. The event is 0/1, false/true or 1/2 (2 = event), or a comparison that makes it:
  Surv(time, status == 2)   Surv(time, status != 0)   Surv(time, state == "Dead")
  Surv(time, state %in% c("Dead", "Died"))  (also {"Dead", "Died"}); strings in ' or ".
  A label that is no value of a string column is an error (for %in%, when none is).

Terms.
  a + b          main effects            a:b   interaction       a*b   a + b + a:b
  factor(x)      x as categorical        strata(a, b), cluster(id), offset(x)
  .              every column not used as time, event, strata, cluster, offset or weights
                 (R's '.', which would also keep the strata, cluster and weights columns)
  String and true/false columns are factors; the first level is the reference.

Transforms (one column each, labelled as R prints them: log(bili), I(age^2), I(age/10)):
  log(x) log2(x) log10(x) log1p(x) exp(x) sqrt(x) abs(x)    of any expression of columns
  I(expr)        arithmetic: + - * / ^ and parentheses, numbers (1e-3), the functions above
  A value with no result (log(-1), sqrt(-2): NaN, as R) drops its row as missing; an infinite
  one (log(0)) is an error in cox, as R's "infinite predictor".

Bases (several columns: ns(age, df = 3)1, ns(age, df = 3)2, ...), as R's stats/splines:
  poly(x, degree = 1, raw = FALSE)     orthogonal polynomials over the data (no NA allowed)
  ns(x, df =, knots =, intercept = FALSE, Boundary.knots =)
                 natural cubic spline; knots at quantiles of x; ns(x) alone has one column
  bs(x, df =, knots =, degree = 3, intercept = FALSE, Boundary.knots =)
                 B-spline; bs(x) is the cubic with no interior knot (df = 3)
  Knots and coefficients come from the non-missing values of x over all rows, as R
  (before rows are dropped for other columns); finegray's predict uses the same basis.
  pspline(x, df = 4, theta =, nterm = 2.5 * df, degree = 3, eps = 0.1)   (cox only)
                 R's penalised spline (survival::pspline): theta given, or searched until the
                 effective df is within eps of df; cox() then gives a cox_pspline result whose
                 print is R's table (a linear and a nonlin row per spline) and tidy(m) its rows

Time-varying covariates (cox only): tt(x) with the option tt = function(x, t) ... end, as
  R's coxph(tt =). The function is called once per event time t with the column x of the
  rows at risk and returns a column or array of their values; the fit is R's (one row per
  subject per event time at risk, each time its own stratum). tt() must be a term of its own.

km, logrank and cuminc group by the values of their terms; a one-column transform groups by its
values (I(age > 60) is not supported: derive the column with d:with first).

Example:
]]

--- The topic's text, with its example.
function M.topic()
  return M.text .. M.example
end

return M
