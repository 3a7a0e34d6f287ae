#!/usr/bin/env bash
# The load and fault test (make loadtest): a bench script, not a timed test.
#   1. starts the LLM stand-in (parlo-local llm, 127.0.0.1:${PARLO_LLM_PORT:-4020})
#   2. starts the whole local stack (dev.sh --background) with the functions
#      sending through the Twilio stand-in (TWILIO_ACCOUNT_SID set: real HTTP
#      calls, retries on 429/5xx) and answering with the LLM agent against
#      the LLM stand-in (OPENAI_API_KEY, OPENAI_BASE_URL,
#      LLM_TURN_TIMEOUT_MS=${PARLO_LOAD_LLM_TIMEOUT_MS:-4000})
#      and the gateway's turn-queue visibility timeout at
#      ${PARLO_LOAD_VISIBILITY_TIMEOUT:-60} s (see below)
#   3. runs parlo-local loadtest: 200 customers and 10 staff of 5 fresh
#      businesses send 2,000 signed messages over 300 s; Twilio answers 429,
#      then 503, for a window; the LLM hangs for a window; the turn function
#      is killed once; then the invariants are checked
#   4. writes the figures into docs/benchmarks.md (between the loadtest
#      markers) and stops what it started
# Sizes: PARLO_LOAD_BUSINESSES, PARLO_LOAD_CUSTOMERS, PARLO_LOAD_STAFF,
# PARLO_LOAD_MESSAGES, PARLO_LOAD_SECONDS, PARLO_LOAD_DRAIN_SECONDS.
# PARLO_LOAD_NO_DOCS=1 leaves docs/benchmarks.md alone (small trial runs).
# Exit code: parlo-local loadtest's (1 when an invariant failed).
# Refuses to run while a stack is up: its functions would lack the settings.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$PARLO_ROOT"

LLM_PORT="${PARLO_LLM_PORT:-4020}"
LLM_PID=""
STARTED_STACK=0

finish() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$STARTED_STACK" = 1 ]; then
    "$PARLO_ROOT/infra/scripts/down.sh" || rc=1
  fi
  if [ -n "$LLM_PID" ] && kill -0 "$LLM_PID" 2>/dev/null; then
    kill -TERM "$LLM_PID" 2>/dev/null || true
    wait "$LLM_PID" 2>/dev/null || true
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for svc in "${STACK_SERVICES[@]}" "${OTHER_STACK_SERVICES[@]}" "${DEV_SERVICES[@]}"; do
  [ -z "$(service_pid "$svc")" ] ||
    die "$svc is running: stop the stack first (make down); the load test starts its own"
done
port_open "$LLM_PORT" && die "127.0.0.1:$LLM_PORT is taken (PARLO_LLM_PORT)"

say "building parlo-local"
cargo build -q -p parlo-local
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET_DIR/debug/parlo-local"

mkdir -p "$LOCAL_DIR"
"$BIN" llm --listen "127.0.0.1:$LLM_PORT" --latency-ms "${PARLO_LOAD_LLM_LATENCY_MS:-300}" \
  </dev/null >"$LOCAL_DIR/llm.log" 2>&1 &
LLM_PID=$!
for _ in $(seq 50); do port_open "$LLM_PORT" && break; sleep 0.1; done
port_open "$LLM_PORT" || die "the LLM stand-in did not start (.local/llm.log)"

# The functions send through the Twilio stand-in and use the LLM stand-in.
export TWILIO_ACCOUNT_SID=AC00000000000000000000000000000001
export OPENAI_API_KEY=local-llm-standin-not-a-key
export OPENAI_BASE_URL="http://127.0.0.1:$LLM_PORT/v1"
export LLM_TURN_TIMEOUT_MS="${PARLO_LOAD_LLM_TIMEOUT_MS:-4000}"
# The gateway's turn-queue visibility timeout: the local 5 s with the
# queue's 5 receives poisons a turn whose send failed (Twilio 429/5xx)
# before the outbox lease (30 s) lets a retry send; AWS has 360 s.
export PARLO_VISIBILITY_TIMEOUT="${PARLO_LOAD_VISIBILITY_TIMEOUT:-60}"
export PARLO_SKIP_FRONTEND=1
STARTED_STACK=1
infra/scripts/dev.sh --background

set -a
# shellcheck source=/dev/null
. "$LOCAL_DIR/env"
set +a
export PARLO_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
export PARLO_TWILIO_URL="http://127.0.0.1:$TWILIO_PORT"
export PARLO_LLM_URL="http://127.0.0.1:$LLM_PORT"

report="$LOCAL_DIR/loadtest.md"
started=$SECONDS
rc=0
"$BIN" loadtest --report "$report" || rc=$?
say "load test took $((SECONDS - started)) s (exit $rc)"

if [ "${PARLO_LOAD_NO_DOCS:-0}" != 1 ] && [ -s "$report" ]; then
  python3 - "$PARLO_ROOT/docs/benchmarks.md" "$report" "$((SECONDS - started))" <<'EOF'
import datetime, pathlib, subprocess, sys
doc, report, took = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text(), sys.argv[3]
begin, end = "<!-- loadtest:begin -->", "<!-- loadtest:end -->"
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
import os
sizes = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("PARLO_LOAD_"))
load = open("/proc/loadavg").read().split()[:3]
block = (f"{begin}\nLast `make loadtest`: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
         f"commit {commit}, {took} s wall for the whole script (stack start included).\n"
         f"Command: `{sizes + ' ' if sizes else ''}make loadtest`; load average at the end "
         f"{' / '.join(load)} (1 / 5 / 15 min) on {os.cpu_count()} cores.\n\n{report.strip()}\n{end}")
text = doc.read_text()
if begin in text and end in text:
    text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n## Load and fault test (`make loadtest`)\n\n" + block + "\n"
doc.write_text(text)
print(f"loadtest: figures written to {doc}", file=sys.stderr)
EOF
fi
exit "$rc"
