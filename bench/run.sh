#!/usr/bin/env bash
# The benchmark suite: a throwaway PostgreSQL 15 cluster (port 55433, its own temp dir), then for
# each size a fresh database filled by generate_synthetic and measured by bench/measure.py;
# bench/report.py writes bench/results.md. Not part of `make test` or CI: at 10^6 it takes a while.
#   make bench                          # 10^4, 10^5 and 10^6 trajectories
#   BENCH_SIZES="10000" make bench      # a quick pass
#   BENCH_ISSUING_ONLY=1 make bench     # issuing against one renderer, without the pages
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${BENCH_PG_PORT:-55433}
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
YEARS=${BENCH_YEARS:-10}
MUNICIPALITIES=${BENCH_MUNICIPALITIES:-342}
OUT=bench/out
PYTHON=.venv/bin/python

bash .ci/system-packages.sh postgresql-15

PG_ROOT=$(mktemp -d /tmp/waw-bench-pg.XXXXXX)
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_ROOT"; chmod 755 "$PG_ROOT"; fi
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_postgres() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_ROOT"
}
trap stop_postgres EXIT
as_postgres "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# A modest server configuration for a 2-core machine; fsync off because the data is throwaway
# (it speeds up loading, not the reads that are measured).
as_postgres "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/server.log" -w \
  -o "-p $PG_PORT -k $PG_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c shared_buffers=512MB -c work_mem=32MB -c maintenance_work_mem=256MB \
      -c effective_cache_size=4GB -c random_page_cost=1.1 -c max_wal_size=4GB" start
psql() { as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql -Atc "select version()"

mkdir -p "$OUT"
rm -f "$OUT"/*.json
# The invented demo sender (waw/env.py): issuing is refused without a complete sender.
export DEBUG=false LOG_LEVEL=WARNING REGIO_DEMO=true
export MEDIA_ROOT="$PG_ROOT/media"
for size in $SIZES; do
  echo "=== $size trajectories ==="
  psql -qc "drop database if exists waw_bench" -qc "create database waw_bench"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/waw_bench"
  $PYTHON manage.py migrate --noinput -v0
  # About 1.14 trajectories per participant (some take a second project).
  participants=$(( size * 100 / 114 ))
  start=$(date +%s%N)
  $PYTHON manage.py generate_synthetic --participants "$participants" --years "$YEARS" \
    --municipalities "$MUNICIPALITIES" --seed 1
  generated_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  # As a production database would be after autovacuum: statistics and visibility map current.
  psql -d waw_bench -qc "vacuum analyze"
  # Flush the load's dirty pages now: a checkpoint running during the measurements took CPU
  # from the pages measured (at 10^6 the list pages read ~40 % slower in such a run).
  psql -d waw_bench -qc "checkpoint"
  $PYTHON bench/measure.py --size "$size" --years "$YEARS" --generate-ms "$generated_ms" \
    --output "$OUT/$size.json" ${BENCH_ISSUING_ONLY:+--issuing-only}
done
RESULTS=${BENCH_RESULTS:-bench/results.md}
$PYTHON bench/report.py --input "$OUT" --output "$RESULTS"
echo "=== $RESULTS written ==="
