-- Number and table formatting shared by the printing modules (cox.lua,
-- competing.lua, survival.lua): R's formatReal rules for a column of
-- numbers, and plain-text tables. Pure functions; no state.
local M = {}

--- True for a missing value: nil or NaN.
function M.is_na(x) return x == nil or x ~= x end

local is_na = M.is_na

--- Significant digits and decimal exponent of x at `digits` significant
-- digits, trailing zeros dropped (as R's formatReal counts them).
function M.sig_exp(x, digits)
  local s = string.format("%." .. (digits - 1) .. "e", math.abs(x))
  local mant, e = s:match("^([%d%.]+)e([-+]%d+)$")
  local d = mant:gsub("%.", ""):gsub("0+$", "")
  return math.max(#d, 1), tonumber(e)
end

local sig_exp = M.sig_exp

--- Formats a column of numbers with a common layout, as R's format() does
-- with `digits` significant digits (default 4): fixed notation with the
-- decimals the most demanding value needs, or scientific when that is
-- narrower. NA (nil or NaN) becomes "NA"; infinities "Inf"/"-Inf".
function M.format_column(values, n, digits)
  digits = digits or 4
  local rgt, left, mxsig, neg = 0, 1, 1, 0
  local mxe, mne, any = -math.huge, math.huge, false
  for i = 1, n do
    local x = values[i]
    if not is_na(x) and x ~= math.huge and x ~= -math.huge and x ~= 0 then
      any = true
      local sig, e = sig_exp(x, digits)
      rgt = math.max(rgt, sig - 1 - e)
      left = math.max(left, e >= 0 and e + 1 or 1)
      mxsig = math.max(mxsig, sig)
      mxe, mne = math.max(mxe, e), math.min(mne, e)
    end
    if not is_na(x) and x < 0 then neg = 1 end
  end
  rgt = math.min(math.max(rgt, 0), 15)
  local fixed_width = neg + left + (rgt > 0 and rgt + 1 or 0)
  local sci_width = neg + (mxsig > 1 and mxsig + 1 or 1) + ((mxe >= 100 or mne <= -100) and 5 or 4)
  local sci = any and fixed_width > sci_width
  local out = {}
  for i = 1, n do
    local x = values[i]
    if is_na(x) then out[i] = "NA"
    elseif x == math.huge then out[i] = "Inf"
    elseif x == -math.huge then out[i] = "-Inf"
    elseif sci then out[i] = string.format("%." .. (mxsig - 1) .. "e", x)
    else out[i] = string.format("%." .. rgt .. "f", x) end
  end
  return out
end

--- s padded with spaces on the left (right-aligned) to width w.
function M.pad_left(s, w) return string.rep(" ", w - (utf8.len(s) or #s)) .. s end

--- s padded with spaces on the right (left-aligned) to width w.
function M.pad_right(s, w) return s .. string.rep(" ", w - (utf8.len(s) or #s)) end

local pad_left, pad_right = M.pad_left, M.pad_right

--- Lines of a table: columns[j] = {header, cells...} with `rows` cells
-- each; the first column left-aligned, the others right-aligned, two spaces
-- between columns, trailing spaces dropped, each line after `indent`
-- (default none).
function M.table_lines(columns, rows, indent)
  indent = indent or ""
  local widths = {}
  for j, col in ipairs(columns) do
    local w = 0
    for i = 1, rows + 1 do w = math.max(w, utf8.len(col[i]) or #col[i]) end
    widths[j] = w
  end
  local lines = {}
  for i = 1, rows + 1 do
    local cells = {}
    for j, col in ipairs(columns) do
      cells[j] = j == 1 and pad_right(col[i], widths[j]) or pad_left(col[i], widths[j])
    end
    lines[i] = indent .. (table.concat(cells, "  "):gsub("%s+$", ""))
  end
  return lines
end

--- "1 row", "2 rows"; `words` is the plural when not word .. "s".
function M.plural(n, word, words) return n .. " " .. (n == 1 and word or (words or word .. "s")) end

return M
