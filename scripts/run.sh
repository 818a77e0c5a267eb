#!/usr/bin/env bash
# Installs what is missing, builds a release and starts Stator on port 8000
# with its data in ./stator-data. Extra arguments go to the server, e.g.
#   scripts/run.sh --in-memory
#   scripts/run.sh --port 8001 --data-dir /var/lib/stator
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages "${STATOR_BUILD_PACKAGES[@]}"
log "building release into build/"
build_stator "$STATOR_ROOT/build" Release
exec "$STATOR_ROOT/build/stator" "$@"
