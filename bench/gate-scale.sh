#!/usr/bin/env bash
# Whole-gate scale benchmark: 1M SARIF results + 50k vulnerabilities + 20k
# coverage files, decided by `verdict check` (release build), against the same
# gate as a Python script. Prints wall time and peak RSS of each.
#
#   bench/gate-scale.sh [RESULTS] [VULNS] [FILES]
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:-1000000}
vulns=${2:-50000}
files=${3:-20000}
dir=target/bench-gate
if [ ! -f "$dir/scan.sarif" ] || [ "$(cat "$dir/.size" 2>/dev/null)" != "$results $vulns $files" ]; then
  python3 bench/gen_gate_inputs.py "$dir" --results "$results" --vulns "$vulns" --files "$files"
  echo "$results $vulns $files" > "$dir/.size"
fi
ls -l "$dir"
cargo build --release --quiet
export VERDICT_CACHE_DIR="$PWD/target/bench-plugin-cache"
# Warm the compiled-plugin cache so the figure is the steady state of CI runs.
./target/release/verdict plugin inspect builtin:code-scanning > /dev/null

measure() {
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KiB peak RSS, exit %x" "$@" > /dev/null || true
}
for _ in 1 2 3; do
  measure "verdict check" ./target/release/verdict check --config bench/gate-scale.toml --format json --no-timings --now 2026-11-20T10:00:00Z
done
measure "python gate   " python3 bench/python_gate.py "$dir"
