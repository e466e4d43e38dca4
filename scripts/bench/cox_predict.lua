-- Predicted Cox curves for 10 profiles at scale (issue 16): fits the Cox
-- benchmark's model, then times m:survfit(profiles) alone, as
-- scripts/bench/cox_predict.R times survfit(m, newdata). Prints checksums.
--   kaplan run --trust scripts/bench/cox_predict.lua -- /tmp/kaplan-bench/surv_1000000.csv
local path = arg and arg[1] or "/tmp/kaplan-bench/surv_1000000.csv"
local d = read_csv(path)
local m = cox(d, "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm")
local profiles = d:head(10)
local t0 = wall_clock()
local curves = m:survfit(profiles)
local t1 = wall_clock()
local at = curves:at({1, 2, 5}, {extend = true})
print(string.format("survfit_seconds %.4f", t1 - t0))
for i = 1, 10 do
  local s = at.strata and at.strata[i] or at[i]
  print(string.format("profile %d surv %.10g %.10g %.10g", i, s.surv[1], s.surv[2], s.surv[3]))
end
