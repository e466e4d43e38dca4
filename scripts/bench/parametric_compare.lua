-- The HTA model comparison at scale (issue 20): times parametric_compare() of the
-- seven families (the six defaults and a one-knot spline) on the survival
-- benchmark file with the arm as covariate. No peer: R's flexsurv is not in Debian.
--   kaplan run scripts/bench/parametric_compare.lua -- /tmp/kaplan-bench/surv_100000.csv
-- Prints BENCH time SECONDS, BENCH cpu SECONDS (the process's CPU during the call: the fits run on two
-- workers) and BENCH check with each family's log-likelihood.
local file = arg[2] or arg[1] or "/tmp/kaplan-bench/surv_100000.csv"
local d = assert(read_csv(file))
local t0, c0 = wall_clock(), os.clock()
local fits = parametric_compare(d, "Surv(time, status) ~ arm", {dists = {"exponential", "weibull", "gompertz",
  "lognormal", "loglogistic", "gengamma", {"spline", k = 1}}})
print(string.format("BENCH time %.6f", wall_clock() - t0))
print(string.format("BENCH cpu %.6f", os.clock() - c0))
local values = {}
for _, m in ipairs(fits.models) do values[#values + 1] = string.format("%s=%.10g", m.dist, m.loglik) end
print("BENCH check parametric_compare " .. table.concat(values, " "))
