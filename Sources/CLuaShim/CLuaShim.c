#include "CLuaShim.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
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

static int run_protected(lua_State *L, lua_CFunction f, void *arg, int nresults);

/* ------------------------------------------------------------------- limits */

/* Each state has its own host record (its extra space points to it), so a
 * limit set or cleared on one state never touches another. The stop is
 * sticky: once the deadline has passed or an interrupt arrived, every hook
 * call, every Swift entry point, every kernel poll and the return of every
 * error-catching function (pcall, xpcall, coroutine.resume/close, load)
 * raises again, until the host clears it (kh_clear_stop) for the next run. */
struct kh_host {
  void *object;                 /* the Swift LuaState, unretained */
  atomic_int interrupt;         /* Ctrl-C or another thread asked to stop */
  atomic_int stopped;           /* KH_RUNNING, or why the run stopped (sticky) */
  atomic_llong deadline_ns;     /* CLOCK_MONOTONIC nanoseconds; 0 = none */
  atomic_int was_target;        /* was the SIGINT target: never freed */
  _Atomic double limit;         /* seconds, for the message */
  char *internal;               /* chunk-name prefix of library code, or NULL */
};

static long long monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + (long long)ts.tv_nsec;
}

double kh_monotonic_seconds(void) { return (double)monotonic_ns() * 1e-9; }

kh_host *kh_host_new(void *object) {
  kh_host *h = (kh_host *)calloc(1, sizeof *h);
  if (h == NULL) return NULL;
  h->object = object;
  atomic_init(&h->interrupt, 0);
  atomic_init(&h->stopped, KH_RUNNING);
  atomic_init(&h->deadline_ns, 0);
  atomic_init(&h->was_target, 0);
  atomic_init(&h->limit, 0.0);
  return h;
}

static _Atomic(kh_host *) sigint_target = NULL;

void kh_host_free(kh_host *h) {
  if (h == NULL) return;
  kh_host *expected = h;
  atomic_compare_exchange_strong(&sigint_target, &expected, NULL);
  /* A SIGINT handler on another thread may still hold the pointer it read:
   * a state that was ever the target is left allocated (one per REPL). */
  if (atomic_load(&h->was_target)) return;
  free(h->internal);
  free(h);
}

void kh_attach_host(lua_State *L, kh_host *h) {
  *(kh_host **)lua_getextraspace(L) = h;
}

kh_host *kh_host_of(lua_State *L) { return *(kh_host **)lua_getextraspace(L); }
void *kh_host_object(kh_host *h) { return h ? h->object : NULL; }
void kh_host_set_object(kh_host *h, void *object) { h->object = object; }

void kh_set_deadline(kh_host *h, double seconds) {
  if (seconds > 0 && seconds < 1e9) {
    atomic_store(&h->limit, seconds);
    atomic_store(&h->deadline_ns, monotonic_ns() + (long long)(seconds * 1e9));
  } else {
    /* No limit (also for limits beyond 30 years, which no clock reaches). */
    atomic_store(&h->limit, 0.0);
    atomic_store(&h->deadline_ns, 0);
  }
  int timed_out = KH_TIMED_OUT;
  atomic_compare_exchange_strong(&h->stopped, &timed_out, KH_RUNNING);
}

double kh_deadline(kh_host *h) { return (double)atomic_load(&h->deadline_ns) * 1e-9; }
double kh_time_limit(kh_host *h) { return atomic_load(&h->deadline_ns) ? atomic_load(&h->limit) : 0; }

void kh_request_interrupt(kh_host *h) { atomic_store(&h->interrupt, 1); }
int kh_interrupt_requested(kh_host *h) { return atomic_load(&h->interrupt) != 0; }

void kh_clear_stop(kh_host *h) {
  atomic_store(&h->interrupt, 0);
  atomic_store(&h->stopped, KH_RUNNING);
}

int kh_stop_reason(kh_host *h) {
  if (h == NULL) return KH_RUNNING;
  int reason = atomic_load(&h->stopped);
  if (reason != KH_RUNNING) return reason;
  if (atomic_load(&h->interrupt)) reason = KH_INTERRUPTED;
  else {
    long long deadline = atomic_load(&h->deadline_ns);
    if (deadline > 0 && monotonic_ns() > deadline) reason = KH_TIMED_OUT;
  }
  if (reason != KH_RUNNING) {
    int running = KH_RUNNING;
    /* The first reason wins (an interrupt after the deadline stays a timeout). */
    if (!atomic_compare_exchange_strong(&h->stopped, &running, reason)) reason = running;
  }
  return reason;
}

