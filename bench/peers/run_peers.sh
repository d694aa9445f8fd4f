#!/usr/bin/env bash
# Runs every peer gate on every size, checks that they all reach the generator's
# expected decision and violation counts, and prints a table:
#   peer, size, median wall time of RUNS runs, spread, peak RSS.
#
# Usage:  bash run_peers.sh [SIZE ...]          (default sizes: 1k 10k 100k 1M)
#         bash run_peers.sh --versions          (print peer versions + machine, then exit)
# Env (defaults in brackets):
#   DATA_DIR  generated evidence                       [/tmp/peer-bench-data]
#   PEER_VENV venv holding the Python-hosted peers     [/tmp/peer-venv]
#   REGORUS   regorus CLI binary                       [/tmp/peer-cargo/bin/regorus]
#   VERDICT   the verdict binary                        [target/release/verdict of this repository]
#   PEERS     which peers, in order                    [verdict python jq opa-golib regorus regopy]
#   RUNS      timed runs per peer and size             [5]
#   LIMIT_S   a peer whose first (untimed) run takes longer is skipped at this
#             size and every larger one                [120]
#   RESULTS_TSV raw per-run timings are appended here  [/tmp/peer-bench-results.tsv]
# Timing: GNU time (`/usr/bin/time -f '%e %M'`): wall seconds and the peak RSS of
# the largest process in the peer's tree (a wrapper's python pre-step or the engine).
# Every peer gets one untimed warm-up run first (page cache, correctness check).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DATA_DIR=${DATA_DIR:-/tmp/peer-bench-data}
PEER_VENV=${PEER_VENV:-/tmp/peer-venv}
REGORUS=${REGORUS:-/tmp/peer-cargo/bin/regorus}
VERDICT=${VERDICT:-$(cd "$HERE/../.." && pwd)/target/release/verdict}
PEERS=${PEERS:-verdict python jq opa-golib regorus regopy}
RUNS=${RUNS:-5}
LIMIT_S=${LIMIT_S:-120}
RESULTS_TSV=${RESULTS_TSV:-/tmp/peer-bench-results.tsv}
PY="$PEER_VENV/bin/python"
CFG="$HERE/gate_config.json"
POLICY="$HERE/policy/gate.rego"
export REGORUS VERDICT PYTHON="$PY"

versions() {
  echo "## machine"
  echo "nproc: $(nproc)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB total"}')"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  echo "kernel: $(uname -sr)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "## peers"
  echo "verdict: $("$VERDICT" --version 2>/dev/null) ($VERDICT)"
  echo "python: $("$PY" -c 'import sys; print(sys.version.split()[0])')"
  echo "jq: $(jq --version) (Debian $(dpkg-query -W -f '${Version}' jq 2>/dev/null))"
  echo "xmllint: libxml2 $(dpkg-query -W -f '${Version}' libxml2-utils 2>/dev/null)"
  echo "opa-golib-python-bindings: $("$PY" -m pip show opa-golib-python-bindings 2>/dev/null | sed -n 's/^Version: //p')"
  local so
  so=$("$PY" -c 'import opa_bindings, os; print(os.path.join(os.path.dirname(opa_bindings.__file__), "libopabridge.so"))' 2>/dev/null)
  if [ -n "$so" ] && [ -f "$so" ]; then
    echo "  embedded OPA: $(strings -n 8 "$so" | awk '$1=="dep" && $2=="github.com/open-policy-agent/opa" {print $3}' | head -1), $(strings "$so" | grep -m1 -oE '^go1\.[0-9.]+')"
  fi
  echo "regorus: $("$REGORUS" --version 2>/dev/null)"
  echo "regopy (rego-cpp): $("$PY" -c 'import regopy; print(regopy.__version__)' 2>/dev/null)"
  echo "GNU time: $(dpkg-query -W -f '${Version}' time 2>/dev/null)"
}

if [ "${1:-}" = "--versions" ]; then versions; exit 0; fi
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1k 10k 100k 1M)

peer_cmd() { # peer sarif trivy cob -> prints the command words, one per line
  local p=$1 s=$2 t=$3 c=$4
  case $p in
    verdict)   printf '%s\n' bash "$HERE/peers/verdict_gate.sh" "$s" "$t" "$c" "$CFG" ;;
    python)    printf '%s\n' "$PY" "$HERE/peers/python_gate.py" "$s" "$t" "$c" "$CFG" ;;
    jq)        printf '%s\n' bash "$HERE/peers/jq_gate.sh" "$s" "$t" "$c" "$CFG" ;;
    opa-golib) printf '%s\n' "$PY" "$HERE/peers/opa_golib_gate.py" "$s" "$t" "$c" "$CFG" "$POLICY" ;;
    regorus)   printf '%s\n' bash "$HERE/peers/regorus_gate.sh" "$s" "$t" "$c" "$CFG" "$POLICY" ;;
    regopy)    printf '%s\n' "$PY" "$HERE/peers/regopy_gate.py" "$s" "$t" "$c" "$CFG" "$POLICY" ;;
    *) echo "unknown peer $p" >&2; return 2 ;;
  esac
}

