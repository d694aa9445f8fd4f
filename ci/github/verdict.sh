#!/usr/bin/env bash
# The GitHub Action's one step (action.yml): run the gate once, then write the
# step summary, the step outputs and the exit code.
#
# Every input arrives as an environment variable (action.yml maps
# `inputs.*` to `VERDICT_ACTION_*` under `env:`) and is only ever expanded
# inside double quotes or passed as one argument: no input, branch name or
# file name is evaluated as shell text. Values that go to `verdict` as
# options use the `--name=value` form, so a value starting with `-` stays a
# value. (`VERDICT_ENV` and `VERDICT_VERSION` are not used here: verdict reads
# those itself, as the run's environment and version.)
#
# Order matters: the gate runs once, its reports are written, the summary and
# outputs are written whatever the decision, and only then does the step exit
# with the gate's code, so later `if: always()` steps (SARIF upload) find
# their files.
set -euo pipefail

# GitHub's cap on one step's summary file: over it, the runner drops the whole
# summary. https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary
readonly SUMMARY_LIMIT=$((1024 * 1024))

config="${VERDICT_ACTION_CONFIG:-verdict.toml}"
inputs="${VERDICT_ACTION_INPUTS:-}"
environment="${VERDICT_ACTION_ENVIRONMENT:-}"
baseline="${VERDICT_ACTION_BASELINE:-}"
override="${VERDICT_ACTION_OVERRIDE:-}"
override_reason="${VERDICT_ACTION_OVERRIDE_REASON:-}"
extra_args="${VERDICT_ACTION_ARGS:-}"
extra_formats="${VERDICT_ACTION_FORMATS:-}"
sarif_file="${VERDICT_ACTION_SARIF_FILE:-}"
json_file="${VERDICT_ACTION_JSON_FILE:-}"
summary="${VERDICT_ACTION_SUMMARY:-true}"
annotations="${VERDICT_ACTION_ANNOTATIONS:-true}"
fail_on_warn="${VERDICT_ACTION_FAIL_ON_WARN:-false}"
verdict_path="${VERDICT_ACTION_VERDICT_PATH:-}"

# A workflow command with fixed text (never input text).
command_error() { printf '::error title=verdict::%s\n' "$1"; }

# `true`/`false`, as GitHub writes booleans; anything else is a mistake in the
# workflow, not a silent default.
boolean() {
    case "$2" in
    true | false) ;;
    *)
        command_error "input \`$1\` must be true or false"
        exit 2
        ;;
    esac
}
boolean summary "$summary"
boolean annotations "$annotations"
boolean fail-on-warn "$fail_on_warn"

: "${RUNNER_TEMP:?RUNNER_TEMP is not set: run this script from action.yml on a GitHub runner}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this script from action.yml on a GitHub runner}"

# --- the verdict binary -------------------------------------------------------
# `verdict-path` first, then `verdict` on PATH, then a build of the action's
# own checkout (the version the workflow pinned in `uses:`).
if [[ -n "$verdict_path" ]]; then
    if [[ ! -x "$verdict_path" || -d "$verdict_path" ]]; then
        command_error "input \`verdict-path\` is not an executable file"
        exit 2
    fi
    verdict="$verdict_path"
elif command -v verdict >/dev/null 2>&1; then
    verdict="$(command -v verdict)"
else
    : "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
    if ! command -v cargo >/dev/null 2>&1; then
        command_error "no verdict binary: set \`verdict-path\`, put \`verdict\` on PATH, or install a Rust toolchain (rustup) so the action can build it"
        exit 2
    fi
    echo "::group::Build verdict from the action's checkout"
    install_root="$RUNNER_TEMP/verdict-install"
    # From the action's own directory, so that its rust-toolchain.toml (the
    # pinned toolchain and the wasm32-wasip2 target) applies.
    (cd "$GITHUB_ACTION_PATH" && cargo install --locked --path . --root "$install_root")
    echo "::endgroup::"
    verdict="$install_root/bin/verdict"
fi

# --- the gate -----------------------------------------------------------------
work="$(mktemp -d "$RUNNER_TEMP/verdict.XXXXXXXX")"
json_file="${json_file:-$work/verdict.json}"
sarif_file="${sarif_file:-$work/verdict.sarif}"
markdown_file="$work/verdict.md"
console_file="$work/verdict.txt"
# A report left by an earlier run must never be read as this run's.
rm -f -- "$json_file" "$sarif_file"
mkdir -p -- "$(dirname -- "$json_file")" "$(dirname -- "$sarif_file")"

args=(check "--config=$config")
while IFS= read -r line; do
    if [[ -n "$line" ]]; then args+=("--input=$line"); fi
done <<<"$inputs"
if [[ -n "$environment" ]]; then args+=("--env=$environment"); fi
if [[ -n "$baseline" ]]; then args+=("--baseline=$baseline"); fi
# Soft policies to override, one per line, all for the one reason.
if [[ -n "$override" ]]; then
    if [[ -z "$override_reason" ]]; then
        command_error "input \`override\` needs \`override-reason\`"
        exit 2
    fi
    while IFS= read -r line; do
        if [[ -n "$line" ]]; then args+=("--override=$line"); fi
    done <<<"$override"
    args+=("--reason=$override_reason")
