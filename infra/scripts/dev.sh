#!/usr/bin/env bash
# Local development session (make dev): the whole of Parlo on this machine.
#   1. infra/scripts/up.sh                 DynamoDB Local + moto, resources, .local/env
#   2. cargo build                         parlo-local and the four functions
#   3. cargo lambda watch                  127.0.0.1:${PARLO_LAMBDA_PORT:-9000}, the
#                                          function binaries (Lambda runtime emulator;
#                                          the gateway restarts it through
#                                          restart-lambda.sh when an invocation
#                                          outlives its function's Timeout)
#   4. parlo-local gateway                 127.0.0.1:${PARLO_GATEWAY_PORT:-3000}: API
#                                          Gateway (HTTP API v2), the turn queue's
#                                          event source, the Scheduler firer
#   5. parlo-local twilio                  127.0.0.1:${PARLO_TWILIO_PORT:-4010}: the
#                                          Twilio stand-in (numbers, senders,
#                                          messages; call log, scripted failures)
# then waits until GET /health answers through the gateway and prints how to
# talk to it.
#
#   dev.sh               foreground: follows the logs; Ctrl-C stops what this
#                        session started (a stack already up is left running)
#   dev.sh --background  starts the same and returns; infra/scripts/down.sh
#                        stops everything (pids in .local/{lambda,gateway}.pid)
#
# The functions get .local/env, infra/local/local.env (the local Twilio auth
# token), PARLO_ENV=local, PUBLIC_BASE_URL=http://127.0.0.1:<gateway port>,
# PARLO_CLOCK_FILE=<checkout>/.local/clock, and PARLO_NOW / RUST_LOG when set,
# and the provisioning settings: TWILIO_API_BASE_URL (the stand-in),
# TWILIO_PROVISIONING_ACCOUNT_SID, WHATSAPP_WABA_ID (so onboarding buys and
# registers numbers at the stand-in; sending stays in mock mode).
# PARLO_DEV_TIMEOUT (default 600 s) bounds the wait for the first answer
# (it may include compiling the webhook function).
# The dashboard (frontend/) is built when its sources are newer than
# frontend/dist (PARLO_SKIP_FRONTEND=1 skips that) and the gateway serves
# frontend/dist for every path outside /api and /webhooks: one origin, as
# CloudFront in AWS. dev.sh prints a sign-in link for the demo owner.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$PARLO_ROOT"

BACKGROUND=0
case "${1:-}" in
  "") ;;
  --background | -b) BACKGROUND=1 ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument: $1 (usage: dev.sh [--background])" ;;
esac

STARTED_STACK=0
STARTED_DEV=()
TAIL_PID=""
DONE=0

# shellcheck disable=SC2317 # invoked by trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$TAIL_PID" ]; then
    kill "$TAIL_PID" 2>/dev/null || true
    wait "$TAIL_PID" 2>/dev/null || true
  fi
  exec 9>&- # never hold the stack lock while down.sh wants it
  # In the background a successful start leaves everything running.
  if [ "$BACKGROUND" = 1 ] && [ "$DONE" = 1 ]; then
    exit "$rc"
  fi
  if [ "${#STARTED_DEV[@]}" -gt 0 ]; then
    say "stopping ${STARTED_DEV[*]}"
    "$PARLO_ROOT/infra/scripts/down.sh" "${STARTED_DEV[@]}" || rc=1
  fi
  if [ "$STARTED_STACK" = 1 ]; then
    say "stopping the local stack"
    "$PARLO_ROOT/infra/scripts/down.sh" || rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 0' INT # Ctrl-C is how a dev session ends
trap 'exit 143' TERM

fail() {
  local svc
  say "error: $*"
  for svc in "${STARTED_DEV[@]}"; do
    say "--- last lines of $(log_file "$svc") ---"
    tail -n 30 "$(log_file "$svc")" >&2 || true
  done
  exit 1
}

stack_up || STARTED_STACK=1
infra/scripts/up.sh

say "building parlo-local and the functions (cargo build)"
cargo build -p parlo-local
# One build per function, exactly as cargo lambda watch runs them
# (`cargo run --manifest-path Cargo.toml --bin <name>`): building them
# together would unify their features into other artifacts, and the first
# invocation would compile again.
for bin in webhook api turn reminders; do
  cargo build --manifest-path Cargo.toml --bin "$bin"
