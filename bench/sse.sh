#!/usr/bin/env bash
# Live-newsfeed benchmark: N concurrent Server-Sent Events streams on
# loopback, then EVENTS stories published one a second through the API;
# reports the publish → delivery latency measured at every stream (p50,
# p99, max) and the server's memory per idle stream.
#
#   bench/sse.sh                                   # 1 node, 2 × 9,900 streams
#   CLIENTS=5000 PROCESSES=1 EVENTS=10 bench/sse.sh
#   NODES=2 CLIENTS=12000 PROCESSES=2 bench/sse.sh # 2 nodes on PostgreSQL, 24,000 streams
#
# Each load process (crates/dateline/examples/sse_load.rs) opens CLIENTS
# streams; with NODES=2 process k connects to node k (both dateline
# processes share the PostgreSQL at $DATABASE_ADMIN_URL, default
# postgres://postgres@127.0.0.1:5432/test, in a scratch database).
# Every process raises its open-file limit to the hard limit (`ulimit -Hn`);
# a node holds at most that many streams, less a few descriptors.
# KEEP=DIR keeps the run's files (logs, per-stream latencies) in DIR.
# Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-9900}
PROCESSES=${PROCESSES:-2}
EVENTS=${EVENTS:-20}
NODES=${NODES:-1}
ADMIN_URL=${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}

cargo build --release --quiet -p dateline --bin dateline --example sse_load
bin=target/release/dateline
load=target/release/examples/sse_load
work=$(mktemp -d)
database=""
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$database" ]; then psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true; fi
  if [ -n "${KEEP:-}" ]; then rm -rf "$KEEP"; cp -r "$work" "$KEEP"; fi; rm -rf "$work"
}
trap cleanup EXIT

store=(--data-dir "$work/data")
if [ "$NODES" -gt 1 ]; then
  database="dateline_bench_$$"
  psql -q "$ADMIN_URL" -c "CREATE DATABASE $database" >/dev/null
  store+=(--database-url "${ADMIN_URL%/*}/$database")
fi

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Load the demo content once, in a process of its own: the nodes measured
# below then start over an existing store, as they would in production,
# and their memory is not the demo loader's.
DATELINE_LOG=warn "$bin" serve "${store[@]}" --listen 127.0.0.1:0 >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 1 240); do grep -q "listening on" "$work/demo.out" 2>/dev/null && break; sleep 0.5; done
kill "$demo_pid"; wait "$demo_pid" 2>/dev/null || true

servers=()
server_pids=()
for node in $(seq 1 "$NODES"); do
  DATELINE_LOG=warn "$bin" serve "${store[@]}" --listen 127.0.0.1:0 >"$work/node$node.out" 2>"$work/node$node.err" &
  pid=$!
  pids+=("$pid")
  server_pids+=("$pid")
  for _ in $(seq 1 240); do grep -q "listening on" "$work/node$node.out" 2>/dev/null && break; sleep 0.5; done
  servers+=("$(sed -n 's/^listening on //p' "$work/node$node.out")")
done
echo "nodes: ${servers[*]} ($(nproc) cores)"

echo "bench passphrase" | DATELINE_LOG=warn "$bin" user add --email bench@example.com --role editor "${store[@]}" >/dev/null
token=$(DATELINE_LOG=warn "$bin" token create --email bench@example.com "${store[@]}" 2>/dev/null | tail -1)

# Warm each node up (first requests fill caches and pools), then read its memory.
for url in "${servers[@]}"; do curl -fsS "$url/en/" >/dev/null; done
declare -A before
for pid in "${server_pids[@]}"; do before[$pid]=$(rss_kib "$pid"); done

outs=()
for k in $(seq 1 "$PROCESSES"); do
  node=$(( (k - 1) % NODES ))
  "$load" listen --url "${servers[$node]}" --clients "$CLIENTS" --events "$EVENTS" \
    --first-source "$k" --out "$work/latencies$k" >"$work/load$k.out" 2>"$work/load$k.err" &
  pids+=("$!")
  outs+=("$work/latencies$k")
done
for k in $(seq 1 "$PROCESSES"); do
  for _ in $(seq 1 600); do grep -q "^connected" "$work/load$k.out" 2>/dev/null && break; sleep 0.5; done
  echo "load $k: $(grep '^connected' "$work/load$k.out" || echo 'did not finish connecting')"
  grep -v "open-file limit" "$work/load$k.err" | head -3 || true
done
sleep 5
total=0
for pid in "${server_pids[@]}"; do
  after=$(rss_kib "$pid")
  echo "node pid $pid: resident memory ${before[$pid]} KiB before, $after KiB with its streams open"
  total=$(( total + after - before[$pid] ))
done
open=0
for url in "${servers[@]}"; do
  n=$(curl -fsS "$url/metrics" | awk '/^dateline_live_connections / {print int($2)}')
  open=$(( open + n ))
done
echo "streams open: $open; server memory per idle stream: $(( total * 1024 / (open > 0 ? open : 1) )) bytes"

"$load" publish --url "${servers[0]}" --token "$token" --events "$EVENTS" --interval-ms 1000 2>"$work/publish.err"
tail -3 "$work/publish.err"
for k in $(seq 1 "$PROCESSES"); do
  for _ in $(seq 1 240); do grep -q "^done" "$work/load$k.out" 2>/dev/null && break; sleep 0.5; done
done
echo "expected deliveries: $(( open * EVENTS ))"
"$load" report "${outs[@]}"
