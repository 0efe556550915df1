#!/usr/bin/env bash
# wrk req/s under gunicorn (2 workers) for the main routes, the bare view in the same run, and each
# route's req/s as a share of the bare view's (issue 9: the anonymous API list ≥ 60%).
# Run:  DATABASE_URL=postgres://…/bench_perf_20k bench/wrk.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-5}"
PORT="${BENCH_PORT:-8917}"
export DJANGO_SETTINGS_MODULE=bench.settings_bench PYTHONPATH=. DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export TWINWATCH_THROTTLE_ANON="${TWINWATCH_THROTTLE_ANON:-100000000/minute}"  # one client, for the bench only
.venv/bin/gunicorn config.wsgi -w 2 -b "127.0.0.1:$PORT" --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN' EXIT
sleep 3
BARE=""
for route in /bench/bare/ /api/v1/pairings/ "/api/v1/pairings/?as_of=2010-01-01&status=severed" /pairings/ /; do
  out=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" "http://127.0.0.1:$PORT$route")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
  BARE="${BARE:-$rps}"
  share=$(awk -v r="$rps" -v b="$BARE" 'BEGIN { printf "%.0f%%", 100 * r / b }')
  printf '%-55s %10s req/s  %5s of bare  non-2xx: %s\n' "$route" "$rps" "$share" "${bad:-0}"
done
