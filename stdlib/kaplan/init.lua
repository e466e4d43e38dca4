-- Kaplan's Lua standard library: loaded into every state before the script.
-- The Swift host passes `core` (its raw functions) and the run's settings;
-- this file builds the public, documented Lua surface from them.
local core, settings = ...

-- version: Kaplan's; lua_version: the interpreter's (_VERSION), for a
-- script's own provenance lines (issue 19).
local kaplan = { core = core, settings = settings, version = settings.version, lua_version = _VERSION }
package.loaded.kaplan = kaplan

local bind = require("kaplan.bind")
kaplan.bind = bind
bind.install(kaplan)

local help = require("kaplan.help")
kaplan.help = help
help.install(kaplan)

local show = require("kaplan.show")
kaplan.show = show
bind.implement("show", show.show)

local json = require("kaplan.json")
bind.implement("json", json.json)

-- debug_traceback(): the full traceback of the REPL's last error (errors
-- print without the stdlib's frames).
bind.implement("debug_traceback", function()
  print(core.binding.last_error() or "no error yet in this session")
end)

-- session_info(): the Swift body's record, printed as lines by tostring.
local session_info = bind.entry("session_info").fn
local session_mt = { __tostring = function(t)
  return string.format("Kaplan %s\n%s\nPlatform: %s", t.kaplan, t.lua, t.platform)
end }
bind.implement("session_info", function()
  return setmetatable(session_info(), session_mt)
end)

-- tidy(x [, opts]): any result as a dataset. The Swift body reads the
-- result's handle (its Swift value, never the editable table); a value
-- that is not a result goes as it is, for the message to name it.
local tidy = bind.entry("tidy").fn
bind.implement("tidy", function(x, opts)
  return tidy(bind.any_handle(x) or x, opts)
end)

-- Libraries that later capabilities add register themselves here; each is
-- optional so that a host built without one still starts.
local libraries = {
  "kaplan.datasets", "kaplan.survival", "kaplan.cox", "kaplan.cox_predict", "kaplan.cox_zph", "kaplan.competing",
  "kaplan.plots", "kaplan.report_tables",
  "kaplan.documents",
  "kaplan.design",
  "kaplan.survreg",
  "kaplan.flexsurv",
}
for _, name in ipairs(libraries) do
  local ok, lib = pcall(require, name)
  if ok and type(lib) == "table" and lib.install then
    lib.install(kaplan)
  elseif not ok and not tostring(lib):find("module '" .. name .. "' not found", 1, true) then
    error(lib, 0)
  end
end

-- The globals and methods of every declared function, now that each module
-- has supplied its Lua implementations.
bind.finish()

-- The versions, readable by scripts as kaplan.version and kaplan.lua_version
-- (issue 19); a table of its own, so the host's internals stay unreachable.
_G.kaplan = { version = kaplan.version, lua_version = kaplan.lua_version }

return kaplan
