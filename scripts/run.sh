#!/usr/bin/env bash
# Builds and runs Cistern: the browser client, the server, an embedded SQLite database under
# ./data with the demo city, served on http://127.0.0.1:8080 (CISTERN_BIND to change).
# A second run reuses the database and the builds, and starts in seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

ensure_server_deps
say "building the browser client"
bash scripts/build-client.sh
say "building the server"
cargo build --profile server -p cistern-backend --bin cistern
export CISTERN_STATIC_DIR="${CISTERN_STATIC_DIR:-$REPO/frontend/dist}"
export CISTERN_DATA_DIR="${CISTERN_DATA_DIR:-$REPO/data}"
export DATABASE_URL="${DATABASE_URL:-sqlite://$REPO/data/cistern.db}"
say "starting (Ctrl-C stops)"
exec "$CARGO_TARGET_DIR/server/cistern" serve --seed-demo "$@"
