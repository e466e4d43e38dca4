-- make_clocc.lua: generates the SYNTHETIC `clocc` dataset, modelled on the
-- published results of the EORTC 40004 (CLOCC) randomized phase II trial
-- (Ruers et al., Ann Oncol 2012; JNCI 2017). The trial's patient-level data
-- are not public: every row written here is invented.
--
--   kaplan run scripts/make_clocc.lua --out stdlib/data -- [--seed N] [--tries N] [--verbose]
--
-- Writes clocc.csv and clocc.schema.tsv to the output directory and adds (or
-- replaces) the `clocc` line of its index.tsv. Run it from the project root
-- without --trust (file names are relative to --out). Same seed, same file.
--
-- Method (stdlib/data/README.md has the details and what the data reproduce):
--  1. 119 randomization dates uniform over 2002-01-01 .. 2007-12-31; arms
--     allocated by a random permutation (60 combined, 59 systemic).
--  2. Per arm, overall survival (OS) and progression-free survival (PFS)
--     follow survival functions interpolated log-linearly (piecewise
--     exponential) through the published landmarks (0, median, 3, 5, 8
--     years; OS also 30 months from the 2012 report) plus assumed early
--     knots (OS at 1 year, PFS at 3 months) and, for PFS, extrapolated
--     5- and 8-year knots; a constant hazard after the last knot. Times are drawn by
--     inversion from stratified uniforms ((k - 1 + U) / n for a random
--     permutation k of 1..n), so each arm's times are spread over the whole
--     distribution as a sample of n rarely is.
--  3. PFS times (a second stratified set) are paired with OS times by a
--     Gaussian copula on the ranks (correlation RHO), then adjusted so that
--     every progression comes at least GAP_DAYS before death: patients in
--     order of death take the free PFS time nearest to their copula pairing
--     among those early enough. Exactly `dnp` deaths per arm are deaths
--     without progression (PFS ends at death): those who die too early to
--     progress first, then the deaths closest to their paired progression.
--  4. Censoring: a small loss-to-follow-up hazard and a common cut-off date,
--     chosen so that the median follow-up by reverse Kaplan-Meier is 9.7
--     years.
--  5. Conditioning: a draw is kept only if it has exactly the published death
--     counts per arm (39/60, 53/59) and no more early deaths than `dnp`;
--     otherwise the whole draw is repeated (rejection sampling,
--     deterministic for a seed). Causes of death: the deaths without
--     progression, plus deaths after progression picked at random to make
--     up the published count of deaths not of progression (4 and 4), are
--     "other"; the rest (35 and 49) "progression".
--  6. Site of first progression: per arm a fixed share of the observed
--     progressions (`hepatic_share`, rounded) is hepatic, the rest
--     extrahepatic, assigned at random.
--  Baseline columns (age, sex, WHO performance status, number of liver
--  metastases) are drawn independently of outcome: they carry no
--  prognostic information.

local SEED = 41          -- default: of seeds 1-100, the one with the lowest check_clocc.R score
local MAX_TRIES = 10000
local VERBOSE = false    -- --verbose: report why draws were rejected

local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--seed" then
    SEED = assert(math.tointeger(tonumber(arg[i + 1])), "--seed needs an integer"); i = i + 2
  elseif a == "--verbose" then
    VERBOSE = true; i = i + 1
  elseif a == "--tries" then
    MAX_TRIES = assert(math.tointeger(tonumber(arg[i + 1])), "--tries needs an integer"); i = i + 2
  else
    error("unknown option '" .. tostring(a) .. "' (known: --seed N, --tries N, --verbose)")
  end
end
math.randomseed(SEED)

-- Calibration: published targets (knots) and the modelling choices.
local DAYS_PER_MONTH = 365.25 / 12
local ACCRUAL_START, ACCRUAL_END = date("2002-01-01"), date("2007-12-31")
local FOLLOWUP_YEARS = 9.7       -- median follow-up, reverse Kaplan-Meier
local LOSS_PER_YEAR = 0.01       -- hazard of loss to follow-up
local RHO = 0.7                  -- rank correlation of progression and death (Gaussian copula)
local GAP_DAYS = 14              -- a progression precedes death by at least this

