#!/usr/bin/env bash
# CI for the rxdb example: see ../ci-engine.sh (DETERMINISM_SEEDS, FUZZ_SEEDS, FUZZ_WORKERS).
exec "$(dirname "${BASH_SOURCE[0]}")/../ci-engine.sh" rxdb