/* "5", "0.5", "1.25": the limit as the user wrote it, not "5.000000". */
static void format_seconds(char *buf, size_t size, double s) {
  if (s >= 1 && s < 1e15 && (double)(long long)s == s) snprintf(buf, size, "%lld", (long long)s);
  else snprintf(buf, size, "%.3g", s);
}

size_t kh_stop_message(kh_host *h, char *buf, size_t size) {
  int reason = h ? atomic_load(&h->stopped) : KH_RUNNING;
  if (size == 0) return 0;
  buf[0] = 0;
  if (reason == KH_INTERRUPTED) {
    snprintf(buf, size, "interrupted");
  } else if (reason == KH_TIMED_OUT) {
    char limit[32];
    format_seconds(limit, sizeof limit, atomic_load(&h->limit));
    snprintf(buf, size, "time limit of %s s exceeded (raise it with --timeout)", limit);
  }
  return strlen(buf);
}

void kh_set_internal_source(kh_host *h, const char *prefix) {
  free(h->internal);
  h->internal = prefix ? strdup(prefix) : NULL;
}

/* Pushes "chunk:line: " of the first function from `level` up that is Lua
 * code outside the library (h->internal), so that a stop met inside the
 * stdlib names the script's line; as luaL_where when there is none. */
static void where_outside_library(lua_State *L, kh_host *h, int level) {
  if (h->internal != NULL) {
    size_t n = strlen(h->internal);
    lua_Debug ar;
    int inside = 0;
    for (int l = level; lua_getstack(L, l, &ar); l++) {
      if (!lua_getinfo(L, "Sl", &ar)) break;
      if (ar.currentline > 0 && strncmp(ar.source, h->internal, n) != 0) {
        lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
        return;
      }
      if (ar.currentline > 0) inside = 1;
    }
    /* Only library frames: the script's frame was replaced by a tail call
     * (`return km(...)`). A position inside the stdlib would mislead; the
     * message goes without one, as Lua's own for a C caller. */
    if (inside) {
      lua_pushliteral(L, "");
      return;
    }
  }
  luaL_where(L, level);
}

/* Raises the stop's message at `level` (0: the running Lua function, as the
 * hook sees it; 1: the caller of a C function). */
static int raise_stop(lua_State *L, kh_host *h, int level) {
  char message[128];
  kh_stop_message(h, message, sizeof message);
  where_outside_library(L, h, level);
  lua_pushstring(L, message);
  lua_concat(L, 2);
  return lua_error(L);
}

static void limit_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  kh_host *h = kh_host_of(L);
  if (kh_stop_reason(h) != KH_RUNNING) raise_stop(L, h, 0);
}

/* pcall, xpcall, coroutine.resume, coroutine.close and load return an error
 * instead of raising it; wrapped, they raise the stop again as soon as they
 * return. The original is upvalue 1; a continuation keeps yields across
 * them working as before. */
static int after_catcher(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  (void)ctx;
  kh_host *h = kh_host_of(L);
  if (kh_stop_reason(h) != KH_RUNNING) return raise_stop(L, h, 1);
  return lua_gettop(L);
}

static int catcher(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, after_catcher);
  return after_catcher(L, LUA_OK, 0);
}

/* xpcall's message handler runs before the error unwinds, and when the
 * error is the stop raised by the count hook it runs with hooks still off
 * (Lua re-enables them only once the protected call returns): a handler
 * that loops was never stopped (review of issue 12:
 * `xpcall(function() while true do end end, function() while true do end end)`
 * needed the watchdog). Once the run is stopped the handler is skipped and
 * the message passed on; xpcall's catcher then raises the stop again. */
static int stop_aware_handler(lua_State *L) {
  if (kh_stop_reason(kh_host_of(L)) != KH_RUNNING) {
    lua_settop(L, 1);
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int xpcall_catcher(lua_State *L) {
  if (lua_gettop(L) >= 2) {
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, stop_aware_handler, 1);
    lua_replace(L, 2);
  }
  return catcher(L);
}

static void wrap_field(lua_State *L, int table, const char *name) {
  if (lua_getfield(L, table, name) != LUA_TFUNCTION) { lua_pop(L, 1); return; }
  lua_pushcclosure(L, catcher, 1);
  lua_setfield(L, table, name);
}

static int p_installlimits(lua_State *L) {
  lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1000);
  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  wrap_field(L, g, "pcall");
  if (lua_getfield(L, g, "xpcall") == LUA_TFUNCTION) {
    lua_pushcclosure(L, xpcall_catcher, 1);
    lua_setfield(L, g, "xpcall");
  } else {
    lua_pop(L, 1);
  }
  wrap_field(L, g, "load");
  if (lua_getfield(L, g, "coroutine") == LUA_TTABLE) {
    int co = lua_gettop(L);
    wrap_field(L, co, "resume");
    wrap_field(L, co, "close");
  }
  return 0;
}
int kh_pinstalllimits(lua_State *L) { return run_protected(L, p_installlimits, NULL, 0); }

