#!/usr/bin/env bash
# Generates a ~100 MB SARIF log (once, into target/) and reports how fast
# verdict ingests it and how much memory that takes. SARIF_BENCH_MB=N sets
# the size. Figures measured on the project machine are in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export SARIF_BENCH_MB="${SARIF_BENCH_MB:-100}"
exec cargo bench -p verdict-ingest --bench sarif_big
