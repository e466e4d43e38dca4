-- Kaplan's Lua standard library: loaded into every state before the script.
-- The Swift host passes `core` (its raw functions) and the run's settings;
-- this file builds the public, documented Lua surface from them.
local core, settings = ...

local kaplan = { core = core, settings = settings, version = settings.version }
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
  "kaplan.plots", "kaplan.report_tables", "kaplan.survreg",
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

return kaplan
