/// Lua source shared by the JSON and API fuzzers: `G`, a generator of Lua
/// values driven by the fuzzer's bytes, and `G.pool`, the objects a script
/// meets (bundled datasets, columns, fits and test results, formulas).
///
/// The chunk receives the fuzz program (a loaded chunk) and returns a runner,
/// `runner(hex, trace)`, which sets the input, passed as hex text (a Swift
/// `String` cannot carry invalid UTF-8, a Lua string can), and calls the
/// program with `G`. `G` never crosses into Swift: `LuaHost` would return a
/// table as a copy, without its metatables. Values cover what the
/// hostile review of issue 12 used: NaN, ±inf, huge, subnormal,
/// `math.mininteger`, strings with NUL and invalid UTF-8, sparse tables and
/// tables whose border (`#t`) is 2^40, self-referencing tables, metatables whose metamethods
/// raise or yield, functions that raise, return or yield, and the pool's
/// objects themselves (so methods meet other methods' results).
let fuzzValuesLua = #"""
local program = ...
local input, pos = "", 1
local G = { pool = {} }

function G.start(hex)
  input = hex:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end)
  pos = 1
end

function G.more() return pos <= #input end
function G.byte() local b = input:byte(pos) or 0; pos = pos + 1; return b end
function G.pick(list) return list[G.byte() % #list + 1] end
function G.raw(n) local s = input:sub(pos, pos + n - 1); pos = pos + n; return s end

local specials = { 0/0, -(0/0), math.huge, -math.huge, 1e308, -1e308, 4.9e-324, -4.9e-324,
  2.2250738585072014e-308, 0.0, -0.0, 0.5, 1e-300, 1e300, 2^40, 2^53, 2^63, -2^63, 1e15, 1e200,
  0.95, 1.5, 695.0, 1e-8, 36.5, -1.0 }
local integers = { math.mininteger, math.maxinteger, 0, 1, -1, 2, 3, 5, 10, 100, 1000, 1 << 31,
  1 << 40, -(1 << 40), 65536, 1000000, -5, 36, 1 << 62 }
local strings = { "", "a\0b", "\0", "\xe9t\xe9", "\xff\xfe\xfd", "\xed\xa0\x80", "NA", "x", "time",
  "status", "start", "stop", "event", "arm", "age", "sex", "trt", "id", "first_event", "os_months",
  "Surv(time, status) ~ x", "Surv(time, status) ~ 1", "Surv(time, status) ~ strata(x)",
  "Surv(start, stop, event) ~ age + transplant", "Surv(os_months, os_event) ~ arm + age",
  "Surv(pfs_months, first_event) ~ arm", "Surv(time, status) ~ x + cluster(x)",
  "Surv(time, status) ~ x * x", "hepatic", "death", "censored", "Maintained",
  "out.svg", "out.csv", "out.json", "sub/out.svg", "../escape.csv", "/etc/passwd", ".",
  "%s%d%n", "%", "(", "[", string.rep("a", 300), "aml", "lung", "colon", "veteran", "heart",
  "myeloid", "clocc", "log", "log-log", "plain", "arcsin", "logit", "none", "efron", "breslow",
  "exact", "holm", "bh", "bonferroni", "wald", "score", "lr", "double", "int", "string", "date",
  "bool", "2004-03-01", "01/03/2004", "%d/%m/%Y", "\n", "\r\n", "kaplan", "1e999", "-0" }
local keys = { "conf_type", "conf_level", "ties", "file", "title", "cause", "levels", "by",
  "weights", "extend", "at", "times", "strata", "init", "max_iter", "robust", "cluster",
  "risk_table", "pvalue", "width", "height", "xlab", "ylab", "xlim", "ylim", "color", "colors",
  "legend", "forest", "type", "types", "delimiter", "missing", "skip", "comment", "date_format",
  "adjust", "rho", "n", "reference", "censor", "cengroup", "tau", "probs", "method", "hr",
  "variance", "tests", "name", "format", "rows", "columns", "trend", "eps", "iter_max" }
-- survsplit, landmark, tmerge (issue 15)
for _, k in ipairs{ "cut", "episode", "zero", "start", "stop", "event", "id", "tstart", "tstop", "tstart_name",
  "tstop_name", "delay", "na_rm", "tdcstart", "time" } do keys[#keys + 1] = k end
-- column functions, joins, summaries and reshaping (issue 15): their option keys, values and transform formulas
for _, k in ipairs{ "how", "suffix", "relationship", "na_matches", "right", "include_lowest", "dig_lab", "replace",
  "names_from", "values_from", "names_to", "values_to", "cols", "strict", "sep", "ties", "center", "pattern",
  "default", "which", "tt", "keep", "left", "right" } do keys[#keys + 1] = k end
for _, k in ipairs{ "left", "inner", "full", "anti", "semi", "one_to_one", "many_to_one", "one_to_many",
  "many_to_many", "never", "average", "first", "%d+", "(%w+)", "Surv(time, status) ~ ns(x, df = 2) + log(time)",
  "Surv(time, status) ~ bs(x, degree = 2) + poly(x, 2)", "Surv(time, status) ~ tt(x)",
  "Surv(time, status == 1) ~ I(x^2) + sqrt(abs(x))", "Surv(time, status) ~ pspline(x, df = 3)",
  "Surv(time, status) ~ pspline(x, theta = 0.5, nterm = 4) + strata(g)" } do strings[#strings + 1] = k end
-- table1, subgroups (issue 18)
for _, k in ipairs{ "vars", "labels", "continuous", "overall", "digits", "treatment", "median_iqr", "mean_sd",
  "both", "ifany", "show", "hide", "categorical", "continuous" } do keys[#keys + 1] = k; strings[#strings + 1] = k end
-- events_needed, sample_size, power, simulate_trial, power_sim (issue 21)
for _, k in ipairs{ "alpha", "power", "ratio", "sided", "median_control", "median_treatment", "hazard_control",
  "hazard_treatment", "surv_at", "accrual", "follow_up", "dropout", "arms", "cure", "events", "seed", "design",
  "analysis", "reps", "gamma", "rates", "cuts", "hazard", "median", "duration", "shape", "prob", "rate",
  "schoenfeld", "freedman", "lakatos", "logrank", "fh", "control", "treatment" } do
  keys[#keys + 1] = k; strings[#strings + 1] = k
end

-- survreg (issue 20)
for _, k in ipairs{ "dist", "scale", "tol", "p", "se" } do keys[#keys + 1] = k end
for _, k in ipairs{ "weibull", "exponential", "lognormal", "loglogistic", "gaussian", "logistic", "extreme",
  "quantile", "response", "lp", "Surv(time, time, type = \"interval2\") ~ x" } do strings[#strings + 1] = k end
-- flexsurv, parametric_compare (issue 20)
for _, k in ipairs{ "k", "anc", "times", "dists", "km", "horizon", "type" } do keys[#keys + 1] = k end
for _, k in ipairs{ "gompertz", "gengamma", "spline", "hazard", "odds", "normal", "survival", "cumhaz", "rmst",
  "mean", "~ x" } do strings[#strings + 1] = k end

local metas = {
  { __index = function() error("fuzz: __index raises") end },
  { __index = function() return 1 end },
  { __len = function() return 1 << 40 end },
  { __len = function() return 0/0 end },
  { __len = function() error("fuzz: __len raises") end },
  { __pairs = function() error("fuzz: __pairs raises") end },
  { __pairs = function(t) return function() return nil end, t, nil end },
  { __tostring = function() return {} end },
  { __tostring = function() error("fuzz: __tostring raises") end },
  { __name = "kaplan.dataset" },
  { __newindex = function() error("fuzz: __newindex raises") end },
  { __index = function() coroutine.yield(1) end },
  { __eq = function() error("fuzz: __eq raises") end, __lt = function() error("fuzz: __lt raises") end },
  { __gc = function() error("fuzz: __gc raises") end },
  { __call = function(...) return ... end },
  { __concat = function() return {} end, __add = function() return 0/0 end },
}

local functions = {
  function() return nil end,
  function(...) return ... end,
  function() error("fuzz: a callback raises") end,
  function() error(setmetatable({}, { __tostring = function() error("fuzz: nested") end })) end,
  function() return true end,
  function() return false end,
  function() return 0/0 end,
  function() coroutine.yield(1) end,
  function() return G.value(2) end,
}

function G.value(depth)
  depth = depth or 0
  local k = G.byte() % (depth > 3 and 9 or 21)
  if k == 0 then return nil
  elseif k == 1 then return G.byte() % 2 == 0
  elseif k == 2 then return G.pick(specials)
  elseif k == 3 then return G.pick(integers)
  elseif k == 4 then local s = G.raw(8); return #s == 8 and (string.unpack("<d", s)) or 0.0
  elseif k == 5 then local s = G.raw(8); return #s == 8 and (string.unpack("<i8", s)) or 0
  elseif k == 6 then return G.byte() - 128
  elseif k == 7 then return G.pick(strings)
  elseif k == 8 then return G.raw(G.byte() % 24)
  elseif k == 9 or k == 10 then
    local t, n = {}, G.byte() % 8
    for i = 1, n do t[i] = G.value(depth + 1) end
    return t
  elseif k == 11 then
    local t = {}
    for _ = 1, G.byte() % 4 + 1 do t[G.pick(keys)] = G.value(depth + 1) end
    return t
  elseif k == 12 then
    local t, n, scale = {}, G.byte() % 48, G.pick(specials)
    for i = 1, n do t[i] = (G.byte() % 32) * scale end
    return t
  elseif k == 13 then
    if G.byte() % 2 == 0 and not G.skip_borders then
      -- A border (#t, lua_rawlen) of 2^k: keys 2^k, 2^(k-1), ..., 1,
      -- inserted from the top so that they stay in the hash part, where
      -- the length operator's doubling search finds 2^k.
      local top = G.pick({ 1 << 40, 1 << 31, 1 << 24, 1 << 62 })
      local t = {}
      t[top] = G.value(depth + 1)
      local j = top // 2
      while j >= 1 do t[j] = 1; j = j // 2 end
      return t
    end
    local t = { G.value(depth + 1), G.value(depth + 1) }
    t[G.pick({ 1 << 40, 1 << 31, 2^53, 1000000, math.maxinteger, math.mininteger, -1, 0, 3.5, 4 })] = 1
    return t
  elseif k == 14 then return G.pick(functions)
  elseif k == 15 or k == 16 then return G.pick(G.pool)
  elseif k == 17 then return setmetatable({ G.value(depth + 1) }, G.pick(metas))
  elseif k == 18 then local t = { 1 }; t[2] = t; t.self = t; return t
  elseif k == 19 then
    local n = G.byte() % 8
    local t = {}
    for i = 1, n do t[#t + 1] = G.pick(strings) end
    return t
  else
    local t = {}
    for _ = 1, G.byte() % 4 do
      local key = G.value(depth + 1)
      if key ~= nil and key == key then t[key] = G.value(depth + 1) end
    end
    return t
  end
end

-- The objects of a script: each made under pcall, so that a library that
-- fails to build one leaves it out rather than stopping the fuzzer.
local function add(f, ...)
  local ok, v = pcall(f, ...)
  if ok and v ~= nil then G.pool[#G.pool + 1] = v end
  return ok and v or nil
end
local aml = add(dataset, "aml")
add(dataset, "heart")
local clocc = add(dataset, "clocc")
add(dataset.from, { time = { 1, 2, 3, 4 }, status = { 1, 0, 1, 1 }, g = { "a", "b", "a", "b" } })
add(dataset.from, { x = { math.mininteger, 0/0, math.huge, 4.9e-324 }, s = { "a\0b", "\xff", "", "NA" } })
if aml then
  add(function() return aml.time end)
  add(function() return aml.x end)
  add(km, aml, "Surv(time, status) ~ x")
  add(cox, aml, "Surv(time, status) ~ x")
  add(logrank, aml, "Surv(time, status) ~ x")
  if rawget(_G, "survreg") then add(survreg, aml, "Surv(time, status) ~ x") end
  if rawget(_G, "flexsurv") then
    add(flexsurv, aml, "Surv(time, status) ~ x", { dist = "spline", k = 1 })
    add(parametric_compare, aml, "Surv(time, status) ~ 1", { dists = { "weibull", "gompertz" } })
  end
end
if clocc then
  add(cuminc, clocc, "Surv(pfs_months, first_event) ~ arm")
  add(pairwise_logrank, clocc, "Surv(os_months, os_event) ~ who_ps")
end
add(date, "2004-03-01")
-- NA (issue 15) and columns with NA holes, for the column functions.
if rawget(_G, "NA") then
  add(function() return NA end)
  add(dataset.from, { y = { 1, NA, -3, NA }, b = { true, NA, false, true }, s = { "a", NA, "b", "a" } })
end
add(function() return "Surv(time, status) ~ x" end)
-- Groups for g:with (a function per group), and the formula forms of the issue 15 review.
if aml then add(function() return aml:group_by({ "x" }) end) end
add(function() return "Surv(time, status >= 1) ~ . - x + I(time > 10)" end)
add(function() return { 1, 2, 3 } end)
return function(hex, trace, skip_borders)
  G.start(hex)
  G.trace = trace
  G.skip_borders = skip_borders
  return program(G)
end
"""#
