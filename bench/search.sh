#!/usr/bin/env bash
# Search benchmark:
#  1. a generator fills a fresh demo store (SQLite) with COUNT synthetic
#     published articles (default 200,000; bench/search_corpus.py);
#  2. `dateline reindex` builds the index from it: docs/s and size on disk;
#  3. the server answers 1–3-word queries (random, from the corpus's own
#     names and words; and, as the worst case, only its 300 commonest
#     words) at CONNECTIONS concurrent clients for DURATION seconds with
#     wrk: the JSON API and the HTML search page, with facets and
#     highlights, beside one saved results page served by nginx as a static
#     file (the ceiling).
#
#   ./bench/search.sh
#   COUNT=20000 DURATION=10 ./bench/search.sh
#
# Needs wrk and nginx (installed when missing and running as root), python3.
# Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-200000}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18094}
STATIC_PORT=${STATIC_PORT:-18095}

for tool in wrk nginx; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
    else
      echo "bench: $tool is missing (apt-get install wrk nginx-light)" >&2
      exit 1
    fi
  fi
done

cargo build --release --quiet -p dateline --bin dateline
bin=target/release/dateline
work=$(mktemp -d)
chmod 755 "$work"
out=bench/out
mkdir -p "$out"
cleanup() {
  local status=$?
  if [ "$status" != 0 ] && [ -f "$work/server.err" ]; then
    echo "bench: failed; the server's log ends with:" >&2
    tail -20 "$work/server.err" >&2
  fi
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

store=(--data-dir "$work/data")
DATELINE_LOG=warn "$bin" demo "${store[@]}"
python3 bench/search_corpus.py "$work/data/dateline.db" "$COUNT" "$work"

start=$(date +%s.%N)
DATELINE_LOG=warn "$bin" reindex "${store[@]}" >"$work/reindex.out"
end=$(date +%s.%N)
indexed=$(grep -o 'indexed [0-9]*' "$work/reindex.out" | grep -o '[0-9]*')
seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
rate=$(python3 -c "print(round($indexed / ($end - $start)))")
size=$(du -sm "$work/data/search" | cut -f1)
db_size=$(du -sm "$work/data/dateline.db" | cut -f1)

DATELINE_LOG=warn "$bin" serve "${store[@]}" --listen "127.0.0.1:$PORT" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 240); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$PORT"
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/search?edition=en&q=port")" = 200 ] && break
  sleep 0.5
done
rss_start=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")

# wrk picks a random query per request from the list.
lua() {
  local path=$1 list=$2
  cat <<LUA
local queries = {}
for line in io.lines("$list") do queries[#queries + 1] = line end
math.randomseed(7)
request = function()
  return wrk.format("GET", "$path" .. queries[math.random(#queries)])
end
LUA
}
lua "/api/v1/search?edition=en&q=" "$work/queries-en.txt" >"$work/api-en.lua"
lua "/api/v1/search?edition=ru&q=" "$work/queries-ru.txt" >"$work/api-ru.lua"
lua "/en/search?q=" "$work/queries-en.txt" >"$work/page-en.lua"
lua "/api/v1/search?edition=en&q=" "$work/common-en.txt" >"$work/common-en.lua"

# The ceiling: one English results page's bytes, served by nginx.
first=$(head -1 "$work/queries-en.txt")
curl -fsS "$base/en/search?q=$first" >"$work/static.html"
page_bytes=$(wc -c <"$work/static.html")
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$STATIC_PORT; root $work; }
}
NGINX
nginx -c "$work/nginx.conf"

run() {
  local name=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" >"$work/$name.wrk"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$name.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.wrk")
  errors=$(grep -c "Non-2xx" "$work/$name.wrk" || true)
  echo "| $name | $rps | $p50 | $p99 | $errors |"
}

{
  echo "# Search benchmark — $(date -u +%Y-%m-%d), $COUNT articles, $(nproc) cores"
  echo
  echo "Indexing (\`dateline reindex\`): $indexed articles in $seconds s = **$rate docs/s**; index on disk **$size MiB** (database $db_size MiB)."
  echo
  echo "| what ($CONNECTIONS connections, ${DURATION}s) | requests/s | p50 | p99 | non-2xx lines |"
  echo "|---|---|---|---|---|"
  run "static results page, nginx (ceiling)" "http://127.0.0.1:$STATIC_PORT/static.html"
  run "API, English, typical 1–3 words" -s "$work/api-en.lua" "$base"
  run "API, Russian, typical 1–3 words" -s "$work/api-ru.lua" "$base"
  run "search page, English, typical 1–3 words" -s "$work/page-en.lua" "$base"
  run "API, English, 1–3 of the 300 commonest words" -s "$work/common-en.lua" "$base"
  CONNECTIONS=1 THREADS=1 run "API, English, typical, one client at a time" -s "$work/api-en.lua" "$base"
  CONNECTIONS=1 THREADS=1 run "API, English, commonest words, one client at a time" -s "$work/common-en.lua" "$base"
  echo
  echo "Results page: $page_bytes bytes. Server RSS: ${rss_start} KiB after start, $(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status") KiB after the runs."
} | tee "$out/search-summary.md"
