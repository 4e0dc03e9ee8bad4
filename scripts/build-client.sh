#!/usr/bin/env bash
# Builds the Cistern browser client (frontend/, Leptos -> wasm32) into frontend/dist/.
#
#   scripts/build-client.sh            # from anywhere
#
# On a fresh Debian 12 machine that reaches only package registries it:
#   1. gets a wasm32 standard library: `rustup target add wasm32-unknown-unknown` (route A), or
#      if that is impossible, Debian's rustc-web + its std source + `-Z build-std` (route B);
#   2. installs wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version into .tools/bin;
#   3. builds the client in release, runs wasm-bindgen (dropping the name section), and copies
#      index.html, boot.js, style.css and favicon.svg into frontend/dist.
# Nothing is redone when nothing changed.
#
# Environment knobs:
#   CARGO_TARGET_DIR   cargo's target dir (default <repo>/target)
#   WASM_ROUTE=auto|A|B   force a route (default auto: A, falling back to B)
#   WASM_OPT=0|1|auto  run wasm-opt -Oz from npm binaryen@$BINARYEN_NPM_VER (auto: if npm exists).
#                      Default 0: measured on this client it shrinks the raw file (1.2 MB -> 1.0 MB)
#                      but the gzip the server sends grows (350 KB -> 381 KB), and costs 30-60 s.
#   BINARYEN_NPM_VER   default 132.0.0 (never Debian's binaryen: its output breaks in Chromium)
#   CARGO_LOCKED=1     pass --locked to cargo (CI)
set -euo pipefail

T0=$(date +%s)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FRONTEND="$REPO/frontend"
DIST="$FRONTEND/dist"
TOOLS="$REPO/.tools"
TARGET=wasm32-unknown-unknown
CRATE=cistern-frontend
CRATE_FILE=cistern_frontend
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
WASM_ROUTE=${WASM_ROUTE:-auto}
WASM_OPT=${WASM_OPT:-0}
BINARYEN_NPM_VER=${BINARYEN_NPM_VER:-132.0.0}
LOCKED=()
[ "${CARGO_LOCKED:-0}" = 1 ] && LOCKED=(--locked)

TIMINGS=()
log() { printf '[build-client] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# step LABEL CMD...: runs CMD and records how long it took.
step() {
  local label=$1 s e
  shift
  s=$(date +%s%N)
  "$@"
  e=$(date +%s%N)
  local ms=$(((e - s) / 1000000))
  TIMINGS+=("$(printf '%-22s %4d.%01d s' "$label" $((ms / 1000)) $((ms % 1000 / 100)))")
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# ---------------------------------------------------------------- 1. wasm32 std
BUILD_STD=()
route_a() {
  command -v rustup >/dev/null || return 1
  if rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    return 0
  fi
  log "route A: rustup target add $TARGET"
  rustup target add "$TARGET"
}

route_b() {
  log "route B: Debian rustc-web + std source + -Z build-std"
  local pkgs=(rustc-web cargo-web rust-web-src rust-web-llvm)
  if ! dpkg -s "${pkgs[@]}" >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends "${pkgs[@]}"
  fi
  # /usr/bin/rust-lld (from rust-web-llvm) points into lld-<llvm major>, which is not a dependency.
  local llvm_major
  llvm_major=$(/usr/bin/rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
  [ -n "$llvm_major" ] || die "cannot read the LLVM version of /usr/bin/rustc"
  if [ ! -x "$(readlink -f /usr/bin/rust-lld)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y --no-install-recommends "lld-$llvm_major"
  fi
  [ -x "$(readlink -f /usr/bin/rust-lld)" ] || die "/usr/bin/rust-lld does not resolve (install lld-$llvm_major)"
  [ -f /usr/lib/rustlib/src/rust/library/Cargo.lock ] || die "std source missing (package rust-web-src)"
  # rustup's proxies usually come first on PATH: put Debian's tools first via a private bin dir.
  local bin="$TOOLS/debian-rust/bin"
  mkdir -p "$bin"
  for tool in cargo rustc rustdoc; do
    [ -x "/usr/bin/$tool" ] || die "/usr/bin/$tool missing"
    ln -sfn "/usr/bin/$tool" "$bin/$tool"
  done
  export PATH="$bin:$PATH"
  unset RUSTUP_TOOLCHAIN || true
  export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
  # Debian's rustc is a stable toolchain; build-std needs unstable -Z flags.
  export RUSTC_BOOTSTRAP=1
  # shellcheck disable=SC2054 # the comma belongs to cargo's argument
  BUILD_STD=(-Z build-std=std,panic_abort)
  [ "$(rustc --print sysroot)" = /usr ] || die "rustc on PATH is not Debian's ($(command -v rustc))"
  log "using $(rustc -V) ($(command -v cargo))"
}

wasm_std() {
  case "$WASM_ROUTE" in
    A) route_a || die "route A (rustup target add) failed" ;;
    B) route_b ;;
    auto)
      if ! route_a; then
        log "route A unavailable; falling back to route B"
        route_b
      fi
      ;;
    *) die "WASM_ROUTE must be auto, A or B" ;;
  esac
}
step wasm32-std wasm_std

