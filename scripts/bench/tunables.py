#!/usr/bin/env python3
"""Compares glibc malloc settings on the benchmark tasks (docs/ARCHITECTURE.md, "Memory pages").

    python3 scripts/bench/tunables.py [ROWS ...]

Runs `kaplan run task.lua -- TASK FILE` (the files of gen_data.py, in
BENCH_DIR) once per setting in each repetition, so a busy minute of a shared
machine hits every setting alike, and prints per task and size the best call
(`BENCH time`), the best process wall time, the best user + system CPU time of
the process and the largest peak RSS, each setting against the first. A
setting is a GLIBC_TUNABLES value: when GLIBC_TUNABLES is set, kaplan runs
with it as given (Sources/CStartup/HugePages.c), so no rebuild is needed; or
env:NAME=VALUE, an environment variable instead (env:KAPLAN_KEEP_FREED=0
turns off the Cox fit's freed-memory retention, RunControl's
FreedMemoryRetention).

Environment: KAPLAN (default .build/release/kaplan), BENCH_DIR
(/tmp/kaplan-bench), BENCH_REPS (3), BENCH_TASKS (default: csv km logrank cox
cox_strata cuminc derive join group_by), TUNABLES (settings separated by
spaces; "default" is Kaplan's own; default: the settings compared in
ARCHITECTURE).
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FILES = {"csv": "num", "derive": "num", "join": "subjects", "group_by": "group"}
SETTINGS = [
    "glibc.malloc.hugetlb=1",
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295",
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967295",
]


def run(kaplan, task, path, setting, directory):
    env = dict(os.environ)
    env.pop("GLIBC_TUNABLES", None)
    if setting.startswith("env:"):
        name, _, value = setting[4:].partition("=")
        env[name] = value
    elif setting != "default":
        env["GLIBC_TUNABLES"] = setting
    start = time.perf_counter()
    process = subprocess.Popen([kaplan, "run", "--quiet", os.path.join(HERE, "task.lua"), "--", task, path],
                               cwd=directory, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    call = None
    for line in output.splitlines():
        parts = line.split()
        if parts[:2] == ["BENCH", "time"]:
            call = float(parts[2])
    if status != 0 or call is None:
        sys.exit("tunables: %s %s with %s failed:\n%s" % (task, path, setting, output[-2000:]))
    return call, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def main():
    sizes = [int(float(x)) for x in (sys.argv[1:] or ["1e6"])]
    kaplan = os.path.abspath(os.environ.get("KAPLAN") or os.path.join(ROOT, ".build", "release", "kaplan"))
    directory = os.path.abspath(os.environ.get("BENCH_DIR", "/tmp/kaplan-bench"))
    reps = int(os.environ.get("BENCH_REPS", "3"))
    tasks = os.environ.get("BENCH_TASKS", "csv km logrank cox cox_strata cuminc derive join group_by").split()
    settings = os.environ.get("TUNABLES", "").split() or SETTINGS
    print("tunables: %s UTC, load average %s; best of %d interleaved runs"
          % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), " ".join("%.1f" % x for x in os.getloadavg()), reps))
    for i, s in enumerate(settings):
        print("  setting %d: %s" % (i, s))
    for n in sizes:
        for task in tasks:
            path = os.path.join(directory, "%s_%d.csv" % (FILES.get(task, "surv"), n))
            if not os.path.exists(path):
                print("%s, %d rows: no file %s (gen_data.py)" % (task, n, path))
                continue
            results = {s: [] for s in settings}
            for _ in range(reps):
                for s in settings:
                    results[s].append(run(kaplan, task, path, s, directory))
            print("%s, %s rows        call s   process s   CPU s  peak MB   (vs setting 0: call, CPU, peak)"
                  % (task, format(n, ",")))
            base = None
            for i, s in enumerate(settings):
                rs = results[s]
                best = (min(r[0] for r in rs), min(r[1] for r in rs), min(r[2] for r in rs), max(r[3] for r in rs))
                spread = (max(r[0] for r in rs) - best[0]) / best[0] * 100 if best[0] > 0 else 0
                base = base or best
                print("  setting %d %20.4f %11.3f %7.3f %8.0f   %.2fx %.2fx %+.1f%%  (call spread %.0f%%)"
                      % (i, best[0], best[1], best[2], best[3], base[0] / best[0] if best[0] else 0,
                         base[2] / best[2] if best[2] else 0, (best[3] / base[3] - 1) * 100, spread))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
