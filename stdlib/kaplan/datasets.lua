-- Datasets: printing of datasets, columns and their summaries, and the
-- dataset methods written in Lua (d:where with a function, d:rows,
-- d:describe). Every function and method is declared in Swift
-- (Sources/Scripting/Datasets); this file supplies the ones declared
-- without a body through bind.implement, and __tostring through
-- bind.metatable(kind), which bind.finish hands to the userdata types.
local M = {}

local bind = require("kaplan.bind")
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
--- The variable labels of `names` that have one, as lines "  NAME  label"
-- under a "labels:" heading (nothing when none has one).
local function label_lines(names, label_of, indent)
  local width, any = 0, false
  for _, name in ipairs(names) do
    if label_of(name) then width, any = math.max(width, format.width(name)), true end
  end
  if not any then return {} end
  local out = { indent .. "labels:" }
  for _, name in ipairs(names) do
    local l = label_of(name)
    if l then out[#out + 1] = indent .. "  " .. format.pad_right(name, width) .. "  " .. l end
  end
  return out
end

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
  local title = d:label()
  local out = { string.format("dataset: %d rows × %d columns%s", p.nrow, #p.names,
      title and (": " .. title) or ""),
    format.format_table(columns, #p.rows + 1, "", "  ") }
  if p.nrow > #p.rows then out[#out + 1] = string.format("… %d more rows", p.nrow - #p.rows) end
  local labels = d:labels()
  for _, l in ipairs(label_lines(p.names, function(name) return labels[name] end, "")) do out[#out + 1] = l end
  return table.concat(out, "\n")
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

---------------------------------------------------------------------------
-- d:describe()

-- One number of a summary at 4 significant digits, as R's summary prints.
local function stat(x)
  if x == nil then return "NA" end
  if type(x) ~= "number" then return tostring(x) end
  return format.format_column({ x }, 1, 4)[1]
end

local stat_keys = { "mean", "sd", "min", "q1", "median", "q3", "max" }

-- The levels of a string or bool column: all of them in level order when
-- there are at most 6, else the 5 most frequent and the rest together, as
-- R's summary.factor shortens a factor.
local function levels_text(s)
  local levels = s.levels
  local shown = {}
  if #levels <= 6 then
    for i, l in ipairs(levels) do shown[i] = l end
  else
    local order = {}
    for i = 1, #levels do order[i] = i end
    table.sort(order, function(a, b)
      if levels[a].count ~= levels[b].count then return levels[a].count > levels[b].count end
      return a < b
    end)
    local other = 0
    for k, i in ipairs(order) do
      if k <= 5 then shown[k] = levels[i] else other = other + levels[i].count end
    end
    shown[6] = { level = string.format("(%d others)", #levels - 5), count = other }
  end
  local parts = {}
  for i, l in ipairs(shown) do parts[i] = l.level .. " " .. l.count end
  return format.plural(s.n_levels, "level") .. ": " .. table.concat(parts, ", ")
end

-- The lines of one group's summary: a table of the numeric and date
-- columns' statistics; string and bool columns with their levels.
local function describe_lines(columns, indent)
  local numeric = {}
  local w = { #"column", #"type", #"missing" }
  for _, s in ipairs(columns) do
    w[1] = math.max(w[1], format.width(s.name))
    w[2] = math.max(w[2], #s.type + 2)
    w[3] = math.max(w[3], #tostring(s.missing))
    if not s.levels then numeric[#numeric + 1] = s end
  end
  local cells, sw = {}, {}
  for k, key in ipairs(stat_keys) do
    sw[k] = #key
    for _, s in ipairs(numeric) do
      cells[s] = cells[s] or {}
      cells[s][k] = stat(s[key])
      sw[k] = math.max(sw[k], format.width(cells[s][k]))
    end
  end
  local function start(name, ty, missing)
    return indent .. format.pad_right(name, w[1]) .. "  " .. format.pad_right(ty, w[2]) .. "  "
      .. format.pad_left(missing, w[3])
  end
  local header = start("column", "type", "missing")
  if #numeric > 0 then
    for k, key in ipairs(stat_keys) do header = header .. "  " .. format.pad_left(key, sw[k]) end
  end
  local lines = { header }
  for _, s in ipairs(columns) do
    local line = start(s.name, "<" .. s.type .. ">", tostring(s.missing))
    if s.levels then
      line = line .. "  " .. levels_text(s)
    else
      for k in ipairs(stat_keys) do line = line .. "  " .. format.pad_left(cells[s][k], sw[k]) end
    end
    lines[#lines + 1] = line
  end
  local names, label_of = {}, {}
  for _, s in ipairs(columns) do
    names[#names + 1] = s.name
    label_of[s.name] = s.label
  end
  for _, l in ipairs(label_lines(names, function(name) return label_of[name] end, indent)) do
    lines[#lines + 1] = l
  end
  return lines
end

bind.metatable("describe").__tostring = function(r)
  local out = {}
  if r.by then
    out[1] = string.format("Summary of %s by %s", format.plural(r.rows, "row"), r.by)
    for _, g in ipairs(r.groups) do
      out[#out + 1] = ""
      out[#out + 1] = string.format("%s = %s (%s)", r.by, tidy(g.label), format.plural(g.rows, "row"))
      for _, l in ipairs(describe_lines(g.columns, "  ")) do out[#out + 1] = l end
    end
  else
    local g = r.groups[1]
    out[1] = string.format("Summary of %s × %s", format.plural(r.rows, "row"), format.plural(#g.columns, "column"))
    for _, l in ipairs(describe_lines(g.columns, "")) do out[#out + 1] = l end
  end
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- Rows

--- An iterator over read-only row views of d: for i, row in d:rows().
function M.rows(d, ...)
  local cols = M.core.columns(d, ...)
  local names = d:names()
  local n = #d
  local i = 0
  local function read_only() bind.raise("rows are read-only; use d:with{...} to derive columns") end
  return function()
    i = i + 1
    if i > n then return nil end
    local row = {}
    for _, name in ipairs(names) do row[name] = cols[name][i] end
    return i, setmetatable({}, {
      __index = row, __newindex = read_only, __pairs = function() return next, row, nil end,
    })
  end
end

--- d:where(mask | function(row)): the Swift part checks the arguments and
-- filters by a mask; a function is called on each row here.
function M.where(d, cond, ...)
  local filtered = M.core.where_mask(d, cond, ...)
  if filtered then return filtered end
  local keep = {}
  for i, row in M.rows(d) do
    if cond(row) then keep[#keep + 1] = i end
  end
  return d:take(keep)
end

function M.install(kaplan)
  local core = kaplan.core.datasets
  M.core = core

  -- dataset(name) is a callable table, so that dataset.from is its field.
  local bundled = bind.entry("dataset").fn
  bind.implement("dataset", setmetatable({}, { __call = function(_, ...) return bundled(...) end }))

  bind.metatable("datasets").__tostring = function(t)
    local out = {}
    for _, e in ipairs(t) do
      out[#out + 1] = string.format("%-8s %5d × %-3d %s", e.name, e.rows, e.columns, e.description)
    end
    return table.concat(out, "\n")
  end

  require("kaplan.columns").install(kaplan)
  require("kaplan.readers").install(kaplan)
  require("kaplan.grouped").install(kaplan)
  -- min(1, 2), max(1, 2): numbers are Lua's math.min/math.max; a column
  -- name makes the summary for summarise{} (the globals' Swift body).
  for _, name in ipairs({ "min", "max" }) do
    local summary, plain = bind.entry(name).fn, math[name]
    bind.implement(name, function(x, ...)
      if math.type(x) then return plain(x, ...) end
      return summary(x, ...)
    end)
  end
  bind.implement("dataset:where", M.where)
  bind.implement("dataset:rows", M.rows)
  bind.implement("dataset:describe", function(d, ...) return bind.result("describe", core.describe(d, ...)) end)
  bind.metatable("dataset").__tostring = function(d) return M.format(d, core.print_rows(d)) end
  bind.metatable("column").__tostring = function(c) return M.format_column(c) end
  kaplan.datasets = M
end

return M
