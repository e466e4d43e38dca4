-- The tables of a trial report (declared in Swift, Sources/Scripting/ReportTablesLibrary.swift):
-- table1() printed as gtsummary's tbl_summary (n (%), median (Q1, Q3), mean (SD), p-values), and
-- subgroups() as a CONSORT-style subgroup table (n/events per arm, HR (CI), interaction p).
local M = {}

local bind = require("kaplan.bind")
local format = require("kaplan.format")

local function fixed(x, digits)
  if x == nil or x ~= x then return "NA" end
  if x == math.huge then return "Inf" end
  if x == -math.huge then return "-Inf" end
  return string.format("%." .. digits .. "f", x)
end

--- A p-value as tables in trial reports give it: "<0.001", else three decimals.
function M.pvalue(p)
  if p == nil or p ~= p then return "" end
  if p < 0.001 then return "<0.001" end
  return string.format("%.3f", p)
end

local stat_labels = { median_iqr = "median (Q1, Q3)", mean_sd = "mean (SD)" }

local function median_cell(v, c, d) return fixed(v.median[c], d) .. " (" .. fixed(v.q1[c], d) .. ", " ..
  fixed(v.q3[c], d) .. ")" end
local function mean_cell(v, c, d) return fixed(v.mean[c], d) .. " (" .. fixed(v.sd[c], d) .. ")" end

--- The lines of a table1 result.
function M.format_table1(t)
  local ncol = #t.columns
  local d = t.digits
  local label, cells, pcol, tcol = {}, {}, {}, {}
  for c = 1, ncol do cells[c] = {} end
  local function row(text, values, p, test)
    label[#label + 1] = text
    for c = 1, ncol do cells[c][#label] = values and values[c] or "" end
    pcol[#label] = p or ""
    tcol[#label] = test or ""
  end
  local header = {}
  for c, col in ipairs(t.columns) do header[c] = "N = " .. col.n end
  row("", header)
  local used, notes = {}, {}
  for _, v in ipairs(t.variables) do
    local p, test = "", ""
    if v.test and v.test.method then
      p, test = M.pvalue(v.test.p), v.test.method
      used[test] = v.test.title
    end
    if v.test and v.test.note then notes[#notes + 1] = v.label .. ": " .. v.test.note end
    if v.type == "categorical" then
      row(v.label .. ", n (%)", nil, p, test)
      for k, lev in ipairs(v.levels) do
        local values = {}
        for c = 1, ncol do
          local pct = v.percents[k][c]
          values[c] = v.counts[k][c] .. " (" .. (pct and fixed(pct, d) .. "%" or "NA") .. ")"
        end
        row("  " .. lev, values)
      end
    elseif t.continuous == "both" then
      row(v.label, nil, p, test)
      local means, medians = {}, {}
      for c = 1, ncol do means[c], medians[c] = mean_cell(v, c, d), median_cell(v, c, d) end
      row("  Mean (SD)", means)
      row("  Median (Q1, Q3)", medians)
    else
      local values = {}
      for c = 1, ncol do
        values[c] = t.continuous == "mean_sd" and mean_cell(v, c, d) or median_cell(v, c, d)
      end
      row(v.label .. ", " .. stat_labels[t.continuous], values, p, test)
    end
    local any = false
    for c = 1, ncol do any = any or v.missing[c] > 0 end
    if t.missing == "show" or (t.missing == "ifany" and any) then
      local values = {}
      for c = 1, ncol do values[c] = tostring(v.missing[c]) end
      row("  Missing", values)
    end
  end
  local columns = { { "Characteristic", label, left = true } }
  for c, col in ipairs(t.columns) do columns[#columns + 1] = { col.label, cells[c] } end
  if t.tests then
    columns[#columns + 1] = { "p-value", pcol }
    columns[#columns + 1] = { "test", tcol, left = true }
  end
  local out = { format.format_table(columns, #label, "", "  ") }
  local methods = {}
  for _, key in ipairs({ "chisq", "fisher", "wilcoxon", "kruskal" }) do
    if used[key] then methods[#methods + 1] = key .. ": " .. used[key] end
  end
  if #methods > 0 then out[#out + 1] = "Tests: " .. table.concat(methods, "; ") end
  for _, note in ipairs(notes) do out[#out + 1] = "Note: " .. note end
  if (t.n_dropped or 0) > 0 then
    out[#out + 1] = format.plural(t.n_dropped, "row") .. " with a missing " .. t.by .. " left out"
  end
  return table.concat(out, "\n")
end

local function hr_cell(e, digits)
  if not e then return "" end
  return fixed(e.hr, digits) .. " (" .. fixed(e.lower, digits) .. ", " .. fixed(e.upper, digits) .. ")"
end

--- The lines of a subgroups result.
function M.format_subgroups(s)
  local arms = s.arms
  local contrasts = {}
  for k = 2, #arms do contrasts[#contrasts + 1] = arms[k] end
  local label, counts, hrs, pint, notes = {}, {}, {}, {}, {}
  for k = 1, #arms do counts[k] = {} end
  for k = 1, #contrasts do hrs[k] = {} end
  local function add(text, r, p)
    local i = #label + 1
    label[i] = text
    for k = 1, #arms do counts[k][i] = r and (r.n[k] .. "/" .. r.events[k]) or "" end
    for k = 1, #contrasts do
      local e
      for _, x in ipairs(r and r.estimates or {}) do if x.level == contrasts[k] then e = x end end
      if r and #contrasts == 1 then e = r.estimates[1] end
      hrs[k][i] = hr_cell(e, 2)
    end
    pint[i] = p or ""
    if r and r.note then notes[#notes + 1] = (r.variable == "All" and r.level or r.variable .. " = " .. r.level)
      .. ": " .. r.note end
  end
  local rows = s.rows
  add("All patients", rows[1])
  local i = 2
  for _, v in ipairs(s.variables) do
    add(v.label or v.name, nil, v.p and M.pvalue(v.p) or "")
    if v.note then notes[#notes + 1] = v.name .. ": " .. v.note end
    while rows[i] and rows[i].variable == v.name do
      add("  " .. rows[i].level, rows[i])
      i = i + 1
    end
  end
  local columns = { { "Subgroup", label, left = true } }
  for k = 1, #arms do columns[#columns + 1] = { arms[k] .. " n/events", counts[k] } end
  local level = format.level_text(s.conf_level)
  for k = 1, #contrasts do
    local title = #contrasts == 1 and ("HR (" .. level .. " CI)")
      or ("HR " .. contrasts[k] .. " vs " .. arms[1] .. " (" .. level .. " CI)")
    columns[#columns + 1] = { title, hrs[k] }
  end
  columns[#columns + 1] = { "p interaction", pint }
  local head = "Subgroups of " .. s.formula .. ": hazard ratio of " .. s.treatment
  if #contrasts == 1 then head = head .. " " .. arms[2] .. " vs " .. arms[1] end
  head = head .. " (Cox, " .. s.ties .. " ties); interaction: likelihood-ratio test"
  local out = { head, format.format_table(columns, #label, "", "  ") }
  for _, note in ipairs(notes) do out[#out + 1] = "Note: " .. note end
  return table.concat(out, "\n")
end

bind.metatable("table1").__tostring = function(t) return M.format_table1(t) end
bind.metatable("subgroups").__tostring = function(s) return M.format_subgroups(s) end

function M.install(kaplan)
  kaplan.report_tables = M
end

return M