done
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
PARLO_LOCAL_BIN="$TARGET_DIR/debug/parlo-local"
[ -x "$PARLO_LOCAL_BIN" ] || die "$PARLO_LOCAL_BIN not built"
[ -x "$VENV/bin/cargo-lambda" ] || die "cargo-lambda not in .venv; run infra/scripts/bootstrap.sh"

# The dashboard, built when its sources changed (npm run build: tsc + vite).
DASHBOARD_DIR="$PARLO_ROOT/frontend/dist"
if [ "${PARLO_SKIP_FRONTEND:-0}" != 1 ] && [ -d "$PARLO_ROOT/frontend/node_modules" ]; then
  if [ ! -f "$DASHBOARD_DIR/index.html" ] ||
    [ -n "$(find "$PARLO_ROOT/frontend/src" "$PARLO_ROOT/frontend/index.html" \
      "$PARLO_ROOT/frontend/public" "$PARLO_ROOT/frontend/vite.config.ts" \
      -newer "$DASHBOARD_DIR/index.html" -print -quit)" ]; then
    say "building the dashboard (frontend: npm run build)"
    (cd "$PARLO_ROOT/frontend" && npm run --silent build >&2) ||
      say "warning: the dashboard build failed (see above); serving the previous build, if any"
  fi
fi
STATIC_ARGS=()
[ -f "$DASHBOARD_DIR/index.html" ] && STATIC_ARGS=(--static-dir "$DASHBOARD_DIR")

# The environment of the functions (and of the gateway).
set -a
# shellcheck source=/dev/null
. "$LOCAL_DIR/env"
# shellcheck source=/dev/null
. "$PARLO_ROOT/infra/local/local.env"
set +a
unset AWS_ENDPOINT_URL AWS_SESSION_TOKEN AWS_PROFILE
export PARLO_ENV=local
export PUBLIC_BASE_URL="http://127.0.0.1:$GATEWAY_PORT"
export PARLO_CLOCK_FILE="$LOCAL_DIR/clock"
export PARLO_ROOT
# Number provisioning talks to the Twilio stand-in (the real client, over
# HTTP); messages stay in mock mode (no TWILIO_ACCOUNT_SID).
export TWILIO_API_BASE_URL="http://127.0.0.1:$TWILIO_PORT"
export TWILIO_PROVISIONING_ACCOUNT_SID="${TWILIO_PROVISIONING_ACCOUNT_SID:-AC00000000000000000000000000000002}"
export WHATSAPP_WABA_ID="${WHATSAPP_WABA_ID:-local-waba}"
# Voice notes: fetched from the Twilio stand-in (basic auth with the
# message's AccountSid and the local token) and transcribed by its scripted
# /v1/audio/transcriptions. PARLO_TRANSCRIPTION=0: no transcription.
if [ "${PARLO_TRANSCRIPTION:-1}" != 0 ]; then
  export TRANSCRIPTION_MODEL="${TRANSCRIPTION_MODEL:-whisper-1}"
  export TRANSCRIPTION_BASE_URL="${TRANSCRIPTION_BASE_URL:-http://127.0.0.1:$TWILIO_PORT/v1}"
fi
export RUST_LOG="${RUST_LOG:-info}"
# cargo-lambda finds zig only with the venv's bin first on PATH.
export PATH="$VENV/bin:$PATH"

# The demo business (Barbería Don Carlos) unless it exists already.
"$PARLO_LOCAL_BIN" seed

start_dev() {
  local svc="$1" port pid
  shift
  port="$(service_port "$svc")"
  if [ -n "$(service_pid "$svc")" ]; then
    say "$svc already running (pid $(service_pid "$svc")); leaving it as it is"
    return 0
  fi
  if port_open "$port"; then
    fail "127.0.0.1:$port is taken by a process dev.sh did not start (for $svc).
  Stop it, or pick another port: PARLO_LAMBDA_PORT / PARLO_GATEWAY_PORT / PARLO_TWILIO_PORT."
  fi
  setsid "$@" </dev/null >"$(log_file "$svc")" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$(pid_file "$svc")"
  STARTED_DEV+=("$svc")
  say "started $svc (pid $pid, 127.0.0.1:$port, log .local/$svc.log)"
}

