#!/usr/bin/env bash
# Builds a committed revision (default HEAD) into its own directory, so the fault and hostile
# suites test a consistent tree even while others edit the working copy:
#   scripts/faults/build-snapshot.sh [rev] && NEWSFLOW_DIST=/tmp/newsflow-snapshot/dist npx jest ...
set -euo pipefail
rev="${1:-HEAD}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${NEWSFLOW_SNAPSHOT_DIR:-/tmp/newsflow-snapshot}"
rm -rf "$out" && mkdir -p "$out"
git -C "$root" archive "$rev" | tar -x -C "$out"
ln -s "$root/node_modules" "$out/node_modules"
cd "$out" && npx nest build >/dev/null
echo "$out/dist"
