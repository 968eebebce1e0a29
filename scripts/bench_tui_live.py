#!/usr/bin/env python3
"""The TUI, live, in a pseudo-terminal at 80x24, on a session of N events.

usage: scripts/bench_tui_live.py MUSTER_BIN BENCH_JOURNAL_BIN EVENTS [KEYS] [RECORDS]

Makes a home holding one session of EVENTS events (examples/bench_journal gen), opens it in the
TUI, and measures:
  - open: from start to the session's screen;
  - key press to screen: from writing a key (j/k, alternately) to the end of the output it causes,
    p50/p99 over KEYS presses, while another writer appends a note once a second;
  - recording a step (Enter to screen): a note typed and Enter, to the end of the output, p50/p99;
  - CPU of the TUI over 20 s with the other writer appending once a second, and over 10 s idle;
  - bytes written to the terminal over 10 idle seconds, and per step move.
"""

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

muster, gen, events = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), int(sys.argv[3])
keys = int(sys.argv[4]) if len(sys.argv) > 4 else 200
records = int(sys.argv[5]) if len(sys.argv) > 5 else 40
home = os.path.abspath(f"target/bench-tui-home-{events}")
if not os.path.isdir(os.path.join(home, "sessions", f"bench-{events}")):
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run([gen, "gen", home, str(events), "4"], check=True, stdout=subprocess.DEVNULL)
session = f"bench-{events}"
env = dict(os.environ, MUSTER_HOME=home, MUSTER_AS="bench", MUSTER_WRITER="tui",
           TERM="xterm-256color", TZ="UTC")
env.pop("MUSTER_LIBRARY", None)
env.pop("NO_COLOR", None)

pid, fd = pty.fork()
if pid == 0:
    os.chdir("/tmp")
    os.execve(muster, [muster], env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))


def drain(quiet_ms, limit_s=30.0):
    """Reads until the terminal is quiet for quiet_ms; returns (bytes, time of the last byte)."""
    got = b""
    last = time.perf_counter()
    deadline = last + limit_s
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], quiet_ms / 1000)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        got += chunk
        last = time.perf_counter()
    return got, last


def wait_for(text, limit_s=60.0):
    buf = b""
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            buf += os.read(fd, 65536)
            if text.encode() in buf:
                return
    raise SystemExit(f"never saw {text!r}")


def press(k, quiet_ms=30):
    t = time.perf_counter()
    os.write(fd, k.encode())
    out, last = drain(quiet_ms)
    return (last - t) * 1000 if out else None, len(out)


def cpu_seconds():
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))]


t0 = time.perf_counter()
wait_for("Sessions (1 open)")
os.write(fd, b"\t")
wait_for("Benchmark")
os.write(fd, b"\r")
wait_for("INCIDENT")
drain(200)
opened = (time.perf_counter() - t0) * 1000
print(f"{events} events: open {opened:.0f} ms (start to the session's screen)")

# another writer, appending a note once a second
appender = subprocess.Popen(
    ["sh", "-c", f"while true; do {muster} note {session} 'other writer' >/dev/null 2>&1; sleep 1; done"],
    env=dict(env, MUSTER_WRITER="other", MUSTER_AS="other"), start_new_session=True)
time.sleep(1.5)
drain(100)
lat, sizes = [], []
for i in range(keys):
    ms, n = press("j" if i % 2 == 0 else "k")
    if ms is not None:
        lat.append(ms)
        sizes.append(n)
print(f"  key press to screen: p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms "
      f"({len(lat)} presses, another writer appending 1/s); {sum(sizes) / max(1, len(sizes)):.0f} bytes per move")
rec = []
for i in range(records):
    os.write(fd, b"n")
    drain(30)
    os.write(fd, f"bench {i}".encode())
    drain(30)
    ms, _ = press("\r", quiet_ms=40)
    if ms is not None:
        rec.append(ms)
print(f"  recording a step (Enter to screen): p50 {pct(rec, 0.5):.1f} ms, p99 {pct(rec, 0.99):.1f} ms ({len(rec)} notes)")
c0 = cpu_seconds()
w0 = time.perf_counter()
busy = 0
while time.perf_counter() - w0 < 20:
    out, _ = drain(500, 1.0)
    busy += len(out)
c1 = cpu_seconds()
print(f"  CPU with another writer appending 1/s: {100 * (c1 - c0) / 20:.2f}% over 20 s ({busy} bytes drawn)")
os.killpg(appender.pid, signal.SIGTERM)
appender.wait()
time.sleep(1.0)
drain(300)
c0 = cpu_seconds()
w0 = time.perf_counter()
idle = 0
while time.perf_counter() - w0 < 10:
    out, _ = drain(500, 1.0)
    idle += len(out)
c1 = cpu_seconds()
print(f"  idle: CPU {100 * (c1 - c0) / 10:.2f}% over 10 s; {idle} bytes written to the terminal")
os.write(fd, b"q")
os.waitpid(pid, 0)