# ---------------------------------------------------------------- 2. wasm-bindgen-cli
cd "$REPO"
# Make sure Cargo.lock is resolved for the client before reading versions from it.
cargo metadata --format-version 1 "${LOCKED[@]}" >/dev/null
wb_versions=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' Cargo.lock | sort -u)
[ -n "$wb_versions" ] || die "no wasm-bindgen in Cargo.lock"
[ "$(printf '%s\n' "$wb_versions" | wc -l)" = 1 ] || die "several wasm-bindgen versions in Cargo.lock: $wb_versions"
WB_VER=$wb_versions
WASM_BINDGEN="$TOOLS/bin/wasm-bindgen"

install_wasm_bindgen() {
  if [ -x "$WASM_BINDGEN" ] && [ "$("$WASM_BINDGEN" --version 2>/dev/null)" = "wasm-bindgen $WB_VER" ]; then
    return 0
  fi
  log "installing wasm-bindgen-cli $WB_VER into $TOOLS (a few minutes, once)"
  # Outside the workspace, so no workspace .cargo/config.toml applies; no --locked (its
  # lockfile pins a crate version the registry mirror does not serve). Its own target dir,
  # so it does not invalidate the client's.
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && CARGO_TARGET_DIR="$tmp/target" \
    cargo install wasm-bindgen-cli --version "$WB_VER" --root "$TOOLS" --force)
  rm -rf "$tmp"
  [ "$("$WASM_BINDGEN" --version)" = "wasm-bindgen $WB_VER" ] || die "wasm-bindgen-cli install did not give $WB_VER"
}
step wasm-bindgen-cli install_wasm_bindgen

WASM_OPT_BIN=""
setup_wasm_opt() {
  case "$WASM_OPT" in
    0) return 0 ;;
    auto) command -v npm >/dev/null || { log "npm not found: skipping wasm-opt"; return 0; } ;;
    1) command -v npm >/dev/null || die "WASM_OPT=1 needs npm" ;;
    *) die "WASM_OPT must be auto, 0 or 1" ;;
  esac
  local prefix="$TOOLS/npm"
  local bin="$prefix/node_modules/.bin/wasm-opt"
  if [ ! -x "$bin" ] || ! "$bin" --version 2>/dev/null | grep -q "version ${BINARYEN_NPM_VER%%.*}"; then
    log "installing npm binaryen@$BINARYEN_NPM_VER into $prefix"
    mkdir -p "$prefix"
    if ! npm install --prefix "$prefix" --no-audit --no-fund --no-save "binaryen@$BINARYEN_NPM_VER" >&2; then
      [ "$WASM_OPT" = 1 ] && die "npm install binaryen failed"
      log "npm install binaryen failed: skipping wasm-opt"
      return 0
    fi
  fi
  WASM_OPT_BIN=$bin
}
step wasm-opt-setup setup_wasm_opt

# ---------------------------------------------------------------- 3. build
step cargo-build cargo build --release --target "$TARGET" -p "$CRATE" "${LOCKED[@]}" "${BUILD_STD[@]}"
WASM_IN="$CARGO_TARGET_DIR/$TARGET/release/$CRATE_FILE.wasm"
[ -f "$WASM_IN" ] || die "cargo did not produce $WASM_IN"

