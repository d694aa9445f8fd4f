#!/usr/bin/env bash
# verdict peer: `verdict check` with the gate in verdict/gate.toml (built-in
# policies), its JSON verdict summarised by jq into the harness's line.
#
# Usage: verdict_gate.sh SARIF TRIVY_JSON COBERTURA_XML GATE_CONFIG_JSON
# Env: VERDICT (the binary; default target/release/verdict of this repository).
# The allowlist and thresholds of GATE_CONFIG_JSON are written into gate.toml
# (verdict reads its gate from its own file); the argument is accepted for the
# harness's calling convention only.
# Prints: decision=... violations=N sarif=N trivy=N coverage=N
# Exit code: 0 pass, 1 fail, 2 when verdict could not decide.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
verdict=${VERDICT:-$here/../../target/release/verdict}
sarif=$1 trivy=$2 cob=$3
# A fixed --now keeps the run deterministic; --no-timings keeps the document small.
"$verdict" check --config "$here/verdict/gate.toml" \
  --input "sarif:$sarif" --input "trivy:$trivy" --input "cobertura:$cob" \
  --format json --no-timings --now 2026-11-20T10:00:00Z |
  jq -r '
    def n(id): [.policies[] | select(.id == id) | (.counts.violations // (.violations | length))] | add // 0;
    if .decision == "fail" or .decision == "pass" then
      "decision=\(.decision) violations=\(.summary.violations) sarif=\(n("sarif")) trivy=\(n("trivy")) coverage=\(n("coverage"))"
    else "decision=\(.decision) errors=\(.errors)" end'
status=("${PIPESTATUS[@]}")
exit "${status[0]}"
