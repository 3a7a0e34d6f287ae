#!/usr/bin/env bash
# The whole check, as CI runs it (make test):
#   1. bootstrap   tools into .venv and infra/node_modules
#   2. fmt         cargo fmt --all -- --check
#   3. clippy      cargo clippy --workspace --all-targets -- -D warnings
#   4. template    cfn-lint + sam validate --lint on template.yaml (offline)
#   5. stack       infra/scripts/up.sh (DynamoDB Local + moto)
#   6. tests       cargo test --workspace, with .local/env
#   7. frontend    the dashboard: generated API client up to date, tsc,
#                  vitest, production build (before the stack starts, so the
#                  gateway serves the fresh frontend/dist)
#   8. browser     the dashboard's browser tests (playwright-core + Debian's
#                  chromium) against the running stack
# The stack is stopped at the end (also on failure or Ctrl-C) if this script
# started it; a stack that was already up (make up) is left running.
# The exit code is the first failing step's.
# Extra arguments go to cargo test, e.g. infra/scripts/test.sh -p parlo-store
# PARLO_SKIP_LINT=1 skips fmt, clippy and template (for quick local runs;
# never in CI).
#
# PARLO_BACKEND=localstack (make test-localstack) is the LocalStack lane:
# the same stack and the same tests (end to end included) with LocalStack
# instead of DynamoDB Local + moto; fmt, clippy, template and the frontend
# checks are the normal lane's (they do not touch the emulators) and are
# skipped. It refuses to start while another stack runs.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$PARLO_ROOT"

step() { printf '\n==> [%s] %s\n' "$1" "$2" >&2; CURRENT_STEP="$1"; }
CURRENT_STEP=start
STARTED_STACK=0

finish() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$STARTED_STACK" = 1 ]; then
    printf '\n==> [stack] stopping the local stack this run started\n' >&2
    "$PARLO_ROOT/infra/scripts/down.sh" || rc=$((rc == 0 ? 1 : rc))
  fi
  if [ "$rc" -eq 0 ]; then
    printf '\n==> all steps passed\n' >&2
  else
    printf '\n==> FAILED at step [%s] (exit %d)\n' "$CURRENT_STEP" "$rc" >&2
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step bootstrap "infra/scripts/bootstrap.sh"
infra/scripts/bootstrap.sh
if [ "$BACKEND" = localstack ]; then
  step bootstrap "infra/scripts/localstack-bootstrap.sh"
  infra/scripts/localstack-bootstrap.sh
  PARLO_SKIP_LINT=1
fi
LANE_STARTED=$SECONDS

if [ "${PARLO_SKIP_LINT:-0}" != 1 ]; then
  step fmt "cargo fmt --all -- --check"
  cargo fmt --all -- --check

  step clippy "cargo clippy --workspace --all-targets -- -D warnings"
  cargo clippy --workspace --all-targets -- -D warnings

  step template "cfn-lint and sam validate --lint on template.yaml"
  "$VENV/bin/cfn-lint" template.yaml
  AWS_DEFAULT_REGION=us-east-1 "$VENV/bin/sam" validate --lint --template template.yaml
else
  say "PARLO_SKIP_LINT=1: skipping fmt, clippy, template"
fi

TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
if [ "$BACKEND" != localstack ]; then
  step frontend "frontend: generated API client check, tsc, vitest, vite build"
  cargo build -q -p parlo-local
  (
    cd frontend
    PARLO_LOCAL_BIN="$TARGET_DIR/debug/parlo-local" npm run --silent check:api
    npm run --silent build
    npm test --silent
  )
fi

step stack "infra/scripts/dev.sh --background (emulators, functions, gateway; backend $BACKEND)"
for svc in "${OTHER_STACK_SERVICES[@]}"; do
  [ -z "$(service_pid "$svc")" ] || die "$svc is running (the other backend): make down first"
done
if stack_up; then
  say "local stack already running: leaving it running afterwards"
else
  STARTED_STACK=1
fi
infra/scripts/dev.sh --background
# The end-to-end tests (tests/e2e.rs) run only against this stack.
export PARLO_E2E=1 PARLO_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"

# The LocalStack lane runs every test file and the browser tests, as the
# normal lane (measured whole: ~20 min on 2 cores once built,
# docs/local-stack.md). PARLO_LOCALSTACK_SUBSET=1 runs only the store, the
# booking race, the pipeline, the schedules, the API and the end-to-end
# file (49 tests, ~2.5 min) for a quick check.
LOCALSTACK_SUBSET=0
if [ "$BACKEND" = localstack ] && [ "$#" -eq 0 ] && [ "${PARLO_LOCALSTACK_SUBSET:-0}" = 1 ]; then
  LOCALSTACK_SUBSET=1
  set -- -p parlo-tests --test store --test race --test pipeline --test schedules --test api_e2e --test e2e
fi

step tests "cargo test --workspace${*:+ $*}"
set -a
# shellcheck source=/dev/null
. "$LOCAL_DIR/env"
set +a
if [ "$LOCALSTACK_SUBSET" = 1 ]; then
  cargo test "$@"
else
  cargo test --workspace "$@"
fi

if [ "$LOCALSTACK_SUBSET" = 1 ]; then
  say "lane $BACKEND: $((SECONDS - LANE_STARTED)) s after bootstrap (subset; browser tests skipped)"
  exit 0
fi

step browser "frontend browser tests (chromium) against http://127.0.0.1:$GATEWAY_PORT"
(cd frontend && PARLO_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" PARLO_LOCAL_BIN="$TARGET_DIR/debug/parlo-local" \
  npm run --silent test:browser)
say "lane $BACKEND: $((SECONDS - LANE_STARTED)) s after bootstrap"
