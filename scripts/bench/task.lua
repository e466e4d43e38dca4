-- One benchmark task as a user would run it: read a CSV, then one analysis,
-- each call timed with wall_clock() (monotonic, elapsed seconds; os.clock()
-- would give CPU time). Run by scripts/bench/harness.py, one process per
-- task so that the process's time and peak memory belong to that task:
--   kaplan run scripts/bench/task.lua -- TASK FILE.csv
-- TASK: csv | km | logrank | cox | cox_strata | cuminc | finegray | derive.
-- TASK: csv | km | logrank | cox | cox_strata | cuminc | finegray | survsplit | csv_surv.
-- The files are scripts/bench/gen_data.py's (surv_N.csv; num_N.csv for
-- csv). Prints, for the harness:
--   BENCH read SECONDS           read_csv of FILE
--   BENCH time SECONDS           the analysis call (read_csv again for csv)
--   BENCH check NAME V1 V2 ...   numbers to compare with R's (task.R)
local task, file = arg[1], arg[2]
if not task or not file then
  error("usage: kaplan run task.lua -- TASK FILE.csv")
end

local function report(label, seconds)
  print(string.format("BENCH %s %.6f", label, seconds))
end
-- values[1..values.n or #values]; nil or NaN print as NA.
local function check(name, values)
  local parts = {}
  for i = 1, values.n or #values do
    local v = values[i]
    parts[i] = (v == nil or v ~= v) and "NA" or string.format("%.17g", v)
  end
  print("BENCH check " .. name .. " " .. table.concat(parts, " "))
end

local t0 = wall_clock()
local d = assert(read_csv(file))
report("read", wall_clock() - t0)

local covariates = "x1 + x2 + x3 + x4 + x5 + arm"
local analyses = {
  csv = function()
    local again = assert(read_csv(file))
    return function()
      check("csv", {again:nrow(), again.x1:sum(), again.x8:sum()})
    end
  end,
  km = function()
    local fit = km(d, "Surv(time, status) ~ arm")
    return function()
      local medians = {n = #fit.strata}
      for i, s in ipairs(fit.strata) do medians[i] = s.median end
      check("km_median", medians)
    end
  end,
  logrank = function()
    local test = logrank(d, "Surv(time, status) ~ arm")
    return function() check("logrank_chisq", {test.chisq}) end
  end,
  cox = function()
    local m = cox(d, "Surv(time, status) ~ " .. covariates)
    return function()
      local coefs = {}
      for i, t in ipairs(m.terms) do coefs[i] = t.coef end
      check("cox_coef", coefs)
      check("cox_loglik", {m.loglik.fitted})
    end
  end,
  cox_strata = function()
    local m = cox(d, "Surv(time, status) ~ " .. covariates .. " + strata(stratum)")
    return function()
      local coefs = {}
      for i, t in ipairs(m.terms) do coefs[i] = t.coef end
      check("cox_coef", coefs)
      check("cox_loglik", {m.loglik.fitted})
    end
  end,
  cuminc = function()
    local ci = cuminc(d, "Surv(time, cr_status) ~ arm")
    return function()
      local stats = {}
      for i, t in ipairs(ci.tests) do stats[i] = t.statistic end
      check("gray_statistic", stats)
    end
  end,
  finegray = function()
    local m = finegray(d, "Surv(time, cr_status) ~ x1 + x2 + x3", {cause = 1})
    return function()
      local coefs = {}
      for i, t in ipairs(m.terms) do coefs[i] = t.coef end
      check("finegray_coef", coefs)
    end
  end,
}

-- Issue 15, columns: derive = element-wise column functions, as data.table's
-- := in task.R (five new columns of the num file).
analyses.derive = function()
  local cpu0 = os.clock()
  local e = d:with{
    lx = d.x1:log1p(), r = d.x2:round(2), s = d.x3:sqrt() * d.x4:exp(), p = d.x5 ^ 2 + d.x6 % 3,
    m = pmin(d.x7, d.x8),
  }
  report("cpu", os.clock() - cpu0)
  return function() check("derive", {e.lx:sum(), e.r:sum(), e.s:sum(), e.p:sum(), e.m:sum()}) end
end
-- join and group_by (issue 15): FILE is subjects_N.csv (events_N.csv beside
-- it) or group_N.csv.
analyses.join = function()
  local events = assert(read_csv((file:gsub("subjects_(%d+)%.csv$", "events_%1.csv"))))
  t0 = wall_clock()
  local j = d:join(events, {by = "id"})
  return function()
    check("join", {j:nrow(), j.age:sum(), j.value:sum(), j.day:sum()})
  end
end
analyses.group_by = function()
  local s = d:group_by{"g"}:summarise{n = count(), m = mean("x")}
  return function()
    check("group_by", {s:nrow(), s.n:sum(), s.m:sum()})
  end
end
-- end of join and group_by
-- CSV with string columns (issue 14): the surv file (two string columns)
-- read again, as fread reads it in task.R (csv_surv).
analyses.csv_surv = function()
  local again = assert(read_csv(file))
  return function() check("csv_surv", {again:nrow(), again.x1:sum(), again.x2:sum()}) end
end
-- survival data helpers (issue 15): split follow-up at 10 cut points.
analyses.survsplit = function()
  local s = survsplit(d, {cut = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}})
  return function() check("survsplit", {s:nrow(), s.tstart:sum(), s.status:sum()}) end
end

local run = analyses[task]
if not run then error("unknown task '" .. tostring(task) .. "'") end
t0 = wall_clock()
local cpu0 = os.clock()
local checks = run()
report("time", wall_clock() - t0)
-- CPU seconds of the call (all threads), what to read on a shared machine.
report("cpu", os.clock() - cpu0)
checks()
