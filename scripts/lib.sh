#!/usr/bin/env bash
# Shared helpers for run.sh, test.sh and .ci/run. Sourced, not run.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"

say() { printf '\n== %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "need root (or sudo) to run: $*" >&2; return 1
  fi
}

APT_UPDATED=0
# apt_need PKG...: installs the Debian packages that are missing.
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the server build needs: a C compiler (bundled SQLite) and libpq (PostgreSQL client).
ensure_server_deps() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup)" >&2; return 1; }
  apt_need gcc libpq-dev pkg-config
}