# missing peer -> why it cannot run here (empty when it can)
missing() {
  case $1 in
    verdict)   [ -x "$VERDICT" ] || echo "no verdict binary at $VERDICT (cargo build --release)" ;;
    python)    [ -x "$PY" ] || echo "no venv python at $PY" ;;
    jq)        command -v jq >/dev/null && command -v xmllint >/dev/null || echo "jq or xmllint not installed" ;;
    opa-golib) "$PY" -c 'import opa_bindings' 2>/dev/null || echo "opa-golib-python-bindings not installed in $PEER_VENV" ;;
    regorus)   [ -x "$REGORUS" ] || echo "regorus CLI not installed at $REGORUS" ;;
    regopy)    "$PY" -c 'import regopy' 2>/dev/null || echo "regopy not installed in $PEER_VENV" ;;
  esac
}
declare -A SKIP
for p in $PEERS; do
  why=$(missing "$p")
  [ -n "$why" ] && { SKIP[$p]="not installed: $why"; echo "# $p: ${SKIP[$p]}"; }
done

TMP=$(mktemp -d /tmp/run-peers.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# run_once peer dir limit -> sets WALL RSS SUMMARY RC
run_once() {
  local p=$1 d=$2 lim=$3
  local -a cmd
  mapfile -t cmd < <(peer_cmd "$p" "$d/scan.sarif" "$d/trivy.json" "$d/coverage.xml")
  /usr/bin/time -f '%e %M' -o "$TMP/time" timeout "$lim" "${cmd[@]}" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  read -r WALL RSS < <(tail -1 "$TMP/time")
  SUMMARY=$(grep -o 'decision=[a-z]* violations=[0-9]* sarif=[0-9]* trivy=[0-9]* coverage=[0-9]*' "$TMP/out" | head -1)
}

ensure_data() { # label [profile]
  local label=$1 profile=${2:-fail} d="$DATA_DIR/$1"
  if [ ! -f "$d/manifest.json" ]; then
    echo "generating $label ($profile) in $d ..." >&2
    "$PY" "$HERE/gen_evidence.py" --results "${label%-pass}" --profile "$profile" --out "$d" >/dev/null || exit 1
  fi
}

# expected_of dir [peer]: the oracle's summary. verdict rates a Trivy advisory
# without a rating (`UNKNOWN`) by its CVSS band, so it is held to the
# generator's second oracle, which counts those with a 9.0+ score as critical
# (README: "verdict's reading"); every other peer to the first.
expected_of() {
  local key=expected_summary
  [ "${2:-}" = verdict ] && key=expected_summary_cvss_band
  "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/manifest.json" "$key"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# 1. correctness on a small passing data set (untimed): every peer must say pass.
ensure_data 1k-pass pass
echo "# correctness, passing data set (1k-pass): expected '$(expected_of "$DATA_DIR/1k-pass")'"
for p in $PEERS; do
  [ -n "${SKIP[$p]:-}" ] && continue
  exp=$(expected_of "$DATA_DIR/1k-pass" "$p")
  run_once "$p" "$DATA_DIR/1k-pass" "$LIMIT_S"
  if [ "$SUMMARY" = "$exp" ]; then echo "  $p: ok ($SUMMARY)"; else echo "  $p: MISMATCH got '$SUMMARY' rc=$RC"; sed 's/^/    /' "$TMP/err" | tail -5; fi
done

ROWS=()
for size in "${SIZES[@]}"; do
  ensure_data "$size"
  d="$DATA_DIR/$size"
  mb=$(du -m --apparent-size "$d/scan.sarif" | cut -f1)
  echo "# size $size: scan.sarif ${mb} MB; expected '$(expected_of "$d")' (verdict: '$(expected_of "$d" verdict)')"
  for p in $PEERS; do
    exp=$(expected_of "$d" "$p")
    if [ -n "${SKIP[$p]:-}" ]; then
      ROWS+=("$p|$size|skipped|-|-|${SKIP[$p]}"); echo "  $p: skipped (${SKIP[$p]})"; continue
    fi
    run_once "$p" "$d" "$LIMIT_S"
    if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
      SKIP[$p]="first run > ${LIMIT_S}s at $size"
      ROWS+=("$p|$size|skipped|-|-|${SKIP[$p]}"); echo "  $p: ${SKIP[$p]}"; continue
    fi
    if [ -z "$SUMMARY" ]; then
      SKIP[$p]="error at $size (rc=$RC)"
      ROWS+=("$p|$size|error|-|-|${SKIP[$p]}"); echo "  $p: ERROR rc=$RC"; sed 's/^/    /' "$TMP/err" | tail -8; continue
    fi
    agree=ok; [ "$SUMMARY" = "$exp" ] || agree="MISMATCH: $SUMMARY"
    echo "  $p: warm-up ${WALL}s ${RSS}KB $agree"
    walls=(); rss_max=0
    for ((k = 1; k <= RUNS; k++)); do
      run_once "$p" "$d" $((LIMIT_S * 3))
      walls+=("$WALL"); [ "$RSS" -gt "$rss_max" ] && rss_max=$RSS
      [ "$SUMMARY" = "$exp" ] || agree="MISMATCH: $SUMMARY"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$p" "$size" "$k" "$WALL" "$RSS" >>"$RESULTS_TSV"
    done
    med=$(printf '%s\n' "${walls[@]}" | median)
    lo=$(printf '%s\n' "${walls[@]}" | sort -g | head -1); hi=$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)
    ROWS+=("$p|$size|$med|$lo–$hi|$((rss_max / 1024))|$agree")
    echo "  $p: median ${med}s (${lo}–${hi}) peak RSS $((rss_max / 1024)) MB $agree"
  done
done

echo
echo "| peer | size | wall s (median of $RUNS) | min–max s | peak RSS MB | agrees with expected |"
echo "|---|---|---|---|---|---|"
for r in "${ROWS[@]}"; do echo "| ${r//|/ | } |"; done
