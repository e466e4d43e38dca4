#!/usr/bin/env python3
"""Peak memory of one `kaplan run task.lua -- TASK FILE` process, split at the end of read_csv.

Polls /proc/PID/status (VmRSS, VmHWM) every 2 ms; the RSS when the script prints
`BENCH read` is the dataset's, and the largest RSS after it, less that, is the call's
(issue 14: a 10^7-row Cox call within 2x its design matrix).
usage: call_memory.py KAPLAN TASK FILE   (run in the file's directory, as the harness does;
TASK_LUA overrides the task script)
"""
import os
import subprocess
import sys
import threading
import time

kaplan, task, path = sys.argv[1:4]
task_lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "task.lua")
task_lua = os.environ.get("TASK_LUA", task_lua)
proc = subprocess.Popen([kaplan, "run", "--quiet", task_lua, "--", task, path], stdout=subprocess.PIPE, text=True)
state = {"rss": 0, "max_after": 0, "read_rss": None, "hwm": 0, "done": False}


def rss_kb():
    try:
        with open("/proc/%d/status" % proc.pid) as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def poll():
    while not state["done"]:
        r = rss_kb()
        if r:
            state["rss"], state["hwm"] = r
            if state["read_rss"] is not None:
                state["max_after"] = max(state["max_after"], r[0])
        time.sleep(0.002)


t = threading.Thread(target=poll)
t.start()
lines = []
for line in proc.stdout:
    lines.append(line.rstrip())
    if line.startswith("BENCH read"):
        r = rss_kb()
        state["read_rss"] = r[0] if r else state["rss"]
        state["hwm_at_read"] = r[1] if r else state["hwm"]
proc.wait()
state["done"] = True
t.join()
for line in lines:
    if not line.startswith("BENCH check"):
        print(line)
print("RSS after read_csv %.0f MB (read's own peak %.0f MB); largest RSS during the call %.0f MB: "
      "the call's part %.0f MB; process peak (VmHWM, last seen) %.0f MB" % (
          state["read_rss"] / 1024, state.get("hwm_at_read", 0) / 1024, state["max_after"] / 1024,
          (state["max_after"] - state["read_rss"]) / 1024, state["hwm"] / 1024))
