// zlib's raw inflate, for checking that a ZIP entry's deflate stream ends
// inside its data (Sources/XLSX/ZIPDeflateCheck.swift).
#include <zlib.h>
