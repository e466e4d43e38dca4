-- plot(result [, opts]): figures of Kaplan–Meier fits, cumulative
-- incidence and Cox models. This file turns a result into a plot spec
-- (see Sources/Scripting/PlotLibrary.swift); the Plots module renders it.
local M = {}

local lua_keys = { file = true, pvalue = true, hr = true, cause = true, color = true }

--- "p = 0.0042", "p < 0.001", as trial reports print p-values.
function M.format_p(p)
  if p == nil or p ~= p then return "p = NA" end
  if p < 0.001 then return "p < 0.001" end
  if p < 0.01 then return string.format("p = %.4f", p) end
  return string.format("p = %.3f", p)
end

--- "HR 0.58 (95% CI 0.38–0.88)" from a Cox fit's first term (or `term`).
function M.format_hr(fit, term)
  local t
  for _, x in ipairs(fit.terms or {}) do
    if term == nil or x.name == term then t = x; break end
  end
  if not t then error("plot: hr: no term " .. tostring(term) .. " in the Cox model", 3) end
  local level = math.floor((fit.conf_level or 0.95) * 100 + 0.5)
  return string.format("HR %.2f (%d%% CI %.2f–%.2f)", t.hr, level, t.lower, t.upper)
end

-- An array of exactly n numbers: NA (nil, e.g. a confidence limit after the
-- curve reaches 0) becomes NaN, which the renderer treats as undefined.
local function dense(a, n)
  if a == nil then return nil end
  local out = {}
  for i = 1, n do
    local v = a[i]
    out[i] = v == nil and 0 / 0 or v
  end
  return out
end

-- A group's label without "var=" when one variable defines the groups.
local function short_label(label)
  if label:find(",", 1, true) then return label end
  return (label:gsub("^[^=]+=", ""))
end