-- Knots: months and survival; `tail` is the monthly hazard after the last
-- knot. OS knots and medians are the JNCI 2017 values; PFS median and
-- 3-year PFS are the Ann Oncol 2012 values, later PFS knots are
-- extrapolations (plateau of long-term disease-free patients in the
-- combined arm, below OS at every time).
local ARMS = {
  {
    name = "combined", n = 60, deaths = 39, pd_deaths = 35, dnp = 4,
    hepatic_share = 0.38,
    os  = { t = { 0, 12, 30, 36, 45.6, 60, 96 }, s = { 1, 0.93, 0.617, 0.569, 0.5, 0.431, 0.359 }, tail = 0.002 },
    pfs = { t = { 0, 3, 16.8, 36, 60, 96 }, s = { 1, 0.93, 0.5, 0.276, 0.25, 0.235 }, tail = 0.002 },
  },
  {
    name = "systemic", n = 59, deaths = 53, pd_deaths = 49, dnp = 1,
    hepatic_share = 0.62,
    os  = { t = { 0, 12, 30, 36, 40.5, 60, 96 }, s = { 1, 0.90, 0.576, 0.552, 0.5, 0.303, 0.089 }, tail = 0.005 },
    pfs = { t = { 0, 3, 9.9, 36, 60, 96 }, s = { 1, 0.88, 0.5, 0.106, 0.055, 0.040 }, tail = 0.004 },
  },
}

for _, arm in ipairs(ARMS) do
  assert(arm.deaths - arm.pd_deaths >= arm.dnp,
    arm.name .. ": more deaths without progression than deaths not of progression")
end

-- Random helpers (all draws come from math.random, so a seed fixes them).
local function normal()
  local u = 1 - math.random()  -- (0, 1]
  return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * math.random())
end

local function shuffle(t)
  for k = #t, 2, -1 do
    local j = math.random(k)
    t[k], t[j] = t[j], t[k]
  end
  return t
end

local function permutation(n)
  local p = {}
  for k = 1, n do p[k] = k end
  return shuffle(p)
end

-- n uniforms, one in each stratum ((k-1)/n, k/n], in random order.
local function stratified(n)
  local p, u = permutation(n), {}
  for k = 1, n do u[k] = (p[k] - math.random()) / n end
  return u
end

local function weighted(weights)
  local total = 0
  for _, w in ipairs(weights) do total = total + w end
  local x = math.random() * total
  for k, w in ipairs(weights) do
    x = x - w
    if x < 0 then return k end
  end
  return #weights
end

