#!/usr/bin/env python3
"""`make bench`: what users run, timed next to R and the Python peers.

Each task is one process, as a user runs it: `kaplan run task.lua`, an
`Rscript task.R`, a `python3 task.py`. Each prints the in-process wall clock
of its call (`BENCH time`) and checksum lines (`BENCH check`); the harness
adds the whole process's wall time and peak RSS (os.wait4's rusage of that
child). The runs are interleaved: in each repetition every task runs once
for Kaplan, then R, then Python, so that a slow minute of a shared machine
hits every side. The table gives, per task and size, the best and median
call time over BENCH_REPS repetitions, their spread ((max - min) / min), the
best process time, the largest peak RSS, and the ratio peer best / Kaplan
best. KaplanBench (the kernels called from Swift, no script) is printed
beside as the floor, with the ratio script / kernel.

Checksums (medians, chi-square, coefficients, Gray's statistics, column
sums) of every peer are compared with Kaplan's: relative 1e-6 for R and the
CSV readers, 1e-4 for lifelines (its own convergence tolerance is looser);
a mismatch is printed loudly and makes the exit status 1.

Environment:
  BENCH_SIZES   rows, e.g. "1e5 1e6" (default); add 1e7 for the large run
                (files of ~0.6 GB each, several minutes per repetition)
  BENCH_REPS    repetitions, best of them is reported (default 3)
  BENCH_DIR     where the generated CSVs live (default /tmp/kaplan-bench)
  BENCH_PEERS   "r python" (default), "r", "python" or "none" (Kaplan only)
  BENCH_TASKS   a subset (spaces or commas between): csv csv_surv km logrank cox cox_strata cuminc finegray derive join
                group_by (join: N subjects left-joined with N events; group_by:
                N rows by 1,000 groups; the issue's sizes are BENCH_SIZES=1e6
                for join and 1e7 for group_by), survsplit, cox_predict
                (survfit of the cox task's model for 10 profiles), cox_adjusted
  BENCH_R_SCORE_ROWS         largest size for R's score, dfbeta and dfbetas
                             residuals (quadratic; default 20000); tasks
                             diag_zph, diag_martingale, ... diag_dfbetas time
                             the Cox diagnostics (cox_diagnostics.lua and .R);
                             diag_predict_lp, _risk, _expected m:predict()
  BENCH_CRR_ROWS             rows of the Fine-Gray comparison with crr, which
                             is quadratic (default 5000; 0 skips it)
  BENCH_LIFELINES_COX_ROWS   largest size for lifelines' CoxPHFitter (1e5)
  BENCH_TIMEOUT seconds a process may take before it is stopped (900)
  KAPLAN        the kaplan executable (default: the release build)
  BENCH_KAPLAN_ARGS  extra arguments of `kaplan run`, e.g. "--trust" to time
                without the sandbox (default: none; scripts run sandboxed,
                as users' scripts do)
  KAPLAN_BENCH  the KaplanBench executable ("" skips the kernel floor)
  BENCH_QUICK   1: a quick check that everything runs (a few minutes): the
                headline tasks (QUICK_TASKS) at 10^5 rows, best of 2, unless
                BENCH_SIZES, BENCH_REPS or BENCH_TASKS say otherwise; its table
                goes to BENCH_DIR/bench-results.md, not to docs/
  BENCH_RESULTS where the Markdown results (the README's table) are written:
                date, commit, load average before and after, sizes, reps, the
                table (default docs/bench-results.md; "" writes none)
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RELATIVE_TOLERANCE = 1e-6
LIFELINES_TOLERANCE = 1e-4
# From about this many rows cmprsk::cuminc's Gray statistic is wrong (a
# 32-bit integer overflow in its Fortran), so a mismatch there is R's.
CMPRSK_OVERFLOW_ROWS = 4_000_000

# task -> (file kind, [(peer label, language, peer task)])
TASKS = [
    ("csv", "num", [("R read.csv", "R", "read_csv"), ("R fread, 1 thread", "R", "fread1"),
                    ("R fread, 2 threads", "R", "fread2"), ("pandas read_csv", "py", "pandas"),
                    ("pyarrow read_csv", "py", "pyarrow"), ("polars read_csv", "py", "polars")]),
    ("km", "surv", [("R survfit", "R", "km"), ("lifelines KaplanMeierFitter", "py", "lifelines_km")]),
    ("logrank", "surv", [("R survdiff", "R", "logrank"),
                         ("lifelines logrank_test", "py", "lifelines_logrank")]),
    ("cox", "surv", [("R coxph", "R", "cox"), ("lifelines CoxPHFitter", "py", "lifelines_cox")]),
    ("cox_strata", "surv", [("R coxph + strata", "R", "cox_strata"),
                            ("lifelines CoxPHFitter + strata", "py", "lifelines_cox_strata")]),
    ("cuminc", "surv", [("R cmprsk::cuminc", "R", "cuminc")]),
    ("finegray", "surv", [("R cmprsk::crr", "R", "crr")]),
    # --- join and group_by (issue 15) ---
    ("join", "subjects", [("R data.table merge(all.x)", "R", "join_merge"), ("R data.table y[x, on]", "R", "join_dt"),
                          ("pandas merge", "py", "pandas_join"), ("polars join", "py", "polars_join")]),
    ("group_by", "group", [("R data.table [, by = g]", "R", "group_dt"), ("pandas groupby", "py", "pandas_group"),
                           ("polars group_by", "py", "polars_group")]),
    # --- end of join and group_by ---
    # survival data helpers (issue 15)
    ("survsplit", "surv", [("R survSplit", "R", "survsplit")]),
]
TASK_TITLES = {
    "csv": "read_csv, 10 numeric columns", "km": "km, 3 arms", "logrank": "logrank, 3 arms",
    "cox": "cox, 5 covariates + arm", "cox_strata": "cox + strata(stratum)",
    "cuminc": "cuminc, 3 arms, 2 causes", "finegray": "finegray, 3 covariates",
    "join": "left join, N subjects x N events", "group_by": "group_by 1,000 groups: count, mean",
    "survsplit": "survsplit at 10 cuts",
}
R_PACKAGES = {"read_csv": [], "fread1": ["data.table"], "fread2": ["data.table"]}
PY_MODULES = {"pandas": "pandas", "pyarrow": "pyarrow", "polars": "polars"}
# --- join and group_by (issue 15) ---
R_PACKAGES.update({"join_merge": ["data.table"], "join_dt": ["data.table"], "group_dt": ["data.table"]})
PY_MODULES.update({"pandas_join": "pandas", "polars_join": "polars", "pandas_group": "pandas",
                   "polars_group": "polars"})
FILE_KINDS = {"subjects": "join", "group": "group"}  # file kind -> gen_data.py --kinds name
# --- end of join and group_by ---

# Issue 14: read_csv of the surv file, whose two string columns the parallel reader codes per chunk.
TASKS.append(("csv_surv", "surv", [("R fread, 1 thread", "R", "fread1_surv"),
                                   ("R fread, 2 threads", "R", "fread2_surv")]))
TASK_TITLES["csv_surv"] = "read_csv, 8 numeric + 2 string columns"
R_PACKAGES.update({"fread1_surv": ["data.table"], "fread2_surv": ["data.table"]})

# task -> (Kaplan script, R script, the task argument both take), for tasks
# with their own script pair; the others run task.lua and task.R.
TASK_SCRIPTS = {}
# R or Python peer task -> the most rows it is run on (quadratic peers).
PEER_MAX_ROWS = {}

# Issue 15, columns: element-wise column functions (task.lua's derive).
TASKS.append(("derive", "num", [("R data.table :=", "R", "derive"), ("pandas assign", "py", "pandas_derive")]))
TASK_TITLES["derive"] = "derive: log1p, round, sqrt*exp, ^ + %, pmin"
R_PACKAGES["derive"] = ["data.table"]
PY_MODULES["pandas_derive"] = "pandas"

# --- Cox prediction (issue 16): predicted curves for 10 profiles (cox_predict.lua / cox_predict.R) ---
TASKS.append(("cox_predict", "surv", [("R survfit(coxph, newdata)", "R", "cox_predict")]))
TASK_TITLES["cox_predict"] = "survfit of a Cox model, 10 profiles"
TASK_SCRIPTS["cox_predict"] = ("cox_predict.lua", "cox_predict.R", None)
# --- end of Cox prediction ---

# --- Adjusted curves (issue 16): adjusted_curves(m, d, {by = "arm"}) (cox_adjusted.{lua,R}) ---
# R writes the direct-standardised formula out (rows x times exponentials):
# it runs up to BENCH_R_ADJUSTED_ROWS rows (default 10^5).
TASKS.append(("cox_adjusted", "surv", [("R mean of exp(-H0 r)", "R", "cox_adjusted")]))
TASK_TITLES["cox_adjusted"] = "adjusted_curves of a Cox model, by arm"
TASK_SCRIPTS["cox_adjusted"] = ("cox_adjusted.lua", "cox_adjusted.R", None)
PEER_MAX_ROWS["cox_adjusted"] = int(float(os.environ.get("BENCH_R_ADJUSTED_ROWS", "1e5")))
# --- end of adjusted curves ---

# --- Parametric regression (issue 20): a Weibull fit, 5 covariates (survreg.lua / survreg.R) ---
TASKS.append(("survreg", "surv", [("R survreg (Weibull)", "R", "survreg")]))
TASK_TITLES["survreg"] = "survreg Weibull, 5 covariates"
TASK_SCRIPTS["survreg"] = ("survreg.lua", "survreg.R", None)
# --- end of parametric regression ---

# --- Cox diagnostics (issue 16): scripts/bench/cox_diagnostics.{lua,R} ---
# Each task fits the Cox task's model, then times one diagnostic (m:zph(),
# m:residuals(type)) against R's cox.zph / residuals.coxph. Both print their
# CPU time too (BENCH cpu), shown beside the wall clock: the machine is often
# shared. R's score-based residuals (coxscore2) are quadratic in the rows, so
# R runs them only up to BENCH_R_SCORE_ROWS rows (default 20,000).
DIAGNOSTIC_TYPES = ["zph", "martingale", "deviance", "score", "schoenfeld", "scaledsch", "dfbeta", "dfbetas"]
R_SCORE_ROWS = int(float(os.environ.get("BENCH_R_SCORE_ROWS", "2e4")))
for _type in DIAGNOSTIC_TYPES:
    _task = "diag_" + _type
    _peer = "R cox.zph" if _type == "zph" else "R residuals(m, \"%s\")" % _type
    TASKS.append((_task, "surv", [(_peer, "R", _type)]))
    TASK_TITLES[_task] = "Cox diagnostics: " + ("m:zph()" if _type == "zph" else "m:residuals(\"%s\")" % _type)
    TASK_SCRIPTS[_task] = ("cox_diagnostics.lua", "cox_diagnostics.R", _type)
    if _type in ("score", "dfbeta", "dfbetas"):
        PEER_MAX_ROWS[_type] = R_SCORE_ROWS
# m:predict() of the fitted rows (with standard errors) against R's predict(m, type, se.fit = TRUE).
for _type in ["lp", "risk", "expected"]:
    _task = "diag_predict_" + _type
    TASKS.append((_task, "surv", [("R predict(m, \"%s\", se.fit = TRUE)" % _type, "R", _type)]))
    TASK_TITLES[_task] = "Cox prediction: m:predict(nil, {type = \"%s\"})" % _type
    TASK_SCRIPTS[_task] = ("cox_diagnostics.lua", "cox_diagnostics.R", _type)
# --- end of Cox diagnostics ---

# --- Power by simulation (issue 21): scripts/bench/power_sim.{lua,R}, 10,000 trials of 600 (data file unused) ---
TASKS.append(("power_sim", "surv", [("R loop of survdiff on rexp", "R", "power_sim")]))
TASK_TITLES["power_sim"] = "power_sim: 10,000 trials of 600, log-rank"
TASK_SCRIPTS["power_sim"] = ("power_sim.lua", "power_sim.R", None)
# --- end of power by simulation ---


# BENCH_QUICK's tasks: one of each kind the README's table shows.
QUICK_TASKS = "csv km logrank cox cox_strata cuminc derive join group_by"


def env_sizes(name, default):
    return [int(float(x)) for x in os.environ.get(name, default).split()]


def log(message):
    print(message, file=sys.stderr, flush=True)


class Run:
    """One process: its output lines, call time, process time, peak RSS."""

    def __init__(self, cmd, cwd, timeout):
        out_path = os.path.join(cwd, ".bench-out-%d" % os.getpid())
        start = time.perf_counter()
        with open(out_path, "w+") as out:
            process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
            timer = threading.Timer(timeout, lambda: os.kill(process.pid, signal.SIGKILL))
            timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            timer.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
            self.wall = time.perf_counter() - start
            out.seek(0)
            self.output = out.read()
        os.remove(out_path)
        self.rss_mb = usage.ru_maxrss / 1024.0
        self.ok = process.returncode == 0
        self.status = process.returncode
        self.call = None
        self.cpu = None
        self.checks = {}
        for line in self.output.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "BENCH":
                if parts[1] == "time":
                    self.call = float(parts[2])
                elif parts[1] == "cpu":
                    self.cpu = float(parts[2])
                elif parts[1] == "check":
                    self.checks[parts[2]] = [None if v == "NA" else float(v) for v in parts[3:]]
        if self.call is None:
            self.ok = False


class Series:
    """The runs of one implementation of one task at one size."""

    def __init__(self, label):
        self.label = label
        self.runs = []
        self.failure = None

    def add(self, run):
        if run.ok:
            self.runs.append(run)
        elif self.failure is None:
            tail = "\n".join(run.output.strip().splitlines()[-5:])
            why = ("killed by signal %d" % -run.status if run.status < 0 else "exit status %d" % run.status)
            self.failure = "%s; output ends:\n%s" % (why, tail or "(nothing)")

    def calls(self):
        return [r.call for r in self.runs]

    def best(self):
        return min(self.calls()) if self.runs else None


def available_peers():
    wanted = os.environ.get("BENCH_PEERS", "r python").split()
    r_packages, py_modules = set(), set()
    if "r" in wanted and shutil.which("Rscript"):
        probe = subprocess.run(
            ["Rscript", "--vanilla", "-e",
             "for (p in c('survival','data.table','cmprsk')) if (requireNamespace(p, quietly=TRUE)) cat(p, '')"],
            capture_output=True, text=True)
        r_packages = set(probe.stdout.split()) | {"R"}
    if "python" in wanted:
        for module in ("pandas", "pyarrow", "polars", "lifelines"):
            if subprocess.run([sys.executable, "-c", "import " + module], capture_output=True).returncode == 0:
                py_modules.add(module)
    return r_packages, py_modules


def peer_available(language, task, r_packages, py_modules):
    if language == "R":
        if "R" not in r_packages:
            return False
        needed = R_PACKAGES.get(task, ["data.table", "survival"])
        if task in ("cuminc", "crr"):
            needed = ["data.table", "cmprsk"]
        return all(p in r_packages for p in needed)
    module = PY_MODULES.get(task, "lifelines")
    return module in py_modules and (module != "lifelines" or "pandas" in py_modules)


def compare(reference, other, tolerance):
    """Names of the checks that differ by more than `tolerance`, relative."""
    bad = []
    for name, values in other.items():
        mine = reference.get(name)
        if mine is None or len(mine) != len(values):
            bad.append("%s: Kaplan %s, peer %s" % (name, mine, values))
            continue
        for a, b in zip(mine, values):
            if a is None or b is None:
                if a is not b:
                    bad.append("%s: Kaplan %s, peer %s" % (name, mine, values))
                    break
                continue
            if abs(a - b) > tolerance * max(abs(a), abs(b), 1e-300):
                bad.append("%s: Kaplan %s, peer %s" % (name, mine, values))
                break
    return bad


# Task -> the `KaplanBench frame` entry that is its floor (see frame_floors).
FRAME_FLOORS = {"km": "kernel_km", "logrank": "kernel_logrank", "cuminc": "kernel_cuminc_table",
                "finegray": "kernel_finegray"}


def frame_floors(bench, surv_file, tasks):
    """Kernel times on the task's own file (`KaplanBench frame FILE`: the
    kernel entry a script's call runs, on the columns read from surv_N.csv,
    best of 3): km's floor is kernel_km and logrank's kernel_logrank (the
    status codes and the factor's codes, as the model frame hands them
    over), cuminc's kernel_cuminc_table (curves, Gray's tests and the risk
    table from the factor's codes), finegray's kernel_finegray. KaplanBench's
    own generated data differ (cuminc's times there have a tenth as many
    distinct values, which makes its Gray's tests and risk table cheaper),
    so these are the floors the script/kernel ratio is taken against. A
    KaplanBench without the entry (built before it existed) gives no floor,
    and the harness says so rather than leaving the cell silently empty.
    The entry's process CPU seconds are kept as floors["cpu:TASK"]."""
    floors = {}
    for task in tasks:
        if task not in FRAME_FLOORS:
            continue
        try:
            out = subprocess.run([bench, "frame", surv_file, "--reps", "3", "--only", task],
                                 capture_output=True, text=True, timeout=900).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == FRAME_FLOORS[task] and parts[1] == "wall":
                floors[task] = float(parts[2])
                # The process's CPU seconds (all threads), which compare with the call's
                # `BENCH cpu` on a loaded machine, where wall times do not.
                if len(parts) >= 7 and parts[5] == "process":
                    floors["cpu:" + task] = float(parts[6])
        if task not in floors:
            log("harness: %s has no kernel floor: `%s frame %s --only %s` printed no %s line (rebuild KaplanBench)"
                % (task, bench, surv_file, task, FRAME_FLOORS[task]))
    return floors


def kernel_floor(bench, size, num_file):
    """Best-of-3 kernel times from KaplanBench (no script, no Lua): the
    floor a script's call could reach. The CSV floor parses the same file;
    km, logrank and Cox run on KaplanBench's own generated data of the same
    size (km, logrank, cuminc and finegray: `frame_floors`, on the task's
    file, replaces these when KaplanBench has the entry)."""
    floors = {}
    if not bench:
        return floors

    def out(args):
        try:
            return subprocess.run([bench] + args, capture_output=True, text=True, timeout=900).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""
    for line in out(["csv", num_file]).splitlines():
        if "columns:" in line:
            floors["csv"] = float(line.split("columns:")[1].split()[0])
    for line in out(["km", "--rows", str(size)]).splitlines():
        parts = line.split()
        if parts and parts[0] == "kaplan_meier_seconds":
            floors["km"] = float(parts[1])
        if parts and parts[0] == "logrank_seconds":
            floors["logrank"] = float(parts[1])
    # The floor of a script's cuminc is the kernel entry it runs (curves,
    # Gray's tests and the risk table: cuminc_table_N); KaplanBench's
    # cuminc_N (curves and tests only) is the fallback.
    for line in out(["cuminc", "--rows", str(size), "--cuminc-only"]).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "cuminc_table_%d" % size:
            floors["cuminc"] = float(parts[1])
        elif len(parts) == 2 and parts[0] == "cuminc_%d" % size:
            floors.setdefault("cuminc", float(parts[1]))
    for task, extra in (("cox_strata", []), ("cox", ["--no-strata"])):
        for line in out(["cox", "--n", str(size), "--repeats", "3"] + extra).splitlines():
            if "best of" in line:
                floors[task] = float(line.split("best of")[1].split("=")[1].split()[0])
    return floors


def fmt_seconds(s):
    if s is None:
        return "-"
    return "%.4f" % s if s < 1 else "%.3f" % s if s < 100 else "%.1f" % s


def table_rows(task, size, kaplan, peers, floors):
    rows = []

    def row(label, series, ratio):
        if not series.runs:
            rows.append((label, "failed", "", "", "", "", "", ""))
            return
        calls = series.calls()
        spread = (max(calls) - min(calls)) / min(calls) * 100 if min(calls) > 0 else 0
        rows.append((label, fmt_seconds(min(calls)), fmt_seconds(statistics.median(calls)),
                     "%.0f%%" % spread, "%d" % len(calls),
                     fmt_seconds(min(r.wall for r in series.runs)),
                     "%.0f" % max(r.rss_mb for r in series.runs), ratio))
    row("Kaplan (kaplan run)", kaplan, "1")
    floor = floors.get(task)
    if floor is not None and kaplan.runs:
        rows.append(("  kernel floor (KaplanBench)", fmt_seconds(floor), "", "", "", "", "",
                     "script/kernel %.1f" % (kaplan.best() / floor)))
    for series in peers:
        ratio = ""
        if series.runs and kaplan.runs and kaplan.best() > 0:
            ratio = "%.1fx" % (series.best() / kaplan.best())
        row(series.label, series, ratio)
    # Tasks that report their CPU time (BENCH cpu): best CPU seconds and the ratio.
    cpus = [(s.label, min(r.cpu for r in s.runs)) for s in [kaplan] + list(peers)
            if s.runs and all(r.cpu is not None for r in s.runs)]
    if cpus and cpus[0][0] == kaplan.label:
        text = ", ".join("%s %s s" % (label, fmt_seconds(c)) for label, c in cpus)
        if len(cpus) > 1 and cpus[0][1] > 0:
            text += "; peer/Kaplan " + ", ".join("%.1fx" % (c / cpus[0][1]) for _, c in cpus[1:])
        cpu_floor = floors.get("cpu:" + task)
        if cpu_floor and cpus[0][1] > 0:
            text += "; kernel floor %s s CPU (script/kernel %.2f)" % (fmt_seconds(cpu_floor), cpus[0][1] / cpu_floor)
        rows.append(("  CPU of the call, best: " + text,))
    return rows


def main():
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    sizes = env_sizes("BENCH_SIZES", "1e5" if quick else "1e5 1e6")
    reps = int(os.environ.get("BENCH_REPS", "2" if quick else "3"))
    directory = os.path.abspath(os.environ.get("BENCH_DIR", "/tmp/kaplan-bench"))
    crr_rows = int(float(os.environ.get("BENCH_CRR_ROWS", "5000")))
    lifelines_cox_rows = int(float(os.environ.get("BENCH_LIFELINES_COX_ROWS", "1e5")))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "900"))
    only = os.environ.get("BENCH_TASKS", QUICK_TASKS if quick else "").replace(",", " ").split()
    results = os.environ.get("BENCH_RESULTS", os.path.join(directory if quick else os.path.join(ROOT, "docs"),
                                                           "bench-results.md"))
    load_before, started = os.getloadavg(), time.gmtime()
    kaplan_args = os.environ.get("BENCH_KAPLAN_ARGS", "").split()
    kaplan = os.environ.get("KAPLAN") or os.path.join(ROOT, ".build", "release", "kaplan")
    bench = os.environ.get("KAPLAN_BENCH", os.path.join(ROOT, ".build", "release", "KaplanBench"))
    # The processes run in BENCH_DIR: paths given relative to here must not
    # change meaning there.
    kaplan = os.path.abspath(kaplan)
    bench = os.path.abspath(bench) if bench and os.path.exists(bench) else ""
    if not os.path.exists(kaplan):
        sys.exit("harness: no kaplan executable at %s (make build, or set KAPLAN)" % kaplan)
    tasks = [t for t in TASKS if not only or t[0] in only]

    # (size, tasks run at that size); crr is quadratic, so Fine-Gray is
    # compared with it at its own, small size.
    plan = [(n, tasks) for n in sizes]
    if crr_rows > 0 and any(t[0] == "finegray" for t in tasks) and crr_rows not in sizes:
        plan.append((crr_rows, [t for t in tasks if t[0] == "finegray"]))
    os.makedirs(directory, exist_ok=True)
    kinds = sorted({FILE_KINDS.get(t[1], t[1]) for t in tasks})
    subprocess.run([sys.executable, os.path.join(HERE, "gen_data.py"), "--kinds", ",".join(kinds), directory]
                   + [str(n) for n, _ in plan], check=True)
    r_packages, py_modules = available_peers()
    log("harness: R packages %s; Python modules %s" % (sorted(r_packages) or "none", sorted(py_modules) or "none"))

    def peer_runs(task, n):
        out = []
        for label, language, peer_task in dict((t[0], t[2]) for t in tasks)[task]:
            if not peer_available(language, peer_task, r_packages, py_modules):
                continue
            if peer_task == "crr" and n > crr_rows:
                continue
            if n > PEER_MAX_ROWS.get(peer_task, n):
                continue
            if peer_task.startswith("lifelines_cox") and n > lifelines_cox_rows:
                continue
            out.append((label, language, peer_task))
        return out

    mismatches = []
    all_rows = []
    summary = []
    compared = 0
    for n, size_tasks in plan:
        files = {kind: os.path.join(directory, "%s_%d.csv" % (kind, n))
                 for kind in ("surv", "num", "subjects", "group")}
        series = {}
        for rep in range(reps):
            log("harness: %d rows, repetition %d of %d" % (n, rep + 1, reps))
            for task, kind, _ in size_tasks:
                path = files[kind]
                k = series.setdefault((task, "Kaplan"), Series("Kaplan"))
                lua_script, r_script, task_arg = TASK_SCRIPTS.get(task, ("task.lua", "task.R", None))
                k.add(Run([kaplan, "run", "--quiet"] + kaplan_args
                          + [os.path.join(HERE, lua_script), "--", task_arg or task, path], directory, timeout))
                peers = peer_runs(task, n)
                for language in ("R", "py"):
                    for label, lang, peer_task in peers:
                        if lang != language:
                            continue
                        cmd = (["Rscript", "--vanilla", os.path.join(HERE, r_script), peer_task, path]
                               if lang == "R" else [sys.executable, os.path.join(HERE, "task.py"), peer_task, path])
                        series.setdefault((task, label), Series(label)).add(Run(cmd, directory, timeout))
        floors = kernel_floor(bench, n, files["num"]) if any(t[0] != "finegray" for t in size_tasks) else {}
        if bench:
            floors.update(frame_floors(bench, files["surv"], [t[0] for t in size_tasks]))
        for task, kind, _ in size_tasks:
            k = series[(task, "Kaplan")]
            peers = [series[(task, label)] for label, _, _ in peer_runs(task, n) if (task, label) in series]
            all_rows.append((n, task, table_rows(task, n, k, peers, floors)))
            summary.append((n, task, k, floors.get(task), peers))
            if k.failure:
                mismatches.append("%d rows, %s: Kaplan failed:\n%s" % (n, task, k.failure))
            for p in peers:
                if p.failure:
                    mismatches.append("%d rows, %s: %s failed:\n%s" % (n, task, p.label, p.failure))
                if not (k.runs and p.runs):
                    continue
                tolerance = LIFELINES_TOLERANCE if p.label.startswith("lifelines") else RELATIVE_TOLERANCE
                compared += 1
                for problem in compare(k.runs[-1].checks, p.runs[-1].checks, tolerance):
                    if task == "cuminc" and n >= CMPRSK_OVERFLOW_ROWS:
                        problem += (" (cmprsk's Gray statistic overflows 32-bit integers from about"
                                    " 4 million rows: issue 14)")
                    mismatches.append("%d rows, %s: %s differs from Kaplan beyond %g: %s"
                                      % (n, task, p.label, tolerance, problem))
            agreed = [p.label for p in peers if p.runs and k.runs
                      and not compare(k.runs[-1].checks, p.runs[-1].checks,
                                      LIFELINES_TOLERANCE if p.label.startswith("lifelines") else RELATIVE_TOLERANCE)]
            if agreed and k.runs:
                names = ", ".join(sorted(k.runs[-1].checks))
                all_rows.append((n, task, [("  checks (%s) agree: %s" % (names, ", ".join(agreed)),)]))

    preamble = preamble_lines(sizes, reps, kaplan, load_before, started)
    print("\n".join(preamble))
    print_table(all_rows, reps)
    markdown = summary_lines(summary)
    print("\n" + "\n".join(markdown))
    if results:
        write_results(results, preamble, markdown, all_rows, mismatches, compared)
    if mismatches:
        print("\n" + "!" * 78)
        print("MISMATCH OR FAILURE (%d):" % len(mismatches))
        for m in mismatches:
            print("  " + m.replace("\n", "\n    "))
        print("!" * 78)
        sys.exit(1)
    if compared:
        print("\nAll %d comparisons of checksums agree (R and CSV readers to relative %g, lifelines to %g)."
              % (compared, RELATIVE_TOLERANCE, LIFELINES_TOLERANCE))
    else:
        print("\nNo peer ran: nothing compared (every Kaplan task ran).")


