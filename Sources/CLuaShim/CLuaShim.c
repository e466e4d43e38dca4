#include "CLuaShim.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- allocator */

static void *kh_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  kh_alloc_state *st = (kh_alloc_state *)ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    st->used -= old;
    return NULL;
  }
  /* Growing beyond the limit fails; shrinking never does. */
  if (st->limit && nsize > old && st->used - old + nsize > st->limit) return NULL;
  void *p = realloc(ptr, nsize);
  if (p == NULL) return NULL;
  st->used = st->used - old + nsize;
  if (st->used > st->peak) st->peak = st->used;
  return p;
}

static int kh_panic(lua_State *L) {
  (void)L;
  /* Unreachable by design: every call is protected. Abort loudly if not. */
  abort();
  return 0;
}

lua_State *kh_newstate(kh_alloc_state *alloc) {
  lua_State *L = lua_newstate(kh_alloc, alloc);
  if (L) lua_atpanic(L, kh_panic);
  return L;
}

/* ------------------------------------------------------------------- limits */

static volatile sig_atomic_t interrupt_flag = 0;
static double hook_deadline = 0, hook_limit = 0;

double kh_monotonic_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void limit_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  /* Level 0 is the running Lua function: its line is where we stopped. */
  if (interrupt_flag) {
    interrupt_flag = 0;
    luaL_where(L, 0);
    lua_pushstring(L, "interrupted");
    lua_concat(L, 2);
    lua_error(L);
  }
  if (hook_deadline > 0 && kh_monotonic_seconds() > hook_deadline) {
    hook_deadline = 0;
    luaL_where(L, 0);
    lua_pushfstring(L, "time limit of %f s exceeded (raise it with --timeout)", hook_limit);
    lua_concat(L, 2);
    lua_error(L);
  }
}

void kh_set_limits(lua_State *L, double deadline_seconds, double limit_seconds) {
  hook_deadline = deadline_seconds;
  hook_limit = limit_seconds;
  lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1000);
}

void kh_request_interrupt(void) { interrupt_flag = 1; }
void kh_clear_interrupt(void) { interrupt_flag = 0; }
int kh_interrupt_requested(void) { return interrupt_flag != 0; }
int kh_stop_requested(void) {
  return interrupt_flag != 0 || (hook_deadline > 0 && kh_monotonic_seconds() > hook_deadline);
}

/* ---------------------------------------------------------- Swift callbacks */

static kh_dispatch_fn swift_dispatch = NULL;
static kh_release_fn swift_release = NULL;

void kh_install_swift(kh_dispatch_fn dispatch, kh_release_fn release) {
  swift_dispatch = dispatch;
  swift_release = release;
}

/* Runs a Swift callback; raises its error only after Swift has returned. */
/* Swift returns -1 for its own errors (a message: the caller's position is
 * prepended, as luaL_error does) and -2 for error objects that came from Lua
 * (already positioned; raised as they are). */
