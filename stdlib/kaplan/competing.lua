-- Competing risks: cuminc(d, formula [, opts]) as R's cmprsk::cuminc (with
-- Gray's test, and survival's multi-state variance as an option), ci:at(times)
-- as cmprsk::timepoints, finegray(d, formula [, opts]) as cmprsk::crr and
-- m:predict(profiles) as predict.crr. Swift
-- (Sources/Scripting/CompetingRisksLibrary.swift) computes and returns plain
-- data; this file checks the call, attaches metatables and prints.
local M = {}

-- Formatting ----------------------------------------------------------------

local format = require("kaplan.format")
local is_na, plural = format.is_na, format.plural

-- Lines of a table: columns[j] = {header, cells...}; the first column is
-- left-aligned; every line indented by two spaces.
local function table_lines(columns, rows) return format.table_lines(columns, rows, "  ") end

-- A number with up to `digits` significant digits, as R's print shows them.
local function num(x, digits)
  if is_na(x) then return "NA" end
  if x == math.huge then return "Inf" elseif x == -math.huge then return "-Inf" end
  return string.format("%." .. (digits or 4) .. "g", x)
end

--- Formats a column of numbers with a common layout, as R's format() does
-- with `digits` significant digits (see kaplan.format).
M.format_column = format.format_column

-- A probability with a fixed 4 decimals ("0.2190"), NA as "NA".
local function prob(x)
  if is_na(x) then return "NA" end
  return string.format("%.4f", x)
end

-- Times print as integers when whole.
local function time_text(t)
  if math.type(t) == "integer" or (t == math.floor(t) and math.abs(t) < 1e15) then
    return string.format("%d", math.floor(t))
  end
  return num(t, 6)
end

--- A p-value as R's format.pval prints it: 3 significant digits, "<2e-16"
-- below machine precision.
function M.format_p(p)
  if is_na(p) then return "NA" end
  if p < 2.220446e-16 then return "<2e-16" end
  if p >= 1e-4 then
    local s = string.format("%.3g", p)
    if s:find("e") then s = string.format("%.4f", p) end
    return s
  end
  return string.format("%.2e", p)
end

local function level_text(level)
  local pct = level * 100
  if pct == math.floor(pct) then return string.format("%d%%", pct) end
  return string.format("%g%%", pct)
end

local variance_text = {
  aalen = "Aalen–Johansen with cmprsk's (Gray's delta-method) variance",
  ij = "Aalen–Johansen with survival's infinitesimal-jackknife variance",
}

