#!/usr/bin/env python3
"""Writes the benchmark data sets (seeded, so every run sees the same files).

    gen_data.py DIR ROWS [ROWS ...]

For each ROWS, two files in DIR (skipped when already there and complete):

surv_ROWS.csv  survival data: time, status (0/1), arm (A, B, C), stratum
               (s1..s4), x1..x5 (standard normal, 6 decimals), cr_status
               (0 censored, 1 the cause of interest, 2 competing). Event
               times are exponential with a hazard depending on arm, stratum,
               x1..x3 (log-hazard 0.3 x1 - 0.2 x2 + 0.1 x3, +0.4 for B,
               -0.3 for C), censoring uniform on (0, 20); times are rounded up
               to 0.001, so tied times occur as in trial data. cr_status
               splits the events between two causes by a second draw.
num_ROWS.csv   the README's CSV row: id, age (integer), x1..x8 with three
               decimals: 10 numeric columns, about 58 bytes a row.
subjects_ROWS.csv, events_ROWS.csv   the join task (issue 15): subjects have
               id (1..ROWS, shuffled), age (integer), bmi (two decimals);
               events have id (uniform on 1..ROWS, so a subject has 0, 1 or
               more events, about 37% none), day (integer), value (three
               decimals). Written only when the join task runs
               (gen_data.py --kinds join ...).
group_ROWS.csv g (integer, 1..1000, uniform), x (three decimals): the
               group_by task (--kinds group).

Only Python's standard library (random.Random with a fixed seed), so the
Kaplan-only smoke run needs no NumPy. Files are written to a temporary name
and renamed, so an interrupted run never leaves a truncated file behind.
"""
import math
import os
import random
import sys

SURV_HEADER = "time,status,arm,stratum,x1,x2,x3,x4,x5,cr_status\n"
NUM_HEADER = "id,age,x1,x2,x3,x4,x5,x6,x7,x8\n"
CHUNK = 20000


def write_atomically(path, lines_for):
    tmp = path + ".partial"
    with open(tmp, "w") as f:
        for block in lines_for():
            f.write(block)
    os.replace(tmp, path)


def surv_blocks(rows, seed):
    rng = random.Random(seed)
    u, g = rng.random, rng.gauss
    arms = ("A", "B", "C")
    arm_lp = (0.0, 0.4, -0.3)
    strata = ("s1", "s2", "s3", "s4")
    yield SURV_HEADER
    out = []
    for i in range(rows):
        a = int(u() * 3)
        s = int(u() * 4)
        x = [g(0.0, 1.0) for _ in range(5)]
        lp = 0.3 * x[0] - 0.2 * x[1] + 0.1 * x[2] + arm_lp[a]
        hazard = 0.05 * (s + 1) * math.exp(lp)
        event_time = -math.log(1.0 - u()) / hazard
        censor_time = 20.0 * u()
        observed = min(event_time, censor_time)
        t = max(math.ceil(observed * 1000.0), 1) / 1000.0
        status = 1 if event_time <= censor_time else 0
        cr = 0 if status == 0 else (1 if u() < 0.6 + 0.1 * (a - 1) else 2)
        out.append("%.3f,%d,%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%d\n"
                   % (t, status, arms[a], strata[s], x[0], x[1], x[2], x[3], x[4], cr))
        if len(out) == CHUNK:
            yield "".join(out)
            out = []
    yield "".join(out)


def num_blocks(rows, seed):
    rng = random.Random(seed)
    r = rng.randrange
    yield NUM_HEADER
    out = []
    for i in range(1, rows + 1):
        v = [r(10000) for _ in range(8)]
        out.append("%d,%d,%s\n" % (i, 18 + r(73), ",".join("%d.%03d" % (k // 1000, k % 1000) for k in v)))
        if len(out) == CHUNK:
            yield "".join(out)
            out = []
    yield "".join(out)


# --- join and group_by tasks (issue 15) ---
def subjects_blocks(rows, seed):
    rng = random.Random(seed)
    ids = list(range(1, rows + 1))
    rng.shuffle(ids)
    yield "id,age,bmi\n"
    for start in range(0, rows, CHUNK):
        yield "".join("%d,%d,%d.%02d\n" % (i, 18 + rng.randrange(73), 17 + rng.randrange(20), rng.randrange(100))
                      for i in ids[start:start + CHUNK])


def events_blocks(rows, seed):
    rng = random.Random(seed)
    r = rng.randrange
    yield "id,day,value\n"
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        yield "".join("%d,%d,%d.%03d\n" % (1 + r(rows), r(1000), r(100), r(1000)) for _ in range(n))


def group_blocks(rows, seed):
    rng = random.Random(seed)
    r = rng.randrange
    yield "g,x\n"
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        yield "".join("%d,%d.%03d\n" % (1 + r(1000), r(100), r(1000)) for _ in range(n))


EXTRA_KINDS = {"join": (("subjects", subjects_blocks, 15001), ("events", events_blocks, 15002)),
               "group": (("group", group_blocks, 15003),)}
# --- end of join and group_by tasks ---


def main():
    args = sys.argv[1:]
    kinds = ["surv", "num"]
    if args[:1] == ["--kinds"] and len(args) > 1:
        kinds = args[1].split(",")
        args = args[2:]
    if len(args) < 2:
        sys.exit("usage: gen_data.py [--kinds surv,num,join,group] DIR ROWS [ROWS ...]")
    directory = args[0]
    os.makedirs(directory, exist_ok=True)
    files = [f for k in kinds if k in EXTRA_KINDS for f in EXTRA_KINDS[k]]
    if "surv" in kinds:
        files.append(("surv", surv_blocks, 20261206))
    if "num" in kinds:
        files.append(("num", num_blocks, 20240601))
    for text in args[1:]:
        rows = int(float(text))
        for name, blocks, seed in files:
            path = os.path.join(directory, "%s_%d.csv" % (name, rows))
            if os.path.exists(path):
                continue
            print("gen_data: writing %s" % path, file=sys.stderr)
            write_atomically(path, lambda: blocks(rows, seed + rows))


if __name__ == "__main__":
    main()