static int trampoline(lua_State *L) {
  int n = swift_dispatch(L);
  if (n == -1) {
    if (lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  if (n < 0) return lua_error(L);
  return n;
}

static int box_release(lua_State *L) {
  void **slot = (void **)lua_touserdata(L, 1);
  if (slot && *slot) {
    void *obj = *slot;
    *slot = NULL;
    swift_release(obj);
  }
  return 0;
}

/* --------------------------------------------------------- protected helpers */

static int run_protected(lua_State *L, lua_CFunction f, void *arg, int nresults) {
  if (!lua_checkstack(L, 4)) {
    /* No room even for the error: report it without allocating. */
    return LUA_ERRMEM;
  }
  lua_pushcfunction(L, f);
  lua_pushlightuserdata(L, arg);
  return lua_pcall(L, 1, nresults, 0);
}

static int p_openlibs(lua_State *L) { luaL_openlibs(L); return 0; }
int kh_popenlibs(lua_State *L) { return run_protected(L, p_openlibs, NULL, 0); }

struct strarg { const char *s; size_t len; };
static int p_pushstring(lua_State *L) {
  struct strarg *a = (struct strarg *)lua_touserdata(L, 1);
  lua_pushlstring(L, a->s, a->len);
  return 1;
}
int kh_ppushstring(lua_State *L, const char *s, size_t len) {
  struct strarg a = {s, len};
  return run_protected(L, p_pushstring, &a, 1);
}

struct tablearg { int narr, nrec; };
static int p_newtable(lua_State *L) {
  struct tablearg *a = (struct tablearg *)lua_touserdata(L, 1);
  lua_createtable(L, a->narr, a->nrec);
  return 1;
}
int kh_pnewtable(lua_State *L, int narr, int nrec) {
  struct tablearg a = {narr < 0 ? 0 : narr, nrec < 0 ? 0 : nrec};
  return run_protected(L, p_newtable, &a, 1);
}

/* For setters the table and value are moved into the protected call. */
struct setfieldarg { const char *k; size_t len; lua_Integer i; };
static int p_rawsetfield(lua_State *L) {
  struct setfieldarg *a = (struct setfieldarg *)lua_touserdata(L, 3);
  lua_settop(L, 2);               /* t v */
  lua_pushlstring(L, a->k, a->len); /* t v k (keys may hold '\0') */
  lua_insert(L, 2);               /* t k v */
  lua_rawset(L, 1);
  return 0;
}
static int p_rawseti(lua_State *L) {
  struct setfieldarg *a = (struct setfieldarg *)lua_touserdata(L, 3);
  lua_settop(L, 2);
  lua_rawseti(L, 1, a->i);
  return 0;
}
static int setter(lua_State *L, int tindex, lua_CFunction f, struct setfieldarg *a) {
  tindex = lua_absindex(L, tindex);
  if (!lua_checkstack(L, 4)) { lua_pop(L, 1); return LUA_ERRMEM; }
  lua_pushcfunction(L, f);        /* v f */
  lua_pushvalue(L, tindex);       /* v f t */
  lua_rotate(L, -3, -1);          /* f t v */
  lua_pushlightuserdata(L, a);    /* f t v a */
  int status = lua_pcall(L, 3, 0, 0);
  if (status != LUA_OK) lua_pop(L, 1);
  return status;
}
int kh_prawsetfield(lua_State *L, int tindex, const char *k) {
  struct setfieldarg a = {k, strlen(k), 0};
  return setter(L, tindex, p_rawsetfield, &a);
}
int kh_prawsetlfield(lua_State *L, int tindex, const char *k, size_t len) {
  struct setfieldarg a = {k, len, 0};
  return setter(L, tindex, p_rawsetfield, &a);
}
int kh_prawseti(lua_State *L, int tindex, lua_Integer i) {
  struct setfieldarg a = {NULL, 0, i};
  return setter(L, tindex, p_rawseti, &a);
}

struct doublesarg { const double *v; size_t n; int nan_as_nil; };
static int p_pushdoubles(lua_State *L) {
  struct doublesarg *a = (struct doublesarg *)lua_touserdata(L, 1);
  lua_createtable(L, (int)a->n, 0);
  for (size_t i = 0; i < a->n; i++) {
    double x = a->v[i];
    if (a->nan_as_nil && x != x) continue;
    lua_pushnumber(L, x);
    lua_rawseti(L, -2, (lua_Integer)(i + 1));
  }
  return 1;
}
int kh_ppushdoubles(lua_State *L, const double *v, size_t n, int nan_as_nil) {
  struct doublesarg a = {v, n, nan_as_nil};
  return run_protected(L, p_pushdoubles, &a, 1);
}

static int p_pushclosure(lua_State *L) {
  lua_Integer id = *(lua_Integer *)lua_touserdata(L, 1);
  lua_pushinteger(L, id);
  lua_pushcclosure(L, trampoline, 1);
  return 1;
}
int kh_ppushclosure(lua_State *L, lua_Integer id) {
  return run_protected(L, p_pushclosure, &id, 1);
}

struct boxarg { void *object; int mtref; };
static int p_pushbox(lua_State *L) {
  struct boxarg *a = (struct boxarg *)lua_touserdata(L, 1);
  void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 1);
  *slot = NULL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, a->mtref);
  lua_setmetatable(L, -2);
  *slot = a->object;  /* only now owned by Lua: __gc will release it */
  return 1;
}
int kh_ppushbox(lua_State *L, void *object, int mtref) {
  struct boxarg a = {object, mtref};
  return run_protected(L, p_pushbox, &a, 1);
}

void *kh_tobox(lua_State *L, int idx, int mtref) {
  void **slot = (void **)lua_touserdata(L, idx);
  if (slot == NULL || lua_type(L, idx) != LUA_TUSERDATA) return NULL;
  if (!lua_checkstack(L, 2)) return NULL;
  if (!lua_getmetatable(L, idx)) return NULL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, mtref);
  int same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same ? *slot : NULL;
}

