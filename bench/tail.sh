#!/usr/bin/env bash
# The long tail while the newsroom works (issue 21): an archive of SIZE
# stories published through the API (bench/archive.py), the page cache on
# with its defaults, and wrk asking at 64 connections for random stories of
# the whole archive (what crawlers, search engines and social links ask
# for) and for the front page, first with nobody writing, then while an
# editor saves a published story every second (archive.py --edit-every),
# then while one publishes a new story every second (--publish).
# Reported per run: requests/s, p99, the server's CPU per request (from
# /proc/PID/stat) and the share of requests answered from the cache (from
# /metrics). Then nginx serves the same bytes as static files (every story
# fetched once into a directory) and is asked the same way: the ceiling, and
# each figure's share of it. Results go to bench/out/tail.md and stdout.
#
#   ./bench/tail.sh                            # builds the release binary first
#   SIZE=3000 DURATION=20 BINARY=/tmp/dateline-before ./bench/tail.sh
#   CONFIG='page_cache_mib = 32' ./bench/tail.sh   # a setting for the run
#   POSTGRES=1 ./bench/tail.sh                 # on a fresh PostgreSQL database
#                                              # (127.0.0.1:5432, user postgres), dropped after
#
# Needs wrk and python3. Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-3000}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18091}

STATIC_PORT=${STATIC_PORT:-18092}
. bench/lib.sh
need_tools wrk nginx
if [ -z "${BINARY:-}" ]; then
  cargo build --release --quiet -p dateline --bin dateline
  BINARY=./target/release/dateline
fi
work=$(mktemp -d)
out=bench/out
mkdir -p "$out"
db=()
pg_admin=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
if [ "${POSTGRES:-}" = 1 ]; then
  pg_name="dateline_bench_tail_$$"
  psql -q "$pg_admin" -c "CREATE DATABASE $pg_name" >/dev/null
  db=(--database-url "${pg_admin%/*}/$pg_name")
