#!/usr/bin/env bash
# Stops the local stack started by up.sh: kills exactly the process groups
# whose pids are in .local/*.pid (after checking they are still ours), waits
# for them to exit and for their ports to free. Safe to run twice.
# Usage: down.sh [gateway] [lambda] [twilio] [dynamodb] [moto]
#   (default: all; gateway, lambda and twilio are the dev.sh processes, if running)
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"

take_lock

alive() { kill -0 "$1" 2>/dev/null; }

stop_service() {
  local svc="$1" pid port pgid target i
  port="$(service_port "$svc")"
  pid="$(service_pid "$svc")"
  if [ -z "$pid" ]; then
    rm -f "$(pid_file "$svc")"
    # Optional dev.sh processes: nothing to say, and their port may belong
    # to someone else.
    is_dev_service "$svc" && return 0
    say "$svc not running"
  else
    pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
    # setsid made the process its own group leader; kill the whole group
    # (java or python and anything they spawned). Never a group we don't lead.
    if [ "$pgid" = "$pid" ]; then target="-$pid"; else target="$pid"; fi
    kill -TERM -- "$target" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      say "$svc (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL -- "$target" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
      done
    fi
    alive "$pid" && die "could not stop $svc (pid $pid)"
    rm -f "$(pid_file "$svc")"
    say "stopped $svc (pid $pid)"
  fi
  for ((i = 0; i < 100; i++)); do
    port_open "$port" || return 0
    sleep 0.1
  done
  die "127.0.0.1:$port still answers after stopping $svc: another process holds it"
}

services=("$@")
[ "${#services[@]}" -gt 0 ] || services=("${DEV_SERVICES[@]}" moto dynamodb)
for svc in "${services[@]}"; do
  service_port "$svc" >/dev/null
  stop_service "$svc"
done
if [ -z "$(service_pid dynamodb)" ] || [ -z "$(service_pid moto)" ]; then
  rm -f "$LOCAL_DIR/env"
fi