static int p_newboxmetatable(lua_State *L) {
  lua_createtable(L, 0, 8);
  lua_pushcfunction(L, box_release);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, box_release);
  lua_setfield(L, -2, "__close");
  lua_pushstring(L, "locked");
  lua_setfield(L, -2, "__metatable");
  return 1;
}
int kh_pnewboxmetatable(lua_State *L) { return run_protected(L, p_newboxmetatable, NULL, 1); }

struct tostrarg { int idx; };
static int p_tolstring(lua_State *L) {
  /* the value is argument 2 */
  luaL_tolstring(L, 2, NULL);
  return 1;
}
int kh_ptolstring(lua_State *L, int idx, const char **out, size_t *len) {
  idx = lua_absindex(L, idx);
  if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
  lua_pushcfunction(L, p_tolstring);
  lua_pushnil(L);
  lua_pushvalue(L, idx);
  int status = lua_pcall(L, 2, 1, 0);
  if (status == LUA_OK) *out = lua_tolstring(L, -1, len);
  return status;
}

static int p_gettable(lua_State *L) { lua_gettable(L, 1); return 1; }
int kh_pgettable(lua_State *L, int tindex) {
  /* key on top -> value on top */
  tindex = lua_absindex(L, tindex);
  if (!lua_checkstack(L, 4)) { lua_pop(L, 1); return LUA_ERRMEM; }
  lua_pushcfunction(L, p_gettable);
  lua_pushvalue(L, tindex);
  lua_rotate(L, -3, -1);          /* f t k */
  return lua_pcall(L, 2, 1, 0);
}
static int p_settable(lua_State *L) { lua_settable(L, 1); return 0; }
int kh_psettable(lua_State *L, int tindex) {
  /* key, value on top -> popped */
  tindex = lua_absindex(L, tindex);
  if (!lua_checkstack(L, 4)) { lua_pop(L, 2); return LUA_ERRMEM; }
  lua_pushcfunction(L, p_settable);
  lua_pushvalue(L, tindex);
  lua_rotate(L, -4, 2);           /* f t k v */
  int status = lua_pcall(L, 3, 0, 0);
  if (status != LUA_OK) lua_pop(L, 1);
  return status;
}
static int p_setglobal(lua_State *L) {
  const char *name = (const char *)lua_touserdata(L, 2);
  lua_settop(L, 1);
  lua_setglobal(L, name);
  return 0;
}
int kh_psetglobal(lua_State *L, const char *name) {
  if (!lua_checkstack(L, 4)) { lua_pop(L, 1); return LUA_ERRMEM; }
  lua_pushcfunction(L, p_setglobal);
  lua_rotate(L, -2, 1);           /* f v */
  lua_pushlightuserdata(L, (void *)name);
  int status = lua_pcall(L, 2, 0, 0);
  if (status != LUA_OK) lua_pop(L, 1);
  return status;
}
static int p_getglobal(lua_State *L) {
  lua_getglobal(L, (const char *)lua_touserdata(L, 1));
  return 1;
}
int kh_pgetglobal(lua_State *L, const char *name) {
  return run_protected(L, p_getglobal, (void *)name, 1);
}

static int p_ref(lua_State *L) {
  int *ref = (int *)lua_touserdata(L, 2);
  lua_settop(L, 1);
  *ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}
int kh_pref(lua_State *L, int *ref) {
  if (!lua_checkstack(L, 4)) { lua_pop(L, 1); return LUA_ERRMEM; }
  lua_pushcfunction(L, p_ref);
  lua_rotate(L, -2, 1);
  lua_pushlightuserdata(L, ref);
  int status = lua_pcall(L, 2, 0, 0);
  if (status != LUA_OK) lua_pop(L, 1);
  return status;
}

/* luaL_loadbufferx is already protected: it returns a status. */
int kh_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name, const char *mode) {
  if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
  return luaL_loadbufferx(L, buf, len, name, mode);
}

/* ------------------------------------------------------------ calling Lua */

int kh_msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int kh_docall(lua_State *L, int nargs, int nresults) {
  if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, kh_msghandler);
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  return status;
}

/* ------------------------------------------------------------- collection */

int kh_gc_collect(lua_State *L) {
  lua_gc(L, LUA_GCCOLLECT);
  return lua_gc(L, LUA_GCCOUNT);
}
