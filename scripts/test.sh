#!/usr/bin/env bash
# Quick start 2: set up, start a throw-away PostgreSQL, run the whole suite on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate

# Debian packages the tests need, installed if missing (needs root, as on CI): PostgreSQL for the
# database tests and Chromium for the browser tests (Playwright drives Debian's build).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
MISSING=()
[[ -z "$PG_BIN" ]] && MISSING+=(postgresql)
[[ -x /usr/bin/chromium ]] || MISSING+=(chromium)
if [[ ${#MISSING[@]} -gt 0 && $(id -u) == 0 ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${MISSING[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
fi
[[ -x /usr/bin/chromium ]] || echo "warning: no /usr/bin/chromium; browser tests will be skipped" >&2
if [[ -n "$PG_BIN" ]]; then
  PGDATA=$(mktemp -d /tmp/innomatch-pg.XXXXXX)
  PGPORT=${INNOMATCH_TEST_PG_PORT:-55432}
  RUN_AS=()
  if [[ $(id -u) == 0 ]]; then chown postgres "$PGDATA"; RUN_AS=(runuser -u postgres --); fi
  "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U innomatch --auth=trust -E UTF8 >/dev/null
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1" -w -l "$PGDATA/log" start >/dev/null
  trap '"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"' EXIT
  "${RUN_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U innomatch innomatch_test
  export INNOMATCH_TEST_PG_URL="postgresql+psycopg://innomatch@127.0.0.1:$PGPORT/innomatch_test"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PGPORT for the tests"
else
  echo "warning: no PostgreSQL server found; PostgreSQL tests will be skipped" >&2
fi

# The tests have no __init__.py, so pytest imports each by its basename: two alike break collection.
DUPLICATE_TESTS=$(find tests -name 'test_*.py' -printf '%f\n' | sort | uniq -d)
if [[ -n "$DUPLICATE_TESTS" ]]; then echo "test file names used twice: $DUPLICATE_TESTS" >&2; exit 2; fi
ruff check matcher api tests bench
mypy
python -m pytest -q "$@"
