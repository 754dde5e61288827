#!/usr/bin/env bash
# Page-serving benchmark: requests/s and latency of the front page, a
# section page and an article page under wrk at 64 connections over
# loopback, beside the same article HTML served as a static file by nginx
# (the ceiling). Results go to bench/out/ and stdout.
#
#   ./bench/run.sh            # builds the release binary first
#   DURATION=20 ./bench/run.sh
#   CACHE=off ./bench/run.sh  # every request a miss (page cache TTL 0):
#                             # what the store and the templates cost
#   BINARY=/path/to/dateline ./bench/run.sh   # another build, not rebuilt
#
# Needs wrk and nginx (apt-get install wrk nginx-light; installed when
# missing and running as root). Everything runs on 127.0.0.1 and stops by
# itself.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DYN_PORT=${DYN_PORT:-18080}
STATIC_PORT=${STATIC_PORT:-18081}

. bench/lib.sh
need_tools wrk nginx

if [ -z "${BINARY:-}" ]; then
  cargo build --release --quiet
  BINARY=./target/release/dateline
fi
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as another user
out=bench/out
mkdir -p "$out"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The dynamic server, over a fresh demo store.
config=()
if [ "${CACHE:-on}" = off ]; then
  echo "page_cache_ttl_secs = 0" >"$work/dateline.toml"
  config=(--config "$work/dateline.toml")
fi
"$BINARY" "${config[@]}" serve --data-dir "$work/data" --listen "127.0.0.1:$DYN_PORT" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 120); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$DYN_PORT"
article=$(curl -fsS "$base/en/" | grep -o 'href="/en/20[0-9][0-9]/[0-9][0-9]/[0-9][0-9]/[a-z0-9-]*"' | head -1 | cut -d'"' -f2)
[ -n "$article" ] || { echo "bench: no article found on the front page" >&2; exit 1; }

# The ceiling: the same article bytes as a static file from nginx.
mkdir -p "$work/www"
curl -fsS "$base$article" -o "$work/www/article.html"
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { text/html html; }
  server {
    listen 127.0.0.1:$STATIC_PORT;
    root $work/www;
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$STATIC_PORT/article.html" && break; sleep 0.2; done

run() { # name url
  local name=$1 url=$2
  # Warm up (fills the page cache), then measure.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" >"$out/$name.txt"
  local rps p50 p99 bytes
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$out/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/$name.txt")
  bytes=$(curl -fsS "$url" | wc -c)
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$name" "${url#http://127.0.0.1:*/}" "$rps" "$p50" "$p99" "$bytes"
  echo "$name $rps" >>"$work/rps"
}

{
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, page cache ${CACHE:-on}, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| page | path | requests/s | p50 | p99 | bytes |"
  echo "|---|---|---|---|---|---|"
  run static-nginx "http://127.0.0.1:$STATIC_PORT/article.html"
  run article "$base$article"
  run section "$base/en/world"
  run home "$base/en/"
  ceiling=$(awk '$1 == "static-nginx" {print $2}' "$work/rps")
  echo
  for page in article section home; do
    awk -v p="$page" -v c="$ceiling" '$1 == p {printf "%s / static: %.0f%%\n", p, 100 * $2 / c}' "$work/rps"
  done
} | tee "$out/summary.md"
