#!/usr/bin/env bash
# Packaging test (issue 16), `npm run test:package`, run by .ci/run: what a team gets from
# `npm install syncstorm`. Packs the package (prepack builds dist/), checks the tarball's
# contents, installs it into fresh projects of both module types ("commonjs", as `npm init`
# writes, and "module"), and in each runs: `syncstorm --version`, `syncstorm gate --client
# ./client.mjs --seeds 5` (the bundled test plan, no scenarios/ folder), an ESM import, a
# CommonJS require, the user's `tsc --noEmit` over code importing `syncstorm` and
# `syncstorm/vitest`, and a vitest file using describeConformance. In the commonjs project
# it then runs the README's quick start, line by line as the packed README has it.
# Dependencies come from the npm registry through the npm cache (--prefer-offline); the
# second project gets a copy of the first one's node_modules (better-sqlite3 compiles once).
# Environment: KEEP=1 keeps the temporary folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="$root/scripts/package-test"
work="$(mktemp -d "${TMPDIR:-/tmp}/syncstorm-package-XXXXXX")"
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
started=$SECONDS
step() { echo "== package test: $1 ($((SECONDS - started)) s)"; }
fail() { echo "[syncstorm] package test: $1" >&2; exit 1; }

step "npm pack (builds dist/)"
cd "$root"
tarball="$work/$(npm pack --pack-destination "$work" --loglevel=error | tail -n 1)"
version="$(node -p "require('./package.json').version")"
tar -tzf "$tarball" >"$work/contents.txt"
for required in package/LICENSE package/package.json package/bin/syncstorm.mjs package/dist/index.js \
  package/dist/index.cjs package/dist/index.d.ts package/dist/vitest/conformance.d.ts \
  package/dist/client/process/pipe-worker.mjs package/dist/client/process/read-guard.mjs package/dist/client/process/read-wake.mjs package/dist/sim/campaign-worker.js \
  package/dist/scenario/plan-worker.js package/scenarios/clock-skew.json package/schema/scenario.schema.json; do
  grep -qx "$required" "$work/contents.txt" || fail "the tarball lacks $required"
done
if grep -E '^package/(test|\.ci|src|bench|reports)/|^package/scenarios/mutants/|\.test\.' "$work/contents.txt"; then
  fail 'the tarball carries files a user does not need (above)'
fi
echo "tarball: $(basename "$tarball"), $(du -k "$tarball" | cut -f1) KB, $(wc -l <"$work/contents.txt") files"

step "install into a fresh commonjs project"
cjs="$work/app-cjs"
mkdir -p "$cjs" && cd "$cjs"
npm init -y >/dev/null
npm pkg set type=commonjs
npm install --prefer-offline --no-audit --no-fund --loglevel=error --save-dev "$tarball" typescript@~5.9.3 vitest@~4.1.0

step "a fresh module project (a copy of the installed node_modules)"
esm="$work/app-esm"
mkdir -p "$esm"
cp -a "$cjs/node_modules" "$cjs/package.json" "$cjs/package-lock.json" "$esm/"
(cd "$esm" && npm pkg set type=module name=app-esm)

for app in "$cjs" "$esm"; do
  cd "$app"
  type="$(node -p "require('./package.json').type")"
  mkdir -p test
  cp "$fixtures"/{client.mjs,my-client.ts,esm-import.mjs,cjs-require.cjs,check-types.ts,tsconfig.json} .
  cp "$fixtures/conformance.test.ts" test/
  cp -r node_modules/syncstorm/examples/memory-client ./sync-adapter
  [ ! -e scenarios ] || fail "$type: the project has a scenarios/ folder"

  step "$type: syncstorm --version"
  shown="$(npx syncstorm --version)"
  [ "$shown" = "$version" ] || fail "$type: --version printed '$shown', expected $version"

  step "$type: syncstorm gate --client ./client.mjs --seeds 5"
  npx syncstorm gate --client ./client.mjs --seeds 5 --json >gate.json 2>gate.err || {
    cat gate.err
    fail "$type: gate failed"
  }
  grep -q "from syncstorm's bundled test plan" gate.err || fail "$type: gate did not say it ran the bundled plan"
  grep -q 'mutants' gate.err && fail "$type: gate ran mutant scenarios"
  tail -n 1 gate.err

  step "$type: ESM import, CommonJS require"
  node esm-import.mjs >esm.out
  node cjs-require.cjs >cjs.out
  cat esm.out cjs.out
  [ "$(grep -o 'sha256 .*' esm.out)" = "$(grep -o 'sha256 .*' cjs.out)" ] || fail "$type: ESM and CJS runs differ"

  step "$type: tsc --noEmit"
  npx tsc --noEmit -p .

  step "$type: vitest with describeConformance"
  npx vitest run --reporter=dot
done

step "commonjs: the README's quick start, as the packed README has it"
cd "$cjs"
readme="node_modules/syncstorm/README.md"
mapfile -t lines < <(awk '/^## Quick start/{on=1} on && /^```sh/{block=1; next} block && /^```/{exit} block' "$readme")
[ "${#lines[@]}" -ge 4 ] || fail "no quick start block found in $readme"
for line in "${lines[@]}"; do
  command="${line%%#*}"
  [ -n "${command// /}" ] || continue
  expected=0
  case "$command" in *mutant:*) expected=1 ;; esac
  echo "\$ $command"
  set +e
  bash -c "$command" >quick.out 2>quick.err
  status=$?
  set -e
  tail -n 2 quick.out quick.err | grep -v '^==>' | grep -v '^$' || true
  [ "$status" = "$expected" ] || fail "quick start: '$command' exited $status, expected $expected"
done

step "green"
