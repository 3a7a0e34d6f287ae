#!/usr/bin/env bash
# Starts the local stack in the background and creates its resources:
#   DynamoDB Local  127.0.0.1:${PARLO_DYNAMODB_PORT:-8000}  (-inMemory -sharedDb)
#   moto_server     127.0.0.1:${PARLO_MOTO_PORT:-5000}      (SQS, Scheduler)
# then runs create_resources.py (table, FIFO queue + DLQ, schedule group from
# template.yaml) and writes the environment for the code to .local/env.
#
# Idempotent: when both are already running it only re-checks the resources.
# Stop with infra/scripts/down.sh. Logs and pids: .local/{dynamodb,moto}.{log,pid}
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"

"$PARLO_ROOT/infra/scripts/bootstrap.sh"
take_lock

STARTED=()
fail() {
  # Stop what this run started, show why, exit.
  local svc
  say "error: $*"
  for svc in "${STARTED[@]}"; do
    say "--- last lines of $(log_file "$svc") ---"
    tail -n 30 "$(log_file "$svc")" >&2 || true
  done
  if [ "${#STARTED[@]}" -gt 0 ]; then
    flock -u 9 2>/dev/null || true
    "$PARLO_ROOT/infra/scripts/down.sh" "${STARTED[@]}" || true
  fi
  exit 1
}

start_service() {
  local svc="$1" port pid
  port="$(service_port "$svc")"
  if [ -n "$(service_pid "$svc")" ]; then
    return 0 # already ours and alive; wait_service checks the port
  fi
  if port_open "$port"; then
    fail "127.0.0.1:$port is taken by a process up.sh did not start (for $svc).
  Stop it, or pick other ports: PARLO_DYNAMODB_PORT / PARLO_MOTO_PORT."
  fi
  case "$svc" in
    dynamodb)
      local lib java_bin
      lib="$(dynamodb_lib_dir)"
      java_bin="$(command -v java)" || die "java not found (bootstrap.sh installs it)"
      # DynamoDB Local has no bind-address option: it listens on all
      # interfaces (known, accepted). Everything talks to 127.0.0.1.
      (cd "$lib" && exec setsid "$java_bin" -Djava.library.path="$lib/DynamoDBLocal_lib" \
        -jar "$lib/DynamoDBLocal.jar" -inMemory -sharedDb -port "$port") \
        </dev/null >"$(log_file "$svc")" 2>&1 9>&- &
      ;;
    moto)
      setsid "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" \
        </dev/null >"$(log_file "$svc")" 2>&1 9>&- &
      ;;
  esac
  pid=$!
  echo "$pid" >"$(pid_file "$svc")"
  STARTED+=("$svc")
  say "started $svc (pid $pid, 127.0.0.1:$port, log .local/$svc.log)"
}

if stack_up; then
  say "already running (dynamodb pid $(service_pid dynamodb), moto pid $(service_pid moto))"
fi

for svc in dynamodb moto; do
  if [ -z "$(service_pid "$svc")" ] && port_open "$(service_port "$svc")"; then
    die "127.0.0.1:$(service_port "$svc") is taken by a process up.sh did not start (needed for $svc).
  Stop it, or pick other ports: PARLO_DYNAMODB_PORT / PARLO_MOTO_PORT."
  fi
done
start_service dynamodb
start_service moto
wait_service dynamodb
wait_service moto

export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$DYNAMODB_PORT"
export AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$MOTO_PORT"
export AWS_ENDPOINT_URL_SCHEDULER="http://127.0.0.1:$MOTO_PORT"
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
export TABLE_NAME="$LOCAL_NAME" SCHEDULE_GROUP="$LOCAL_NAME"
unset AWS_ENDPOINT_URL AWS_SESSION_TOKEN AWS_PROFILE

resources="$("$VENV/bin/python" "$PARLO_ROOT/infra/scripts/create_resources.py")" \
  || fail "create_resources.py failed"
turn_queue_url="$(sed -n 's/^TURN_QUEUE_URL=//p' <<<"$resources")"
turn_dlq_url="$(sed -n 's/^TURN_DLQ_URL=//p' <<<"$resources")"
[ -n "$turn_queue_url" ] || fail "create_resources.py printed no TURN_QUEUE_URL"

# moto's default account. Scheduler targets are never invoked locally (no
# emulator fires schedules); the ARNs only have to be well-formed.
account=123456789012
tmp="$LOCAL_DIR/env.tmp.$$"
cat >"$tmp" <<EOF
# Written by infra/scripts/up.sh. Load with: set -a; . .local/env; set +a
export AWS_ENDPOINT_URL_DYNAMODB=$AWS_ENDPOINT_URL_DYNAMODB
export AWS_ENDPOINT_URL_SQS=$AWS_ENDPOINT_URL_SQS
export AWS_ENDPOINT_URL_SCHEDULER=$AWS_ENDPOINT_URL_SCHEDULER
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=local
export AWS_SECRET_ACCESS_KEY=local
export AWS_EC2_METADATA_DISABLED=true
export TABLE_NAME=$TABLE_NAME
export TURN_QUEUE_URL=$turn_queue_url
export TURN_DLQ_URL=$turn_dlq_url
export SCHEDULE_GROUP=$SCHEDULE_GROUP
export REMINDERS_FUNCTION_ARN=arn:aws:lambda:us-east-1:$account:function:$LOCAL_NAME-reminders
export SCHEDULER_ROLE_ARN=arn:aws:iam::$account:role/$LOCAL_NAME-scheduler
export PARLO_ENV=local
export PARLO_TWILIO_URL=http://127.0.0.1:$TWILIO_PORT
EOF
mv "$tmp" "$LOCAL_DIR/env"
say "ready: DynamoDB Local 127.0.0.1:$DYNAMODB_PORT, moto 127.0.0.1:$MOTO_PORT; environment in .local/env"
