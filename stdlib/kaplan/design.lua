-- Trial design (declared in Swift, Sources/Scripting/DesignLibrary.swift): events_needed, sample_size,
-- power and power_sim results print a sentence for the protocol, then the numbers.
local M = {}

local bind = require("kaplan.bind")

local function num(x, digits)
  if x == nil then return "NA" end
  local s = string.format("%." .. (digits or 3) .. "f", x)
  s = s:gsub("(%..-)0+$", "%1"):gsub("%.$", "")
  return s
end

local function pct(x) return num(100 * x, 1) .. "%" end

-- "a hazard ratio of 0.7", or the arms' own hazards when they are not proportional.
local function effect(r)
  return r.hr and ("a hazard ratio of " .. num(r.hr, 3)) or "the difference between the given hazards"
end

local method_names = { schoenfeld = "Schoenfeld's", freedman = "Freedman's", lakatos = "Lakatos's" }

local function test_text(r)
  local sides = r.sided == 2 and "two-sided" or "one-sided"
  local alloc = r.ratio == 1 and "1:1" or (num(r.ratio, 2) .. ":1")
  return string.format("a %s log-rank test at the %s significance level (%s method, %s allocation)", sides,
    pct(r.alpha), method_names[r.method] or r.method, alloc)
end

local function assumptions_text(r)
  local parts = {}
  local unit = " " .. (r.unit or "months")
  if r.median_control and r.hr then
    parts[#parts + 1] = string.format("median survival of %s in the control arm and %s in the treatment arm",
      num(r.median_control, 2) .. unit, num(r.median_treatment, 2) .. unit)
  else
    parts[#parts + 1] = r.hr and "the given piecewise-exponential control hazard" or "the given hazards of each arm"
  end
  if r.accrual and r.accrual > 0 then
    if r.accrual_periods then
      parts[#parts + 1] = string.format("piecewise accrual over %s (periods of %s%s at relative rates %s)",
        num(r.accrual, 2) .. unit, r.accrual_periods, unit, r.accrual_rates)
    else
      local shape = r.accrual_shape == 1 and "uniform" or ("shape " .. num(r.accrual_shape, 2))
      parts[#parts + 1] = string.format("%s accrual over %s", shape, num(r.accrual, 2) .. unit)
    end
  else
    parts[#parts + 1] = "all patients enrolled at once"
  end
  parts[#parts + 1] = string.format("%s of further follow-up", num(r.follow_up, 2) .. unit)
  if r.dropout_rate and r.dropout_rate > 0 then
    parts[#parts + 1] = string.format("exponential dropout at a rate of %s per %s", num(r.dropout_rate, 4),
      (r.unit or "months"):gsub("s$", ""))
  else
    parts[#parts + 1] = "no dropout"
  end
  return table.concat(parts, ", ")
end

local function lines(header, rows)
  local out = { header, "" }
  local width = 0
  for _, row in ipairs(rows) do width = math.max(width, #row[1]) end
  for _, row in ipairs(rows) do out[#out + 1] = string.format("  %-" .. width .. "s  %s", row[1], row[2]) end
  return table.concat(out, "\n")
end

function M.events_needed(r)
  local sentence = string.format("A total of %d events (%.1f before rounding up) are needed to detect a hazard "
    .. "ratio of %s with %s power using %s.", r.events, r.events_exact, num(r.hr, 3), pct(r.power),
    test_text(r))
  return lines(sentence, { { "events", tostring(r.events) }, { "events (exact)", num(r.events_exact, 2) },
    { "hazard ratio", num(r.hr, 4) }, { "power", num(r.power, 4) }, { "alpha", num(r.alpha, 4) } })
end

function M.sample_size(r)
  local sentence = string.format("With %s, the probability of an event by the analysis is %s (control %s, "
    .. "treatment %s), so %d patients (%d control, %d treatment) must be enrolled to observe the %d events "
    .. "(%.1f before rounding up) needed to detect %s with %s power using %s.",
    assumptions_text(r), num(r.prob_event, 3), num(r.prob_event_control, 3), num(r.prob_event_treatment, 3),
    r.n, r.n_control, r.n_treatment, r.events, r.events_exact, effect(r), pct(r.power), test_text(r))
  return lines(sentence, { { "patients", string.format("%d (%d control, %d treatment)", r.n, r.n_control,
    r.n_treatment) }, { "events", string.format("%d (%s)", r.events, num(r.events_exact, 2)) },
    { "P(event)", string.format("%s (control %s, treatment %s)", num(r.prob_event, 4), num(r.prob_event_control, 4),
      num(r.prob_event_treatment, 4)) }, { "hazard ratio", num(r.hr, 4) }, { "power", num(r.power, 4) } })
end

function M.power(r)
  local sentence
  if r.n then
    sentence = string.format("With %d patients and %s, about %s events are expected, which gives %s power to "
      .. "detect %s using %s.", r.n, assumptions_text(r), num(r.events, 1), pct(r.power), effect(r), test_text(r))
  else
    sentence = string.format("With %s events, %s has %s power to detect a hazard ratio of %s.",
      num(r.events, 1), test_text(r), pct(r.power), num(r.hr, 3))
  end
  return lines(sentence, { { "power", num(r.power, 4) }, { "events", num(r.events, 2) },
    { "hazard ratio", num(r.hr, 4) } })
end

function M.power_sim(r)
  local level = r.alpha and (" at the " .. pct(r.alpha) .. " level (two-sided)") or ""
  local sentence = string.format("In %d simulated trials (seed %d), %s was significant%s in %d: power %s "
    .. "(Monte Carlo standard error %s).", r.reps, r.seed, r.analysis == "function" and "the analysis function"
    or ("the " .. r.analysis .. " test"), level, r.rejections, num(r.power, 4), num(r.mc_se, 4))
  local rows = { { "power", num(r.power, 4) }, { "mc_se", num(r.mc_se, 4) }, { "reps", tostring(r.reps) },
    { "mean events", num(r.mean_events, 1) }, { "mean patients", num(r.mean_n, 1) } }
  if r.short and r.short > 0 then
    rows[#rows + 1] = { "short", r.short .. " replicates did not reach the event cut-off" }
  end
  return lines(sentence, rows)
end

function M.install()
  for _, kind in ipairs({ "events_needed", "sample_size", "power", "power_sim" }) do
    bind.metatable(kind).__tostring = M[kind]
  end
end

return M