fi
cleanup() {
  [ -n "${editor_pid:-}" ] && kill "$editor_pid" 2>/dev/null || true
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  [ -n "${pg_name:-}" ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Settings for the run (e.g. CONFIG='page_cache_mib = 32'); the defaults otherwise.
printf '%s\n' "${CONFIG:-}" >"$work/dateline.toml"
"$BINARY" --config "$work/dateline.toml" serve --data-dir "$work/data" "${db[@]}" --listen "127.0.0.1:$PORT" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 120); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$PORT"

echo "bench-tail-password" | "$BINARY" --config "$work/dateline.toml" --data-dir "$work/data" "${db[@]}" \
  user add --email bench@example.com --role admin --name Bench >/dev/null
token=$("$BINARY" --config "$work/dateline.toml" --data-dir "$work/data" "${db[@]}" token create \
  --email bench@example.com --name bench 2>/dev/null | tail -1)
[ -n "$token" ] || { echo "bench: no API token" >&2; exit 1; }

python3 bench/archive.py --url "$base" --token "$token" --count "$SIZE" --seed 7 \
  --paths "$work/paths" --ids "$work/ids" >&2

cat >"$work/random.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
counter() { # a counter's value, 0 before it first counts
  curl -fsS "$base/metrics" | awk -v n="$1" '$1 == n {v = $2} END {print (v == "" ? 0 : v)}'
}
hz=$(getconf CLK_TCK)

measure() { # name url editing(no|yes|publishing) [lua]
  local name=$1 url=$2 editing=$3 lua=${4:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [ -n "$lua" ] && args+=(-s "$lua")
  if [ "$editing" != no ]; then
    local publish=()
    [ "$editing" = publishing ] && publish=(--publish)
    python3 bench/archive.py --url "$base" --token "$token" --ids "$work/ids" --edit-every 1 \
      --for "$((DURATION + 1))" "${publish[@]}" >"$work/editor.out" &
    editor_pid=$!
  fi
  local before after hits0 misses0 hits1 misses1
  before=$(cpu_ticks)
  hits0=$(counter dateline_page_cache_hits_total); misses0=$(counter dateline_page_cache_misses_total)
  PATHS_FILE="$work/paths" wrk "${args[@]}" "$url" >"$work/run.txt"
  after=$(cpu_ticks)
  hits1=$(counter dateline_page_cache_hits_total); misses1=$(counter dateline_page_cache_misses_total)
  if [ "$editing" != no ]; then wait "$editor_pid"; editor_pid=; fi
  local rps p99 requests
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/run.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/run.txt")
  requests=$(awk '/requests in/ {print $1}' "$work/run.txt")
  awk -v n="$name" -v e="$editing" -v r="$rps" -v p="$p99" -v t=$((after - before)) -v hz="$hz" -v q="$requests" \
    -v h="$((${hits1%.*} - ${hits0%.*}))" -v m="$((${misses1%.*} - ${misses0%.*}))" \
    'BEGIN {printf "| %s | %s | %.0f | %s | %.3f ms | %.1f %% |\n", n, e, r, p, 1000 * t / hz / q, 100 * h / (h + m)}' |
    tee -a "$work/rows"
}

static() { # name url [lua]: the same request against nginx
  local name=$1 url=$2 lua=${3:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [ -n "$lua" ] && args+=(-s "$lua")
  if [ ! -f "$work/nginx.pid" ]; then
    cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  default_type text/html;
  server { listen 127.0.0.1:$STATIC_PORT; root $work/www; index index.html; }
}
NGINX
    chmod -R a+rX "$work"
    nginx -c "$work/nginx.conf" -p "$work"
    for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$STATIC_PORT/en/" && break; sleep 0.2; done
  fi
  PATHS_FILE="$work/paths" wrk "${args[@]}" "$url" >"$work/run.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/run.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/run.txt")
  printf '| %s | nginx, static files | %.0f | %s | — | — |\n' "$name" "$rps" "$p99" | tee -a "$work/rows"
}

{
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, $([ ${#db[@]} -gt 0 ] && echo PostgreSQL || echo SQLite), $((SIZE + 49)) stories, page cache defaults, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| page | an editor, every second | requests/s | p99 | server CPU per request | from the cache |"
  echo "|---|---|---|---|---|---|"
  measure "random story" "$base/" no "$work/random.lua"
  measure "random story" "$base/" yes "$work/random.lua"
  measure "random story" "$base/" publishing "$work/random.lua"
  measure "front page" "$base/en/" no
  measure "front page" "$base/en/" yes
  measure "front page" "$base/en/" publishing
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
  # The ceiling: the same bytes as static files from nginx, asked the same way.
  while read -r path; do
    mkdir -p "$work/www$(dirname "$path")"
    curl -fsS "$base$path" -o "$work/www$path"
  done <"$work/paths"
  curl -fsS "$base/en/" -o "$work/www/en/index.html"
  static "random story" "http://127.0.0.1:$STATIC_PORT/" "$work/random.lua"
  static "front page" "http://127.0.0.1:$STATIC_PORT/en/"
  echo
  # Each page's rate as a share of nginx's for the same bytes.
  awk -F' [|] ' '{sub(/^[|] /, "", $1); rate[$1 "/" $2] = $3}
    END {
      split("random story,front page", names, ",")
      for (i = 1; i <= 2; i++) {
        n = names[i]; c = rate[n "/nginx, static files"]
        if (c > 0) printf "%s against nginx: nobody writing %.2fx, an editor saving %.2fx, publishing %.2fx\n",
          n, rate[n "/no"] / c, rate[n "/yes"] / c, rate[n "/publishing"] / c
      }
    }' "$work/rows"
  echo
  echo "Server resident memory after the runs: $((rss / 1024)) MiB (settings: ${CONFIG:-the defaults})."
} | tee "$out/tail.md"
