/* CLuaShim: the C side of Kaplan's Lua bridge.
 *
 * Swift must never be unwound by a Lua error (longjmp).  Everything here that
 * may raise runs inside lua_pcall; Swift callbacks return a status and the
 * trampoline raises only after the Swift frame has returned.  Functions named
 * kh_p* are protected: they return LUA_OK with their result on the stack, or
 * an error status with the error object on the stack in place of the result.
 */
#ifndef CLUASHIM_H
#define CLUASHIM_H
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>

/* ---- macros Swift cannot import ---- */
static inline void kh_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline int kh_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int kh_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void kh_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void kh_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline int kh_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline lua_Number kh_tonumber(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }
static inline lua_Integer kh_tointeger(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
static inline void *kh_extraspace(lua_State *L) { return lua_getextraspace(L); }
static inline int kh_pcall(lua_State *L, int nargs, int nresults, int msgh) {
  return lua_pcall(L, nargs, nresults, msgh);
}

/* ---- memory-limited allocator ---- */
typedef struct kh_alloc_state {
  size_t used;
  size_t limit;   /* 0 = unlimited */
  size_t peak;
} kh_alloc_state;

/* A new state with the limiting allocator; NULL when even that fails. */
lua_State *kh_newstate(kh_alloc_state *alloc);

/* ---- the host record of a state: its Swift object and its limits ---- */
/* Every state has its own record (its extra space points to it; coroutines
 * inherit it), holding the deadline, the limit and the interrupt flag, so
 * that limits of concurrent states are independent. */
typedef struct kh_host kh_host;
enum { KH_RUNNING = 0, KH_INTERRUPTED = 1, KH_TIMED_OUT = 2 };
kh_host *kh_host_new(void *object);
void kh_host_free(kh_host *h);
void kh_attach_host(lua_State *L, kh_host *h);
kh_host *kh_host_of(lua_State *L);
void *kh_host_object(kh_host *h);
void kh_host_set_object(kh_host *h, void *object);

/* ---- limits: time (count hook) and cancellation (Ctrl-C, timeouts) ---- */
/* Installs the count hook (every 1000 instructions) and wraps pcall, xpcall,
 * load, coroutine.resume and coroutine.close so that they re-raise a stop.
 * Call once, after kh_popenlibs and before any coroutine exists. */
int kh_pinstalllimits(lua_State *L);
/* Limits what runs from now on to `seconds` (<= 0: no limit) and clears a
 * time-limit stop. */
void kh_set_deadline(kh_host *h, double seconds);
/* The deadline (CLOCK_MONOTONIC seconds, 0 = none) and the limit (seconds). */
double kh_deadline(kh_host *h);
double kh_time_limit(kh_host *h);
/* Thread-safe: asks the running chunk to stop. */
void kh_request_interrupt(kh_host *h);
int kh_interrupt_requested(kh_host *h);
/* Clears the interrupt and the sticky stop (before the next REPL chunk). */
void kh_clear_stop(kh_host *h);
/* KH_RUNNING, or why the run stopped; latches the stop when the deadline has
 * passed or an interrupt is pending (for hooks and Swift kernels to poll). */
int kh_stop_reason(kh_host *h);
/* The stop's message ("interrupted", "time limit of 5 s exceeded (raise it
 * with --timeout)"), or "" while running; returns its length. */
size_t kh_stop_message(kh_host *h, char *buf, size_t size);
double kh_monotonic_seconds(void);
/* Chunks whose name starts with `prefix` (e.g. "@/usr/share/kaplan/") are
 * library code: a stop raised inside them names the first line outside. */
void kh_set_internal_source(kh_host *h, const char *prefix);

/* SIGINT: the handler (async-signal-safe) interrupts the target state; a
 * second SIGINT within a second, while the first is still pending, also
 * sets the abandon request that the REPL and the run watchdog serve. */
void kh_set_interrupt_target(kh_host *h);
int kh_install_sigint_handler(void);
int kh_abandon_requested(void);
void kh_clear_abandon_request(void);

/* ---- Swift callbacks ---- */
/* Swift's dispatcher: returns the number of results, or -1 after leaving an
 * error object on top of the stack. */
typedef int (*kh_dispatch_fn)(lua_State *L);
typedef void (*kh_release_fn)(void *object);
void kh_install_swift(kh_dispatch_fn dispatch, kh_release_fn release);

/* ---- protected helpers (status returned; see header comment) ---- */
int kh_popenlibs(lua_State *L);
int kh_ppushstring(lua_State *L, const char *s, size_t len);
int kh_pnewtable(lua_State *L, int narr, int nrec);
/* t[k] = v, raw, where t is at tindex and v on top (popped). */
int kh_prawsetfield(lua_State *L, int tindex, const char *k);
/* As kh_prawsetfield, with a key of `len` bytes that may contain NUL. */
int kh_prawsetlfield(lua_State *L, int tindex, const char *k, size_t len);
/* t[i] = v, raw, where t is at tindex and v on top (popped). */
int kh_prawseti(lua_State *L, int tindex, lua_Integer i);
/* A new array table {v[0], ..., v[n-1]}; NaN entries become nil when nan_as_nil. */
int kh_ppushdoubles(lua_State *L, const double *v, size_t n, int nan_as_nil);
/* A Swift closure: upvalue 1 is the callback id. */
int kh_ppushclosure(lua_State *L, lua_Integer id);
/* A full userdata holding `object`, with metatable registry[mtref]. */
int kh_ppushbox(lua_State *L, void *object, int mtref);
/* The boxed pointer at idx if its metatable is registry[mtref], else NULL. */
void *kh_tobox(lua_State *L, int idx, int mtref);
/* A new metatable for boxes with __gc/__close releasing the object; returns
 * status and leaves the table on top. */
int kh_pnewboxmetatable(lua_State *L);
/* luaL_tolstring, protected: the string is left on the stack. */
int kh_ptolstring(lua_State *L, int idx, const char **out, size_t *len);
/* lua_gettable / lua_settable / lua_setglobal / lua_getglobal, protected. */
int kh_pgettable(lua_State *L, int tindex);
int kh_psettable(lua_State *L, int tindex);
int kh_psetglobal(lua_State *L, const char *name);
int kh_pgetglobal(lua_State *L, const char *name);
/* luaL_ref, protected; the value on top is popped into the registry. */
int kh_pref(lua_State *L, int *ref);
/* Loads a chunk (text or binary per mode), leaving the function or the error. */
int kh_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name, const char *mode);

/* The message handler of lua.c: adds a traceback to string errors. */
int kh_msghandler(lua_State *L);
/* Calls the function below nargs arguments with kh_msghandler, cleaning it up. */
int kh_docall(lua_State *L, int nargs, int nresults);

/* A full garbage collection (lua_gc is variadic: Swift cannot call it).
 * Finalizers run protected; a collection asked for inside a finalizer is
 * skipped by Lua itself. Returns Lua's heap size in KB afterwards. */
int kh_gc_collect(lua_State *L);
/* ---- sandbox: io.open of a resolved path with O_NOFOLLOW (FinalOpen.c) ---- */
/* A lua_CFunction, called from Lua only: open_final(path, mode, shown). */
int kh_open_final(lua_State *L);

#endif
