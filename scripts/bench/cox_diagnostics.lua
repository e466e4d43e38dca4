-- Cox diagnostics at scale (issue 16): fits the Cox benchmark's model
-- (task.lua's cox task), then times one diagnostic alone, as
-- scripts/bench/cox_diagnostics.R times R's:
--   kaplan run scripts/bench/cox_diagnostics.lua -- TASK FILE.csv
-- TASK: zph | martingale | deviance | score | schoenfeld | scaledsch | dfbeta | dfbetas,
-- or lp | risk | expected (m:predict() of the fitted rows with standard errors).
-- Prints, for scripts/bench/harness.py:
--   BENCH fit SECONDS         the cox() call before it
--   BENCH time SECONDS        the diagnostic call, wall clock (wall_clock())
--   BENCH cpu SECONDS         the same call, CPU (os.clock())
--   BENCH again SECONDS       the same call a second time (again_cpu: its CPU)
--   BENCH check NAME V1 ...   numbers compared with R's
local task, file = arg[1], arg[2]
if not task or not file then
  error("usage: kaplan run cox_diagnostics.lua -- TASK FILE.csv")
end
local function check(name, values)
  local parts = {}
  for i = 1, #values do
    local v = values[i]
    parts[i] = (v == nil or v ~= v) and "NA" or string.format("%.17g", v)
  end
  print("BENCH check " .. name .. " " .. table.concat(parts, " "))
end

local d = assert(read_csv(file))
local t0 = wall_clock()
local m = cox(d, "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm")
print(string.format("BENCH fit %.6f", wall_clock() - t0))

local predicted = task == "lp" or task == "risk" or task == "expected"
local function run()
  if task == "zph" then return m:zph() end
  if predicted then return m:predict(nil, {type = task}) end
  return m:residuals(task)
end
local wall, cpu = wall_clock(), os.clock()
local result = run()
print(string.format("BENCH time %.6f", wall_clock() - wall))
print(string.format("BENCH cpu %.6f", os.clock() - cpu))
-- The same call again: the model keeps its risk sets (and martingale
-- residuals) after the first diagnostic, so a second one costs its own pass.
wall, cpu = wall_clock(), os.clock()
run()
print(string.format("BENCH again %.6f", wall_clock() - wall))
print(string.format("BENCH again_cpu %.6f", os.clock() - cpu))

if task == "zph" then
  local chisq = {}
  for i, row in ipairs(result.table) do chisq[i] = row.chisq end
  check("zph_chisq", chisq)
else
  -- Sums of squares per column (the plain sums are 0 for several types) and the first row.
  local names = {}
  if task == "martingale" or task == "deviance" then
    names[1] = task
  elseif predicted then
    names = {"fit", "se_fit"}
  else
    for i, t in ipairs(m.terms) do names[i] = t.name end
  end
  local sumsq, first = {}, {}
  for j, name in ipairs(names) do
    local s = 0
    for _, v in ipairs(result[name]:values()) do s = s + v * v end
    sumsq[j] = s
    first[j] = result[name][1]
  end
  check("resid_sumsq", sumsq)
  check("resid_first", first)
end
