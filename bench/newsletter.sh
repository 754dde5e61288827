#!/usr/bin/env bash
# Newsletter benchmark: a daily digest to SUBSCRIBERS (default 100,000)
# readers of the English edition, sent through a real SMTP server on
# loopback (aiosmtpd, discarding what it receives).
#
#  1. `dateline demo` fills a fresh SQLite store; SUBSCRIBERS confirmed
#     subscribers are written straight into it (a third of them with a
#     section choice, so the digest is rendered in several variants);
#  2. `dateline serve` starts with `newsletter_digest_hour = 0`, so its
#     first plan starts today's digest: one transaction writes the send and
#     a delivery row per subscriber;
#  3. the sender claims, builds and sends; the script polls the ledger
#     until nothing waits, and reports the time to start the send, the time
#     to deliver everything, mails per second, and the server's peak
#     memory (VmHWM) and CPU time.
#
#   ./bench/newsletter.sh
#   SUBSCRIBERS=20000 ./bench/newsletter.sh
#
# Needs python3 with aiosmtpd (./scripts/test installs it in
# target/test-venv). Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

SUBSCRIBERS=${SUBSCRIBERS:-100000}
PORT=${PORT:-18095}
SMTP_PORT=${SMTP_PORT:-18096}
PYTHON=${PYTHON:-target/test-venv/bin/python}
if ! "$PYTHON" -c "import aiosmtpd" 2>/dev/null; then
  python3 -m venv target/test-venv && target/test-venv/bin/pip install -q -r tests/python/requirements.txt
  PYTHON=target/test-venv/bin/python
fi

cargo build --release --quiet -p dateline --bin dateline
bin=target/release/dateline
work=$(mktemp -d)
out=bench/out
mkdir -p "$out"
cleanup() {
  local status=$?
  if [ "$status" != 0 ] && [ -f "$work/server.err" ]; then
    echo "bench: failed; the server's log ends with:" >&2
    tail -20 "$work/server.err" >&2
  fi
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "${smtp_pid:-}" ] && kill "$smtp_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" --data-dir "$work/data" --log warn demo >/dev/null
"$PYTHON" - "$work/data/dateline.db" "$SUBSCRIBERS" <<'PY'
import sqlite3, sys, secrets
db, count = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
edition = con.execute("SELECT id FROM editions WHERE code = 'en'").fetchone()[0]
sections = [r[0] for r in con.execute("SELECT id FROM sections WHERE edition_id = ?", (edition,))]
now = "2026-01-01T00:00:00Z"
rows = []
for i in range(count):
    choice = str(sections[i % len(sections)]) if i % 3 == 0 else ""
    rows.append((edition, f"reader{i}@example.com", choice, "dlm_" + secrets.token_hex(32), now, now))
con.executemany(
    "INSERT INTO subscribers (edition_id, email, status, daily, breaking, section_ids, tags, token, created_at, confirmed_at) "
    "VALUES (?, ?, 'active', 1, 0, ?, '', ?, ?, ?)", rows)
con.commit()
print(f"bench: {count} subscribers written", file=sys.stderr)
PY

"$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Sink >/dev/null 2>&1 &
smtp_pid=$!
for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null && break; sleep 0.1; done

cat >"$work/dateline.toml" <<TOML
newsletter_digest_hour = 0
TOML
start=$(date +%s.%N)
"$bin" --data-dir "$work/data" --config "$work/dateline.toml" --log info,dateline_web::newsletters=info serve \
  --no-demo --listen "127.0.0.1:$PORT" --smtp-url "smtp://127.0.0.1:$SMTP_PORT" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!

"$PYTHON" - "$work/data/dateline.db" "$SUBSCRIBERS" "$server_pid" "$start" "$out/newsletter.txt" <<'PY'
import sqlite3, sys, time
db, count, pid, start, report = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
def status():
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read().rsplit(")", 1)[1].split()
    ticks = 100
    return int(fields["VmHWM"].split()[0]), (int(stat[11]) + int(stat[12])) / ticks
con = sqlite3.connect(db, timeout=30)
started = None
deadline = time.time() + 3600
while time.time() < deadline:
    try:
        row = con.execute(
            "SELECT s.id FROM newsletter_sends s JOIN editions e ON e.id = s.edition_id "
            "WHERE s.kind = 'digest' AND e.code = 'en' ORDER BY s.id DESC LIMIT 1").fetchone()
        if row:
            counts = dict(con.execute("SELECT status, COUNT(*) FROM newsletter_deliveries WHERE send_id = ? GROUP BY status", (row[0],)).fetchall())
            if started is None and sum(counts.values()) >= count:
                started = time.time()
            if started and counts.get("pending", 0) + counts.get("sending", 0) == 0:
                break
    except sqlite3.OperationalError:
        pass
    time.sleep(2)
else:
    sys.exit("bench: the digest did not finish within an hour")
done = time.time()
hwm_kb, cpu_s = status()
stories = con.execute("SELECT article_ids FROM newsletter_sends WHERE id = ?", (row[0],)).fetchone()[0].count(",") + 1
sent = counts.get("sent", 0)
skipped = counts.get("skipped", 0)
failed = counts.get("failed", 0)
lines = [
    f"subscribers: {count}; stories in the digest: {stories}",
    f"send started (send + {count} delivery rows written) after: {started - start:.1f} s from process start",
    f"all delivered after: {done - start:.1f} s; delivering took {done - started:.1f} s",
    f"sent: {sent}; nothing to send (no chosen story): {skipped}; failed: {failed}",
    f"rate: {(sent + skipped) / (done - started):.0f} deliveries/s, {sent / (done - started):.0f} mails/s",
    f"server peak memory (VmHWM): {hwm_kb / 1024:.0f} MiB; server CPU time: {cpu_s:.1f} s",
]
print("\n".join(lines))
open(report, "w").write("\n".join(lines) + "\n")
PY
