#!/usr/bin/env bash
# Issue #31, finding 6: a crash must never look like tampering. Runs the simulated world, kills it with
# SIGKILL after 1, 2, … N seconds, runs it again over its data (--keep-data), then `dunghan verify`:
# every run must verify clean (exit 0). Usage: scripts/kill-runs.sh [runs=20] [days=120]
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
days="${2:-120}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
ports=(--dynamo-port 0 --ses-port 0 --api-port 0)
failed=0
for t in $(seq 1 "$runs"); do
  rm -rf "$dir/data"
  node bin/dunghan.js start --days "$days" --once --data-dir "$dir/data" "${ports[@]}" >"$dir/first.log" 2>&1 &
  pid=$!
  sleep "$t"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if ! timeout 600 node bin/dunghan.js start --days "$days" --once --keep-data --data-dir "$dir/data" "${ports[@]}" \
    >"$dir/again.log" 2>&1; then
    echo "killed after ${t}s: the run again over its data failed:"; tail -3 "$dir/again.log"; failed=1; continue
  fi
  if timeout 600 node bin/dunghan.js verify --data-dir "$dir/data" >"$dir/verify.log" 2>/dev/null; then
    echo "killed after ${t}s: verify clean ($(sed -n 3p "$dir/verify.log"))"
  else
    echo "killed after ${t}s: VERIFY FAILED"; head -20 "$dir/verify.log"; failed=1
  fi
done
exit "$failed"