take_lock # one starter at a time (shared with up.sh/down.sh)
start_dev twilio "$PARLO_LOCAL_BIN" twilio --listen "127.0.0.1:$TWILIO_PORT"
lambda_command
start_dev lambda "${LAMBDA_CMD[@]}"
# An invocation that outlives its function's Timeout (template.yaml)
# restarts the emulator: a function process that died or hangs is never
# restarted by cargo lambda watch.
start_dev gateway "$PARLO_LOCAL_BIN" gateway \
  --listen "127.0.0.1:$GATEWAY_PORT" --invoke-url "http://127.0.0.1:$LAMBDA_PORT" \
  --restart-command "$PARLO_ROOT/infra/scripts/restart-lambda.sh" \
  "${STATIC_ARGS[@]}"
exec 9>&-
wait_service twilio
wait_service lambda
wait_service gateway

say "waiting for GET /health through the gateway (the first call may compile the webhook)"
health="$(curl -sS --max-time "${PARLO_DEV_TIMEOUT:-600}" \
  -w ' (HTTP %{http_code})' "http://127.0.0.1:$GATEWAY_PORT/health" 2>&1)" ||
  fail "GET /health failed: $health"
[[ "$health" == *"(HTTP 200)" ]] || fail "GET /health answered $health"
say "GET /health -> $health"

BIN="${PARLO_LOCAL_BIN#"$PARLO_ROOT"/}"
DASHBOARD_LINE="  dashboard  not built (cd frontend && npm ci && npm run build; then restart)"
if [ "${#STATIC_ARGS[@]}" -gt 0 ]; then
  # A fresh sign-in link for the demo owner (the dev route returns it
  # instead of sending it by WhatsApp; valid 15 minutes, once).
  link="$(curl -sS --max-time 60 -H 'content-type: application/json' \
    -d '{"phone":"+5215512345678"}' "http://127.0.0.1:$GATEWAY_PORT/api/v1/dev/auth/magic-link" |
    "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["links"][0]["url"])' 2>/dev/null || true)"
  [ -n "$link" ] || link='POST /api/v1/dev/auth/magic-link {"phone": "+5215512345678"}'
  DASHBOARD_LINE="  dashboard  http://127.0.0.1:$GATEWAY_PORT/   (same origin as /api; frontend/dist)
             sign in as the demo owner: $link"
fi
cat >&2 <<EOF

Parlo runs locally:
$DASHBOARD_LINE
  gateway    http://127.0.0.1:$GATEWAY_PORT   (API Gateway HTTP API; turn-queue poller; Scheduler firer)  .local/gateway.log
  twilio     http://127.0.0.1:$TWILIO_PORT   (Twilio stand-in; GET /_standin/calls)                .local/twilio.log
  functions  cargo lambda watch on 127.0.0.1:$LAMBDA_PORT (webhook, api, turn, reminders)        .local/lambda.log
  stack      DynamoDB Local 127.0.0.1:$DYNAMODB_PORT, moto 127.0.0.1:$MOTO_PORT; environment in .local/env

Talk to it:
  curl http://127.0.0.1:$GATEWAY_PORT/health
  $BIN say --from +5215512345678 --to +5215500000001 "Hola, quiero una cita"
  $BIN chat --from +5215512345678 --to +5215500000001
  $BIN clock set 2025-03-12T09:00:00-06:00    # freeze "now" (clock advance 1h, clock reset)
Tests in another shell:
  set -a; . .local/env; set +a; PARLO_E2E=1 cargo test --workspace
EOF

if [ "$BACKGROUND" = 1 ]; then
  DONE=1
  say "running in the background; stop with infra/scripts/down.sh (make down)"
  exit 0
fi

printf '\nCtrl-C to stop. Following .local/gateway.log and .local/lambda.log:\n\n' >&2
tail -n 0 -F "$(log_file gateway)" "$(log_file lambda)" >&2 &
TAIL_PID=$!

# The emulator is down for a moment while the gateway restarts it.
lambda_back() {
  local i
  for ((i = 0; i < 45; i++)); do
    service_up lambda && return 0
    sleep 2
  done
  return 1
}

# Wait until interrupted, or until one of the processes dies.
while stack_up && { service_up lambda || lambda_back; } && service_up gateway && service_up twilio; do
  sleep 2 &
  wait $! || true
done
say "a process stopped; see .local/*.log"
exit 1
