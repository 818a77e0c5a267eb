# Shared helpers for Stator's scripts. Source it; do not run it.

STATOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages needed to build Stator.
STATOR_BUILD_PACKAGES=(build-essential cmake pkg-config librocksdb-dev libboost-dev
  nlohmann-json3-dev libssl-dev libspdlog-dev libgtest-dev zlib1g-dev)
# Extra packages the test suites need: the real clients Stator is tested with.
STATOR_TEST_PACKAGES=(python3 python3-boto3 python3-pytest awscli)

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

build_jobs() { nproc 2>/dev/null || echo 2; }

# build_stator DIR BUILD_TYPE [extra cmake args...]
build_stator() {
  local dir="$1" type="$2"
  shift 2
  cmake -S "$STATOR_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$(build_jobs)"
}
