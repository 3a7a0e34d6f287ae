#!/usr/bin/env bash
# Local development session (make dev): starts the local stack, prints the
# environment to use in other shells, and waits. Ctrl-C stops what this
# session started (a stack that was already up is left running).
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$PARLO_ROOT"

STARTED_STACK=0
# shellcheck disable=SC2317 # invoked by trap
cleanup() {
  trap - EXIT INT TERM
  if [ "$STARTED_STACK" = 1 ]; then
    say "stopping the local stack"
    "$PARLO_ROOT/infra/scripts/down.sh"
  fi
}
trap cleanup EXIT
trap 'exit 0' INT # Ctrl-C is how a dev session ends
trap 'exit 143' TERM

stack_up || STARTED_STACK=1
infra/scripts/up.sh

cat >&2 <<EOF

Local stack is up. In another shell:
  set -a; . $LOCAL_DIR/env; set +a
  cargo test --workspace

Environment (.local/env):
EOF
grep '^export ' "$LOCAL_DIR/env" | sed 's/^export /  /' >&2
printf '\nCtrl-C to stop.\n' >&2

# Wait until interrupted (or until one of the emulators dies).
while stack_up; do
  sleep 2 &
  wait $! || true
done
say "an emulator stopped; see .local/*.log"
exit 1
