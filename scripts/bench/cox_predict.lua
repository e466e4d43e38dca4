-- Predicted Cox curves for 10 profiles at scale (issue 16): fits the Cox
-- benchmark's model, then times m:survfit(profiles) alone, as
-- scripts/bench/cox_predict.R times survfit(m, newdata). Run by
-- scripts/bench/harness.py (task cox_predict), or by hand:
--   kaplan run scripts/bench/cox_predict.lua -- cox_predict /tmp/kaplan-bench/surv_1000000.csv
-- Prints, for the harness: BENCH time SECONDS, and BENCH check survfit_surv
-- with the 10 curves at times 1, 2 and 5 (profile by profile).
local file = arg[2] or arg[1] or "/tmp/kaplan-bench/surv_1000000.csv"
local d = assert(read_csv(file))
local m = cox(d, "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm")
local profiles = d:head(10)
local t0 = wall_clock()
local curves = m:survfit(profiles)
print(string.format("BENCH time %.6f", wall_clock() - t0))
local at = curves:at({1, 2, 5}, {extend = true})
local values = {}
for i = 1, 10 do
  local s = at.strata[i]
  for k = 1, 3 do values[#values + 1] = string.format("%.17g", s.surv[k]) end
end
print("BENCH check survfit_surv " .. table.concat(values, " "))
