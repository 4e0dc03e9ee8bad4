#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for tests (see ../shared/toolchain/postgres.md).
#   source scripts/pg.sh; pg_start; ...; pg_stop
# pg_start exports CISTERN_TEST_PG_URL. It installs PostgreSQL with apt where it is missing.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_start() {
  local port=${CISTERN_PG_PORT:-55432} bin
  if ! bin=$(pg_bin); then
    echo "== installing PostgreSQL (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(pg_bin) || { echo "PostgreSQL is not installable here" >&2; return 1; }
  fi
  PG_TMP=$(mktemp -d /tmp/cistern-pg.XXXXXX)
  chmod 755 "$PG_TMP"
  local as_pg=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_TMP"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$bin/initdb" -D "$PG_TMP/data" -A trust -U postgres >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log"; return 1; }
  "${as_pg[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w start \
    -o "-k $PG_TMP -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    >/dev/null || { cat "$PG_TMP/log"; return 1; }
  PG_STOP_CMD=("${as_pg[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -m fast -w stop)
  export CISTERN_TEST_PG_URL="postgres://postgres@127.0.0.1:$port"
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

pg_stop() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ]; then
    "${PG_STOP_CMD[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
    PG_TMP=
  fi
}
