#!/usr/bin/env bash
# Restarts the Lambda runtime emulator (cargo lambda watch) of a running
# dev.sh stack: a new execution environment for every function, as Lambda
# gives one after a timeout or a crash. The gateway (parlo-local gateway
# --restart-command) runs it when an invocation outlived its function's
# Timeout: cargo lambda watch never restarts a function process that died
# (e.g. SIGKILLed by the load test) or hangs, and would hold every later
# invocation of that function forever.
# Runs with the environment dev.sh gave the gateway (the same as the
# emulator's). The log is appended to .local/lambda.log (the load test
# reads the EMF lines of the whole session from it).
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$PARLO_ROOT"

"$PARLO_ROOT/infra/scripts/down.sh" lambda
take_lock
if [ -n "$(service_pid lambda)" ]; then
  say "lambda already running again (pid $(service_pid lambda))"
  exit 0
fi
port_open "$LAMBDA_PORT" && die "127.0.0.1:$LAMBDA_PORT is taken by another process"
lambda_command
printf '\n---- %s restart-lambda.sh: new emulator ----\n' "$(date -u +%FT%TZ)" >>"$(log_file lambda)"
setsid "${LAMBDA_CMD[@]}" </dev/null >>"$(log_file lambda)" 2>&1 9>&- &
pid=$!
echo "$pid" >"$(pid_file lambda)"
exec 9>&-
deadline=$((SECONDS + ${PARLO_UP_TIMEOUT:-60}))
until port_open "$LAMBDA_PORT"; do
  [ -n "$(service_pid lambda)" ] || die "lambda exited during start-up (see .local/lambda.log)"
  [ "$SECONDS" -lt "$deadline" ] || die "lambda did not answer on 127.0.0.1:$LAMBDA_PORT"
  sleep 0.2
done
say "restarted lambda (pid $pid, 127.0.0.1:$LAMBDA_PORT)"
