#!/usr/bin/env bash
# npm run bench [-- --quick] [-- --dist <build>] ...: always builds a production build of the services into
# node_modules/.cache/newsflow-bench/dist (never dist/, which others' tests run from), then runs
# the bench from it. BENCH_SRC=HEAD builds the last commit instead of the working tree (useful
# when the shared tree is mid-edit); the bench's own scripts always come from the working tree.
# BENCH_DIST_DIR=<folder> builds into that folder instead of the shared one, so benches of different
# trees on one machine do not overwrite each other; it must lie inside the repository (relative
# paths are taken from its root), where the build finds node_modules, e.g.
# node_modules/.cache/newsflow-bench/dist-<name>.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
dist="$root/node_modules/.cache/newsflow-bench/dist"
temp=()
trap 'rm -rf "${temp[@]}"' EXIT
if [[ -n "${BENCH_DIST_DIR:-}" ]]; then
  mkdir -p "$BENCH_DIST_DIR"
  dist="$(cd "$BENCH_DIST_DIR" && pwd)"
fi
# build <source tree>: the bench's tsconfig of that tree, its output redirected to $dist.
build() {
  local tsconfig="scripts/bench/tsconfig.bench.json"
  if [[ -n "${BENCH_DIST_DIR:-}" ]]; then
    # nest build takes the tsconfig's path relative to the tree it builds (whose node_modules is
    # this tree's).
    mkdir -p node_modules/.cache/newsflow-bench
    tsconfig="$(mktemp --suffix=.json node_modules/.cache/newsflow-bench/tsconfig.XXXXXX)"
    temp+=("$root/$tsconfig")
    printf '{ "extends": "%s", "compilerOptions": { "outDir": "%s" } }\n' \
      "$1/scripts/bench/tsconfig.bench.json" "$dist" >"$tsconfig"
  fi
  (cd "$1" && npx nest build -p "$tsconfig")
}
if [[ "${BENCH_SRC:-}" == "HEAD" ]]; then
  src="$(mktemp -d /tmp/newsflow-bench-src.XXXXXX)"
  temp+=("$src")
  git archive HEAD | tar -x -C "$src"
  rm -rf "$src/scripts/bench" && cp -r scripts/bench "$src/scripts/bench"
  ln -s "$root/node_modules" "$src/node_modules"
  build "$src"
else
  build "$root"
fi
BENCH_ROOT="$root" node "$dist/scripts/bench/${BENCH_ENTRY:-main}.js" "$@"
