#!/usr/bin/env bash
# Discussion benchmark:
#  1. comment-post throughput: wrk POSTs comments through the JSON API
#     (one reader's bearer token; rate limits raised for the run) at
#     CONNECTIONS connections for DURATION seconds;
#  2. an article with 1,000 comments (700 threads, 300 replies; paged 20
#     threads at a time): its size, and requests/s and latency of
#       - the guest page (shared, from the page cache),
#       - a logged-in reader's page (the same cached copy since 2026-12-08),
#       - that reader's own discussion section (`/en/comments/{id}/me`, which
#         the page's script lays over the shared one; rendered every time),
#       - the discussion's last page (reached by its "More comments" links:
#         `/en/comments/{id}?sort=newest&after=<cursor>`, rendered),
#       - the discussion's first page for a guest (rendered: never cached);
#     beside the same article bytes served as a static file by nginx.
#
#   ./bench/comments.sh
#   DURATION=20 CONNECTIONS=32 ./bench/comments.sh
#
# Needs wrk and nginx (installed when missing and running as root), python3.
# Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18090}
STATIC_PORT=${STATIC_PORT:-18091}

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
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/dateline.toml" <<TOML
comments_hold_first = 0
comments_links_after = 0
comments_per_minute = 1000000
comments_per_hour = 1000000
comments_per_address_per_minute = 1000000
TOML
store=(--data-dir "$work/data" --config "$work/dateline.toml")
DATELINE_LOG=warn "$bin" serve "${store[@]}" --listen "127.0.0.1:$PORT" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 240); do grep -q "listening on" "$work/server.out" 2>/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$PORT"

echo "reader passphrase" | DATELINE_LOG=warn "$bin" user add "${store[@]}" --email bench@example.com --role reader --name "Bench Reader" >/dev/null
# The reader whose pages are measured: another account, like most readers
# of a discussion (the author of every comment would get an edit form on each).
echo "viewer passphrase" | DATELINE_LOG=warn "$bin" user add "${store[@]}" --email viewer@example.com --role reader --name "Viewer" >/dev/null
token=$(DATELINE_LOG=warn "$bin" token create "${store[@]}" --email bench@example.com | tail -1)
articles=$(curl -fsS "$base/api/v1/articles?edition=en&limit=2")
first=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])' <<<"$articles")
second=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][1]["id"])' <<<"$articles")

# 1. Posting throughput, on the first article.
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"text":"Benchmark comment ' .. n .. ' with *some* words, a [link](https://example.com/' .. n .. ') and a second sentence."}')
end
LUA
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/post.lua" "$base/api/v1/articles/$first/comments" >"$out/comment-post.txt"
post_rps=$(awk '/^Requests\/sec/ {print $2}' "$out/comment-post.txt")
post_p50=$(awk '$1 == "50%" {print $2}' "$out/comment-post.txt")
post_p99=$(awk '$1 == "99%" {print $2}' "$out/comment-post.txt")
post_errors=$(awk '/Non-2xx/ {print $5}' "$out/comment-post.txt")

# 2. 1,000 comments on the second article: 700 threads, 300 replies.
python3 - "$base" "$second" "$token" <<'PY'
import json, random, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, article, token = sys.argv[1], sys.argv[2], sys.argv[3]
random.seed(7)
words = "the port strike talks union minister said on friday that ships would wait another week while".split()
def post(text, parent=None):
    body = {"text": text}
    if parent: body["parent_id"] = parent
    req = urllib.request.Request(f"{base}/api/v1/articles/{article}/comments", json.dumps(body).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)["id"]
def text(n):
    return " ".join(random.choice(words) for _ in range(random.randint(8, 80))) + f" (#{n})"
with ThreadPoolExecutor(8) as pool:
    roots = list(pool.map(lambda n: post(text(n)), range(700)))
    list(pool.map(lambda n: post(text(700 + n), random.choice(roots)), range(300)))
PY
article=$(curl -fsS "$base/api/v1/articles/$second" | python3 -c 'import json,sys,urllib.parse; print(urllib.parse.urlparse(json.load(sys.stdin)["url"]).path)')
count=$(curl -fsS "$base/api/v1/articles/$second/comments" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')

# A logged-in reader's session cookie (the viewer's).
jar="$work/cookies"
csrf=$(curl -fsS -c "$jar" -b "$jar" "$base/en/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | cut -d'"' -f4)
curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=viewer@example.com" \
  --data-urlencode "password=viewer passphrase" "$base/en/login"
cookie=$(awk '$6 == "dateline_session" || $6 == "dateline_csrf" {printf "%s=%s; ", $6, $7}' "$jar")

# The ceiling: the guest article bytes from nginx.
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
  keepalive_requests 100000;
  types { text/html html; }
  server { listen 127.0.0.1:$STATIC_PORT; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$STATIC_PORT/article.html" && break; sleep 0.2; done

run() { # name url [cookie]
  local name=$1 url=$2 header=()
  [ -n "${3:-}" ] && header=(-H "Cookie: $3")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "${header[@]}" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${header[@]}" "$url" >"$out/comments-$name.txt"
  local rps p50 p99 bytes gz
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out/comments-$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$out/comments-$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/comments-$name.txt")
  bytes=$(curl -fsS ${3:+-H "Cookie: $3"} "$url" | wc -c)
  gz=$(curl -fsS --compressed -H 'Accept-Encoding: gzip' ${3:+-H "Cookie: $3"} -o /dev/null -w '%{size_download}' "$url")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$bytes" "$gz"
  echo "$name $rps" >>"$work/rps"
}

# Single-request time of the reader's own section, from 20 sequential fetches.
render_ms() { # url cookie
  python3 - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, cookie = sys.argv[1], sys.argv[2]
times = []
for _ in range(20):
    req = urllib.request.Request(url, headers={"Cookie": cookie})
    t = time.perf_counter(); urllib.request.urlopen(req).read(); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{times[len(times)//2]:.1f} ms median, {times[-1]:.1f} ms max")
PY
}

id=$second
# The discussion's last page: follow "More comments" (rel="next") to the end.
last="/en/comments/$id"
for _ in $(seq 1 100); do
  more=$(curl -fsS "$base$last" | { grep -o 'href="[^"]*" rel="next"' || true; } | head -1 | cut -d'"' -f2 | sed 's/&#38;/\&/g; s/&amp;/\&/g; s/#.*//')
  [ -n "$more" ] || break
  last=$more
done
{
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Comment posting (JSON API, one account, rate limits raised): $post_rps comments/s, p50 $post_p50, p99 $post_p99, non-2xx: ${post_errors:-0}"
  echo
  echo "Article with $count approved comments (20 threads per page):"
  echo
  echo "| page | requests/s | p50 | p99 | bytes | gzip bytes |"
  echo "|---|---|---|---|---|---|"
  run static-nginx "http://127.0.0.1:$STATIC_PORT/article.html"
  run guest-article "$base$article"
  run reader-article "$base$article" "$cookie"
  run reader-own-section "$base/en/comments/$id/me" "$cookie"
  run discussion-last-page "$base$last" "$cookie"
  run discussion-guest "$base/en/comments/$id"
  ceiling=$(awk '$1 == "static-nginx" {print $2}' "$work/rps")
  echo
  for page in guest-article reader-article reader-own-section discussion-last-page discussion-guest; do
    awk -v p="$page" -v c="$ceiling" '$1 == p {printf "%s / static: %.1f%%\n", p, 100 * $2 / c}' "$work/rps"
  done
  echo
  echo "reader-own-section, one request at a time: $(render_ms "$base/en/comments/$id/me" "$cookie")"
} | tee "$out/comments-summary.md"
