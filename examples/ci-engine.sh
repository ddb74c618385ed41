#!/usr/bin/env bash
# Gates one real-engine example (examples/<name>): installs its dependencies from its
# lockfile (npm ci), type-checks it, runs the bundled scenarios and its own finding
# scenarios, a fuzz campaign, and a two-process determinism check (the same trace hash from
# two separate `syncstorm replay` processes for every scenario, and from two separate
# processes running the same fuzz seeds). The outcome must be exactly the example's
# known-findings.json. Called by examples/<name>/ci.sh.
#
# Parameters (environment): DETERMINISM_SEEDS (default 50), FUZZ_SEEDS (default 24),
# FUZZ_WORKERS (default 2), OUT (default a temporary folder).
set -euo pipefail
name="${1:?usage: ci-engine.sh <example name>}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
example="examples/$name"
client="./$example/index.ts"
determinism_seeds="${DETERMINISM_SEEDS:-50}"
fuzz_seeds="${FUZZ_SEEDS:-24}"
fuzz_workers="${FUZZ_WORKERS:-2}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
cd "$root"
started=$SECONDS
step() { echo "== $name: $1 ($((SECONDS - started)) s)"; }

step "npm ci"
npm ci --prefix "$example" --no-audit --no-fund --loglevel=error
step "type-check"
npx tsc --noEmit -p "$example"

scenarios=(scenarios/*.json "$example"/scenarios/*.json)
step "scenarios (${#scenarios[@]} files)"
npx syncstorm run "${scenarios[@]}" --client "$client" --json >"$out/scenarios.json" || true
node --import tsx examples/compare-findings.ts "$out/scenarios.json" "$example/known-findings.json" scenarios

step "fuzz campaign ($fuzz_seeds seeds)"
npx syncstorm fuzz --client "$client" --seeds "$fuzz_seeds" --workers "$fuzz_workers" --shrink-time-limit 60 \
  --report "$out/fuzz-report" --json >"$out/fuzz.json" || true
node --import tsx examples/compare-findings.ts "$out/fuzz.json" "$example/known-findings.json" fuzz

step "determinism: every scenario in two replay processes"
for file in "${scenarios[@]}"; do
  first=$(npx syncstorm replay "$file" --client "$client" 2>/dev/null | grep -o 'trace sha256 [0-9a-f]*' || true)
  second=$(npx syncstorm replay "$file" --client "$client" 2>/dev/null | grep -o 'trace sha256 [0-9a-f]*' || true)
  if [ -z "$first" ] || [ "$first" != "$second" ]; then
    echo "✗ $file: '$first' then '$second'"
    exit 1
  fi
done
echo "✓ ${#scenarios[@]} scenarios: one trace hash each in two processes"

step "determinism: $determinism_seeds fuzz seeds in two processes"
node --import tsx examples/determinism.ts "$client" --seeds "$determinism_seeds" >"$out/seeds-1.txt" 2>/dev/null
node --import tsx examples/determinism.ts "$client" --seeds "$determinism_seeds" >"$out/seeds-2.txt" 2>/dev/null
if ! diff -q "$out/seeds-1.txt" "$out/seeds-2.txt" >/dev/null; then
  diff "$out/seeds-1.txt" "$out/seeds-2.txt" | head -5
  echo "✗ seed hashes differ between two processes"
  exit 1
fi
echo "✓ $(grep -c '^seed ' "$out/seeds-1.txt") seeds: the same trace hashes in two processes"
node --import tsx examples/compare-findings.ts "$out/seeds-1.txt" "$example/known-findings.json" seeds
step "done"
