--- read(path [, opts]): the reader a file's extension names. The options
-- go to that reader unchanged, so each checks its own (an option that
-- reader does not take is its error, never ignored).
local bind = require("kaplan.bind")

local M = {}

local readers = {
  csv = "read_csv", tsv = "read_csv", tab = "read_csv", sas7bdat = "read_sas", xpt = "read_xpt",
  dta = "read_dta", sav = "read_sav", zsav = "read_sav", xlsx = "read_xlsx",
}

local known = "csv, tsv, sas7bdat, xpt, dta, sav, xlsx"

function M.read(path, ...)
  if type(path) ~= "string" then
    bind.raise(string.format("bad argument #1 to 'read' (string expected, got %s)", type(path)))
  end
  local extension = path:match("%.([%w]+)$")
  local name = extension and readers[extension:lower()]
  if not name then
    bind.raise(string.format("bad argument #1 to 'read' (cannot tell the format of '%s' from its extension%s; "
      .. "known: %s)", path, extension and (" ." .. extension) or " (none)", known))
  end
  local entry = bind.entry(name)
  if not entry or not entry.public then
    bind.raise(string.format("bad argument #1 to 'read' (.%s needs %s, which this Kaplan does not have)",
      extension:lower(), name))
  end
  return entry.public(path, ...)
end

function M.install()
  bind.implement("read", M.read)
end

return M