def preamble_lines(sizes, reps, kaplan, load_before, started):
    """What the numbers were taken on: the machine's cores and load (when the
    run began and now), the commit and the peers' versions, so that a pasted
    table says so."""
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
        except (OSError, subprocess.TimeoutExpired, IndexError):
            return "?"
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    r = first_line(["Rscript", "--vanilla", "-e",
                    "v <- function(p) tryCatch(as.character(packageVersion(p)), error = function(e) 'none');"
                    "cat(R.version$major, '.', R.version$minor, ' survival ', v('survival'), ' cmprsk ', v('cmprsk'),"
                    " ' data.table ', v('data.table'), '\\n', sep = '')"]) if shutil.which("Rscript") else "none"
    py = first_line([sys.executable, "-c",
                     "import importlib.metadata as m\n"
                     "def v(p):\n try: return m.version(p)\n except Exception: return 'none'\n"
                     "print(' '.join(p + ' ' + v(p) for p in ('pandas', 'pyarrow', 'polars', 'lifelines')))"])
    lines = ["kaplan bench: %s to %s, commit %s, %d cores, load average %s at the start, %s at the end"
             % (time.strftime("%Y-%m-%d %H:%M", started), time.strftime("%H:%M UTC", time.gmtime()), commit,
                os.cpu_count() or 0,
                " ".join("%.1f" % x for x in load_before), " ".join("%.1f" % x for x in os.getloadavg())),
             "peers: R %s; Python %s %s" % (r, sys.version.split()[0], py),
             "sizes %s, best of %d interleaved repetitions; kaplan: %s"
             % (" ".join(format(n, ",") for n in sizes), reps, kaplan)]
    # Sources/CStartup/HugePages.c: kaplan and KaplanBench re-execute with
    # transparent huge pages when KAPLAN_HUGE_PAGES=1 and GLIBC_TUNABLES is unset.
    huge = os.environ.get("KAPLAN_HUGE_PAGES") == "1" and "GLIBC_TUNABLES" not in os.environ
    lines.append("allocator: %s" % ("huge pages (KAPLAN_HUGE_PAGES=1, Sources/CStartup/HugePages.c)" if huge
                                    else "GLIBC_TUNABLES=%s" % os.environ.get("GLIBC_TUNABLES", "(unset)")))
    return lines


