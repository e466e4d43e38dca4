-- The sandbox of DESIGN.md, applied to the global environment before a
-- script runs (not with --trust). The originals are kept in upvalues here;
-- scripts cannot reach them (no `debug` library).
local check_read, check_write = ...

local function refused(what)
  return function()
    error(what .. " is not allowed in the sandbox (run with --trust to allow it)", 2)
  end
end

-- Libraries and functions that reach outside the analysis.
debug = setmetatable({}, { __index = function(_, k)
  error("debug." .. tostring(k) .. " is not allowed in the sandbox (run with --trust to allow it)", 2)
end })
package.loaded.debug = debug
package.loadlib = refused("package.loadlib")
package.cpath = ""
package.searchers[3] = nil   -- C libraries
package.searchers[4] = nil   -- all-in-one C loader
for _, name in ipairs({ "execute", "exit", "remove", "rename", "getenv", "tmpname", "setlocale" }) do
  os[name] = refused("os." .. name)
end
string.dump = refused("string.dump (binary chunks)")

-- load: text chunks only.
local raw_load = load
function load(chunk, name, mode, env)
  if mode ~= nil and mode ~= "t" then
    error("load: only text chunks are allowed in the sandbox (mode 't'; run with --trust for binary chunks)", 2)
  end
  if env == nil then return raw_load(chunk, name, "t") end
  return raw_load(chunk, name, "t", env)
end

-- Files: reads under the allowed roots, writes under the output directory.
local raw_open, raw_lines, raw_loadfile = io.open, io.lines, loadfile
local function writing(mode) return mode ~= nil and mode:find("[wa+]") ~= nil end

io.popen = refused("io.popen")
io.tmpfile = refused("io.tmpfile")
function io.open(path, mode)
  if type(path) ~= "string" then error("bad argument #1 to 'open' (string expected, got " .. type(path) .. ")", 2) end
  local resolved = writing(mode) and check_write(path) or check_read(path)
  return raw_open(resolved, mode)
end
function io.lines(path, ...)
  if path == nil then return raw_lines() end
  return raw_lines(check_read(path), ...)
end
io.input = refused("io.input")
io.output = refused("io.output")
function loadfile(path, mode, env)
  if path == nil then error("loadfile: standard input is not allowed in the sandbox", 2) end
  if env == nil then return raw_loadfile(check_read(path), "t") end
  return raw_loadfile(check_read(path), "t", env)
end
function dofile(path)
  local f = assert(loadfile(path))
  return f()
end
-- `require` finds Lua modules next to the script and in the stdlib only;
-- package.path is set by the host, and the loader reads through check_read.
package.searchers[2] = function(name)
  local path, err = package.searchpath(name, package.path)
  if not path then return "\n\t" .. err end
  local f, msg = raw_loadfile(check_read(path), "t")
  if not f then error(msg, 2) end
  return f, path
end
