#!/usr/bin/env python3
"""Time from starting `muster` in a pseudo-terminal to its first frame on screen.

Usage: scripts/bench_tui_start.py [BINARY] [RUNS]. Runs from an empty folder, so the built-in
sample library is used, with an empty MUSTER_HOME. Prints the median and the range."""
import fcntl, os, pty, select, signal, statistics, struct, sys, tempfile, termios, time

binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/muster")
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
times = []
with tempfile.TemporaryDirectory() as d:
    for _ in range(runs):
        env = dict(os.environ, MUSTER_HOME=os.path.join(d, "home"), TERM="xterm-256color", MUSTER_AS="bench")
        env.pop("MUSTER_LIBRARY", None)
        start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            # an 80x24 terminal, as a responder's
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.chdir(d)
            os.execve(binary, [binary], env)
        out = b""
        while b"Plans (" not in out:
            r, _, _ = select.select([fd], [], [], 5)
            if not r:
                raise SystemExit("no frame within 5 s")
            out += os.read(fd, 65536)
        times.append((time.perf_counter() - start) * 1000)
        os.kill(pid, signal.SIGTERM)
        # keep reading: muster restores the terminal on SIGTERM, and must not block writing it
        try:
            while os.read(fd, 65536):
                pass
        except OSError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
print(f"start to first frame: median {statistics.median(times):.1f} ms, min {min(times):.1f}, max {max(times):.1f} ({runs} runs)")
