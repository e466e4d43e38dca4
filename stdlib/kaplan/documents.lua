-- Documents (declared in Swift, Sources/Scripting/Documents/DocumentLibrary.swift): report{} and its methods,
-- figure() and write_table(). This module turns what a script gives into document blocks, which the Swift
-- bodies keep and write:
--   * text stays text (a paragraph);
--   * a result becomes the tables its printer lays out (format.capture_tables records every
--     format.format_table call while tostring(x) runs) and the lines around them as paragraphs, so a model
--     in a report reads as it prints;
--   * a dataset becomes a table of all its rows, numbers formatted per column as print(d) does;
--   * a figure() result is a figure; r:figure(result, opts) makes one.
local M = {}

local bind = require("kaplan.bind")
local format = require("kaplan.format")

local core                -- kaplan.core
local swift = {}          -- the Swift bodies, by qualified name

-- What a value is, for messages.
local function described(x)
  local kind = bind.kind_of(x)
  if kind then return kind == "dataset" and "a dataset" or ("a " .. kind .. " result") end
  if type(x) == "table" then return "a table not made by a Kaplan function" end
  return type(x)
end

local function raise(fname, argument, message)
  bind.raise(string.format("bad argument #%d to '%s' (%s)", argument, fname, message))
end

-- Consecutive non-blank lines of `text` as paragraphs (line breaks kept).
local function add_paragraphs(blocks, text)
  local lines = {}
  local function flush()
    if #lines > 0 then blocks[#blocks + 1] = { type = "text", text = table.concat(lines, "\n") } end
    lines = {}
  end
  for line in (text .. "\n"):gmatch("(.-)\n") do
    if line:match("^%s*$") then flush() else lines[#lines + 1] = line end
  end
  flush()
end

-- A table laid out by format.format_table as a block.
local function captured_table(t)
  local header, rows, left = {}, {}, {}
  for j, c in ipairs(t.columns) do
    header[j] = tostring(c[1] or "")
    left[j] = c.left and true or false
  end
  for i = 1, t.nrow do
    local row = {}
    for j, c in ipairs(t.columns) do
      local s = c[2][i]
      row[j] = s == nil and "" or tostring(s)
    end
    rows[i] = row
  end
  -- table1 prints "N = 315" under each group in a first row without a label: in a document it goes into the
  -- header cell, on a second line, as gtsummary's header shows it.
  local first = rows[1]
  if first and first[1] == "" then
    local counts = false
    for j = 2, #first do
      if first[j]:match("^N = ") then counts = true elseif first[j] ~= "" then counts = false; break end
    end
    if counts then
      for j = 2, #first do
        if first[j] ~= "" then header[j] = header[j] .. "\n" .. first[j] end
      end
      table.remove(rows, 1)
    end
  end
  return { type = "table", header = header, rows = rows, left = left }
end

--- The blocks of a printed result: its tables, and its other lines as paragraphs.
function M.printed_blocks(x)
  local text, tables = format.capture_tables(tostring, x)
  local blocks, pos = {}, 1
  for _, t in ipairs(tables) do
    local s, e = string.find(text, t.text, pos, true)
    if s then
      add_paragraphs(blocks, text:sub(pos, s - 1))
      blocks[#blocks + 1] = captured_table(t)
      pos = e + 1
    end
  end
  add_paragraphs(blocks, text:sub(pos))
  return blocks
end

--- A dataset as one table block: every row; double columns formatted together at 7 significant digits
-- (as print(d)), other columns as their values print; labels aligned left, numbers right.
function M.dataset_blocks(d)
  local p = core.datasets.preview(d, d:nrow())
  local columns = {}
  for j, name in ipairs(p.names) do
    if p.types[j] == "double" then
      local c, values = d:column(name), {}
      for i = 1, p.nrow do values[i] = c[i] end
      columns[j] = format.format_column(values, p.nrow, 7)
    end
  end
  local rows, left = {}, {}
  for j, t in ipairs(p.types) do left[j] = not (t == "double" or t == "int") end
  for i, row in ipairs(p.rows) do
    local cells = {}
    for j = 1, #p.names do cells[j] = columns[j] and columns[j][i] or row[j] end
    rows[i] = cells
  end
  local header = {}
  for j, name in ipairs(p.names) do header[j] = name end
  return { { type = "table", header = header, rows = rows, left = left } }
end

-- The table blocks of x (a result or a dataset), or an error naming the argument.
local function table_blocks(x, fname, argument)
  local kind = bind.kind_of(x)
  if kind == "dataset" then return M.dataset_blocks(x) end
  if kind and kind ~= "figure" and kind ~= "report" and type(x) == "table" then return M.printed_blocks(x) end
  raise(fname, argument, "a result (table1, subgroups, cox, km, ...) or a dataset expected, got " .. described(x))
end

-- The handle of a figure() result, nil for anything else.
local function figure_handle(x)
  if bind.kind_of(x) ~= "figure" then return nil end
  return (bind.any_handle(x))
end

--- figure(result [, opts]): the Swift body gets the handles, as plot() does.
function M.figure(result, opts)
  local handle = bind.any_handle(result)
  if handle == nil or bind.kind_of(result) == "figure" or bind.kind_of(result) == "report" then
    raise("figure", 1, "km, cuminc, cox, finegray, cox_zph or subgroups result expected, got " .. described(result))
  end
  local function option_handle(key)
    local v = type(opts) == "table" and rawget(opts, key) or nil
    return type(v) == "table" and (bind.any_handle(v)) or nil
  end
  local t, h = swift.figure(handle, opts, option_handle("pvalue"), option_handle("hr"))
  return bind.result("figure", t, h, "figure")
end

local function report_handle(r, method) return bind.handle(r, "report", method) end

--- r:table(x [, opts])
function M.table(r, x, opts)
  local h = report_handle(r, "table")
  swift["report:table"](h, nil, opts, table_blocks(x, "table", 1))
  return r
end

--- r:figure(x [, opts])
function M.add_figure(r, x, opts)
  local h = report_handle(r, "figure")
  local fh = figure_handle(x)
  if fh and opts ~= nil then
    raise("figure", 2, "no options expected with a figure() result (give them to figure()), got " .. type(opts))
  end
  if not fh then fh = bind.any_handle(M.figure(x, opts)) end
  swift["report:figure"](h, fh)
  return r
end

--- r:add(x): as report{} adds an element; `fname`/`where` word the error for report{}.
function M.add(r, x, fname, where)
  if type(x) == "string" then
    swift["report:text"](report_handle(r, "add"), x)
  elseif figure_handle(x) then
    swift["report:figure"](report_handle(r, "add"), figure_handle(x))
  else
    local kind = bind.kind_of(x)
    if kind == "dataset" or (kind and kind ~= "report" and type(x) == "table") then
      swift["report:table"](report_handle(r, "add"), nil, nil, table_blocks(x, fname or "add", 1))
    else
      raise(fname or "add", 1, (where and (where .. " must be") or "expected")
        .. " text, a result, a dataset or a figure(), got " .. described(x)
        .. (where and "" or ""))
    end
  end
  return r
end

--- report{title = ..., element, ...}: the named fields are the options (checked in Swift), the list
-- part the elements, added in order.
function M.report(spec)
  if spec ~= nil and type(spec) ~= "table" then
    raise("report", 1, "table expected ({title = ..., element, ...}), got " .. described(spec))
  end
  if spec ~= nil and bind.kind_of(spec) then
    raise("report", 1, "a table of elements expected ({title = ..., element, ...}), got " .. described(spec))
  end
  local options, n = {}, 0
  for k, v in pairs(spec or {}) do
    if math.type(k) == "integer" and k >= 1 then n = math.max(n, k) else options[k] = v end
  end
  local t, h = swift.report(options)
  local r = bind.result("report", t, h, "report")
  for i = 1, n do
    local x = spec[i]
    if x == nil then raise("report", 1, "element " .. i .. " is nil (a hole in the list)") end
    M.add(r, x, "report", "element " .. i)
  end
  return r
end

--- write_table(x, path [, opts])
function M.write_table(x, path, opts)
  local blocks = table_blocks(x, "write_table", 1)
  return swift.write_table(nil, path, opts, blocks)
end

function M.install(kaplan)
  core = kaplan.core
  for _, name in ipairs({ "figure", "report", "write_table", "report:table", "report:figure", "report:text" }) do
    swift[name] = bind.entry(name).fn
  end
  bind.implement("figure", M.figure)
  bind.implement("report", M.report)
  bind.implement("write_table", M.write_table)
  bind.implement("report:table", M.table)
  bind.implement("report:figure", M.add_figure)
  bind.implement("report:add", function(r, x) return M.add(r, x) end)
  local text, heading, write = bind.entry("report:text").fn, bind.entry("report:heading").fn,
    bind.entry("report:write").fn
  bind.implement("report:text", function(r, s)
    text(report_handle(r, "text"), s)
    return r
  end)
  bind.implement("report:heading", function(r, s, level)
    heading(report_handle(r, "heading"), s, level)
    return r
  end)
  bind.implement("report:write", function(r, path, opts) return write(report_handle(r, "write"), path, opts) end)
  local outline = bind.entry("report:outline").fn
  bind.metatable("report").__tostring = function(r) return outline(report_handle(r, "outline")) end
  bind.metatable("figure").__tostring = function(f)
    return "figure: " .. tostring(f.description) .. (f.caption and (" (\"" .. f.caption .. "\")") or "")
  end
  kaplan.documents = M
end

return M
