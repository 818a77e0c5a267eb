#!/usr/bin/env bash
# Installs what is missing (build tools and the test clients), builds, and
# runs every test suite:
#   1. unit tests (GoogleTest) under AddressSanitizer and UBSan;
#   2. integration tests: the release binary driven by boto3, the AWS CLI,
#      the AWS SDK for JavaScript v3 and raw HTTP (pytest);
#   3. fuzzing: each libFuzzer target in tests/fuzz for a bounded time (clang
#      and libFuzzer's runtime are installed when missing);
#   4. bench: a smoke run of the benchmark harness (scripts/bench.sh --quick, wrk
#      installed when missing) that fails only if the harness breaks or a request
#      gets an answer other than 200, never on speed.
# Usage: scripts/test.sh [unit|integration|fuzz|bench]   (default: all four)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what="${1:-all}"
ensure_packages "${STATOR_BUILD_PACKAGES[@]}" "${STATOR_TEST_PACKAGES[@]}"

if [ "$what" = all ] || [ "$what" = unit ]; then
  log "unit tests (address,undefined sanitizers)"
  build_stator "$STATOR_ROOT/build-sanitize" Debug -DSTATOR_SANITIZE=address,undefined
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$STATOR_ROOT/build-sanitize" -j "$(build_jobs)" --output-on-failure
fi

if [ "$what" = all ] || [ "$what" = integration ]; then
  log "integration tests (release binary; boto3, AWS CLI, JS SDK v3, raw HTTP)"
  build_stator "$STATOR_ROOT/build" Release -DSTATOR_BUILD_TESTS=OFF
  cd "$STATOR_ROOT"
  ensure_js_modules
  # Debian's python3 and AWS CLI v2, not whatever may come earlier on PATH.
  STATOR_BIN="$STATOR_ROOT/build/stator" AWS_CLI=/usr/bin/aws \
    /usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider
fi

if [ "$what" = all ] || [ "$what" = fuzz ]; then
  log "fuzz targets (libFuzzer with address,undefined sanitizers)"
  ensure_packages "${STATOR_FUZZ_PACKAGES[@]}"
  fuzz_stator "$STATOR_ROOT/build-fuzz" 20
fi

if [ "$what" = all ] || [ "$what" = bench ]; then
  log "benchmark smoke (scripts/bench.sh --quick)"
  "$STATOR_ROOT/scripts/bench.sh" --quick
fi
