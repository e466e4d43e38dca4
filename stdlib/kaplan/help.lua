-- help(): Kaplan's documentation, read from the binding layer's registry
-- (kaplan.bind: every public function and method is declared once, in
-- Swift, with its signature, summary, options and example; every result
-- kind with its fields). Nothing here is written by hand per function.
--
-- help()            every function and method, one line each, by section
-- help(f)           a function: signature, summary, options, returns, example
-- help("fit:at")    a method by name; the letters before ':' are free (d, c,
--                   fit, m, ci): the method is looked up among all receivers
-- help(x)           any value: a dataset, a column, a date, a result (its
--                   kind's summary, fields and methods)
--
-- A value is never printed inside a message: help(d) of a huge dataset
-- says what d is, not what it holds.
local M = {}

local bind = require("kaplan.bind")

-- The letters scripts use for receivers, for help("d:with"): when a method
-- name has several receivers, these pick one.
local receiver_letters = { d = "dataset", c = "column", col = "column", fit = "km", m = "cox", model = "cox" }

-- How a kind is named in a sentence and as a receiver in signatures.
local kind_nouns = { dataset = "a dataset", column = "a column", date = "a date" }

local function noun(kind)
  return kind_nouns[kind] or ("a " .. kind .. " result")
end

-- The first sentence of a summary: up to a period followed by a capital
-- ("e.g. a" is not an end).
local function first_sentence(text)
  return text:match("^(.-%.)%s+%u") or text
end

local function width_of(s) return utf8.len(s) or #s end

local function pad(s, width) return s .. string.rep(" ", width - width_of(s)) end

-- Wraps `text` to lines of at most `width` columns, each prefixed by `indent`.
local function wrap(text, indent, width)
  local lines, line = {}, ""
  for word in text:gmatch("%S+") do
    if line ~= "" and width_of(indent .. line .. " " .. word) > width then
      lines[#lines + 1] = indent .. line
      line = word
    else
      line = line == "" and word or (line .. " " .. word)
    end
  end
  if line ~= "" then lines[#lines + 1] = indent .. line end
  return lines
end

local function append(out, lines)
  for _, l in ipairs(lines) do out[#out + 1] = l end
end

-- The options of an entry as a table: key, type, default, doc. The doc goes
-- on its own line when the row would pass 100 columns.
local function options_table(options)
  local w = { #"key", #"type", #"default" }
  for _, o in ipairs(options) do
    w[1] = math.max(w[1], width_of(o.key))
    w[2] = math.max(w[2], width_of(o.type))
    w[3] = math.max(w[3], width_of(o.default))
  end
  local out = { "  Options:" }
  local head = "    " .. pad("key", w[1]) .. "  " .. pad("type", w[2]) .. "  " .. pad("default", w[3]) .. "  "
  local inline = #head + 40 <= 100
  out[#out + 1] = (head .. (inline and "doc" or "")):gsub("%s+$", "")
  for _, o in ipairs(options) do
    local row = "    " .. pad(o.key, w[1]) .. "  " .. pad(o.type, w[2]) .. "  " .. pad(o.default, w[3])
    if inline then
      local doc = wrap(o.doc, "", 100 - #head)
      out[#out + 1] = row .. "  " .. (doc[1] or "")
      for i = 2, #doc do out[#out + 1] = string.rep(" ", #head) .. doc[i] end
    else
      out[#out + 1] = (row:gsub("%s+$", ""))
      append(out, wrap(o.doc, "      ", 100))
    end
  end
  return out
end

-- The catalogue's line of an entry: its signature padded to `w`, then the
-- first sentence of its summary, wrapped within 100 columns under itself
-- (a signature longer than `w` gets a line of its own).
local function entry_lines(e, w, indent)
  local column = indent .. string.rep(" ", w + 2)
  local text = wrap(first_sentence(e.summary), column, 100)
  if width_of(e.signature) > w then
    table.insert(text, 1, indent .. e.signature)
    return text
  end
  text[1] = indent .. pad(e.signature, w) .. "  " .. text[1]:sub(#column + 1)
  return text
end

-- One entry per method of `kind`: its signature and the first sentence.
local function method_lines(kind, indent)
  local out = {}
  local methods = bind.methods_of(kind)
  local w = 0
  for _, e in ipairs(methods) do w = math.max(w, width_of(e.signature)) end
  for _, e in ipairs(methods) do append(out, entry_lines(e, math.min(w, 34), indent)) end
  return out
end

--- The help text of a registry entry: signature, summary, options, what it
-- returns, an example.
function M.render(e)
  local out = { e.signature, "" }
  append(out, wrap(e.summary, "  ", 100))
  if #e.options > 0 then
    out[#out + 1] = ""
    append(out, options_table(e.options))
  end
  if e.returns then
    out[#out + 1] = ""
    local kind = bind.kinds()[e.returns]
    local text = "  Returns " .. noun(e.returns)
    if kind then text = text .. ": " .. first_sentence(kind.summary) end
    out[#out + 1] = text .. " help(\"" .. e.returns .. "\") lists its fields and methods."
  end
  if e.example and e.example ~= "" then
    out[#out + 1] = ""
    out[#out + 1] = "  Example:"
    for line in (e.example .. "\n"):gmatch("(.-)\n") do out[#out + 1] = "    " .. line end
  end
  return table.concat(out, "\n")
end

-- The fields and methods of a kind.
local function kind_text(kind, heading)
  local k = bind.kinds()[kind]
  local out = { heading }
  if k then
    append(out, wrap(k.summary, "  ", 100))
    if #k.fields > 0 then
      out[#out + 1] = ""
      if kind_nouns[kind] then
        out[#out + 1] = "  Fields:"
      else
        out[#out + 1] = "  Fields (a plain copy for reading: editing it changes nothing methods or plot() compute):"
      end
      local w = 0
      for _, f in ipairs(k.fields) do w = math.max(w, width_of(f.name)) end
      for _, f in ipairs(k.fields) do
        local doc = wrap(f.doc, "", 96 - w)
        out[#out + 1] = "    " .. pad(f.name, w) .. "  " .. (doc[1] or "")
        for i = 2, #doc do out[#out + 1] = string.rep(" ", w + 6) .. doc[i] end
      end
    end
  end
  if k and k.tidy then
    out[#out + 1] = ""
    append(out, wrap("tidy(x) gives a dataset, " .. k.tidy .. " (help(tidy)).", "  ", 100))
  end
  local methods = method_lines(kind, "    ")
  if #methods > 0 then
    out[#out + 1] = ""
    out[#out + 1] = "  Methods (help(\"" .. kind .. ":name\") for one):"
    append(out, methods)
  end
  return table.concat(out, "\n")
end

-- What a dataset, column or date is, without printing its values.
local function userdata_heading(kind, x)
  local ok, text = pcall(function()
    if kind == "dataset" then
      return string.format("A dataset: %d rows × %d columns (%s).", #x, #x:names(), table.concat(x:names(), ", "))
    elseif kind == "NA" then
      return "NA, the missing value."
    elseif kind == "column" then
      return string.format("A column: '%s' <%s>, %d values.", x:name(), x:type(), #x)
    elseif kind == "grouped" or kind == "summary" then
      return "A " .. (kind == "summary" and "summary: " or "") .. tostring(x) .. "."
    end
    return "A date: " .. tostring(x) .. "."
  end)
  if ok and width_of(text) <= 200 then return text end
  if ok then return text:sub(1, 196) .. "…)." end
  return noun(kind):gsub("^a", "A") .. "."
end

-- A dataset's labels under its heading (issue 17: labels show where people
-- look): the dataset's label, then each labelled column with its label.
local function dataset_labels(x)
  local ok, text = pcall(function()
    local out = {}
    local label = x:label()
    if label then out[#out + 1] = "  Label: " .. label end
    local labels, names, w = x:labels(), {}, 0
    for _, n in ipairs(x:names()) do
      if labels[n] then
        names[#names + 1] = n
        w = math.max(w, width_of(n))
      end
    end
    if #names > 0 then out[#out + 1] = "  Column labels (d:labels()):" end
    for _, n in ipairs(names) do out[#out + 1] = "    " .. pad(n, w) .. "  " .. labels[n] end
    return #out > 0 and "\n" .. table.concat(out, "\n") or ""
  end)
  return ok and text or ""
end

--- The catalogue: every declared function and method, one line each, by
-- section in the order sections first appear.
function M.catalogue()
  local sections, order = {}, {}
  for _, e in ipairs(bind.entries()) do
    if not sections[e.section] then
      sections[e.section] = {}
      order[#order + 1] = e.section
    end
    table.insert(sections[e.section], e)
  end
  local out = { "Kaplan " .. (package.loaded.kaplan.version or "")
    .. ": survival analysis for clinical trials. help(x) describes a function, method or value; "
    .. "help(\"formulas\") the formula language." }
  for _, s in ipairs(order) do
    out[#out + 1] = ""
    out[#out + 1] = s .. ":"
    local w = 0
    for _, e in ipairs(sections[s]) do w = math.max(w, width_of(e.signature)) end
    w = math.min(w, 34)
    for _, e in ipairs(sections[s]) do append(out, entry_lines(e, w, "  ")) end
  end
  return table.concat(out, "\n")
end

-- help("x:name"): the method `name` of the receiver the letters stand for.
local function method_text(receiver, name)
  local exact = bind.entry(receiver .. ":" .. name)
  if exact then return M.render(exact) end
  local found = bind.methods_named(name)
  if #found == 0 then return nil end
  if #found > 1 then
    -- The letters the signature itself uses (ci:at, fit:at, t:year) pick one.
    local written = {}
    for _, e in ipairs(found) do
      if e.signature:sub(1, #receiver + #name + 1) == receiver .. ":" .. name then written[#written + 1] = e end
    end
    if #written == 1 then return M.render(written[1]) end
    local preferred = receiver_letters[receiver]
    for _, e in ipairs(found) do
      if e.receiver == preferred then return M.render(e) end
    end
    local out = { "'" .. name .. "' is a method of " .. #found .. " kinds:" }
    for _, e in ipairs(found) do
      out[#out + 1] = "  " .. pad(e.signature, 30) .. "  (" .. noun(e.receiver) .. "; help(\""
        .. e.qualified_name .. "\"))"
    end
    return table.concat(out, "\n")
  end
  return M.render(found[1])
end

-- The text for a name given as a string.
local function name_text(name)
  local receiver, method = name:match("^([%a_][%w_]*):([%a_][%w_]*)$")
  if receiver then return method_text(receiver, method) end
  local e = bind.entry(name)
  if e then
    local text = M.render(e)
    -- "km" is both a function and the kind of its results: both are shown.
    if bind.kinds()[name] then text = text .. "\n\n" .. kind_text(name, "A " .. name .. " result.") end
    return text
  end
  if bind.kinds()[name] or kind_nouns[name] then
    return kind_text(name, noun(name):gsub("^a", "A") .. " (" .. name .. ").")
  end
  -- A bare method name ("join", "map"): the method, or the list of kinds
  -- that have one of that name.
  local methods = bind.methods_named(name)
  if #methods == 1 then return M.render(methods[1]) end
  if #methods > 1 then
    local out = { "'" .. name .. "' is a method of " .. #methods .. " kinds:" }
    for _, e in ipairs(methods) do
      out[#out + 1] = "  " .. pad(e.signature, 30) .. "  (" .. noun(e.receiver) .. "; help(\""
        .. e.qualified_name .. "\"))"
    end
    return table.concat(out, "\n")
  end
  return nil
end

-- Levenshtein distance between two short names (both under 64 bytes).
local function distance(a, b)
  local previous = {}
  for j = 0, #b do previous[j] = j end
  for i = 1, #a do
    local current = { [0] = i }
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      current[j] = math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    end
    previous = current
  end
  return previous[#b]
end

-- The declared name nearest to an unknown one (functions, "kind:method", kinds, topics), when it is
-- close enough to be a slip: at most a third of its letters (at least one) differ.
local function nearest_name(name)
  if #name > 40 then return nil end
  local best, best_distance = nil, math.max(1, #name // 3) + 1
  local function consider(candidate)
    if math.abs(#candidate - #name) >= best_distance then return end
    local d = distance(name:lower(), candidate:lower())
    if d < best_distance then best, best_distance = candidate, d end
  end
  for _, e in ipairs(bind.entries()) do
    consider(e.receiver and (e.receiver .. ":" .. e.name) or e.name)
    if e.receiver then consider(e.name) end
  end
  local kinds = {}
  for kind in pairs(bind.kinds()) do kinds[#kinds + 1] = kind end
  table.sort(kinds)
  for _, kind in ipairs(kinds) do consider(kind) end
  consider("formulas")
  return best
end

--- The help text of anything (nil and a message when there is none). The
-- message names the type of x, never its value.
function M.text(x)
  if x == nil then return M.catalogue() end
  local t = type(x)
  if t == "string" then
    if x == "formulas" or x == "formula" then return require("kaplan.formula_help").topic() end
    local text = name_text(x)
    if text then return text end
    local shown = #x > 40 and (x:sub(1, 40) .. "…") or x
    local guess = nearest_name(x)
    if guess then return nil, string.format("no help for \"%s\" (did you mean \"%s\"?)", shown, guess) end
    return nil, string.format("no help for \"%s\" (help() lists Kaplan's functions; methods are named as "
      .. "\"d:with\" or \"fit:at\")", shown)
  end
  -- A declared function (or a callable table such as dataset, which has
  -- dataset.from).
  local e = bind.entry_of(x)
  if e then return M.render(e) end
  if t == "function" then
    return "A function that is not one of Kaplan's (Lua's own, or defined in a script). help() lists Kaplan's."
  end
  if bind.is_view(x) then
    return string.format("A result array of %d number%s: read-only, a view of the result's Swift array (x[i], #x, "
      .. "ipairs; NA reads as nil). x:totable() gives an editable table; show(x) prints it.", #x, #x == 1 and "" or "s")
  end
  local kind = bind.kind_of(x)
  if kind and t == "userdata" then
    local heading = userdata_heading(kind, x)
    if kind == "dataset" then heading = heading .. dataset_labels(x) end
    return kind_text(kind, heading)
  end
  if kind then
    return kind_text(kind, "A " .. kind .. " result.")
  end
  if t == "table" then
    local n = 0
    for _ in pairs(x) do n = n + 1 end
    return string.format("A Lua table with %d entr%s; show(x) prints it.", n, n == 1 and "y" or "ies")
  end
  return string.format("A %s value; help() lists Kaplan's functions.", t)
end

--- help(x): prints M.text(x), or raises at the script's line.
function M.help(...)
  local text, message = M.text((...))
  if not text then bind.raise(message) end
  print(text)
end

function M.install(kaplan)
  bind.implement("help", M.help)
end

return M
