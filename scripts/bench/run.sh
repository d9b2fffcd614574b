#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --dist <build>] ...: always builds a production build of the services into
# node_modules/.cache/newsflow-bench/dist (never dist/, which others' tests run from), then runs
# the bench from it. BENCH_SRC=HEAD builds the last commit instead of the working tree (useful
# when the shared tree is mid-edit); the bench's own scripts always come from the working tree.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [[ "${BENCH_SRC:-}" == "HEAD" ]]; then
  src="$(mktemp -d /tmp/newsflow-bench-src.XXXXXX)"
  trap 'rm -rf "$src"' EXIT
  git archive HEAD | tar -x -C "$src"
  rm -rf "$src/scripts/bench" && cp -r scripts/bench "$src/scripts/bench"
  ln -s "$root/node_modules" "$src/node_modules"
  (cd "$src" && npx nest build -p scripts/bench/tsconfig.bench.json)
else
  npx nest build -p scripts/bench/tsconfig.bench.json
fi
BENCH_ROOT="$root" node "node_modules/.cache/newsflow-bench/dist/scripts/bench/${BENCH_ENTRY:-main}.js" "$@"
