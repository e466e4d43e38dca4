/* CStartup: process set-up that must happen before the Swift runtime and
 * glibc's allocator are initialised. Linked only into the `kaplan` and
 * `KaplanBench` executables (never into tests or libraries); it has no API:
 * its work is done by an ELF constructor (HugePages.c). */
#ifndef CSTARTUP_H
#define CSTARTUP_H

/* 1 when this process was re-executed with huge pages (HugePages.c). */
int kaplan_huge_pages_enabled(void);

#endif
