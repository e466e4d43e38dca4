-- Number and table formatting for every printing module of the stdlib
-- (survival.lua, cox.lua, competing.lua, datasets.lua, show.lua): numbers
-- as R prints them, p-values as R's format.pval, and plain-text tables.
-- Pure functions; no state.
--
-- R's rules reproduced here (R 4.2, src/main/format.c formatReal and
-- scientific, src/library/base/R/format.R format.pval) are described in
-- each function. The tests (Tests/ScriptingTests/FormatModuleTests.swift)
-- compare with strings printed by R itself: scripts/fixtures/format.R writes
-- Tests/Fixtures/format/format.json.
local M = {}

--- True for a missing value: nil or NaN.
function M.is_na(x) return x == nil or x ~= x end

local is_na = M.is_na

local function is_finite(x)
  return type(x) == "number" and x == x and x ~= math.huge and x ~= -math.huge
end

-- R's table of exact powers of ten ends at 1e22; past it R does not look
-- for the widening described in `scientific`.
local KP_MAX = 22

--- How R sees one finite number at `digits` significant digits (R's
-- `scientific()`): whether it is negative, its decimal exponent once
-- rounded, the significant digits left after trailing zeros are dropped,
-- and whether rounding to `digits` raised it to the next power of ten while
-- fixed notation would not (9996 at 3 digits: 1.00e+04 but "9996").
--
-- R scales |x| by a power of ten in long double and rounds to an integer;
-- here C's "%.*e" rounds the exact binary value, which agrees except when
-- the long double scaling itself lands on a tie (not seen in the tests).
function M.scientific(x, digits)
  if x == 0 then return false, 0, 1, false end
  local r = math.abs(x)
  local mantissa, exponent = string.format("%." .. (digits - 1) .. "e", r):match("^([%d%.]+)e([-+]%d+)$")
  local significant = mantissa:gsub("%.", ""):gsub("0+$", "")
  local kpower = tonumber(exponent)
  local rgt = math.min(math.max(digits - kpower, 0), KP_MAX)
  local widens = kpower > 0 and kpower <= KP_MAX and r < 10.0 ^ kpower - 0.5 / 10.0 ^ rgt
  return x < 0, kpower, math.max(#significant, 1), widens
end

local scientific = M.scientific

--- R's formatReal: the common layout of values[1..n] at `digits`
-- significant digits. Returns `decimals` and `sci`: fixed notation with
-- `decimals` digits after the point when it is no wider than scientific
-- notation with `decimals` digits in the mantissa, else scientific (`sci`
-- true). Each value is given the digits it needs, up to `digits`, and the
-- column the most any value needs. Non-finite values (NA, NaN, Inf) do
-- not take part; when no value is finite the layout is fixed, 0 decimals.
function M.layout(values, n, digits)
  local any, neg = false, 0
  local rgt, mxl, mnl, mxsl, mxns = 0, -math.huge, math.huge, 1, 1
  for i = 1, n do
    local x = values[i]
    if is_finite(x) then
      any = true
      local negative, kpower, nsig, widens = scientific(x, digits)
      local left = kpower + 1
      if widens then left = left - 1 end
      local sign = negative and 1 or 0
      if negative then neg = 1 end
      rgt = math.max(rgt, nsig - left)
      mxl, mnl = math.max(mxl, left), math.min(mnl, left)
      mxsl = math.max(mxsl, sign + (left <= 0 and 1 or left))
      mxns = math.max(mxns, nsig)
    end
  end
  if not any then return 0, false end
  if mxl < 0 then mxsl = 1 + neg end
  local fixed_width = mxsl + rgt + (rgt ~= 0 and 1 or 0)
  local exponent_digits = (mxl > 100 or mnl <= -99) and 3 or 2
  local sci_width = neg + (mxns > 1 and 1 or 0) + (mxns - 1) + 3 + exponent_digits
  if fixed_width <= sci_width then return rgt, false end
  return mxns - 1, true
end

--- One value in a layout from `M.layout`; nil and NaN are `na` (default
-- "NA"), infinities "Inf" and "-Inf". Negative zero prints as 0, as in R.
function M.encode(x, decimals, sci, na)
  if is_na(x) then return na or "NA" end
  if x == math.huge then return "Inf" elseif x == -math.huge then return "-Inf" end
  if x == 0 then x = 0.0 end
  return string.format("%." .. decimals .. (sci and "e" or "f"), x)
end

local encode = M.encode

--- values[1..n] formatted as R's format(x, digits = digits) formats a
-- numeric vector (default 7 digits, R's getOption("digits")), without the
-- padding to a common width (tables pad). NA (nil or NaN) is `na`.
function M.format_column(values, n, digits, na)
  local decimals, sci = M.layout(values, n, digits or 7)
  local out = {}
  for i = 1, n do out[i] = encode(values[i], decimals, sci, na) end
  return out
end

--- One number as R's format(x, digits = digits) (default 7).
function M.format_number(x, digits)
  return M.format_column({ x }, 1, digits or 7)[1]
end

--- A single Lua value as R's print() shows a number at its default 7
-- significant digits: 13.14168, 1e-20, 1e+05, 0.1; integers (Lua's
-- integer subtype, R's integer type) in full; NaN, Inf and -Inf by name.
function M.format_value(x)
  if math.type(x) == "integer" then return string.format("%d", x) end
  if type(x) ~= "number" then return tostring(x) end
  if x ~= x then return "NaN" end
  return M.format_number(x, 7)
end

-- R's .Machine$double.eps, the default floor of format.pval.
local DOUBLE_EPS = 2.220446049250313e-16

--- p-values as R's format.pval(pv, digits, eps, na.form) formats them
-- (defaults: digits 5, as R's max(1, getOption("digits") - 2); eps 2^-52;
-- na "NA"): values from 1e-3 up (1e-4 up when digits > 1) are formatted
-- together, smaller ones together, each group as format(p, digits); values
-- below eps print as "<" and eps at digits - 2 (at least 1), with a space
-- unless that is one digit and the other values are at most 6 wide.
-- Returns the strings without R's padding to a common width.
function M.format_pvals(values, n, digits, eps, na)
  digits, eps = digits or 5, eps or DOUBLE_EPS
  local fixp, small, below = {}, {}, false
  for i = 1, n do
    local p = values[i]
    if not is_na(p) then
      if p < eps then below = true
      else
        local expo = math.floor(math.log(p > 0 and p or 1e-50, 10))
        local group = (expo >= -3 or (expo == -4 and digits > 1)) and fixp or small
        group[#group + 1] = i
      end
    end
  end
  local out, width = {}, 0
  for _, group in ipairs({ fixp, small }) do
    local ps = {}
    for k, i in ipairs(group) do ps[k] = values[i] end
    local cells = M.format_column(ps, #group, digits)
    for k, i in ipairs(group) do
      out[i] = cells[k]
      width = math.max(width, #cells[k])
    end
  end
  if below then
    local d = math.max(1, digits - 2)
    local sep
    if #fixp + #small > 0 then
      if d > 1 and d + 6 > width then d = math.max(1, width - 7) end
      sep = (d == 1 and width <= 6) and "" or " "
    else
      sep = d == 1 and "" or " "
    end
    local text = "<" .. sep .. M.format_number(eps, d)
    for i = 1, n do
      if not is_na(values[i]) and values[i] < eps then out[i] = text end
    end
  end
  for i = 1, n do
    if is_na(values[i]) then out[i] = na or "NA" end
  end
  return out
end

--- One p-value as R's format.pval(p, digits) (see M.format_pvals): with
-- digits 3, 0.0499 prints "0.0499", 5e-05 "5e-05", 1e-20 "<2e-16".
function M.format_pval(p, digits, eps)
  return M.format_pvals({ p }, 1, digits, eps)[1]
end

--- A confidence level as a percentage: 0.95 -> "95%", 0.975 -> "97.5%".
function M.level_text(level)
  local pct = level * 100
  local whole = math.floor(pct + 0.5)
  if math.abs(pct - whole) < 1e-9 then return string.format("%d%%", whole) end
  return string.format("%g%%", pct)
end

-- Code point ranges a terminal draws two columns wide (Unicode's East Asian
-- Wide and Fullwidth, UAX #11: CJK ideographs, kana, Hangul, fullwidth
-- forms, wide emoji) and zero wide (combining marks), as wcwidth() counts.
local wide_ranges = {
  { 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF },
  { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 },
  { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 },
  { 0x1F300, 0x1F64F }, { 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
}
local zero_ranges = { { 0x0300, 0x036F }, { 0x200B, 0x200F }, { 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F } }

local function in_ranges(c, ranges)
  for _, r in ipairs(ranges) do
    if c < r[1] then return false end
    if c <= r[2] then return true end
  end
  return false
end

--- The columns s takes in a terminal: a wide (CJK) character counts 2, a
-- combining mark 0, others 1; invalid UTF-8 counts its bytes. Every table
-- printer pads with this, so Japanese or Chinese labels line up.
function M.width(s)
  if not utf8.len(s) then return #s end
  local w = 0
  for _, c in utf8.codes(s) do
    if c < 0x300 then
      w = w + 1
    elseif in_ranges(c, zero_ranges) then
      w = w + 0
    elseif in_ranges(c, wide_ranges) then
      w = w + 2
    else
      w = w + 1
    end
  end
  return w
end
local width = M.width

--- s padded with spaces on the left (right-aligned) to width w (display columns).
function M.pad_left(s, w) return string.rep(" ", w - width(s)) .. s end

--- s padded with spaces on the right (left-aligned) to width w (display columns).
function M.pad_right(s, w) return s .. string.rep(" ", w - width(s)) end

local pad_left, pad_right = M.pad_left, M.pad_right

-- The tables laid out while M.capture_tables runs (nil otherwise).
local captured = nil

--- Calls fn(...) and returns its first result with the list of tables that
-- format_table laid out meanwhile, each {columns = ..., nrow = ..., text = ...}:
-- documents.lua turns a printed result's tables into document tables so.
function M.capture_tables(fn, ...)
  local outer = captured
  captured = {}
  local ok, value = pcall(fn, ...)
  local tables = captured
  captured = outer
  if not ok then error(value, 0) end
  return value, tables
end

--- A text table: columns = { {header, cells, left = bool}, ... } with
-- `nrow` cells each (nil cells are empty). Cells are right-aligned (as R
-- prints numbers) unless the column is `left`; columns are separated by
-- `gap` (default one space, as R prints a matrix); every line starts with
-- `indent` (default none) and has no trailing spaces. Returns the lines
-- joined by newlines.
function M.format_table(columns, nrow, indent, gap)
  indent, gap = indent or "", gap or " "
  local widths = {}
  for j, c in ipairs(columns) do
    local w = width(c[1])
    for i = 1, nrow do
      local s = c[2][i] or ""
      w = math.max(w, width(s))
    end
    widths[j] = w
  end
  local lines = {}
  for i = 0, nrow do
    local cells = {}
    for j, c in ipairs(columns) do
      local s = (i == 0 and c[1] or c[2][i]) or ""
      cells[j] = c.left and pad_right(s, widths[j]) or pad_left(s, widths[j])
    end
    lines[#lines + 1] = (indent .. table.concat(cells, gap)):gsub("%s+$", "")
  end
  local text = table.concat(lines, "\n")
  if captured then captured[#captured + 1] = { columns = columns, nrow = nrow, text = text } end
  return text
end

--- "1 row", "2 rows"; `words` is the plural when not word .. "s".
function M.plural(n, word, words) return n .. " " .. (n == 1 and word or (words or word .. "s")) end

return M