/* ---- SIGINT: one process-global pointer to the state being interrupted ---- */

static atomic_llong last_sigint_ns = 0;
static atomic_int abandon_requested = 0;

static void on_sigint(int sig) {
  (void)sig;
  int saved = errno;
  long long now = monotonic_ns();
  long long last = atomic_exchange(&last_sigint_ns, now);
  kh_host *h = atomic_load(&sigint_target);
  if (h != NULL) {
    /* A second Ctrl-C within a second of one that has not been served yet. */
    if (atomic_load(&h->interrupt) && last > 0 && now - last < 1000000000LL)
      atomic_store(&abandon_requested, 1);
    atomic_store(&h->interrupt, 1);
  }
  errno = saved;
}

void kh_set_interrupt_target(kh_host *h) {
  if (h) atomic_store(&h->was_target, 1);
  atomic_store(&sigint_target, h);
}

int kh_install_sigint_handler(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &sa, NULL) != 0) return -1;
  /* A parent may have started us with SIGINT blocked (test runners do). */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int kh_abandon_requested(void) { return atomic_load(&abandon_requested) != 0; }
void kh_clear_abandon_request(void) { atomic_store(&abandon_requested, 0); }

/* ---------------------------------------------------------- Swift callbacks */

static kh_dispatch_fn swift_dispatch = NULL;
static kh_release_fn swift_release = NULL;

void kh_install_swift(kh_dispatch_fn dispatch, kh_release_fn release) {
  swift_dispatch = dispatch;
  swift_release = release;
}

/* Runs a Swift callback; raises its error only after Swift has returned. */
/* Swift returns -1 for its own errors (a message: the position of the first
 * caller outside the stdlib is prepended, as luaL_error prepends the
 * caller's, so an error of a Swift function that a stdlib wrapper called
 * names the script's line: the one place error positions are computed) and -2 for error objects that came from Lua
 * (already positioned; raised as they are). */
static int trampoline(lua_State *L) {
  /* A stopped run enters no Swift function, and a Swift function that
   * returned after the stop (a kernel that noticed it, or one that swallowed
   * an error) raises the stop rather than its own result. */
  kh_host *h = kh_host_of(L);
  if (kh_stop_reason(h) != KH_RUNNING) return raise_stop(L, h, 1);
  int n = swift_dispatch(L);
  if (kh_stop_reason(h) != KH_RUNNING) return raise_stop(L, h, 1);
  if (n == -1) {
    if (lua_type(L, -1) == LUA_TSTRING) {
      where_outside_library(L, h, 1);
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

/* string.rep(s, n [, sep]): n copies of s separated by sep. Lua 5.4.4's own
 * loops n times even when s and sep are both empty, copying nothing:
 * string.rep("", 1 << 60) spins inside C, where the time limit's count hook
 * never runs (found by fuzz-lua-api). This one returns "" at once when there
 * is nothing to copy, and otherwise builds the result in one buffer sized up
 * front (refusing more than INT_MAX bytes, as the string library does). */
static int string_rep(lua_State *L) {
  size_t len, seplen;
  const char *s = luaL_checklstring(L, 1, &len);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &seplen);
  if (n <= 0 || (len == 0 && seplen == 0)) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* The string library's own bound on a result: INT_MAX bytes. */
  size_t piece = len + seplen;
  if (piece < len || (size_t)n > ((size_t)INT_MAX + seplen) / piece)
    return luaL_error(L, "resulting string too large");
  size_t total = (size_t)n * len + (size_t)(n - 1) * seplen;
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, total);
  for (lua_Integer i = 0; i < n; i++) {
    memcpy(out, s, len);
    out += len;
    if (i + 1 < n && seplen > 0) {
      memcpy(out, sep, seplen);
      out += seplen;
    }
  }
  luaL_pushresultsize(&b, total);
  return 1;
}

static int p_openlibs(lua_State *L) {
  luaL_openlibs(L);
  lua_getglobal(L, "string");
  lua_pushcfunction(L, string_rep);
  lua_setfield(L, -2, "rep");
  lua_pop(L, 1);
  return 0;
}
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