def write_results(path, preamble, markdown, all_rows, mismatches, compared):
    """The Markdown file the README includes: how the numbers were taken,
    the summary table, the CPU lines and the checks' outcome."""
    out = ["# `make bench` results", "", "Written by `scripts/bench/harness.py`; do not edit by hand.", "", "```"]
    out += preamble + ["```", ""] + markdown
    cpu = [(n, task, r[0].strip()) for n, task, rows in all_rows for r in rows
           if len(r) == 1 and r[0].strip().startswith("CPU")]
    if cpu:
        out += ["", "CPU seconds of the call (the machine may be shared):", ""]
        out += ["- %s, %s rows: %s" % (TASK_TITLES.get(task, task), format(n, ","), text) for n, task, text in cpu]
    out.append("")
    if mismatches:
        out += ["**%d mismatches or failures:**" % len(mismatches), ""]
        out += ["- " + m.replace("\n", " / ") for m in mismatches]
    else:
        out.append("All %d comparisons of checksums agree (R and CSV readers to relative %g, lifelines to %g)."
                   % (compared, RELATIVE_TOLERANCE, LIFELINES_TOLERANCE))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
    os.replace(path + ".tmp", path)
    log("harness: results written to %s" % path)


def spread_text(series):
    calls = series.calls()
    return "%.0f%%" % ((max(calls) - min(calls)) / min(calls) * 100) if calls and min(calls) > 0 else "-"


