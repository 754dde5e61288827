#!/usr/bin/env bash
# Chat benchmark: K WebSocket clients on loopback, spread over ROOMS chat
# rooms (or all in one: ROOMS=big), SENDERS of them sending RATE messages
# a second in all for DURATION seconds; reports the send → receive latency
# measured at every receiving socket (p50, p99, max), messages and
# deliveries per second, and the server's memory per connected socket.
#
#   bench/chat.sh                                   # 10,000 clients, 100 rooms, 1,000 msg/s
#   CLIENTS=2000 ROOMS=big RATE=20 SENDERS=20 bench/chat.sh   # one room
#   CLIENTS=1000 RATE=200 DURATION=10 bench/chat.sh
#
# The load client is crates/dateline/examples/chat_load.rs. Every sender
# writes as one reader account (rate limits raised in the server's config
# for this run); a socket may send at most 6 frames a second, so SENDERS
# must be at least RATE / 5. The server keeps its SQLite store in a
# scratch directory. Every process raises its open-file limit to the hard
# limit (`ulimit -Hn`). Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-10000}
ROOMS=${ROOMS:-100}
RATE=${RATE:-1000}
SENDERS=${SENDERS:-250}
DURATION=${DURATION:-20}
PROCESSES=${PROCESSES:-1}

cargo build --release --quiet -p dateline --bin dateline --example chat_load
bin=target/release/dateline
load=target/release/examples/chat_load
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cat >"$work/bench.toml" <<CONF
chat_messages_per_minute = 10000000
chat_messages_per_address_per_minute = 10000000
CONF
store=(--data-dir "$work/data")

# The demo content is loaded by a first start of its own.
DATELINE_LOG=warn "$bin" serve "${store[@]}" --listen 127.0.0.1:0 >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
for _ in $(seq 1 240); do grep -q "listening on" "$work/demo.out" 2>/dev/null && break; sleep 0.5; done
kill "$demo_pid"; wait "$demo_pid" 2>/dev/null || true

echo "bench passphrase" | DATELINE_LOG=warn "$bin" user add --email editor@bench.example --role editor --name Editor "${store[@]}" >/dev/null
echo "bench passphrase" | DATELINE_LOG=warn "$bin" user add --email reader@bench.example --role reader --name Reader "${store[@]}" >/dev/null

DATELINE_LOG=warn "$bin" serve "${store[@]}" --config "$work/bench.toml" --listen 127.0.0.1:0 >"$work/node.out" 2>"$work/node.err" &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 1 240); do grep -q "listening on" "$work/node.out" 2>/dev/null && break; sleep 0.5; done
url=$(sed -n 's/^listening on //p' "$work/node.out")
echo "node: $url ($(nproc) cores)"

"$load" setup --url "$url" --email editor@bench.example --password "bench passphrase" --rooms "$([ "$ROOMS" = big ] && echo 1 || echo "$ROOMS")"
cookie=$("$load" login --url "$url" --email reader@bench.example --password "bench passphrase")
curl -fsS "$url/en/chats" >/dev/null
before=$(rss_kib "$server_pid")

outs=()
for k in $(seq 1 "$PROCESSES"); do
  "$load" run --url "$url" --cookie "$cookie" --rooms "$ROOMS" --clients $(( CLIENTS / PROCESSES )) \
    --senders $(( SENDERS / PROCESSES )) --rate $(( RATE / PROCESSES )) --seconds "$DURATION" \
    --first-source "$k" --go "$work/go" --out "$work/latencies$k" >"$work/load$k.out" 2>"$work/load$k.err" &
  pids+=("$!")
  outs+=("$work/latencies$k")
done
for k in $(seq 1 "$PROCESSES"); do
  for _ in $(seq 1 1200); do grep -q "^connected" "$work/load$k.out" 2>/dev/null && break; sleep 0.5; done
  echo "load $k: $(grep '^connected' "$work/load$k.out" || echo 'did not finish connecting')"
  grep -v "open-file limit" "$work/load$k.err" | head -3 || true
done
sleep 5
after=$(rss_kib "$server_pid")
open=$(curl -fsS "$url/metrics" | awk '/^dateline_chat_connections / {print int($2)}')
echo "sockets open: $open; resident memory $before KiB before, $after KiB with them open;" \
  "per socket: $(( (after - before) * 1024 / (open > 0 ? open : 1) )) bytes"

cpu_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
touch "$work/go"
for k in $(seq 1 "$PROCESSES"); do
  for _ in $(seq 1 $(( (DURATION + 60) * 2 ))); do grep -q "^done" "$work/load$k.out" 2>/dev/null && break; sleep 0.5; done
  grep -E "^sent" "$work/load$k.out" || echo "load $k did not finish"
  grep "refused" "$work/load$k.err" | head -3 || true
done
cpu_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
echo "server CPU while sending: $(( (cpu_after - cpu_before) / $(getconf CLK_TCK) )) s over ${DURATION} s"
echo "server resident memory after the run: $(rss_kib "$server_pid") KiB"
"$load" report "${outs[@]}"
