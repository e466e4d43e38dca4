-- Power by simulation (issue 21): 10,000 trials of 600 patients (exponential, hr 0.7, 24 months of uniform
-- accrual, analysis at 247 events), each analysed by the log-rank test, as scripts/bench/power_sim.R does with
-- a loop of survdiff on rexp data. Run by scripts/bench/harness.py (task power_sim; the data file is not used),
-- or by hand: kaplan run scripts/bench/power_sim.lua -- power_sim
-- BENCH check: the number of replicates only (the two use different random numbers; the powers agree to Monte
-- Carlo error, printed as BENCH power).
local reps = 10000
local h = math.log(2) / 12
local t0, c0 = wall_clock(), os.clock()
local p = power_sim{design = {n = 600, arms = {control = {hazard = h}, treatment = {hazard = 0.7 * h}},
                              accrual = 24, events = 247}, analysis = "logrank", reps = reps, seed = 1}
print(string.format("BENCH time %.6f", wall_clock() - t0))
print(string.format("BENCH cpu %.6f", os.clock() - c0))
print(string.format("BENCH power %.4f %.4f", p.power, p.mc_se))
print("BENCH check reps " .. p.reps)
