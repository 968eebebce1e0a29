#!/usr/bin/env bash
# Reproduces the figures in docs/PERFORMANCE.md. Needs hyperfine, jq and GNU time
# (apt-get install hyperfine jq time). Run from the repository root.
set -euo pipefail
cargo build --release --examples --bins
B=./target/release
rm -rf target/biglib target/bench-append target/bench-home
$B/examples/gen_library target/biglib 1000 40
echo "== muster check on 1,000 plans x 40 steps"
hyperfine -w 3 -r 30 "$B/muster check target/biglib"
/usr/bin/time -f "peak RSS %M KB" $B/muster check target/biglib > /dev/null
echo "== muster list on the built-in library"
(cd /tmp && hyperfine -N -w 5 -r 50 "$OLDPWD/$B/muster list")
echo "== one durable append vs plain write + fdatasync"
$B/examples/bench_journal append target/bench-append 300
echo "== opening a session of 100,000 events"
id=$($B/examples/bench_journal gen target/bench-home 100000 4)
MUSTER_HOME=target/bench-home hyperfine -w 2 -r 10 "$B/muster status $id --json" "jq -c . target/bench-home/sessions/$id/journal-*.jsonl"
echo "== TUI: one frame at 200x60 of a 1,000-step plan"
$B/examples/bench_tui 1000 500
echo "== TUI: start to first frame"
python3 scripts/bench_tui_start.py $B/muster 30
echo "== exports of the 100,000-event session"
for f in md html json csv; do
  MUSTER_HOME=target/bench-home hyperfine -w 1 -r 10 "$B/muster export $id --format $f -o /tmp/muster-bench.$f"
done
