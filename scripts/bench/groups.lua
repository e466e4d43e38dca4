-- Many-groups benchmark (issue 12, item 3): one analysis on N rows split
-- into G groups, timed with os.clock (data generation excluded).
--   kaplan run scripts/bench/groups.lua -- ANALYSIS N G
-- ANALYSIS: logrank | pairwise | cuminc | cox_strata | cox_factor | finegray.
-- Run for several G by scripts/bench/groups.sh.
local analysis, n, g = arg[1], math.tointeger(tonumber(arg[2])), math.tointeger(tonumber(arg[3]))
math.randomseed(12)
local time, status, cause, grp, x = {}, {}, {}, {}, {}
for i = 1, n do
  time[i] = math.floor(-math.log(1 - math.random()) * 1000) + 1
  local u = math.random()
  status[i] = u < 0.6 and 1 or 0
  cause[i] = u < 0.4 and 1 or (u < 0.6 and 2 or 0)
  grp[i] = "g" .. ((i - 1) % g)
  x[i] = math.random()
end
local d = dataset.from{ time = time, status = status, cause = cause, grp = grp, x = x }
local t0 = os.clock()
local r
if analysis == "logrank" then
  r = logrank(d, "Surv(time, status) ~ grp")
elseif analysis == "pairwise" then
  r = pairwise_logrank(d, "Surv(time, status) ~ grp")
elseif analysis == "cuminc" then
  r = cuminc(d, "Surv(time, cause) ~ grp")
elseif analysis == "cox_strata" then
  r = cox(d, "Surv(time, status) ~ x + strata(grp)")
elseif analysis == "cox_factor" then
  r = cox(d, "Surv(time, status) ~ grp")
elseif analysis == "finegray" then
  r = finegray(d, "Surv(time, cause) ~ x", { cengroup = "grp" })
else
  error("unknown analysis " .. tostring(analysis))
end
print(string.format("%-11s n=%-8d G=%-6d %.3f s", analysis, n, g, os.clock() - t0))