fi
# One argument per line, never split or evaluated further.
while IFS= read -r line; do
    if [[ -n "$line" ]]; then args+=("$line"); fi
done <<<"$extra_args"
args+=(
    "--format=json=$json_file"
    "--format=sarif=$sarif_file"
    "--format=markdown=$markdown_file"
    "--format=console=$console_file"
)
if [[ "$annotations" == true ]]; then args+=("--format=github"); fi
while IFS= read -r line; do
    if [[ -n "$line" ]]; then args+=("--format=$line"); fi
done <<<"$extra_formats"

code=0
"$verdict" "${args[@]}" || code=$?

# The console report in the log, with workflow commands switched off around
# it: whatever a finding's text holds, it cannot become a command.
if [[ -s "$console_file" ]]; then
    stop_token="verdict-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    echo "::stop-commands::$stop_token"
    cat -- "$console_file"
    echo "::$stop_token::"
fi

# --- what was decided -----------------------------------------------------------
# The verdict document is pretty JSON: a top-level key is a line indented by
# exactly two spaces, and strings never hold a raw newline, so these lines
# cannot be forged by text inside the document.
decision=""
violations=""
if [[ -s "$json_file" ]]; then
    decision="$(awk '/^  "decision": "[a-z]+",?$/ { gsub(/^  "decision": "|",?$/, ""); print; exit }' "$json_file")"
    violations="$(awk '
        /^  "summary": \{/ { inside = 1; next }
        inside && /^  [}]/ { exit }
        inside && /^    "violations": [0-9]+,?$/ { gsub(/[^0-9]/, ""); print; exit }
    ' "$json_file")"
fi
# The document and the exit code must agree (pass and warn exit 0, fail 1,
# error 2). When they do not (no document, a crash, a signal, a report that
# could not be written after the document was), the run is an error and its
# reports are not shown as if it had decided.
case "$decision:$code" in
pass:0 | warn:0 | fail:1 | error:2) decided=true ;;
*)
    decided=false
    decision="error"
    violations=""
    ;;
esac
if [[ "$decision" == error ]]; then
    command_error "the gate ended in error (exit $code): the step log says why"
fi

# --- the step summary -------------------------------------------------------------
if [[ "$summary" == true && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    if [[ "$decided" == true && -s "$markdown_file" ]]; then
        used=0
        if [[ -f "$GITHUB_STEP_SUMMARY" ]]; then used="$(wc -c <"$GITHUB_STEP_SUMMARY")"; fi
        size="$(wc -c <"$markdown_file")"
        note=$'\n\n> **Report cut here:** GitHub keeps at most 1 MiB of step summary. The full report is the JSON verdict (the `json-file` output).\n'
        budget=$((SUMMARY_LIMIT - used))
        if ((size <= budget)); then
            cat -- "$markdown_file" >>"$GITHUB_STEP_SUMMARY"
        elif ((budget > ${#note} + 1)); then
            # Whole lines only, so that no character or table row is cut in two.
            head -c "$((budget - ${#note} - 1))" -- "$markdown_file" | sed '$d' >>"$GITHUB_STEP_SUMMARY"
            printf '%s' "$note" >>"$GITHUB_STEP_SUMMARY"
        fi
    else
        printf '## verdict: ⛔ ERROR\n\nverdict exited with code %s and no decision could be read from its report: the step log says why.\n' \
            "$code" >>"$GITHUB_STEP_SUMMARY"
    fi
fi

# --- step outputs -------------------------------------------------------------------
# The multiline syntax with a random delimiter: a value cannot end the
# heredoc early or add an output of its own.
delimiter="verdict_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
set_output() {
    if [[ "$2" == *"$delimiter"* ]]; then
        command_error "output \`$1\` holds the output delimiter"
        exit 2
    fi
    printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"$GITHUB_OUTPUT"
}
set_output decision "$decision"
set_output exit-code "$code"
set_output violations "$violations"
# A report's path only when the run decided and that report was written.
# SARIF only from a run that decided pass, warn or fail: code scanning closes
# every alert missing from an upload, so the SARIF of a run that errored
# (a policy that never ran) must not be uploaded.
existing() { if [[ "$decided" == true && -f "$1" ]]; then printf '%s' "$1"; fi; }
set_output json-file "$(existing "$json_file")"
if [[ "$decision" == error ]]; then
    set_output sarif-file ""
else
    set_output sarif-file "$(existing "$sarif_file")"
fi
set_output markdown-file "$(existing "$markdown_file")"

# --- the exit code ------------------------------------------------------------------
# The gate's code, except that a run without a readable decision is an error
# whatever verdict exited with: a pass nobody can show is not a pass.
if [[ "$decision" == error ]]; then
    exit 2
fi
if [[ "$fail_on_warn" == true && "$decision" == warn && "$code" == 0 ]]; then
    command_error "the gate warned and \`fail-on-warn\` is true"
    exit 1
fi
exit "$code"
