#!/usr/bin/env bash
# Page misses against the archive's size (issue 21): the demo outlet grows
# by stories published through the API (bench/archive.py, spread over five
# years, three tags each from a pool of 300), and at each size wrk asks
# for random stories of the whole archive, the front page and a section
# page with the page cache off, so every request renders. Reported per
# size: requests/s, p99, and the server's CPU per request (from
# /proc/PID/stat over the run), which is what a flat miss path keeps
# constant. Results go to bench/out/archive.md and stdout.
#
#   ./bench/archive.sh                         # builds the release binary first
#   SIZES="0 3000 6000" DURATION=10 ./bench/archive.sh
#   BINARY=/path/to/dateline ./bench/archive.sh
#
# Needs wrk (apt-get install wrk; installed when missing and running as
# root) and python3. Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-0 3000 6000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18090}

. bench/lib.sh
need_tools wrk
if [ -z "${BINARY:-}" ]; then
  cargo build --release --quiet -p dateline --bin dateline
  BINARY=./target/release/dateline
fi
work=$(mktemp -d)
out=bench/out
mkdir -p "$out"
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "page_cache_ttl_secs = 0" >"$work/dateline.toml"
"$BINARY" --config "$work/dateline.toml" serve --data-dir "$work/data" --listen "127.0.0.1:$PORT" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 120); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$PORT"

echo "bench-archive-password" | "$BINARY" --config "$work/dateline.toml" --data-dir "$work/data" \
  user add --email bench@example.com --role admin --name Bench >/dev/null
token=$("$BINARY" --config "$work/dateline.toml" --data-dir "$work/data" token create \
  --email bench@example.com --name bench 2>/dev/null | tail -1)
[ -n "$token" ] || { echo "bench: no API token" >&2; exit 1; }

# The demo's own stories, then each size's.
curl -fsS "$base/en/sitemap.xml" >/dev/null 2>&1 || true
curl -fsS "$base/en/" | grep -o 'href="/en/20[0-9][0-9]/[0-9][0-9]/[0-9][0-9]/[a-z0-9-]*"' \
  | cut -d'"' -f2 | sort -u >"$work/paths"

cat >"$work/random.lua" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)

measure() { # name url [lua]
  local name=$1 url=$2 lua=${3:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [ -n "$lua" ] && args+=(-s "$lua")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s ${lua:+-s "$lua"} "$url" >/dev/null
  local before after
  before=$(cpu_ticks)
  PATHS_FILE="$work/paths" wrk "${args[@]}" "$url" >"$work/$name.txt"
  after=$(cpu_ticks)
  local rps p99 requests
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.txt")
  requests=$(awk '/requests in/ {print $1}' "$work/$name.txt")
  awk -v n="$name" -v s="$size" -v r="$rps" -v p="$p99" -v t=$((after - before)) -v hz="$hz" -v q="$requests" \
    'BEGIN {printf "| %s | %s | %.0f | %s | %.2f ms |\n", s, n, r, p, 1000 * t / hz / q}'
}

have=0
{
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, page cache off, SQLite, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| stories added | page | requests/s | p99 | server CPU per request |"
  echo "|---|---|---|---|---|"
} | tee "$out/archive.md"
for size in $SIZES; do
  if [ "$size" -gt "$have" ]; then
    python3 bench/archive.py --url "$base" --token "$token" --count $((size - have)) --seed "$size" \
      --paths "$work/added" >&2
    cat "$work/added" >>"$work/paths"
    have=$size
  fi
  {
    measure "random story" "$base/" "$work/random.lua"
    measure "front page" "$base/en/"
    measure "section" "$base/en/world"
  } | tee -a "$out/archive.md"
done
