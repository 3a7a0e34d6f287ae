#!/usr/bin/env bash
# Stops the local stack started by up.sh: kills exactly the process groups
# whose pids are in .local/*.pid (after checking they are still ours), waits
# for them to exit and for their ports to free. Safe to run twice.
# Usage: down.sh [gateway] [lambda] [twilio] [dynamodb] [moto] [localstack]
#   (default: all; gateway, lambda and twilio are the dev.sh processes, if
#   running; localstack or dynamodb+moto, whichever backend runs)
# Stopping localstack also stops the DynamoDB Local it started for itself
# (its own process group; left behind when LocalStack dies).
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
    is_optional_service "$svc" && return 0
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

# LocalStack's internal DynamoDB Local, by pid (after LocalStack itself,
# which normally stops it on SIGTERM): only the one our LocalStack ($1, the
# pid its pid file held) started, or an orphan of it. The jar path alone is
# not enough: another stack (PARLO_LOCAL_DIR, or a checkout sharing
# .localstack) may run a LocalStack of its own.
stop_localstack_dynamodb() {
  local ours="$1" pid pgid up i mine
  for pid in $(localstack_dynamodb_pids); do
    # Ours when LocalStack is among its first ancestors, or it is an orphan.
    mine=0 up="$pid"
    for ((i = 0; i < 4; i++)); do
      up="$(ps -o ppid= -p "$up" 2>/dev/null | tr -d ' ' || true)"
      { [ "$up" = "$ours" ] || { [ "$i" = 0 ] && [ "$up" = 1 ]; }; } && mine=1 && break
      [ -n "$up" ] && [ "$up" != 1 ] || break
    done
    [ "$mine" = 1 ] || continue
    pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
    if [ "$pgid" = "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
    for ((i = 0; i < 50; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    say "stopped LocalStack's DynamoDB Local (pid $pid)"
  done
}

services=("$@")
[ "${#services[@]}" -gt 0 ] || services=("${DEV_SERVICES[@]}" localstack moto dynamodb)
for svc in "${services[@]}"; do
  service_port "$svc" >/dev/null
  # LocalStack's pid as its pid file had it (alive or not), for its DynamoDB Local.
  ls_pid=""
  [ "$svc" != localstack ] || ls_pid="$(cat "$(pid_file localstack)" 2>/dev/null || true)"
  stop_service "$svc"
  if [ "$svc" = localstack ] && [[ "$ls_pid" =~ ^[0-9]+$ ]]; then
    stop_localstack_dynamodb "$ls_pid"
  fi
done
if ! stack_up; then
  rm -f "$LOCAL_DIR/env"
fi
