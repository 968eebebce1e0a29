#!/usr/bin/env python3
"""The continuity report of the sample library, with one walkthrough exercise behind it, as
HTML, PDF (headless Chromium) and one PNG a page (pdftoppm): the pages in docs/report/.

usage: scripts/report_demo.py MUSTER_BIN [OUT_DIR]   (default OUT_DIR: docs/report)

The exercise `dc-power-loss` is worked on a fixed clock: the database fails over in 1 h 40 min,
and the rest of the power-loss plan is finished at T+4:30, past the 4-hour RTO of dispatch and
picking, so the coverage matrix and the gaps show an RTO met and one missed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

muster = os.path.abspath(sys.argv[1])
out = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "docs/report")
home = tempfile.mkdtemp(prefix="muster-report-")
env = dict(os.environ, MUSTER_HOME=home, MUSTER_AS="olumide", MUSTER_WRITER="demo", TZ="UTC")
env.pop("MUSTER_LIBRARY", None)
t0 = datetime(2026, 11, 10, 14, 0, tzinfo=timezone.utc)


def run(args, minute):
    now = (t0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = subprocess.run([muster, *args], env=dict(env, MUSTER_NOW=now), capture_output=True, text=True, cwd=home)
    if r.returncode != 0:
        sys.exit(f"muster {' '.join(args)}: {r.stderr}")
    return r.stdout


session = run(["start", "--exercise", "dc-power-loss", "--facilitator", "olumide"], 0).strip()
# (plan, step, minute done, the option chosen for a decision)
work = [
    ("db-failover", "confirm-primary-down", 12, None),
    ("db-failover", "check-replica-lag", 25, "1"),
    ("db-failover", "fence-old-primary", 45, None),
    ("db-failover", "promote-leeds", 60, None),
    ("db-failover", "repoint-clients", 75, None),
    ("db-failover", "restart-app-tier", 85, None),
    ("db-failover", "verify-writes", 92, None),
    ("db-failover", "protect-new-primary", 97, None),
    ("db-failover", "report-failover", 100, None),
    ("dc-power-loss", "confirm-on-battery", 5, None),
    ("dc-power-loss", "confirm-generator", 15, None),
    ("dc-power-loss", "call-volta", 20, None),
    ("dc-power-loss", "decide-power-back", 30, "2"),
    ("dc-power-loss", "announce-shutdown", 40, None),
    ("dc-power-loss", "switchover-db", 105, None),
    ("dc-power-loss", "shutdown-apps", 150, None),
    ("dc-power-loss", "shutdown-data", 190, None),
    ("dc-power-loss", "shutdown-infrastructure", 220, None),
    ("dc-power-loss", "redirect-portal", 240, None),
    ("dc-power-loss", "verify-business", 262, None),
    ("dc-power-loss", "plan-return", 270, None),
]
for plan, step, minute, option in sorted(work, key=lambda w: w[2]):
    if option:
        run(["decide", session, f"{plan}/{step}", option, "--anyway"], minute)
    else:
        run(["step", session, f"{plan}/{step}", "done", "--anyway"], minute)
run(["clock", session, "advance", "10m"], 275)
run(["close", session, "--note", "Walkthrough finished; debrief on Thursday."], 280)
status = json.loads(run(["status", session, "--json"], 280))
left = [s["step"] for s in status["steps"] if s["state"] == "pending"]
print(f"session {session}: pending steps left {left}", file=sys.stderr)

os.makedirs(out, exist_ok=True)
html = os.path.join(out, "report.html")
with open(html, "w") as f:
    f.write(run(["report", "--format", "html"], 60 * 24 * 27))
with open(os.path.join(out, "report.md"), "w") as f:
    f.write(run(["report"], 60 * 24 * 27))
pdf = os.path.join(home, "report.pdf")
chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
subprocess.run(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
     f"--print-to-pdf={pdf}", f"file://{html}"],
    check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
for old in os.listdir(out):
    if old.startswith("page-") and old.endswith(".png"):
        os.remove(os.path.join(out, old))
subprocess.run(["pdftoppm", "-r", "80", "-png", pdf, os.path.join(out, "page")], check=True)
shutil.rmtree(home)
print(f"wrote {out}/report.html, report.md and the pages as PNG", file=sys.stderr)
