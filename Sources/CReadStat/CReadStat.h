// ReadStat (Debian's libreadstat-dev, the C library behind R's haven and
// Python's pyreadstat): SAS, SAS transport, Stata and SPSS files. It ships
// no pkg-config file, so the module links `readstat` by name.
#include <readstat.h>
