#!/usr/bin/env python3
"""One benchmark task in Python, the peer of scripts/bench/task.lua (same
files, same output lines), run by scripts/bench/harness.py:

    python3 task.py TASK FILE.csv

TASK: pandas (pandas.read_csv, C engine) | pyarrow (pyarrow.csv.read_csv) |
polars (polars.read_csv) | lifelines_km (KaplanMeierFitter, one fit per arm)
| lifelines_logrank (multivariate_logrank_test) | lifelines_cox |
lifelines_cox_strata (CoxPHFitter, Efron ties; arm as two dummy columns).
The lifelines tasks read the file with pandas (its own line) and time the
call with time.perf_counter (elapsed).
"""
import math
import sys
import time


def report(label, seconds):
    print("BENCH %s %.6f" % (label, seconds))


def check(name, values):
    text = ["NA" if v is None or (isinstance(v, float) and math.isnan(v)) else "%.17g" % v for v in values]
    print("BENCH check %s %s" % (name, " ".join(text)))


def timed(body):
    t0 = time.perf_counter()
    value = body()
    return value, time.perf_counter() - t0


def read_task(task, path):
    if task == "pandas":
        import pandas
        d, t = timed(lambda: pandas.read_csv(path))
        shape = (len(d), d["x1"].sum(), d["x8"].sum())
    elif task == "pyarrow":
        import pyarrow.csv
        import pyarrow.compute as pc
        d, t = timed(lambda: pyarrow.csv.read_csv(path))
        shape = (d.num_rows, pc.sum(d["x1"]).as_py(), pc.sum(d["x8"]).as_py())
    else:
        import polars
        d, t = timed(lambda: polars.read_csv(path))
        shape = (d.height, d["x1"].sum(), d["x8"].sum())
    report("read", t)
    report("time", t)
    check("csv", shape)


def lifelines_task(task, path):
    import pandas
    d, t = timed(lambda: pandas.read_csv(path))
    report("read", t)
    if task == "lifelines_km":
        from lifelines import KaplanMeierFitter

        def fit_all():
            fits = []
            for arm in ("A", "B", "C"):
                rows = d[d["arm"] == arm]
                fits.append(KaplanMeierFitter().fit(rows["time"], rows["status"]))
            return fits
        fits, t = timed(fit_all)
        report("time", t)
        check("km_median", [f.median_survival_time_ for f in fits])
    elif task == "lifelines_logrank":
        from lifelines.statistics import multivariate_logrank_test
        test, t = timed(lambda: multivariate_logrank_test(d["time"], d["arm"], d["status"]))
        report("time", t)
        check("logrank_chisq", [test.test_statistic])
    elif task in ("lifelines_cox", "lifelines_cox_strata"):
        from lifelines import CoxPHFitter
        columns = ["time", "status", "x1", "x2", "x3", "x4", "x5"]
        frame = d[columns].copy()
        frame["armB"] = (d["arm"] == "B").astype(float)
        frame["armC"] = (d["arm"] == "C").astype(float)
        strata = None
        if task == "lifelines_cox_strata":
            frame["stratum"] = d["stratum"]
            strata = ["stratum"]
        m, t = timed(lambda: CoxPHFitter().fit(frame, duration_col="time", event_col="status", strata=strata))
        report("time", t)
        check("cox_coef", [m.params_[c] for c in ("x1", "x2", "x3", "x4", "x5", "armB", "armC")])
        check("cox_loglik", [m.log_likelihood_])
    else:
        sys.exit("unknown task " + task)


# Issue 15, columns: derive = five new columns, as task.lua's derive.
def derive_task(path):
    import numpy
    import pandas
    d, t = timed(lambda: pandas.read_csv(path))
    report("read", t)

    def derive():
        return d.assign(lx=numpy.log1p(d.x1), r=d.x2.round(2), s=numpy.sqrt(d.x3) * numpy.exp(d.x4),
                        p=d.x5 ** 2 + d.x6 % 3, m=numpy.minimum(d.x7, d.x8))
    cpu = time.process_time()
    e, t = timed(derive)
    report("time", t)
    report("cpu", time.process_time() - cpu)
    check("derive", [e.lx.sum(), e.r.sum(), e.s.sum(), e.p.sum(), e.m.sum()])
# --- join and group_by (issue 15): FILE is subjects_N.csv or group_N.csv ---
def frame_task(task, path):
    import re
    if task in ("pandas_join", "pandas_group"):
        import pandas as lib
        read = lib.read_csv
    else:
        import polars as lib
        read = lib.read_csv
    d = read(path)
    report("read", 0)
    if task.endswith("_join"):
        events = read(re.sub(r"subjects_(\d+)\.csv$", r"events_\1.csv", path))
        if task == "pandas_join":
            j, t = timed(lambda: d.merge(events, on="id", how="left"))
            rows = len(j)
        else:
            j, t = timed(lambda: d.join(events, on="id", how="left"))
            rows = j.height
        report("time", t)
        check("join", (rows, j["age"].sum(), j["value"].sum(), j["day"].sum()))
    else:
        if task == "pandas_group":
            s, t = timed(lambda: d.groupby("g").agg(n=("x", "size"), m=("x", "mean")))
            rows = len(s)
        else:
            s, t = timed(lambda: d.group_by("g").agg(lib.len().alias("n"), lib.col("x").mean().alias("m")))
            rows = s.height
        report("time", t)
        check("group_by", (rows, s["n"].sum(), s["m"].sum()))
# --- end of join and group_by ---


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: task.py TASK FILE.csv")
    task, path = sys.argv[1], sys.argv[2]
    if task in ("pandas", "pyarrow", "polars"):
        read_task(task, path)
    elif task == "pandas_derive":
        derive_task(path)
    elif task in ("pandas_join", "polars_join", "pandas_group", "polars_group"):
        frame_task(task, path)
    else:
        lifelines_task(task, path)


if __name__ == "__main__":
    main()
