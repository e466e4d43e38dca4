-- Datasets: reading, bundled data, printing and the Lua-side helpers of
-- the dataset and column types (the types themselves live in Swift).
local M = {}

local format = require("kaplan.format")

-- Whole doubles print without ".0" (3 rather than 3.0), as R prints them.
local function tidy(s)
  return (s:gsub("^(%-?%d+)%.0$", "%1"))
end

-- Cells of the shown rows of each double column, as R's print.data.frame
-- shows a numeric column: together at 7 significant digits (13.14168, not
-- 13.141683778234086). Other columns keep the preview's text.
local function number_cells(d, p)
  local cells = {}
  for j, t in ipairs(p.types) do
    if t == "double" then
      local c, values = d:column(p.names[j]), {}
      for i = 1, #p.rows do values[i] = c[i] end
      cells[j] = format.format_column(values, #p.rows, 7)
    end
  end
  return cells
end

-- A cell cut to `width` characters, the last one an ellipsis.
local function fmt_cell(s, width)
  if (utf8.len(s) or #s) > width then return s:sub(1, (utf8.offset(s, width) or width) - 1) .. "…" end
  return s
end

--- A tidy preview: dimensions, column types and the first rows; numbers
-- right-aligned, as R prints a data frame; cells cut at 24 characters.
function M.format(d, n)
  n = n or 10
  local p = M.core.preview(d, n)
  local numbers = number_cells(d, p)
  local columns = {}
  for j, name in ipairs(p.names) do
    local t = p.types[j]
    local cells = { "<" .. t .. ">" }
    for i, row in ipairs(p.rows) do cells[i + 1] = fmt_cell(numbers[j] and numbers[j][i] or row[j], 24) end
    columns[j] = { fmt_cell(name, 24), cells, left = not (t == "double" or t == "int") }
  end
  local out = { string.format("dataset: %d rows × %d columns", p.nrow, #p.names),
    format.format_table(columns, #p.rows + 1, "", "  ") }
  if p.nrow > #p.rows then out[#out + 1] = string.format("… %d more rows", p.nrow - #p.rows) end
  return table.concat(out, "\n")
end

--- describe(): per-column summary as a printable table.
local describe_mt = {}
describe_mt.__index = describe_mt
describe_mt.__tostring = function(self)
  local out = {}
  local function num(x)
    if x == nil then return "NA" end
    if type(x) == "number" then return format.format_value(x) end
    return tidy(tostring(x))
  end
  for _, s in ipairs(self) do
    local line = string.format("%-14s <%s>  missing %d", s.name, s.type, s.missing)
    if s.type == "string" or s.type == "bool" then
      local parts = {}
      for _, l in ipairs(s.levels) do parts[#parts + 1] = l.level .. " " .. l.count end
      line = line .. ":  " .. table.concat(parts, ", ")
    elseif s.min then
      line = line .. string.format(":  min %s  median %s  max %s", num(s.min), num(s.median), num(s.max))
    end
    out[#out + 1] = line
  end
  return table.concat(out, "\n")
end

function M.install(kaplan)
  local core = kaplan.core.datasets
  M.core = core
  local doc = kaplan.help.doc

  -- The Swift functions are bound directly, so errors point at the script's line.
  _G.read_csv = core.read_csv
  doc { name = "read_csv", fn = _G.read_csv, section = "Datasets",
    signature = "read_csv(path [, opts])",
    summary = "Reads a CSV/TSV file into a dataset; returns nil, message when the file is missing or malformed.",
    options = {
      { "delimiter", "one character (default from the extension: .tsv is tab, else comma)" },
      { "missing", "strings read as NA (default {\"\", \"NA\", \"NaN\", \".\"})" },
      { "types", "column types to force, e.g. {id = \"string\", dose = \"double\"}" },
      { "levels", "level order of string columns, e.g. {arm = {\"systemic\", \"combined\"}}" },
      { "date_format", "format of date columns, e.g. \"%d/%m/%Y\" (ISO is always recognised)" },
      { "skip", "lines to skip before the header" },
      { "comment", "prefix of comment lines to skip, e.g. \"#\"" },
    },
    example = "local d = assert(read_csv(\"trial.csv\", {date_format = \"%d/%m/%Y\"}))\nprint(d)" }

  _G.write_csv = core.write_csv
  doc { name = "write_csv", fn = _G.write_csv, section = "Datasets",
    signature = "write_csv(d, path)",
    summary = "Writes a dataset as CSV (NA as NA, dates ISO); the path is relative to --out.",
    example = "write_csv(dataset(\"aml\"), \"aml.csv\")" }

  local dataset_fn = setmetatable({ from = core.from }, {
    __call = function(_, name) return core.bundled(name) end })
  _G.dataset = dataset_fn
  doc { name = "dataset", fn = dataset_fn, section = "Datasets",
    signature = "dataset(name)",
    summary = "Loads a bundled dataset (datasets() lists them): colon, lung, veteran, aml, myeloid, heart, and the synthetic trial clocc.",
    example = "local lung = dataset(\"lung\")\nprint(#lung, lung:names())" }
  doc { name = "dataset.from", fn = core.from, section = "Datasets",
    signature = "dataset.from{col = {...}, ...}",
    summary = "Builds a dataset from Lua arrays or columns (named columns sorted by name; {{name, values}, ...} keeps order).",
    example = "local d = dataset.from{{\"time\", {5, 8, 12}}, {\"event\", {1, 0, 1}}}" }

  function _G.datasets()
    local list = core.list()
    return setmetatable(list, { __tostring = function(t)
      local out = {}
      for _, e in ipairs(t) do
        out[#out + 1] = string.format("%-8s %5d × %-3d %s", e.name, e.rows, e.columns, e.description)
      end
      return table.concat(out, "\n")
    end })
  end
  doc { name = "datasets", fn = _G.datasets, section = "Datasets",
    signature = "datasets()",
    summary = "Lists the bundled datasets with their size and a one-line description.",
    example = "print(datasets())" }

  _G.date = core.date
  doc { name = "date", fn = core.date, section = "Datasets",
    signature = "date(text [, format])",
    summary = "A calendar date: date(\"2004-03-01\") or date(\"01/03/2004\", \"%d/%m/%Y\"). a - b gives days.",
    example = "local cutoff = date(\"2012-06-30\")\nprint(cutoff - date(\"2002-01-01\"))" }
  _G.months_between = core.months_between
  doc { name = "months_between", fn = core.months_between, section = "Datasets",
    signature = "months_between(a, b)",
    summary = "Months from a to b for date columns or dates: (b - a) in days / 30.4375.",
    example = "d = d:with{ os_months = months_between(d.randomized, d.last_seen) }" }
  _G.years_between = core.years_between
  doc { name = "years_between", fn = core.years_between, section = "Datasets",
    signature = "years_between(a, b)",
    summary = "Years from a to b for date columns or dates: (b - a) in days / 365.25.",
    example = "d = d:with{ age = years_between(d.born, d.randomized) }" }

  core.extend("dataset", {
    where = M.where,
    rows = M.method("dataset", "d", "rows", M.rows),
    describe = M.method("dataset", "d", "describe", M.describe),
    __tostring = function(d) return M.format(d) end,
  })
  core.extend("column", {
    __tostring = M.format_column,
  })
  kaplan.datasets = M
  -- Documentation of the methods (they are called as d:method(...)).
  local methods = {
    { "d:names()", "Column names, in order." },
    { "d:types()", "Column name → type (double, int, string, bool, date)." },
    { "d:head([n]) / d:tail([n])", "The first / last n rows (default 6) as a dataset; a negative n keeps all but the last / first -n rows (R's head(d, -n))." },
    { "d:describe()", "Per-column summary: type, missing count, min/median/max or level counts." },
    { "d:with{name = expr, ...}", "A new dataset with columns added or replaced (columns, arrays or scalars)." },
    { "d:where(mask | function(row))", "Rows where a bool column is true (NA drops the row), or the function returns true." },
    { "d:select{...} / d:drop{...}", "Keep / remove columns by name." },
    { "d:sort{\"arm\", \"-age\"}", "Rows sorted by keys; a leading - sorts descending; NA last." },
    { "d:rows()", "Iterator over read-only row views: for i, row in d:rows() do ... end" },
    { "d:split(\"arm\")", "Label → dataset per level, in level order (iterate with ipairs for order)." },
    { "d:count{\"arm\", \"sex\"}", "A cross-tab as a dataset with a count column n." },
    { "d:relevel(\"arm\", \"systemic\")", "Makes a level the reference (first) level." },
    { "d:levels(\"arm\" [, {...}])", "The levels of a string column, or a dataset with them in the given order." },
    { "#d, d.col, d[\"col\"]", "Rows; a column object." },
    { "c[i], #c", "Value i (NA is nil); length." },
    { "c:sum() c:mean() c:min() c:max() c:median() c:quantile(p)", "Summaries ignoring NA (quantile: R type 7)." },
    { "c:levels() c:count() c:is_missing() c:values()", "Levels; level → count; NA mask; all values as an array." },
    { "c + - * / x, -c", "Element-wise arithmetic with columns or numbers; NA propagates." },
    { "c:eq(x) c:ne(x) c:lt(x) c:le(x) c:gt(x) c:ge(x)", "Element-wise comparisons giving bool columns (Lua's == and < cannot)." },
    { "a & b, a | b, ~a", "Element-wise and, or, not of bool columns (three-valued with NA)." },
  }
  doc { name = "dataset methods", section = "Datasets",
    signature = "d:method(...)",
    summary = "Datasets are immutable: every method returns a new dataset.",
    options = methods,
    example = "local lung = dataset(\"lung\")\nlocal old = lung:where(lung.age:ge(65))\nprint(old:describe())" }
end

--- The Lua-side methods of datasets (where with a function, rows, describe, printing).
-- A value's type as messages name it (Kaplan's userdata by their names).
local function type_name(v)
  if M.core.is_dataset(v) then return "dataset" end
  if M.core.is_column(v) then return "column" end
  if M.core.is_date(v) then return "date" end
  return type(v)
end

-- Re-raises an error of a pcall at the caller of where() (level 3), so the
-- message points at the script's line rather than at this file.
local function raise_at_caller(ok, ...)
  if not ok then error((...), 3) end
  return ...
end

--- The message of a method called with a wrong self, as the Swift methods
-- word it (LuaCall.argumentError), with the fix: `d.rows(5)` or `d.rows()`
-- (a dot instead of a colon) passes 5 or nothing as self.
function M.bad_self(kind, var, name, self)
  return string.format("calling '%s' on bad self (%s expected, got %s; call it as %s:%s(...))",
    name, kind, type_name(self), var, name)
end

--- Wraps a Lua-side method of `kind` ("dataset" or "column"; `var` is the
-- name the hint uses, d or c) so that a wrong self is a clear error at the
-- caller's line rather than an internal one inside this file.
function M.method(kind, var, name, fn)
  local is_kind = kind == "dataset" and M.core.is_dataset or M.core.is_column
  return function(self, ...)
    if not is_kind(self) then error(M.bad_self(kind, var, name, self), 2) end
    return fn(self, ...)
  end
end

function M.where(d, cond)
  if not M.core.is_dataset(d) then error(M.bad_self("dataset", "d", "where", d), 2) end
  if type(cond) == "function" then
    local keep = {}
    for i, row in M.rows(d) do
      if cond(row) then keep[#keep + 1] = i end
    end
    return d:take(keep)
  end
  if not M.core.is_column(cond) then
    error("bad argument #1 to 'where' (bool column or function expected, got " .. type_name(cond) .. ")", 2)
  end
  return (raise_at_caller(pcall(d.where_mask, d, cond)))  -- not a tail call: keeps the levels
end

function M.rows(d)
  local cols = d:columns()
  local names = d:names()
  local n = #d
  local i = 0
  return function()
    i = i + 1
    if i > n then return nil end
    local row = {}
    for _, name in ipairs(names) do row[name] = cols[name][i] end
    return i, setmetatable({}, {
      __index = row,
      __newindex = function() error("rows are read-only; use d:with{...} to derive columns", 2) end,
      __pairs = function() return next, row, nil end,
    })
  end
end

--- A column prints its name, type, length and first values; numbers of a
-- double column together at 7 significant digits, as R prints a vector.
function M.format_column(c)
  local n = #c
  local shown = math.min(n, 12)
  local parts = {}
  if c:type() == "double" then
    local values = {}
    for i = 1, shown do values[i] = c[i] end
    parts = format.format_column(values, shown, 7)
  end
  for i = 1, shown do
    local v = c[i]
    if parts[i] then -- formatted above
    elseif v == nil then parts[i] = "NA"
    elseif type(v) == "string" then parts[i] = string.format("%q", v)
    else parts[i] = tostring(v) end
  end
  local more = n > 12 and string.format(", … (%d more)", n - 12) or ""
  return string.format("column %s <%s> [%d]: %s%s", c:name(), c:type(), n, table.concat(parts, ", "), more)
end

function M.describe(d)
  return setmetatable(M.core.describe(d), describe_mt)
end

return M
