#!/usr/bin/env bash
# Crash test, long version: the test suite's
# `transactions::killed_while_writing_no_action_is_half_done` on a release
# build, with ROUNDS SIGKILLs (default 25) instead of 4. Two API clients
# create stories and schedule each a day ahead, while a moderator rejects
# a reader's comments with a ban and lifts it again; the server is killed
# mid-write every ~1 s and started again over the same store. Then the
# database is checked: every story has its revision and audit entry, every
# scheduled story exactly one pending publication job, every moderation
# decision its audit entry, every account's ban state the one its latest
# audit entry says.
#
#   bench/crash.sh                     # both backends, 25 kills each
#   ROUNDS=100 BACKEND=sqlite bench/crash.sh
#
# PostgreSQL at 127.0.0.1:5432 (user postgres, trust) for that backend.
# Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-25}
BACKEND=${BACKEND:-}
filter=killed_while_writing_no_action_is_half_done
[ -n "$BACKEND" ] && filter="$BACKEND::$filter"
DATELINE_CRASH_ROUNDS=$ROUNDS cargo test --release -p dateline --test site -- "$filter" --nocapture --test-threads 1 2>&1 |
  grep -E "stories scheduled|^test |test result|panicked|after [0-9]+ crashes"