local function survival_spec(fit, opts)
  local spec = { kind = "survival", series = {} }
  for i, s in ipairs(fit.strata) do
    spec.series[i] = { label = short_label(s.label or ("group " .. i)), time = s.time, value = s.surv,
      lower = dense(s.lower, #s.time), upper = dense(s.upper, #s.time), n_risk = s.n_risk, n_event = s.n_event, n_censor = s.n_censor,
      median = s.median }
  end
  if opts.pvalue == true then
    if #fit.strata < 2 then error("plot: pvalue needs at least two groups", 3) end
    spec.pvalue_text = "Log-rank " .. M.format_p(logrank(fit.data, fit.formula).p)
  elseif type(opts.pvalue) == "table" then
    spec.pvalue_text = (opts.pvalue.kind == "logrank" and "Log-rank " or "") .. M.format_p(opts.pvalue.p)
  elseif opts.pvalue ~= nil and opts.pvalue ~= false then
    error("plot: option 'pvalue' must be true or a test result, got " .. type(opts.pvalue), 3)
  end
  return spec
end

-- A cause given as a number (1) names the cause "1", as cuminc labels codes.
local function cause_name(cause)
  if math.type(cause) == "float" and cause == math.floor(cause) and math.abs(cause) < 2^53 then
    return string.format("%d", cause)
  end
  return cause ~= nil and tostring(cause) or nil
end

local function incidence_spec(ci, opts)
  local cause = cause_name(opts.cause) or ci.causes[1]
  local spec = { kind = "incidence", series = {} }
  for _, c in ipairs(ci.curves) do
    if c.cause == cause then
      spec.series[#spec.series + 1] = { label = short_label(c.group or "all"), time = c.time, value = c.est,
        lower = dense(c.lower, #c.time), upper = dense(c.upper, #c.time), n_risk = c.n_risk, n_event = c.n_event, n_censor = c.n_censor }
    end
  end
  if #spec.series == 0 then
    error("plot: no curves for cause '" .. tostring(cause) .. "' (causes: " .. table.concat(ci.causes, ", ") .. ")", 3)
  end
  if opts.pvalue == true then
    local test
    for _, t in ipairs(ci.tests or {}) do if t.cause == cause then test = t end end
    if not test then error("plot: pvalue needs two or more groups (Gray's test)", 3) end
    spec.pvalue_text = "Gray's test " .. M.format_p(test.p)
  elseif type(opts.pvalue) == "table" then
    spec.pvalue_text = M.format_p(opts.pvalue.p)
  end
  return spec
end

local function forest_spec(fit)
  local rows = {}
  local seen = {}
  for _, t in ipairs(fit.terms) do
    if t.variable and t.reference_level and not seen[t.variable] then
      seen[t.variable] = true
      rows[#rows + 1] = { variable = t.variable, label = t.reference_level, reference = true }
    end
    -- Factor levels are grouped under their variable; numeric terms and
    -- interactions stand alone under their coefficient name.
    rows[#rows + 1] = { variable = t.level and t.variable or nil, label = t.level or t.name, hr = t.hr,
      lower = t.lower, upper = t.upper, p = t.p }
  end
  return { rows = rows, conf_level = fit.conf_level }
end

-- The list field each kind of result must have (a table that only claims
-- a kind is not a result).
local required_field = { km = "strata", cuminc = "curves", cox = "terms", finegray = "terms" }

-- Re-raises an error of a pcall at the caller of plot() (level 3), so the
-- message points at the script's line rather than at this file.
local function raise_at_caller(ok, ...)
  if not ok then error((...), 3) end
  return ...
end

function M.plot(result, opts)
  if type(result) ~= "table" or result.kind == nil then
    error("bad argument #1 to 'plot' (a km, cuminc or cox result expected, got " .. type(result) .. ")", 2)
  end
  local field = required_field[result.kind]
  if field and type(result[field]) ~= "table" then
    error("bad argument #1 to 'plot' (a " .. tostring(result.kind) .. " result expected, but the table has no '"
      .. field .. "' list)", 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #2 to 'plot' (options table expected, got " .. type(opts) .. ")", 2)
  end
  opts = opts or {}
  local render = {}
  for k, v in pairs(opts) do if not lua_keys[k] then render[k] = v end end
  if opts.file ~= nil and type(opts.file) ~= "string" then
    error("plot: option 'file' must be a path string, got " .. type(opts.file), 2)
  end
  local core = M.core
  local out
  if result.kind == "km" then
    local spec = survival_spec(result, opts)
    if opts.hr then spec.hr_text = M.format_hr(opts.hr) end
    out = raise_at_caller(pcall(core.survival, spec, render, opts.file, opts.color))
  elseif result.kind == "cuminc" then
    local spec = incidence_spec(result, opts)
    if opts.hr then spec.hr_text = M.format_hr(opts.hr) end
    out = raise_at_caller(pcall(core.survival, spec, render, opts.file, opts.color))
  elseif result.kind == "cox" then
    out = raise_at_caller(pcall(core.forest, forest_spec(result), render, opts.file))
  elseif result.kind == "finegray" then
    -- A Fine–Gray model's forest plot shows subdistribution hazard ratios.
    local terms = {}
    for i, t in ipairs(result.terms) do terms[i] = setmetatable({ hr = t.shr }, { __index = t }) end
    if render.xlab == nil then render.xlab = "Subdistribution hazard ratio" end
    out = raise_at_caller(pcall(core.forest, forest_spec({ terms = terms, conf_level = result.conf_level }), render, opts.file))
  else
    error("plot: cannot plot a " .. tostring(result.kind) .. " result", 2)
  end
  if opts.file then return out end
  print(out)
end

function M.install(kaplan)
  M.core = kaplan.core.plots
  _G.plot = M.plot
  local options = {
    { "file", "output path (.svg, .png or .pdf; relative to --out); without it, a terminal preview" },
    { "risk_table", "number-at-risk table under the plot (default true)" },
    { "cumulative_events", "rows of cumulative events under the risk table" },
    { "cumulative_censored", "rows of cumulative censorings" },
    { "pvalue", "true: log-rank p (Gray's p for incidence); or a test result to print" },
    { "hr", "a Cox fit: prints \"HR 0.58 (95% CI 0.38–0.88)\" for its first term" },
    { "cause", "cumulative incidence: which cause to draw (default the first)" },
    { "conf_int", "shaded confidence bands" },
    { "censor_marks", "censor marks on the curves (default true)" },
    { "median_lines", "dashed lines to each median" },
    { "title, xlab, ylab", "titles" },
    { "xlim, ylim", "axis ranges {from, to}" },
    { "breaks", "interval between x ticks, e.g. 12" },
    { "percent", "y axis in percent" },
    { "labels, colors", "group names and colours, in group order" },
    { "width, height, font_size", "size in pixels; base font size" },
    { "legend", "legend above the panel (default true)" },
    { "color", "terminal preview in colour (default true)" },
  }
  kaplan.help.doc { name = "plot", fn = M.plot, section = "Plots",
    signature = "plot(result [, opts])",
    summary = "Draws a km or cuminc result (curves with risk table) or a cox or finegray fit (forest plot) to SVG/PNG/PDF, or previews it in the terminal.",
    options = options,
    example = "local fit = km(dataset(\"colon\"), \"Surv(time, status) ~ rx\")\nplot(fit, {file = \"os.svg\", pvalue = true, breaks = 365})" }
end

return M
