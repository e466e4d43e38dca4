-- The sandbox of docs/ARCHITECTURE.md, applied to the global environment before a
-- script runs (not with --trust). The originals are kept in upvalues here;
-- scripts cannot reach them (no `debug` library).
--
-- check_read / check_write (SandboxPolicy.swift) return the path a file
-- really is, every symbolic link followed, or raise the refusal; they refuse
-- a path outside the roots before looking at the disk, so no answer here
-- depends on whether an outside file exists. open_final opens such a
-- resolved path with O_NOFOLLOW (CLuaShim/FinalOpen.c): a link put in its
-- place after the check is refused, not followed.
local check_read, check_write, open_final, raise = ...
if type(check_read) ~= "function" or type(open_final) ~= "function" or type(raise) ~= "function" then
  error("kaplan.sandbox is applied by the host before a script runs; it cannot be required", 2)
end

local function refused(what)
  return function()
    raise(what .. " is not allowed in the sandbox (run with --trust to allow it)")
  end
end

-- Libraries and functions that reach outside the analysis.
debug = setmetatable({}, { __index = function(_, k)
  raise("debug." .. tostring(k) .. " is not allowed in the sandbox (run with --trust to allow it)")
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
    raise("load: only text chunks are allowed in the sandbox (mode 't'; run with --trust for binary chunks)")
  end
  if env == nil then return raw_load(chunk, name, "t") end
  return raw_load(chunk, name, "t", env)
end

-- Files: reads under the allowed roots, writes under the output directory.
local raw_open, raw_lines, raw_loadfile = io.open, io.lines, loadfile
local find, match, type, pcall, error = string.find, string.match, type, pcall, error
local function writing(mode) return mode ~= nil and find(mode, "[wa+]") ~= nil end

-- The path checks are Swift functions: a refusal is raised at the first
-- line outside the stdlib (the C trampoline positions every Swift error so),
-- the script's, however the check was reached. `raise` (a Swift function
-- too) raises this file's own errors the same way, so none counts levels.

io.popen = refused("io.popen")
io.tmpfile = refused("io.tmpfile")
function io.open(path, mode)
  if type(path) ~= "string" then raise("bad argument #1 to 'open' (string expected, got " .. type(path) .. ")") end
  if mode ~= nil and type(mode) ~= "string" then
    raise("bad argument #2 to 'open' (string expected, got " .. type(mode) .. ")")
  end
  if mode ~= nil and not match(mode, "^[rwa]%+?b*$") then
    raise("bad argument #2 to 'open' (invalid mode '" .. mode .. "'; r, w, a, r+, w+ or a+, with b)")
  end
  local resolved = (writing(mode) and check_write or check_read)(path)
  local f, message, code = open_final(resolved, mode or "r", path)
  return f, message, code
end
function io.lines(path, ...)
  if path == nil then return raw_lines() end
  local resolved = check_read(path)
  return raw_lines(resolved, ...)
end
io.input = refused("io.input")
io.output = refused("io.output")
function loadfile(path, mode, env)
  if path == nil then raise("loadfile: standard input is not allowed in the sandbox") end
  local resolved = check_read(path)
  if env == nil then return raw_loadfile(resolved, "t") end
  return raw_loadfile(resolved, "t", env)
end
function dofile(path)
  if path == nil then raise("dofile: standard input is not allowed in the sandbox") end
  local f = assert(raw_loadfile(check_read(path), "t"))
  return f()
end
-- package.searchpath looks only inside the sandbox: each candidate is
-- checked before it is opened, and the first one outside ends the search
-- with the refusal, whether or not it exists (issue 12: searchpath("",
-- "/root/.ssh/id_rsa") and require's "not allowed" versus "not found" told
-- a script which outside files exist).
local gsub, gmatch, concat = string.gsub, string.gmatch, table.concat
local function plain(s) return (gsub(s, "[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")) end

-- Returns the file found, or nil, the message and whether it is a refusal.
local function search(name, path, sep, rep)
  sep = sep or "."
  rep = rep or "/"
  if sep ~= "" then name = gsub(name, plain(sep), (gsub(rep, "%%", "%%%%"))) end
  local tried = {}
  for template in gmatch(path, "[^;]+") do
    local candidate = gsub(template, "%?", (gsub(name, "%%", "%%%%")))
    local ok, resolved = pcall(check_read, candidate)
    if not ok then return nil, resolved, true end
    local f = open_final(resolved, "r")
    if f then
      f:close()
      return candidate
    end
    tried[#tried + 1] = "no file '" .. candidate .. "'"
  end
  return nil, concat(tried, "\n\t"), false
end

-- Arguments as luaL_checkstring takes them (numbers become strings).
local function string_arg(v, i, optional)
  if type(v) == "string" then return v end
  if type(v) == "number" then return tostring(v) end
  if optional and v == nil then return nil end
  local got = v == nil and "no value" or type(v)
  raise("bad argument #" .. i .. " to 'searchpath' (string expected, got " .. got .. ")")
end

function package.searchpath(name, path, sep, rep)
  name, path = string_arg(name, 1), string_arg(path, 2)
  sep, rep = string_arg(sep, 3, true), string_arg(rep, 4, true)
  local found, message = search(name, path, sep, rep)
  if found then return found end
  return nil, message
end

-- `require` finds Lua modules next to the script and in the stdlib only;
-- package.path is set by the host, and the loader reads through check_read.
package.searchers[2] = function(name)
  if type(package.path) ~= "string" then raise("'package.path' must be a string") end
  local path, err, refused = search(name, package.path)
  -- The refusal came from check_read, already positioned at the script's line.
  if refused then error(err, 0) end
  if not path then return err end   -- require adds the "\n\t" before it (5.4)
  local f, msg = raw_loadfile(check_read(path), "t")
  if not f then error(msg, 0) end   -- a syntax error, already positioned in the module
  return f, path
end
