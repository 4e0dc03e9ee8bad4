#!/usr/bin/env bash
# Runs every test: unit and property tests, the API suite against SQLite and against a real
# PostgreSQL server (a throwaway one is started here), and the headless-Chromium test of the
# browser client. Installs what it needs first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$REPO/scripts/pg.sh"
cd "$REPO"

ensure_server_deps
apt_need chromium chromium-driver
say "building the browser client"
bash scripts/build-client.sh

say "starting a throwaway PostgreSQL"
trap pg_stop EXIT
pg_start

say "running the tests"
# default-members: shared, backend and the end-to-end crate (the client is wasm-only).
cargo test --workspace --exclude cistern-frontend "$@"
# The client's own unit tests (formatting, translations) run natively too.
cargo test -p cistern-frontend "$@"
