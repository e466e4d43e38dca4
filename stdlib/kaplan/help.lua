-- help(): the catalogue of Kaplan's functions. Each library documents its
-- functions where it defines them, with kaplan.help.doc{...}.
local M = { entries = {}, order = {} }

--- Records the documentation of a function.
-- spec = { name = "km", fn = km, signature = "km(d, formula [, opts])",
--          summary = "...", options = { {"conf_type", "..."}, ... },
--          example = "...", section = "Survival" }
function M.doc(spec)
  assert(spec.name and spec.signature and spec.summary, "doc needs name, signature, summary")
  if not M.entries[spec.name] then M.order[#M.order + 1] = spec.name end
  M.entries[spec.name] = spec
  if spec.fn then M.entries[spec.fn] = spec end
end

local function render(spec)
  local lines = { spec.signature, "", "  " .. spec.summary }
  if spec.options and #spec.options > 0 then
    lines[#lines + 1] = ""
    lines[#lines + 1] = "  Options:"
    local width = 0
    for _, o in ipairs(spec.options) do width = math.max(width, #o[1]) end
    for _, o in ipairs(spec.options) do
      lines[#lines + 1] = string.format("    %-" .. width .. "s  %s", o[1], o[2])
    end
  end
  if spec.example then
    lines[#lines + 1] = ""
    lines[#lines + 1] = "  Example:"
    for line in (spec.example .. "\n"):gmatch("(.-)\n") do
      lines[#lines + 1] = "    " .. line
    end
  end
  return table.concat(lines, "\n")
end

--- help() lists every function by section; help(f) or help("f") shows one.
function M.help(what)
  if what == nil then
    local sections, names = {}, {}
    for _, name in ipairs(M.order) do
      local spec = M.entries[name]
      local s = spec.section or "General"
      if not sections[s] then sections[s] = {}; names[#names + 1] = s end
      table.insert(sections[s], spec)
    end
    local out = { "Kaplan " .. (package.loaded.kaplan.version or "") ..
      ": survival analysis for clinical trials. help(f) shows one function." }
    for _, s in ipairs(names) do
      out[#out + 1] = ""
      out[#out + 1] = s .. ":"
      for _, spec in ipairs(sections[s]) do
        -- The first sentence: up to a period followed by a capital ("e.g. a" is not an end).
        local first = spec.summary:match("^(.-%.)%s+%u") or spec.summary
        out[#out + 1] = string.format("  %-34s %s", spec.signature, first)
      end
    end
    print(table.concat(out, "\n"))
    return
  end
  local spec = M.entries[what]
  if not spec then
    error("no help for " .. tostring(what) .. " (help() lists what Kaplan offers)", 2)
  end
  print(render(spec))
end

M.render = render

function M.install(kaplan)
  _G.help = M.help
  kaplan.bind.implement("help", M.help)
  M.doc { name = "help", fn = M.help, section = "General",
    signature = "help([f])",
    summary = "Lists Kaplan's functions; help(f) prints f's signature, options and an example.",
    example = "help()\nhelp(show)" }
end

return M
