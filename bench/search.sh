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
#     file (the ceiling). First with every answer computed (the answer
#     cache off), then as configured by default (answers remembered until
#     the index changes) for a stream of 100,000 generated searches, with
#     the share of answers the cache gave.
#
#   ./bench/search.sh
#   COUNT=20000 DURATION=10 ./bench/search.sh
#   CORPUS=/tmp/corpus ./bench/search.sh   # keeps the corpus in /tmp/corpus, or reuses it
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

. bench/lib.sh
need_tools wrk nginx

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
  [ -f "$work/server.pid" ] && kill "$(cat "$work/server.pid")" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

store=(--data-dir "$work/data")
if [ -n "${CORPUS:-}" ] && [ -f "$CORPUS/data/dateline.db" ]; then
  # A corpus kept by an earlier run (CORPUS=DIR): measure again without
  # generating and indexing it anew.
  cp -r "$CORPUS/." "$work/"
  rm -rf "$work/data/search"
else
  DATELINE_LOG=warn "$bin" demo "${store[@]}"
  python3 bench/search_corpus.py "$work/data/dateline.db" "$COUNT" "$work"
fi

start=$(date +%s.%N)
DATELINE_LOG=warn "$bin" reindex "${store[@]}" >"$work/reindex.out"
end=$(date +%s.%N)
if [ -n "${CORPUS:-}" ] && [ ! -f "$CORPUS/data/dateline.db" ]; then
  mkdir -p "$CORPUS" && cp -r "$work/." "$CORPUS/"
fi
indexed=$(grep -o 'indexed [0-9]*' "$work/reindex.out" | grep -o '[0-9]*')
seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
rate=$(python3 -c "print(round($indexed / ($end - $start)))")
size=$(du -sm "$work/data/search" | cut -f1)
db_size=$(du -sm "$work/data/dateline.db" | cut -f1)

base="http://127.0.0.1:$PORT"
# Starts the server with CONFIG's settings (a dateline.toml) and waits
# until it answers searches.
start_server() {
  DATELINE_LOG=warn "$bin" serve "${store[@]}" --config "$1" --listen "127.0.0.1:$PORT" \
    >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  echo "$server_pid" >"$work/server.pid"
  for _ in $(seq 1 240); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.5; done
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/search?edition=en&q=port")" = 200 ] && break
    sleep 0.5
  done
}
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  # (Started by another shell, it cannot be waited for: watch it go.)
  for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$work/server.pid"
}
counter() { curl -fsS "$base/metrics" | awk -v name="$1" '$1 == name {print int($2)}'; }
# Every answer computed: the answer cache off.
echo 'search_cache_entries = 0' >"$work/uncached.toml"
# The default: answers remembered until the index changes.
: >"$work/default.toml"

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
lua "/api/v1/search?edition=en&q=" "$work/stream-en.txt" >"$work/stream-en.lua"
lua "/api/v1/search?edition=ru&q=" "$work/stream-ru.txt" >"$work/stream-ru.lua"

start_server "$work/uncached.toml"
rss_start=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
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
# A cached run, with the share of answers the cache gave.
run_cached() {
  local hits misses
  hits=$(counter dateline_search_cache_hits_total); misses=$(counter dateline_search_cache_misses_total)
  local row
  row=$(run "$@")
  hits=$(( $(counter dateline_search_cache_hits_total) - ${hits:-0} ))
  misses=$(( $(counter dateline_search_cache_misses_total) - ${misses:-0} ))
  echo "$row $(( 100 * hits / (hits + misses > 0 ? hits + misses : 1) )) % |"
}

{
  echo "# Search benchmark — $(date -u +%Y-%m-%d), $COUNT articles, $(nproc) cores"
  echo
  echo "Indexing (\`dateline reindex\`): $indexed articles in $seconds s = **$rate docs/s**; index on disk **$size MiB** (database $db_size MiB)."
  echo
  echo "Every answer computed (\`search_cache_entries = 0\`):"
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
  rss_end=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
  stop_server
  start_server "$work/default.toml"
  echo
  echo "The default (answers remembered until the index changes), a fresh server, readers' searches drawn"
  echo "from 100,000 generated the same way (about 74 % of them distinct):"
  echo
  echo "| what ($CONNECTIONS connections, ${DURATION}s) | requests/s | p50 | p99 | non-2xx lines | answers from the cache |"
  echo "|---|---|---|---|---|---|"
  run_cached "API, English, a stream of readers' searches" -s "$work/stream-en.lua" "$base"
  run_cached "API, Russian, a stream of readers' searches" -s "$work/stream-ru.lua" "$base"
  echo
  echo "Results page: $page_bytes bytes. Server RSS (uncached server): ${rss_start} KiB after start, $rss_end KiB after its runs; cached server: $(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status") KiB after its runs."
  stop_server
} | tee "$out/search-summary.md"
