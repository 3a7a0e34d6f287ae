#!/usr/bin/env bash
# Starts the local stack in the background and creates its resources:
#   DynamoDB Local  127.0.0.1:${PARLO_DYNAMODB_PORT:-8000}  (-inMemory -sharedDb)
#   moto_server     127.0.0.1:${PARLO_MOTO_PORT:-5000}      (SQS, Scheduler)
# then runs create_resources.py (table, FIFO queue + DLQ, schedule group from
# template.yaml) and writes the environment for the code to .local/env.
#
# With PARLO_BACKEND=localstack, LocalStack instead of both (host mode, no
# Docker; installed by localstack-bootstrap.sh):
#   localstack      127.0.0.1:${PARLO_LOCALSTACK_PORT:-4566} (DynamoDB, SQS, Scheduler)
#
# Idempotent: when the stack is already running it only re-checks the resources.
# Stop with infra/scripts/down.sh. Logs and pids: .local/{dynamodb,moto,localstack}.{log,pid}
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"

"$PARLO_ROOT/infra/scripts/bootstrap.sh"
[ "$BACKEND" != localstack ] || "$PARLO_ROOT/infra/scripts/localstack-bootstrap.sh"
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
  Stop it, or pick other ports: PARLO_DYNAMODB_PORT / PARLO_MOTO_PORT / PARLO_LOCALSTACK_PORT."
  fi
  case "$svc" in
    localstack)
      # Host mode: LocalStack believes it runs in a container; these keep it
      # on 127.0.0.1, inside the checkout, off the network and quiet.
      (export OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$LOCALSTACK_DIR/fs" \
        GATEWAY_SERVER=hypercorn GATEWAY_LISTEN="127.0.0.1:$port" \
        LOCALSTACK_HOST="127.0.0.1:$port" DNS_ADDRESS=0 DISABLE_EVENTS=1 \
        SKIP_SSL_CERT_DOWNLOAD=1 SQS_ENDPOINT_STRATEGY=path \
        SERVICES=dynamodb,sqs,scheduler DYNAMODB_IN_MEMORY=1 \
        DYNAMODB_HEAP_SIZE="${PARLO_LOCALSTACK_DYNAMODB_HEAP:-1g}" \
        EAGER_SERVICE_LOADING=1 LOCALSTACK_TELEMETRY_DISABLED=1 DISABLE_CORS_CHECKS=1
        unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_SCHEDULER
        exec setsid "$LOCALSTACK_DIR/venv/bin/python" -m localstack.runtime.main) \
        </dev/null >"$(log_file "$svc")" 2>&1 9>&- &
      ;;
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
  say "already running ($(for s in "${STACK_SERVICES[@]}"; do printf '%s pid %s ' "$s" "$(service_pid "$s")"; done))"
fi
# One backend at a time: the functions and the gateway follow .local/env.
for svc in "${OTHER_STACK_SERVICES[@]}"; do
  [ -z "$(service_pid "$svc")" ] ||
    die "$svc is running (the other backend): stop it first with infra/scripts/down.sh (make down)"
done

for svc in "${STACK_SERVICES[@]}"; do
  if [ -z "$(service_pid "$svc")" ] && port_open "$(service_port "$svc")"; then
    die "127.0.0.1:$(service_port "$svc") is taken by a process up.sh did not start (needed for $svc).
  Stop it, or pick other ports: PARLO_DYNAMODB_PORT / PARLO_MOTO_PORT / PARLO_LOCALSTACK_PORT."
  fi
done
for svc in "${STACK_SERVICES[@]}"; do start_service "$svc"; done
for svc in "${STACK_SERVICES[@]}"; do wait_service "$svc"; done

if [ "$BACKEND" = localstack ]; then
  # The port may open before the services are loaded; the health route says.
  deadline=$((SECONDS + ${PARLO_UP_TIMEOUT:-60}))
  until curl -sf --max-time 2 "http://127.0.0.1:$LOCALSTACK_PORT/_localstack/health" | grep -q '"sqs": "\(available\|running\)"'; do
    [ -n "$(service_pid localstack)" ] || fail "localstack exited during start-up"
    [ "$SECONDS" -lt "$deadline" ] || fail "localstack not ready within ${PARLO_UP_TIMEOUT:-60}s"
    sleep 0.3
  done
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$LOCALSTACK_PORT"
  export AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$LOCALSTACK_PORT"
  export AWS_ENDPOINT_URL_SCHEDULER="http://127.0.0.1:$LOCALSTACK_PORT"
  # LocalStack's default account (any non-numeric access key maps to it).
  account=000000000000
else
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$DYNAMODB_PORT"
  export AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$MOTO_PORT"
  export AWS_ENDPOINT_URL_SCHEDULER="http://127.0.0.1:$MOTO_PORT"
  # moto's default account.
  account=123456789012
fi
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
export TABLE_NAME="$LOCAL_NAME" SCHEDULE_GROUP="$LOCAL_NAME"
unset AWS_ENDPOINT_URL AWS_SESSION_TOKEN AWS_PROFILE

resources="$("$VENV/bin/python" "$PARLO_ROOT/infra/scripts/create_resources.py")" \
  || fail "create_resources.py failed"
turn_queue_url="$(sed -n 's/^TURN_QUEUE_URL=//p' <<<"$resources")"
turn_dlq_url="$(sed -n 's/^TURN_DLQ_URL=//p' <<<"$resources")"
[ -n "$turn_queue_url" ] || fail "create_resources.py printed no TURN_QUEUE_URL"

# Scheduler targets are never invoked locally (no emulator fires
# schedules); the ARNs only have to be well-formed.
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
export PARLO_BACKEND=$BACKEND
EOF
mv "$tmp" "$LOCAL_DIR/env"
if [ "$BACKEND" = localstack ]; then
  say "ready: LocalStack 127.0.0.1:$LOCALSTACK_PORT; environment in .local/env"
else
  say "ready: DynamoDB Local 127.0.0.1:$DYNAMODB_PORT, moto 127.0.0.1:$MOTO_PORT; environment in .local/env"
fi
