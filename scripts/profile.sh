#!/usr/bin/env bash
# Instructions per request of the hot workloads (GetItem, PutItem, UpdateItem, Query of 10
# items), counted by callgrind: deterministic for the same binary and inputs, so it measures
# a CPU change even on a busy machine, where wall-clock figures cannot (docs/performance.md,
# "Tuning log"). Builds a release into build/ (STATOR_BUILD_DIR chooses another directory)
# unless --no-build, then hands over to tests/bench/profile.py.
#
# Usage: scripts/profile.sh [--no-build] [options of tests/bench/profile.py]
#   --workloads get,put,update,query   --requests N (2000)   --warmup N (200)
#   --out-dir DIR (build-profile/): callgrind.<workload>.out for callgrind_annotate
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=1
args=()
for arg in "$@"; do
  if [ "$arg" = --no-build ]; then build=0; else args+=("$arg"); fi
done
command -v valgrind >/dev/null || ensure_packages valgrind
build_dir="${STATOR_BUILD_DIR:-$STATOR_ROOT/build}"
if [ "$build" = 1 ]; then
  log "building a release into ${build_dir#"$STATOR_ROOT"/}/"
  build_stator "$build_dir" Release -DSTATOR_BUILD_TESTS=OFF
fi
exec /usr/bin/python3 "$STATOR_ROOT/tests/bench/profile.py" --stator "$build_dir/stator" \
  --out-dir "$STATOR_ROOT/build-profile" "${args[@]+"${args[@]}"}"
