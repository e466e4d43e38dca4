// Lua line coverage for libFuzzer.
//
// libFuzzer sees only code compiled with -sanitize=fuzzer, so the Lua side of
// Kaplan (the stdlib: json.lua, datasets.lua, ...) would be invisible to it
// and the JSON and API fuzzers would mutate blindly. A line hook counts
// (previous line, line) pairs, hashed by chunk name and line number, in
// libFuzzer's "extra counters" section (FuzzerExtraCounters.cpp reads
// __start___libfuzzer_extra_counters .. __stop___libfuzzer_extra_counters on
// Linux), which libFuzzer treats like its own edge counters.
//
// Lua has one hook per thread (new coroutines copy it). The hook installed
// before ours (the time limit's count hook) is kept and called for count
// events, so limits keep working under the fuzzer.
#include "FuzzCoverage.h"

#include <stdint.h>
#include <string.h>

#define COUNTERS (1u << 16)
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t fuzz_lua_counters[COUNTERS];

static lua_Hook chained_hook;
static uint32_t previous_line;

static uint32_t hash_text(const char *s) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static void coverage_hook(lua_State *L, lua_Debug *ar) {
  if (ar->event == LUA_HOOKLINE) {
    if (lua_getinfo(L, "S", ar)) {
      uint32_t here = hash_text(ar->short_src) ^ ((uint32_t)ar->currentline * 2654435761u);
      fuzz_lua_counters[(here ^ previous_line) % COUNTERS]++;
      previous_line = here >> 1;
    }
    return;
  }
  if (chained_hook) chained_hook(L, ar);
}

void fuzz_coverage_install(lua_State *L) {
  lua_Hook current = lua_gethook(L);
  if (current != coverage_hook) chained_hook = current;
  int mask = lua_gethookmask(L);
  int count = lua_gethookcount(L);
  lua_sethook(L, coverage_hook, mask | LUA_MASKLINE, count);
}
