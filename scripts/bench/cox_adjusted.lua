-- Adjusted (direct-standardised) Cox curves at scale (issue 16): fits the
-- Cox benchmark's model, then times adjusted_curves(m, d, {by = "arm"})
-- alone, as scripts/bench/cox_adjusted.R times the same formula in R:
--   kaplan run scripts/bench/cox_adjusted.lua -- cox_adjusted FILE.csv
-- The point estimate only (ci = "none"), as the R peer; BENCH delta gives
-- the call with its delta-method intervals (the default) for the record.
-- Prints BENCH time / cpu SECONDS and BENCH check adjusted_surv with each
-- level's curve at times 1, 2 and 5.
local file = arg[2] or arg[1] or "/tmp/kaplan-bench/surv_1000000.csv"
local d = assert(read_csv(file))
local m = cox(d, "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm")
local wall, cpu = wall_clock(), os.clock()
local curves = adjusted_curves(m, d, {by = "arm", ci = "none"})
print(string.format("BENCH time %.6f", wall_clock() - wall))
print(string.format("BENCH cpu %.6f", os.clock() - cpu))
wall, cpu = wall_clock(), os.clock()
adjusted_curves(m, d, {by = "arm"})
print(string.format("BENCH delta %.6f", wall_clock() - wall))
print(string.format("BENCH delta_cpu %.6f", os.clock() - cpu))
local at = curves:at({1, 2, 5}, {extend = true})
local values = {}
for i = 1, #at.strata do
  local s = at.strata[i]
  for k = 1, 3 do values[#values + 1] = string.format("%.17g", s.surv[k]) end
end
print("BENCH check adjusted_surv " .. table.concat(values, " "))
