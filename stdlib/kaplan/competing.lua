-- Competing risks: cuminc(d, formula [, opts]) as R's cmprsk::cuminc (with
-- Gray's test, and survival's multi-state variance as an option), ci:at(times)
-- as cmprsk::timepoints, finegray(d, formula [, opts]) as cmprsk::crr and
-- m:predict(profiles) as predict.crr. The functions are declared in Swift
-- (Sources/Scripting/CompetingRisksLibrary.swift), and ci:at and m:predict
-- read the result's handle; this file prints the results.
local M = {}

local bind = require("kaplan.bind")

-- Formatting ----------------------------------------------------------------

local format = require("kaplan.format")
local is_na, plural, level_text = format.is_na, format.plural, format.level_text

-- A table: columns[j] = {header, cells...} with `rows` cells; the first
-- column left-aligned, two spaces between columns, each line after `indent`.
local function table_text(columns, rows, indent)
  local spec = {}
  for j, c in ipairs(columns) do spec[j] = { c[1], table.move(c, 2, rows + 1, 1, {}), left = j == 1 } end
  return format.format_table(spec, rows, indent, "  ")
end

-- One number as R's format(x, digits = d).
local num = format.format_number

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

-- p-values as R's format.pval at 3 digits ("<2e-16" below machine
-- precision); a column of them is formatted together, as R does.
local function format_ps(values, n) return format.format_pvals(values, n, 3) end

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

-- cuminc --------------------------------------------------------------------

local cuminc_mt = bind.metatable("cuminc")
local cuminc_at_mt = bind.metatable("cuminc_at")

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

-- The curves of a cuminc table at the printout's (sorted, unique) times.
local function at_times(ci, times)
  local out = { time = times, conf_level = ci.conf_level, curves = {} }
  for i, c in ipairs(ci.curves) do out.curves[i] = curve_at(c, times) end
  return out
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
  return table_text(cols, rows, "  ")
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
    out[#out + 1] = at_lines(at, cause, true)
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
  local at = at_times(ci, nice_times(summary_horizon(ci)))
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
      out[#out + 1] = at_lines(at, cause, false)
    end
  end
  if ci.tests then
    out[#out + 1] = ""
    local strata = ci.strata and (", stratified by " .. plural(#ci.strata, "stratum", "strata")) or ""
    out[#out + 1] = string.format("Gray's test (rho = %s%s):", num(ci.rho, 6), strata)
    local cols, ps = { { "cause" }, { "statistic" }, { "df" }, { "p" } }, {}
    for i, t in ipairs(ci.tests) do
      cols[1][i + 1] = t.cause
      cols[2][i + 1] = is_na(t.statistic) and "NA" or string.format("%.4f", t.statistic)
      cols[3][i + 1] = tostring(t.df)
      ps[i] = t.p
    end
    table.move(format_ps(ps, #ci.tests), 1, #ci.tests, 2, cols[4])
    out[#out + 1] = table_text(cols, #ci.tests, "  ")
    for _, t in ipairs(ci.tests) do
      if is_na(t.statistic) then
        out[#out + 1] = "  (NA: Gray's variance is singular for cause " .. t.cause .. ")"
      end
    end
  end
  return table.concat(out, "\n")
end

cuminc_mt.__tostring = function(ci) return M.format_cuminc(ci) end

-- finegray ------------------------------------------------------------------

local finegray_mt = bind.metatable("finegray")
local predict_mt = bind.metatable("finegray_predict")

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
  out[#out + 1] = table_text(cols, #times, "  ")
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
    local cells = (fmt or format.format_column)(values, n, 4)
    table.insert(cells, 1, header)
    return cells
  end
  local names = { "" }
  for i = 1, n do names[i + 1] = terms[i].name end
  local columns = { names, col("coef", "coef"), col("SHR", "shr"), col("SE", "se"), col("z", "z"),
    col("p", "p", format_ps), col("lower " .. level, "lower"), col("upper " .. level, "upper") }
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
  out[#out + 1] = table_text(columns, n, "")
  out[#out + 1] = ""
  out[#out + 1] = string.format(
    "n = %d, events = %d (cause %s), competing events = %d, censored = %d, %s dropped for missing values",
    m.n, m.events, m.cause, m.competing_events, m.censored, plural(m.n_dropped, "row"))
  out[#out + 1] = string.format("Pseudo log-likelihood = %s (null %s)", num(m.loglik, 8), num(m.loglik_null, 8))
  local t = m.lr_test
  out[#out + 1] = string.format("Pseudo likelihood ratio test = %s on %s, p = %s",
    is_na(t.statistic) and "NA" or string.format("%.2f", t.statistic), plural(t.df, "df", "df"),
    format.format_pval(t.p, 3))
  if m.converged then
    out[#out + 1] = string.format("Converged in %s.", plural(m.iterations, "iteration"))
  else
    out[#out + 1] = string.format("Did not converge in %s (raise max_iter).", plural(m.iterations, "iteration"))
  end
  return table.concat(out, "\n")
end

finegray_mt.__tostring = function(m) return M.format_finegray(m) end

function M.install(kaplan)
  kaplan.competing = M
end

return M
