// zlib's raw inflate and CRC-32, for expanding ZIP entries
// (Sources/XLSX/ZIPBoundedExpansion.swift).
#include <zlib.h>
