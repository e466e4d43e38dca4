-- A Weibull regression at scale (issue 20): times survreg() on the survival
-- benchmark file with 5 covariates, as scripts/bench/survreg.R times R's
-- survreg. Run by scripts/bench/harness.py (task survreg), or by hand:
--   kaplan run scripts/bench/survreg.lua -- survreg /tmp/kaplan-bench/surv_1000000.csv
-- Prints, for the harness: BENCH time SECONDS, BENCH cpu SECONDS (the call's CPU, os.clock(), all threads), and
-- BENCH check survreg_coef with the coefficients, the scale and the log-likelihood.
local file = arg[2] or arg[1] or "/tmp/kaplan-bench/surv_1000000.csv"
local d = assert(read_csv(file))
local t0, c0 = wall_clock(), os.clock()
local m = survreg(d, "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5")
print(string.format("BENCH time %.6f", wall_clock() - t0))
print(string.format("BENCH cpu %.6f", os.clock() - c0))
local values = {}
for i = 1, #m.terms do values[#values + 1] = string.format("%.17g", m.terms[i].coef) end
values[#values + 1] = string.format("%.17g", m.scale)
values[#values + 1] = string.format("%.17g", m.loglik.fitted)
print("BENCH check survreg_coef " .. table.concat(values, " "))
