#ifndef KAPLAN_CREADSTAT_SHIM_H
#define KAPLAN_CREADSTAT_SHIM_H

#include <stddef.h>
#include <readstat.h>

/// Makes `parser` read from `length` bytes at `data` (a file the caller
/// has opened, checked and mapped) instead of opening a path itself, so the
/// sandbox's checks and the memory budget apply to the bytes ReadStat sees.
/// The bytes must outlive the parse. Returns READSTAT_OK or an error.
readstat_error_t kaplan_readstat_use_memory(readstat_parser_t *parser, const void *data, size_t length);

#endif
