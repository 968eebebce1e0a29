#!/usr/bin/env python3
"""The cost of a command in proportion to what it changes.

usage: scripts/bench_cli.py MUSTER_BIN BENCH_JOURNAL_BIN [ROUNDS]

Interleaved in one run, ROUNDS times each (default 200): `muster step S 1 note` on a session of
100 events and on one of 100,000, and `dd oflag=append,dsync` of the same number of bytes.
Then `muster status S --json` on a session of 1,000,000 events with a current checkpoint, and
without one (the first open), with their peak memory.
"""

import os
import shutil
import statistics
import subprocess
import sys
import time

muster, gen = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 200
home = os.path.abspath("target/bench-cli-home")
env = dict(os.environ, MUSTER_HOME=home, MUSTER_AS="bench", MUSTER_WRITER="cli", TZ="UTC")
env.pop("MUSTER_LIBRARY", None)
for n in (100, 100_000, 1_000_000):
    if not os.path.isdir(os.path.join(home, "sessions", f"bench-{n}")):
        subprocess.run([gen, "gen", home, str(n), "4"], check=True, stdout=subprocess.DEVNULL)


def run(args, **kw):
    t = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/tmp", **kw)
    return (time.perf_counter() - t) * 1000


def note(n):
    return [muster, "step", f"bench-{n}", "1", "note", "--note", "checked again, all green"]


# warm up, and let each session write its checkpoint
for n in (100, 100_000):
    for _ in range(3):
        run(note(n))
line = os.path.join(home, "sessions", "bench-100", "journal-cli.jsonl")
size = len(open(line, "rb").read().splitlines()[-1]) + 1
payload = os.path.join(home, "payload")
with open(payload, "wb") as f:
    f.write(b"x" * (size - 1) + b"\n")
dd_out = os.path.join(home, "dd.jsonl")
dd = ["dd", f"if={payload}", f"of={dd_out}", "oflag=append,dsync", "conv=notrunc", "status=none"]

times = {"100": [], "100k": [], "dd": []}
for i in range(rounds):
    order = [("100", note(100)), ("100k", note(100_000)), ("dd", dd)]
    order = order[i % 3:] + order[:i % 3]
    for name, args in order:
        times[name].append(run(args))
med = {k: statistics.median(v) for k, v in times.items()}
p95 = {k: sorted(v)[int(len(v) * 0.95)] for k, v in times.items()}
print(f"muster step S 1 note, {rounds} runs each, interleaved, {size} bytes a line:")
print(f"  100 events:     median {med['100']:.2f} ms, p95 {p95['100']:.2f} ms")
print(f"  100,000 events: median {med['100k']:.2f} ms, p95 {p95['100k']:.2f} ms  ({med['100k'] / med['100']:.2f}x the 100-event session)")
print(f"  dd oflag=append,dsync: median {med['dd']:.2f} ms  (muster at 100,000 events: {med['100k'] / med['dd']:.2f}x)")


def timed_status(label):
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M", muster, "status", "bench-1000000", "--json"],
                       env=env, cwd="/tmp", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    secs, kb = p.stderr.strip().splitlines()[-1].split()
    print(f"  {label}: {float(secs) * 1000:.0f} ms, peak {int(kb) / 1024:.0f} MB")


print("muster status S --json, 1,000,000 events:")
ck = os.path.join(home, "sessions", "bench-1000000", ".muster-checkpoint")
if os.path.exists(ck):
    os.remove(ck)
timed_status("first open (no checkpoint)")
for i in range(3):
    timed_status(f"with a current checkpoint ({i + 1})")