def summary_lines(summary):
    """The same numbers as one Markdown table (the README's)."""
    lines = ["| task | rows | Kaplan `kaplan run` call (spread) | kernel floor (script / kernel) "
             "| peers: best call (peer / Kaplan) |", "|---|---:|---:|---:|---|"]
    for n, task, k, floor, peers in summary:
        if not k.runs:
            lines.append("| %s | %s | failed | | |" % (task, format(n, ",")))
            continue
        best = k.best()
        floor_text = "%s s (%.1f)" % (fmt_seconds(floor), best / floor) if floor else ""
        peer_text = "; ".join(
            "%s %s s (%s)" % (p.label, fmt_seconds(p.best()), "%.1f×" % (p.best() / best) if best > 0 else "-")
            + (" spread %s" % spread_text(p) if len(p.runs) > 1 else "")
            for p in peers if p.runs)
        lines.append("| %s | %s | %s s (%s) | %s | %s |"
                     % (TASK_TITLES.get(task, task), format(n, ","), fmt_seconds(best), spread_text(k), floor_text,
                        peer_text))
    return lines


def print_table(all_rows, reps):
    header = ("implementation", "best s", "median s", "spread", "runs", "process s", "peak MB", "peer/Kaplan")
    print("\nCall: in-process wall clock of the analysis call, best and median of %d interleaved runs; spread ="
          " (max - min) / min; process: whole process, best; peak MB: largest peak RSS." % reps)
    widths = [36, 8, 9, 7, 5, 10, 8, 18]
    last = None
    for n, task, rows in all_rows:
        if (n, task) != last:
            print("\n%s, %s rows" % (TASK_TITLES.get(task, task), format(n, ",")))
            print("  " + " ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
            last = (n, task)
        for r in rows:
            if len(r) == 1:
                print("  " + r[0])
                continue
            print("  " + " ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                  for i, (c, w) in enumerate(zip(r, widths))))


if __name__ == "__main__":
    main()
