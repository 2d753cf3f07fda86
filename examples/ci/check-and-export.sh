#!/bin/sh
# Lints a Sigma rule pack, then exports it to every target; the job fails on any error.
#
#   examples/ci/check-and-export.sh [RULES] [OUT]
#
#   RULES  the pack: a folder or file of Sigma rules (default: rules)
#   OUT    where the queries go: one folder per target, manifest.json and check.sarif (default: build/queries)
#
# Environment:
#   SIGMA_TRANSPILER  the command to run (default: npx --no-install sigma-transpiler)
#   TARGETS           the targets to export, comma-separated (default: all)
#   CONVERT_FLAGS     extra flags for every convert (default: --skip-unsupported: a rule a target
#                     cannot express is skipped with a warning; drop it to fail on those too; add
#                     --quiet to print only errors: a large pack's skips fill the job log, and
#                     manifest.json lists every one with its reason)
#   CHECK_FLAGS       extra flags for check (e.g. --fail-on warning, --config lint.yml)
#
# Exit status: 0 when the pack is clean and every target exported; otherwise the first failing
# step's status (1 findings or failed rules, 2 a usage error). Plain POSIX sh.
set -eu

rules=${1:-rules}
out=${2:-build/queries}
st=${SIGMA_TRANSPILER:-npx --no-install sigma-transpiler}
targets=${TARGETS:-all}
convert_flags=${CONVERT_FLAGS---skip-unsupported}
check_flags=${CHECK_FLAGS:-}

mkdir -p "$out"

# 1. Lint. The text report goes to the job log; the SARIF file is for code scanning (it is written
#    even when the lint fails, so the annotations show where).
status=0
# shellcheck disable=SC2086 # the command and flags are word lists on purpose
$st check $check_flags "$rules" || status=$?
# shellcheck disable=SC2086
$st check $check_flags --format sarif "$rules" > "$out/check.sarif" || true
if [ "$status" -ne 0 ]; then
  echo "check-and-export: the lint failed (exit $status); nothing was exported" >&2
  exit "$status"
fi

# 2. Export for every target in one pass (each rule is read and parsed once). The pack, one folder per
#    target plus manifest.json (every rule's status, diagnostics and hashes per target), is written
#    whole or not at all: a rule that fails for any target fails the job and nothing is written.
echo "check-and-export: exporting $rules for $targets into $out" >&2
# shellcheck disable=SC2086
$st convert --target "$targets" $convert_flags --manifest --output-dir "$out" "$rules" > /dev/null || status=$?
if [ "$status" -ne 0 ]; then
  echo "check-and-export: exporting failed (exit $status); nothing was written (the failing rules are listed above)" >&2
  exit "$status"
fi
echo "check-and-export: $rules is clean and exported for: $targets" >&2
