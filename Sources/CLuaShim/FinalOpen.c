/* io.open for paths the sandbox has already resolved: the file is opened
 * with O_NOFOLLOW, so a symbolic link put in place of the checked path's
 * last component after the check is refused (ELOOP) instead of followed
 * (issue 12, "open with O_NOFOLLOW where a path is final").  The result is
 * an ordinary Lua file handle (LUA_FILEHANDLE), the same as io.open's.
 *
 * Called from Lua only (never from Swift), so it may raise like any
 * lua_CFunction.  Lua 5.4 manual, section 4.3 (luaL_Stream). */
#define _GNU_SOURCE
#include "CLuaShim.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* closef of our streams: the io library marks the handle closed, we fclose. */
static int kh_final_close(lua_State *L) {
  luaL_Stream *stream = (luaL_Stream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
  int ok = fclose(stream->f) == 0;
  return luaL_fileresult(L, ok, NULL);
}

/* open(2) flags for an fopen mode ("r", "w", "a", optionally "+", then "b"s). */
static int kh_mode_flags(const char *mode, int *flags) {
  int plus = mode[0] != '\0' && mode[1] == '+';
  const char *rest = mode + 1 + plus;
  while (*rest == 'b') rest++;
  if (*rest != '\0') return 0;
  switch (mode[0]) {
  case 'r': *flags = plus ? O_RDWR : O_RDONLY; break;
  case 'w': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
  case 'a': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
  default: return 0;
  }
  return 1;
}

/* open_final(resolved, mode, shown): like io.open(resolved, mode); errors
 * name `shown` (the path as the script wrote it). */
int kh_open_final(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  const char *shown = luaL_optstring(L, 3, path);
  int flags = 0;
  luaL_argcheck(L, kh_mode_flags(mode, &flags), 2, "invalid mode");
  /* The handle exists (closed) before the descriptor, so a memory error
   * here cannot leak an open file. */
  luaL_Stream *stream = (luaL_Stream *)lua_newuserdatauv(L, sizeof(luaL_Stream), 0);
  stream->f = NULL;
  stream->closef = NULL;
  luaL_setmetatable(L, LUA_FILEHANDLE);
  int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return luaL_fileresult(L, 0, shown);
  stream->f = fdopen(fd, mode);
  if (stream->f == NULL) {
    int saved = errno;
    close(fd);
    errno = saved;
    return luaL_fileresult(L, 0, shown);
  }
  stream->closef = &kh_final_close;
  return 1;
}
