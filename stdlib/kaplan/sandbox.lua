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
local find, match, type, pcall, error = string.find, string.match, type, pcall, error
local function writing(mode) return mode ~= nil and find(mode, "[wa+]") ~= nil end

-- Runs a path check; a refusal is raised at `level` as error() counts it
-- from the caller of checked (2: the script that called the wrapper), so
-- the message names the script's line rather than this file.
local function checked(check, path, level)
  local ok, resolved = pcall(check, path)
  if not ok then error(resolved, level + 1) end
  return resolved
end

io.popen = refused("io.popen")
io.tmpfile = refused("io.tmpfile")
function io.open(path, mode)
  if type(path) ~= "string" then error("bad argument #1 to 'open' (string expected, got " .. type(path) .. ")", 2) end
  if mode ~= nil and type(mode) ~= "string" then
    error("bad argument #2 to 'open' (string expected, got " .. type(mode) .. ")", 2)
  end
  if mode ~= nil and not match(mode, "^[rwa]%+?b*$") then
    error("bad argument #2 to 'open' (invalid mode '" .. mode .. "'; r, w, a, r+, w+ or a+, with b)", 2)
  end
  local resolved = checked(writing(mode) and check_write or check_read, path, 2)
  local f, message, code = raw_open(resolved, mode)
  return f, message, code
end
function io.lines(path, ...)
  if path == nil then return raw_lines() end
  local resolved = checked(check_read, path, 2)
  return raw_lines(resolved, ...)
end
io.input = refused("io.input")
io.output = refused("io.output")
function loadfile(path, mode, env)
  if path == nil then error("loadfile: standard input is not allowed in the sandbox", 2) end
  local resolved = checked(check_read, path, 2)
  if env == nil then return raw_loadfile(resolved, "t") end
  return raw_loadfile(resolved, "t", env)
end
function dofile(path)
  if path == nil then error("dofile: standard input is not allowed in the sandbox", 2) end
  local f = assert(raw_loadfile(checked(check_read, path, 2), "t"))
  return f()
end
-- `require` finds Lua modules next to the script and in the stdlib only;
-- package.path is set by the host, and the loader reads through check_read.
package.searchers[2] = function(name)
  local path, err = package.searchpath(name, package.path)
  if not path then return "\n\t" .. err end
  -- 3: the refusal is raised at the script's require (past require itself).
  local f, msg = raw_loadfile(checked(check_read, path, 3), "t")
  if not f then error(msg, 2) end
  return f, path
end
