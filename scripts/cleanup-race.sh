#!/bin/sh
# Issue 22's figure: `faultline cleanup` 0.4 s after a run starts, with a dead run to remove first,
# N times (default 20); prints "cleanup race: live run untouched in K/N". Needs root, etcd, a build.
set -e
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
FAULTLINE_CLEANUP_RACE_ITERATIONS="${1:-20}" npx vitest run test/integration/run/cleanup-race.test.ts --reporter verbose 2>&1 | grep -E "cleanup race:|✓|×|FAIL|AssertionError|Tests "