# wasm-bindgen (+ wasm-opt) only when the input or the tools changed.
STAMP="$FRONTEND/.pkg-stamp"
stamp_now="$(sha256sum "$WASM_IN" | cut -d' ' -f1) wb=$WB_VER opt=${WASM_OPT_BIN:+$BINARYEN_NPM_VER} bindgen-args=v2"
# wasm-bindgen's output is kept beside dist/, not in it: dist/ holds only what is served.
PKG="$FRONTEND/.pkg"
bindgen() {
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp_now" ] &&
    [ -f "$PKG/$CRATE_FILE.js" ] && [ -f "$PKG/${CRATE_FILE}_bg.wasm" ]; then
    log "wasm unchanged: keeping $PKG"
    return 0
  fi
  rm -rf "$PKG.tmp"
  # Names are for debuggers; without wasm-opt they would be most of the file.
  "$WASM_BINDGEN" --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$PKG.tmp" "$WASM_IN"
  if [ -n "$WASM_OPT_BIN" ]; then
    local bg="$PKG.tmp/${CRATE_FILE}_bg.wasm"
    if ! "$WASM_OPT_BIN" -Oz "$bg" -o "$bg.opt"; then
      [ "$WASM_OPT" = 1 ] && die "wasm-opt failed"
      log "wasm-opt failed: keeping the unoptimised module"
    else
      mv "$bg.opt" "$bg"
    fi
  fi
  mkdir -p "$DIST"
  rm -rf "$PKG"
  mv "$PKG.tmp" "$PKG"
  printf '%s\n' "$stamp_now" >"$STAMP"
}
step wasm-bindgen bindgen

# Served names carry a hash of their content (cached for a year: a new build is a new name);
# index.html, which names them, is revalidated on every visit. Each file also gets gzip and
# brotli copies, which the server sends as they are.
hash_of() { sha256sum "$1" | cut -c1-12; }
publish() {
  local f js wasm js_name wasm_name css_name boot_name
  for f in index.html boot.js style.css favicon.svg; do
    [ -f "$FRONTEND/$f" ] || die "missing frontend/$f"
  done
  rm -rf "$DIST.tmp"
  mkdir -p "$DIST.tmp/assets"
  js="$PKG/$CRATE_FILE.js"
  wasm="$PKG/${CRATE_FILE}_bg.wasm"
  wasm_name="${CRATE_FILE}_bg-$(hash_of "$wasm").wasm"
  js_name="$CRATE_FILE-$(hash_of "$js").js"
  css_name="style-$(hash_of "$FRONTEND/style.css").css"
  cp "$wasm" "$DIST.tmp/assets/$wasm_name"
  cp "$js" "$DIST.tmp/assets/$js_name"
  cp "$FRONTEND/style.css" "$DIST.tmp/assets/$css_name"
  sed -e "s#/pkg/$CRATE_FILE.js#/assets/$js_name#" \
      -e "s#^init();#init({ module_or_path: '/assets/$wasm_name' });#" \
      "$FRONTEND/boot.js" >"$DIST.tmp/boot.js"
  grep -q "/assets/$wasm_name" "$DIST.tmp/boot.js" || die "boot.js: init() call not found"
  boot_name="boot-$(hash_of "$DIST.tmp/boot.js").js"
  mv "$DIST.tmp/boot.js" "$DIST.tmp/assets/$boot_name"
  sed -e "s#\"/style.css\"#\"/assets/$css_name\"#" \
      -e "s#\"/pkg/$CRATE_FILE.js\"#\"/assets/$js_name\"#" \
      -e "s#\"/pkg/${CRATE_FILE}_bg.wasm\"#\"/assets/$wasm_name\"#" \
      -e "s#\"/boot.js\"#\"/assets/$boot_name\"#" \
      "$FRONTEND/index.html" >"$DIST.tmp/index.html"
  for f in "$css_name" "$js_name" "$wasm_name" "$boot_name"; do
    grep -q "$f" "$DIST.tmp/index.html" || die "index.html does not name $f"
  done
  cp "$FRONTEND/favicon.svg" "$DIST.tmp/favicon.svg"
  if ! command -v brotli >/dev/null && [ "$(id -u)" = 0 ]; then
    log "installing brotli (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends brotli >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends brotli >/dev/null 2>&1; } || true
  fi
  for f in "$DIST.tmp"/index.html "$DIST.tmp"/favicon.svg "$DIST.tmp"/assets/*; do
    gzip -9 -n -k -f "$f"
    if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
  done
  rm -rf "$DIST"
  mv "$DIST.tmp" "$DIST"
}
step publish publish

# ---------------------------------------------------------------- report
log "timings:"
for t in "${TIMINGS[@]}"; do log "  $t"; done
log "  total                  $(($(date +%s) - T0)) s"
wasm_out=$(ls "$DIST"/assets/*.wasm)
log "dist: $DIST ($(du -sh "$DIST" | cut -f1); wasm $(du -h "$wasm_out" | cut -f1), gzip $(du -h "$wasm_out.gz" | cut -f1)$([ -f "$wasm_out.br" ] && echo ", brotli $(du -h "$wasm_out.br" | cut -f1)"))"
