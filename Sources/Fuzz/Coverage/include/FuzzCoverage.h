#ifndef KAPLAN_FUZZ_COVERAGE_H
#define KAPLAN_FUZZ_COVERAGE_H

#include <lua.h>

/// Adds Lua line coverage to libFuzzer's feedback: chains a line hook in
/// front of the state's hook (whose count events, the time limit, still
/// reach it). See FuzzCoverage.c.
void fuzz_coverage_install(lua_State *L);

#endif