-- Inverse of a survival function log-linear between knots: the time t with
-- S(t) = u, in months.
local function inverse(curve, u)
  local t, s = curve.t, curve.s
  for k = 1, #t - 1 do
    if u >= s[k + 1] then
      local a, b = math.log(s[k]), math.log(s[k + 1])
      return t[k] + (t[k + 1] - t[k]) * (a - math.log(u)) / (a - b)
    end
  end
  return t[#t] + (math.log(s[#s]) - math.log(u)) / curve.tail
end

local function to_days(months)
  return math.max(1, math.floor(months * DAYS_PER_MONTH + 0.5))
end

-- Median of the reverse Kaplan-Meier estimate: follow-up times in days,
-- `dead[k]` true when k's follow-up ended by death (censored here).
local function reverse_km_median(time, dead)
  local order = {}
  for k = 1, #time do order[k] = k end
  table.sort(order, function(a, b)
    if time[a] ~= time[b] then return time[a] < time[b] end
    return (not dead[a]) and dead[b]
  end)
  local at_risk, s, k = #time, 1, 1
  while k <= #order do
    local t, events, leaving = time[order[k]], 0, 0
    while k <= #order and time[order[k]] == t do
      if not dead[order[k]] then events = events + 1 end
      leaving = leaving + 1
      k = k + 1
    end
    s = s * (1 - events / at_risk)
    at_risk = at_risk - leaving
    if s <= 0.5 then return t end
  end
  return math.huge
end


-- Inverse of the standard normal CDF (Acklam's rational approximation,
-- relative error below 1.2e-9); used only to rank patients.
local function probit(p)
  local a = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
              1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 }
  local b = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
              6.680131188771972e+01, -1.328068155288572e+01 }
  local c = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
              -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 }
  local d = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
              3.754408661907416e+00 }
  local function tail(q)
    return (((((c[1] * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) * q + c[6])
      / ((((d[1] * q + d[2]) * q + d[3]) * q + d[4]) * q + 1)
  end
  if p < 0.02425 then return tail(math.sqrt(-2 * math.log(p))) end
  if p > 1 - 0.02425 then return -tail(math.sqrt(-2 * math.log(1 - p))) end
  local q = p - 0.5
  local r = q * q
  return (((((a[1] * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * r + a[6]) * q
    / (((((b[1] * r + b[2]) * r + b[3]) * r + b[4]) * r + b[5]) * r + 1)
end

-- One arm's latent times in days from randomization: death, end of PFS
-- (progression, or death for a death without progression), loss to
-- follow-up. Returns nil when no pairing puts every progression before death.
local function arm_times(arm)
  local n = arm.n
  -- Death times from stratified survival probabilities u (small u: late death).
  local u, death = stratified(n), {}
  for k = 1, n do death[k] = to_days(inverse(arm.os, u[k])) end
  -- PFS times from another stratified set, handed out in the order of a
  -- Gaussian copula score: corr(score, probit(u)) = RHO, so late deaths tend
  -- to have late progressions.
  local w = stratified(n)
  table.sort(w)
  local score, order = {}, {}
  for k = 1, n do
    score[k] = RHO * probit(u[k]) + math.sqrt(1 - RHO * RHO) * normal()
    order[k] = k
  end
  table.sort(order, function(a, b) return score[a] < score[b] end)
  local prog = {}
  for r, k in ipairs(order) do prog[k] = to_days(inverse(arm.pfs, w[r])) end
  -- Constraint: every progression at least GAP_DAYS before death. Patients
  -- in order of death take, among the PFS times still free and early
  -- enough, the one nearest to their copula pairing (a later death can use
  -- any time an earlier one could, so this only runs short for deaths too
  -- early to follow any free time: those die without progression).
  local by_death = {}
  for k = 1, n do by_death[k] = k end
  table.sort(by_death, function(a, b) return death[a] < death[b] end)
  local pool = {}
  for k = 1, n do pool[k] = prog[k] end
  table.sort(pool)
  local taken, paired = {}, {}
  for _, k in ipairs(by_death) do
    local best
    for j = 1, n do
      if not taken[j] and pool[j] <= death[k] - GAP_DAYS then
        if not best or math.abs(pool[j] - prog[k]) < math.abs(pool[best] - prog[k]) then best = j end
      end
    end
    if best then
      taken[best], paired[k] = true, pool[best]
    else
      paired[k] = death[k]  -- dies too early to progress first: death without progression
    end
  end
  -- Free times left over (one per death without progression) are dropped.
  prog = paired
  local loss = {}
  for k = 1, n do
    loss[k] = math.floor(-math.log(1 - math.random()) / LOSS_PER_YEAR * 365.25) + 1
  end
  return { death = death, prog = prog, loss = loss }
end

-- Baseline characteristics (independent of outcome).
local function baseline()
  local age = math.floor(61 + 9.5 * normal() + 0.5)
  age = math.max(31, math.min(80, age))
  local sex = math.random() < 0.64 and "male" or "female"
  local who_ps = math.random() < 0.68 and 0 or 1
  -- Fewer than 10 liver metastases (eligibility), a few on average.
  local n_metastases = weighted { 10, 14, 15, 14, 12, 10, 9, 8, 8 }
  return age, sex, who_ps, n_metastases
end

-- One complete draw; nil, reason when it does not meet the conditions.
local function draw()
  local N = 0
  for _, arm in ipairs(ARMS) do N = N + arm.n end
  -- Randomization dates in order, arms by a random permutation of the labels.
  local span = ACCRUAL_END - ACCRUAL_START
  local offsets = {}
  for k = 1, N do offsets[k] = math.random(0, span) end
  table.sort(offsets)
  local labels = {}
  for a, arm in ipairs(ARMS) do
    for _ = 1, arm.n do labels[#labels + 1] = a end
  end
  shuffle(labels)
  local times = {}
  for a, arm in ipairs(ARMS) do
    times[a] = arm_times(arm)
    if not times[a] then return nil, "pairing" end
  end
  local P, next_of = {}, { 0, 0 }
  for k = 1, N do
    local a = labels[k]
    next_of[a] = next_of[a] + 1
    local t = times[a]
    local j = next_of[a]
    local age, sex, who_ps, n_met = baseline()
    P[k] = {
      id = k, arm = a, randomized = ACCRUAL_START + offsets[k], entry = offsets[k],
      death = t.death[j], prog = t.prog[j], loss = t.loss[j],
      age = age, sex = sex, who_ps = who_ps, n_metastases = n_met,
    }
  end
  -- Cut-off: the day (after the end of accrual) whose reverse-KM median
  -- follow-up is closest to FOLLOWUP_YEARS.
  local function followup(cut)  -- per patient: days observed, died?
    local time, dead = {}, {}
    for k, p in ipairs(P) do
      local admin = cut - p.entry
      local c = math.min(admin, p.loss)
      time[k] = math.min(c, p.death)
      dead[k] = p.death <= c
    end
    return time, dead
  end
  local target = FOLLOWUP_YEARS * 365.25
  local best, best_cut = math.huge, nil
  for cut = span + 365 * 5, span + 365 * 12 do
    local m = reverse_km_median(followup(cut))
    if math.abs(m - target) < best then best, best_cut = math.abs(m - target), cut end
    if m > target + 60 then break end
  end
  local time, dead = followup(best_cut)
  -- Condition on the published death counts, then fill in the events.
  local deaths = {}
  for a in ipairs(ARMS) do deaths[a] = 0 end
  for k, p in ipairs(P) do
    if dead[k] then deaths[p.arm] = deaths[p.arm] + 1 end
  end
  for a, arm in ipairs(ARMS) do
    local forced = 0
    for _, p in ipairs(P) do
      if p.arm == a and p.prog >= p.death then forced = forced + 1 end
    end
    if forced > arm.dnp then return nil, "early deaths" end
    if deaths[a] ~= arm.deaths then
      return nil, string.format("deaths %d/%d, %d/%d", deaths[1], ARMS[1].n, deaths[2], ARMS[2].n)
    end
  end
  for k, p in ipairs(P) do
    p.os_days, p.os_event = time[k], dead[k] and 1 or 0
    if p.prog <= time[k] then
      p.pfs_days, p.pfs_event, p.first_event = p.prog, 1, "progression"
    else
      p.pfs_days, p.pfs_event, p.first_event = time[k], 0, "censored"
    end
    p.death_cause = dead[k] and "progression" or "alive"
    p.last_contact = ACCRUAL_START + p.entry + time[k]
  end
  for a, arm in ipairs(ARMS) do
    -- Deaths without progression: the deaths closest to their progression.
    local deaths = {}
    for _, p in ipairs(P) do
      if p.arm == a and p.os_event == 1 then deaths[#deaths + 1] = p end
    end
    table.sort(deaths, function(x, y)
      local gx, gy = x.os_days - x.pfs_days, y.os_days - y.pfs_days
      if gx ~= gy then return gx < gy end
      return x.id < y.id
    end)
    for k = 1, arm.dnp do
      local p = deaths[k]
      p.pfs_days, p.pfs_event, p.first_event, p.death_cause = p.os_days, 1, "death", "other"
    end
    -- Other deaths after progression, at random, up to the published count.
    local rest = {}
    for k = arm.dnp + 1, #deaths do rest[#rest + 1] = deaths[k] end
    shuffle(rest)
    for k = 1, arm.deaths - arm.pd_deaths - arm.dnp do rest[k].death_cause = "other" end
    -- Site of first progression.
    local progressed = {}
    for _, p in ipairs(P) do
      if p.arm == a and p.first_event == "progression" then progressed[#progressed + 1] = p end
    end
    shuffle(progressed)
    local hepatic = math.floor(arm.hepatic_share * #progressed + 0.5)
    for k, p in ipairs(progressed) do
      p.first_event = k <= hepatic and "hepatic" or "extrahepatic"
    end
  end
  return P, best_cut
end

local P, cut, tries
local rejected = {}
for t = 1, MAX_TRIES do
  local why
  P, why = draw()
  if P then cut, tries = why, t; break end
  rejected[why] = (rejected[why] or 0) + 1
end
if VERBOSE then
  local reasons = {}
  for r in pairs(rejected) do reasons[#reasons + 1] = r end
  table.sort(reasons)
  for _, r in ipairs(reasons) do print("rejected", r, rejected[r]) end
end
assert(P, "no draw met the conditions in " .. MAX_TRIES .. " tries (raise --tries)")

-- Write the dataset, its schema and its index line.
local function months(days) return math.floor(days / DAYS_PER_MONTH * 100 + 0.5) / 100 end
local cols = {
  { "id", "int" }, { "arm", "string", "systemic", "combined" }, { "age", "int" },
  { "sex", "string", "female", "male" }, { "who_ps", "int" }, { "n_metastases", "int" },
  { "randomized", "date" }, { "os_months", "double" }, { "os_event", "int" },
  { "death_cause", "string", "alive", "progression", "other" },
  { "pfs_months", "double" }, { "pfs_event", "int" },
  { "first_event", "string", "censored", "hepatic", "extrahepatic", "death" },
  { "last_contact", "date" },
}
local values = {}
for _, c in ipairs(cols) do values[c[1]] = {} end
for k, p in ipairs(P) do
  local v = values
  v.id[k], v.arm[k], v.age[k], v.sex[k] = p.id, ARMS[p.arm].name, p.age, p.sex
  v.who_ps[k], v.n_metastases[k], v.randomized[k] = p.who_ps, p.n_metastases, p.randomized
  v.os_months[k], v.os_event[k], v.death_cause[k] = months(p.os_days), p.os_event, p.death_cause
  v.pfs_months[k], v.pfs_event[k] = months(p.pfs_days), p.pfs_event
  v.first_event[k], v.last_contact[k] = p.first_event, p.last_contact
end
local spec = {}
for _, c in ipairs(cols) do spec[#spec + 1] = { c[1], values[c[1]] } end
local d = dataset.from(spec)
write_csv(d, "clocc.csv")

local f = assert(io.open("clocc.schema.tsv", "w"))
for _, c in ipairs(cols) do f:write(table.concat(c, "\t"), "\n") end
f:close()

local line = string.format("clocc\t%d\t%d\t%s", #P, #cols,
  "SYNTHETIC data modelled on the EORTC 40004 (CLOCC) trial: radiofrequency ablation + systemic"
  .. " treatment vs systemic treatment for colorectal liver metastases")
local lines, found = {}, false
local index = io.open("index.tsv", "r+")
if index then
  for l in index:lines() do
    if l:match("^clocc\t") then l, found = line, true end
    lines[#lines + 1] = l
  end
  index:close()
else
  lines[1] = "name\trows\tcolumns\tdescription"
end
if not found then lines[#lines + 1] = line end
index = assert(io.open("index.tsv", "w"))
index:write(table.concat(lines, "\n"), "\n")
index:close()

print(string.format("clocc: %d patients, seed %d, accepted draw %d, cut-off %s",
  #P, SEED, tries, tostring(ACCRUAL_START + cut)))