-- "Nice" times for a summary: multiples of a 1-2-2.5-5 step, three to five
-- of them, up to `horizon`.
local function nice_times(horizon)
  if is_na(horizon) or horizon <= 0 or horizon == math.huge then return {} end
  local mag = 10 ^ math.floor(math.log(horizon / 4, 10))
  local step = 20 * mag
  for _, r in ipairs({ 1, 2, 2.5, 5, 10, 20 }) do
    if math.floor(horizon / (r * mag) + 1e-9) <= 5 then step = r * mag; break end
  end
  local times = {}
  for k = 1, 5 do
    local t = k * step
    if t > horizon * (1 + 1e-12) then break end
    times[#times + 1] = (t == math.floor(t)) and math.tointeger(t) or t
  end
  return times
end

local function group_label(g) return g or "all" end

-- Argument checking ---------------------------------------------------------

local function type_of(x)
  local mt = getmetatable(x)
  if type(mt) == "table" and type(mt.__name) == "string" then return mt.__name end
  return type(x)
end

-- Sorted unique finite times from a number or an array of numbers; `fname`
-- names the method in errors, raised at `level`.
local function check_times(times, fname, level)
  if type(times) == "number" then times = { times } end
  if type(times) ~= "table" then
    error(string.format("bad argument #1 to '%s' (array of times expected, got %s)", fname, type_of(times)), level)
  end
  local seen, out = {}, {}
  for i, t in ipairs(times) do
    if type(t) ~= "number" or t ~= t then
      error(string.format("bad argument #1 to '%s' (time %d is %s, a number expected)", fname, i,
        type(t) == "number" and "NaN" or type(t)), level)
    end
    if not seen[t] then seen[t] = true; out[#out + 1] = t end
  end
  if #out == 0 then
    error(string.format("bad argument #1 to '%s' (at least one time expected, e.g. {12, 24, 36})", fname), level)
  end
  table.sort(out)
  return out
end

-- cuminc --------------------------------------------------------------------

local cuminc_mt = { __name = "kaplan.cuminc" }
local cuminc_at_mt = { __name = "kaplan.cuminc_at" }
local cuminc_methods = {}
cuminc_mt.__index = cuminc_methods

-- Index of the last grid time <= t (0 if none).
local function last_at_or_before(time, t)
  local lo, hi = 1, #time
  local found = 0
  while lo <= hi do
    local mid = (lo + hi) // 2
    if time[mid] <= t then found = mid; lo = mid + 1 else hi = mid - 1 end
  end
  return found
end

-- One curve at the given (sorted) times, as cmprsk::timepoints: the value at
-- the last time <= t, 0 before the first, NA (nil) below 0 or beyond the
-- group's last follow-up time.
local function curve_at(c, times)
  local r = { group = c.group, cause = c.cause, est = {}, var = {}, lower = {}, upper = {}, n_risk = {} }
  local last = c.time[#c.time]
  for k, t in ipairs(times) do
    local j = last_at_or_before(c.time, t)
    -- At risk at t: those with time >= t, read from the first grid time >= t.
    local after = (j > 0 and c.time[j] == t) and j or j + 1
    r.n_risk[k] = after <= #c.time and c.n_risk[after] or 0
    if last ~= nil and t >= 0 and t <= last then
      if j == 0 then
        r.est[k], r.var[k], r.lower[k], r.upper[k] = 0, 0, 0, 0
      else
        r.est[k], r.var[k], r.lower[k], r.upper[k] = c.est[j], c.var[j], c.lower[j], c.upper[j]
      end
    end
  end
  return r
end

-- `level` is the error level as seen from at_impl's caller.
local function at_impl(ci, times, level)
  times = check_times(times, "at", level + 2)
  local out = { kind = "cuminc_at", formula = ci.formula, time = times, conf_level = ci.conf_level,
    conf_type = ci.conf_type, variance = ci.variance, causes = ci.causes, curves = {} }
  for i, c in ipairs(ci.curves) do out.curves[i] = curve_at(c, times) end
  return setmetatable(out, cuminc_at_mt)
end

--- ci:at{12, 24, 36}: estimates, variances and CIs at the given times
-- (cmprsk::timepoints; times sorted and made unique as it does).
function cuminc_methods.at(ci, times)
  if getmetatable(ci) ~= cuminc_mt then
    error("calling 'at' on bad self (cuminc result expected, got " .. type_of(ci) .. ")", 2)
  end
  local at = at_impl(ci, times, 2)  -- not a tail call: the error level counts this frame
  return at
end

-- Lines of an "at" table for one cause: group, n at risk, time, est, CI.
local function at_lines(at, cause, with_var)
  local level = level_text(at.conf_level)
  local cols = { { "group" }, { "time" }, { "n.risk" }, { "est" } }
  if with_var then cols[#cols + 1] = { "var" } end
  cols[#cols + 1] = { "lower " .. level }
  cols[#cols + 1] = { "upper " .. level }
  local rows = 0
  for _, c in ipairs(at.curves) do
    if c.cause == cause then
      for k, t in ipairs(at.time) do
        rows = rows + 1
        local cells = { k == 1 and group_label(c.group) or "", time_text(t), string.format("%d", c.n_risk[k]),
          prob(c.est[k]) }
        if with_var then cells[#cells + 1] = num(c.var[k], 4) end
        cells[#cells + 1] = prob(c.lower[k])
        cells[#cells + 1] = prob(c.upper[k])
        for j, cell in ipairs(cells) do cols[j][rows + 1] = cell end
      end
    end
  end
  return table_lines(cols, rows)
end

cuminc_at_mt.__tostring = function(at)
  local out = {
    "Cumulative incidence at given times: " .. at.formula,
    string.format("  %s; %s CI, %s", variance_text[at.variance] or at.variance, level_text(at.conf_level),
      at.conf_type),
  }
  for _, cause in ipairs(at.causes) do
    out[#out + 1] = ""
    out[#out + 1] = "Cause " .. cause .. ":"
    for _, line in ipairs(at_lines(at, cause, true)) do out[#out + 1] = line end
  end
  return table.concat(out, "\n")
end

-- The horizon of the summary's times: when 90% of the reported events have
-- happened, but no later than the shortest follow-up among the groups.
local function summary_horizon(ci)
  local last = math.huge
  local events, total = {}, 0
  for _, c in ipairs(ci.curves) do
    if #c.time > 0 and c.time[#c.time] < last then last = c.time[#c.time] end
    for j, t in ipairs(c.time) do
      local e = c.n_event[j]
      if e > 0 then events[#events + 1] = { t, e }; total = total + e end
    end
  end
  if total == 0 then return last end
  table.sort(events, function(a, b) return a[1] < b[1] end)
  local seen = 0
  for _, te in ipairs(events) do
    seen = seen + te[2]
    if seen >= 0.9 * total then return math.min(te[1], last) end
  end
  return last
end

--- The summary of a cuminc result: incidence at a few times per group and
-- cause with CIs, and Gray's test per cause.
function M.format_cuminc(ci)
  local out = {
    "Cumulative incidence of competing risks: " .. ci.formula,
    string.format("  %s; %s CI, %s", variance_text[ci.variance] or ci.variance, level_text(ci.conf_level),
      ci.conf_type),
    string.format("  n = %d, %s dropped for missing values; censored = %s; causes: %s", ci.n,
      plural(ci.n_dropped, "row"), ci.censor, #ci.all_causes > 0 and table.concat(ci.all_causes, ", ") or "none"),
  }
  if #ci.curves == 0 then
    out[#out + 1] = ""
    out[#out + 1] = "No events of any cause: every row is censored."
    return table.concat(out, "\n")
  end
  local at = at_impl(ci, nice_times(summary_horizon(ci)), 3)
  for _, cause in ipairs(ci.causes) do
    out[#out + 1] = ""
    local counts = {}
    for _, c in ipairs(ci.curves) do
      if c.cause == cause then
        counts[#counts + 1] = string.format("%s %d/%d", group_label(c.group), c.events, c.n)
      end
    end
    out[#out + 1] = string.format("Cause %s (events/n: %s):", cause, table.concat(counts, ", "))
    if #at.time > 0 then
      for _, line in ipairs(at_lines(at, cause, false)) do out[#out + 1] = line end
    end
  end
  if ci.tests then
    out[#out + 1] = ""
    local strata = ci.strata and (", stratified by " .. plural(#ci.strata, "stratum", "strata")) or ""
    out[#out + 1] = string.format("Gray's test (rho = %s%s):", num(ci.rho, 6), strata)
    local cols = { { "cause" }, { "statistic" }, { "df" }, { "p" } }
    for i, t in ipairs(ci.tests) do
      cols[1][i + 1] = t.cause
      cols[2][i + 1] = is_na(t.statistic) and "NA" or string.format("%.4f", t.statistic)
      cols[3][i + 1] = tostring(t.df)
      cols[4][i + 1] = M.format_p(t.p)
    end
    for _, line in ipairs(table_lines(cols, #ci.tests)) do out[#out + 1] = line end
    for _, t in ipairs(ci.tests) do
      if is_na(t.statistic) then
        out[#out + 1] = "  (NA: Gray's variance is singular for cause " .. t.cause .. ")"
      end
    end
  end
  return table.concat(out, "\n")
end

cuminc_mt.__tostring = function(ci) return M.format_cuminc(ci) end

--- cuminc(d, formula [, opts]) (see help(cuminc)).
function M.cuminc(d, formula, opts)
  local ok, res = pcall(M.core.cuminc, d, formula, opts)
  if not ok then error(res, 2) end
  res.data = d
  return setmetatable(res, cuminc_mt)
end

-- finegray ------------------------------------------------------------------

local finegray_mt = { __name = "kaplan.finegray" }
local predict_mt = { __name = "kaplan.finegray_predict" }
local finegray_methods = {}
finegray_mt.__index = finegray_methods
-- The Swift model behind each result, for predict (the result stays plain data).
local handles = setmetatable({}, { __mode = "k" })

-- A profile's label: "rx=Lev, age=60" in the model's variable order, or the
-- design row's column names.
local function profile_label(m, p)
  local parts = {}
  if #p > 0 then
    for j, x in ipairs(p) do
      parts[j] = (m.terms[j] and m.terms[j].name or ("x" .. j)) .. "=" .. num(x, 6)
    end
  else
    for _, v in ipairs(m.variables) do
      local x = p[v]
      parts[#parts + 1] = v .. "=" .. (type(x) == "number" and num(x, 6) or tostring(x))
    end
  end
  return table.concat(parts, ", ")
end

--- m:predict{ {age = 60, rx = "Lev"}, ... }: predicted cumulative incidence
-- of the model's cause for each covariate profile (predict.crr). A single
-- profile may be given directly (m:predict{age = 60, rx = "Lev"}); a profile
-- may also be a design row of numbers in the order of m.terms.
function finegray_methods.predict(m, profiles)
  local handle = handles[m]
  if handle == nil then
    error("calling 'predict' on bad self (finegray model expected, got " .. type_of(m) .. ")", 2)
  end
  local ok, res = pcall(M.core.predict, handle, profiles)
  if not ok then error(res, 2) end
  local list = profiles
  if #profiles == 0 or type(profiles[1]) ~= "table" then list = { profiles } end
  local out = { kind = "finegray_predict", formula = m.formula, cause = m.cause, time = res.time, curves = {} }
  for i, p in ipairs(list) do
    out.curves[i] = { label = profile_label(m, p), profile = p, covariates = res.rows[i], est = res.cif[i] }
  end
  return setmetatable(out, predict_mt)
end

predict_mt.__tostring = function(r)
  local out = { string.format("Predicted cumulative incidence of cause %s (Fine–Gray): %s", r.cause, r.formula) }
  for i, c in ipairs(r.curves) do out[#out + 1] = string.format("  [%d] %s", i, c.label) end
  out[#out + 1] = ""
  local times = nice_times(r.time[#r.time])
  local cols = { { "time" } }
  for i = 1, #r.curves do cols[i + 1] = { "[" .. i .. "]" } end
  for k, t in ipairs(times) do
    cols[1][k + 1] = time_text(t)
    local j = last_at_or_before(r.time, t)
    for i, c in ipairs(r.curves) do cols[i + 1][k + 1] = j == 0 and prob(0) or prob(c.est[j]) end
  end
  for _, line in ipairs(table_lines(cols, #times)) do out[#out + 1] = line end
  out[#out + 1] = string.format("  (%s in r.time, values in r.curves[i].est)", plural(#r.time, "event time"))
  return table.concat(out, "\n")
end

--- The summary of a Fine–Gray fit, laid out as a Cox model's.
function M.format_finegray(m)
  local terms = m.terms
  local n = #terms
  local level = level_text(m.conf_level)
  local function col(header, key, fmt)
    local values = {}
    for i = 1, n do values[i] = terms[i][key] end
    local cells = {}
    if fmt then
      for i = 1, n do cells[i] = fmt(values[i]) end
    else
      cells = M.format_column(values, n, 4)
    end
    table.insert(cells, 1, header)
    return cells
  end
  local names = { "" }
  for i = 1, n do names[i + 1] = terms[i].name end
  local columns = { names, col("coef", "coef"), col("SHR", "shr"), col("SE", "se"), col("z", "z"),
    col("p", "p", M.format_p), col("lower " .. level, "lower"), col("upper " .. level, "upper") }
  local competing = #m.competing > 0 and table.concat(m.competing, ", ") or "none"
  local out = {
    "Fine–Gray subdistribution hazards model: " .. m.formula,
    string.format("  cause %s (competing: %s; censored: %s); robust (sandwich) SE; SHR with %s CI",
      m.cause, competing, m.censor, level),
  }
  if m.cengroup then
    out[#out + 1] = string.format("  censoring distribution estimated within %s: %s", m.cengroup,
      table.concat(m.cengroups, "; "))
  end
  out[#out + 1] = ""
  for _, line in ipairs(format.table_lines(columns, n)) do out[#out + 1] = line end
  out[#out + 1] = ""
  out[#out + 1] = string.format("n = %d, events = %d (cause %s), competing events = %d, censored = %d, %s dropped for missing values",
    m.n, m.events, m.cause, m.competing_events, m.censored, plural(m.n_dropped, "row"))
  out[#out + 1] = string.format("Pseudo log-likelihood = %s (null %s)", num(m.loglik, 8), num(m.loglik_null, 8))
  local t = m.lr_test
  out[#out + 1] = string.format("Pseudo likelihood ratio test = %s on %s, p = %s",
    is_na(t.statistic) and "NA" or string.format("%.2f", t.statistic), plural(t.df, "df", "df"), M.format_p(t.p))
  if m.converged then
    out[#out + 1] = string.format("Converged in %s.", plural(m.iterations, "iteration"))
  else
    out[#out + 1] = string.format("Did not converge in %s (raise max_iter).", plural(m.iterations, "iteration"))
  end
  return table.concat(out, "\n")
end

finegray_mt.__tostring = function(m) return M.format_finegray(m) end

--- finegray(d, formula [, opts]) (see help(finegray)).
function M.finegray(d, formula, opts)
  local ok, res, handle = pcall(M.core.finegray, d, formula, opts)
  if not ok then error(res, 2) end
  res.data = d
  setmetatable(res, finegray_mt)
  handles[res] = handle
  return res
end

-- Installation and help -----------------------------------------------------

function M.install(kaplan)
  M.core = kaplan.core.competing
  kaplan.competing = M
  _G.cuminc = M.cuminc
  _G.finegray = M.finegray
  local doc = kaplan.help.doc
  doc { name = "cuminc", fn = M.cuminc, section = "Competing risks",
    signature = "cuminc(d, formula [, opts])",
    summary = "Cumulative incidence of competing risks per group and cause (Aalen–Johansen) with Gray's test, as R's cmprsk::cuminc.",
    options = {
      { "formula", "Surv(time, status) ~ group + strata(s): status holds cause codes or labels; "
        .. "groups are the combinations of the terms (~ 1 for one curve); strata() stratifies Gray's test" },
      { "censor", "the status value meaning censored (default 0 for numbers, \"censored\" for strings)" },
      { "cause", "report one cause only, e.g. 1 or \"relapse\" (default all causes)" },
      { "conf_level", "level of the pointwise confidence intervals (default 0.95)" },
      { "conf_type", "\"log-log\" (default, as SAS and most trial reports) or \"plain\"" },
      { "rho", "weight power of Gray's test (default 0)" },
      { "variance", "\"aalen\" (default: cmprsk::cuminc's variance) or \"ij\" (survival::survfit's "
        .. "multi-state infinitesimal jackknife)" },
      { "result", "causes; curves[i] = {group, cause, n, events, time, est, var, lower, upper, n_risk, "
        .. "n_event, n_censor} (every time with an event or censoring); tests[i] = {cause, statistic, df, p} "
        .. "(two or more groups); n, n_dropped, censor, conf_type, conf_level, variance, rho" },
      { "ci:at(times)", "incidence, variance and CI at the given times (cmprsk::timepoints); printable" },
    },
    example = "local my = dataset(\"myeloid\")\n"
      .. "-- complete response (1) versus death before it (2); 0 censored\n"
      .. "local status, time = {}, {}\n"
      .. "for i, r in my:rows() do\n"
      .. "  time[i] = r.crtime or r.futime\n"
      .. "  status[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)\n"
      .. "end\n"
      .. "my = my:with{ t = time, event = status }\n"
      .. "local ci = cuminc(my, \"Surv(t, event) ~ trt\")\n"
      .. "print(ci)\n"
      .. "print(ci:at{100, 365, 1000})\n"
      .. "plot(ci, {cause = \"1\", pvalue = true, file = \"cr.svg\"})" }
  doc { name = "finegray", fn = M.finegray, section = "Competing risks",
    signature = "finegray(d, formula [, opts])",
    summary = "Fine–Gray proportional subdistribution hazards regression, as R's cmprsk::crr; m:predict(profiles) as predict.crr.",
    options = {
      { "formula", "Surv(time, status) ~ terms; a + b, a:b, a*b, factor(x); string columns are factors "
        .. "(first level is the reference), coded as in cox()" },
      { "cause", "the cause modelled (default the first cause, as crr's failcode = 1)" },
      { "censor", "the status value meaning censored (default 0 for numbers, \"censored\" for strings)" },
      { "conf_level", "level of the SHR confidence intervals (default 0.95)" },
      { "cengroup", "column whose groups each get their own censoring distribution (crr's cengroup)" },
      { "max_iter", "Newton–Raphson iterations (default 10, crr's maxiter)" },
      { "result", "terms[i] = {name, variable, level, reference_level, coef, shr, se, z, p, lower, upper}; "
        .. "loglik, loglik_null (pseudo), lr_test, iterations, converged, var; n, events, competing_events, "
        .. "censored, n_dropped" },
      { "m:predict(profiles)", "predicted cumulative incidence for profiles such as "
        .. "{ {rx = \"Obs\", age = 60}, {rx = \"Lev+5FU\", age = 60} } (or one profile, or design rows)" },
    },
    example = "local my = dataset(\"myeloid\")\n"
      .. "local t, e = {}, {}\n"
      .. "for i, r in my:rows() do\n"
      .. "  t[i] = r.crtime or r.futime\n"
      .. "  e[i] = r.crtime and 1 or (r.death == 1 and 2 or 0)\n"
      .. "end\n"
      .. "my = my:with{ t = t, event = e }\n"
      .. "local m = finegray(my, \"Surv(t, event) ~ trt + sex\", {cause = 1})\n"
      .. "print(m)\n"
      .. "print(m:predict{ {trt = \"A\", sex = \"f\"}, {trt = \"B\", sex = \"f\"} })\n"
      .. "plot(m, {file = \"shr.svg\"})" }
end

return M
