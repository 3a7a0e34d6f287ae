#!/usr/bin/env bash
# Cold start of the release webhook bootstrap, measured two ways (figures
# and method in docs/benchmarks.md). Not part of `make test`.
#
#   bare   target/release/webhook started against a stub Lambda Runtime API
#          (Python, 127.0.0.1:$STUB_PORT) that serves one GET /health event:
#          spawn -> first GET /next (init done) -> POST /response (first
#          answer), plus the process's CPU time and peak RSS up to the first
#          answer (wait4 rusage). Then one process answers $WARM_CALLS more
#          events: the warm invocation latency, Runtime API round trip
#          included.
#   watch  `cargo lambda watch --release` on 127.0.0.1:$WATCH_PORT, restarted
#          for every run (as dev.sh runs it, plus --release): the first
#          GET /lambda-url/webhook/health (watch spawns `cargo run --release
#          --bin webhook`, which starts the function) against $WARM_CALLS
#          warm ones. Runs where cargo run compiled something are left out.
#
# Usage: measure-cold-start.sh [bare|watch|all]   (default all)
#   RUNS=10 WARM_CALLS=200 WATCH_PORT=9400 STUB_PORT=9401
#   PARLO_COLD_SKIP_BUILD=1 skips the cargo build (the binary must be fresh).
# GET /health touches no AWS service: no emulator is needed. Prints markdown
# tables on stdout; logs in .local/cold-start/.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$PARLO_ROOT"

MODE="${1:-all}"
case "$MODE" in
  bare | watch | all) ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown mode: $MODE (usage: measure-cold-start.sh [bare|watch|all])" ;;
esac
RUNS="${RUNS:-10}"
WARM_CALLS="${WARM_CALLS:-200}"
WATCH_PORT="${WATCH_PORT:-9400}"
STUB_PORT="${STUB_PORT:-9401}"

[ -x "$VENV/bin/cargo-lambda" ] || die "cargo-lambda not in .venv; run infra/scripts/bootstrap.sh"
# cargo-lambda finds zig only with the venv's bin first on PATH.
export PATH="$VENV/bin:$PATH"

for port in "$WATCH_PORT" "$STUB_PORT"; do
  if port_open "$port"; then
    die "127.0.0.1:$port is in use; pick other ports (WATCH_PORT / STUB_PORT)"
  fi
done

if [ "${PARLO_COLD_SKIP_BUILD:-0}" != 1 ]; then
  # Exactly the build cargo lambda watch --release runs (cargo run
  # --manifest-path Cargo.toml --release --bin webhook), so its first
  # invocation finds the binary fresh and compiles nothing.
  say "building the release webhook (cargo build --release --bin webhook)"
  cargo build --release --manifest-path Cargo.toml --bin webhook
fi
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
  "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET_DIR/release/webhook"
[ -x "$BIN" ] || die "$BIN not built"

# What the function sees: the local stack's settings (no emulator is called
# for /health, but init builds the clients from them as in dev.sh).
unset AWS_ENDPOINT_URL AWS_SESSION_TOKEN AWS_PROFILE
export PARLO_ENV=local TWILIO_AUTH_TOKEN=local-twilio-auth-token-not-secret
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
export TABLE_NAME=parlo-local
export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$DYNAMODB_PORT"
export AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$MOTO_PORT"
export TURN_QUEUE_URL="http://127.0.0.1:$MOTO_PORT/123456789012/parlo-local-turn.fifo"
export RUST_LOG="${RUST_LOG:-info}"

OUT_DIR="$LOCAL_DIR/cold-start"
mkdir -p "$OUT_DIR"
DRIVER="$(mktemp "${TMPDIR:-/tmp}/parlo-cold-start.XXXXXX.py")"
trap 'rm -f "$DRIVER"' EXIT

cat >"$DRIVER" <<'PY'
"""Cold start driver: see measure-cold-start.sh."""
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, binary, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
runs, warm_calls = int(sys.argv[4]), int(sys.argv[5])
watch_port, stub_port = int(sys.argv[6]), int(sys.argv[7])
venv_bin, root = sys.argv[8], sys.argv[9]

HEALTH_EVENT = json.dumps({
    "version": "2.0",
    "routeKey": "GET /health",
    "rawPath": "/health",
    "rawQueryString": "",
    "headers": {"host": "127.0.0.1", "user-agent": "cold-start", "x-forwarded-proto": "https"},
    "requestContext": {
        "accountId": "123456789012", "apiId": "local", "domainName": "127.0.0.1",
        "domainPrefix": "local", "requestId": "cold-start", "routeKey": "GET /health",
        "stage": "$default", "time": "12/Mar/2025:15:04:05 +0000", "timeEpoch": 1741791845000,
        "http": {"method": "GET", "path": "/health", "protocol": "HTTP/1.1",
                 "sourceIp": "127.0.0.1", "userAgent": "cold-start"},
    },
    "isBase64Encoded": False,
}).encode()


def ms(ns):
    return ns / 1e6


def summary(values):
    """min / median / p90 / max of a list of milliseconds."""
    v = sorted(values)
    p90 = v[max(0, -(-9 * len(v) // 10) - 1)]
    return v[0], statistics.median(v), p90, v[-1]


def row(name, values, unit="ms"):
    lo, med, p90, hi = summary(values)
    digits = 2 if unit == "ms" else 0
    return f"| {name} | {len(values)} | " + " | ".join(
        f"{x:.{digits}f}" for x in (lo, med, p90, hi)) + " |"


class Stub:
    """A Lambda Runtime API that serves `events` copies of the /health
    event, recording when each is handed out and answered."""

    def __init__(self, port):
        self.lock = threading.Condition()
        self.reset(0)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle
            # and the client's delayed ACK add 40 ms to every warm call.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                now = time.perf_counter_ns()
                if not self.path.endswith("/runtime/invocation/next"):
                    self.send_error(404)
                    return
                with stub.lock:
                    if stub.first_next is None:
                        stub.first_next = now
                    n = stub.served
                    if n >= stub.events:
                        stub.idle = True
                        stub.lock.notify_all()
                        # Hold the poll open until the process is killed.
                        stub.lock.wait_for(lambda: stub.closing, timeout=30)
                        return
                    stub.served += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(HEALTH_EVENT)))
                self.send_header("Lambda-Runtime-Aws-Request-Id", f"req-{n}")
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                                 "arn:aws:lambda:us-east-1:123456789012:function:webhook")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                self.end_headers()
                with stub.lock:
                    # Before the body: the answer may arrive before this
                    # thread runs again.
                    stub.sent[n] = time.perf_counter_ns()
                self.wfile.write(HEALTH_EVENT)
                self.wfile.flush()

            def do_POST(self):
                now = time.perf_counter_ns()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                ok = "/response" in self.path and b'"statusCode":200' in body
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                request_id = self.path.split("/invocation/")[-1].split("/")[0]
                with stub.lock:
                    if not ok:
                        stub.errors.append((self.path, body[:300]))
                    stub.answered[int(request_id.split("-")[1])] = now
                    stub.lock.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, events):
        with self.lock:
            self.events, self.served = events, 0
            self.first_next = None
            self.sent, self.answered, self.errors = {}, {}, []
            self.idle = self.closing = False

    def wait_idle(self, timeout=30):
        with self.lock:
            if not self.lock.wait_for(lambda: self.idle or self.errors, timeout=timeout):
                raise RuntimeError("the function did not come back for the next event")
            if self.errors:
                raise RuntimeError(f"bad answer: {self.errors[0]}")

    def release(self):
        with self.lock:
            self.closing = True
            self.lock.notify_all()


def bare():
    stub = Stub(stub_port)
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{stub_port}",
               AWS_LAMBDA_FUNCTION_NAME="webhook",
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
               AWS_LAMBDA_LOG_GROUP_NAME="/aws/lambda/webhook",
               AWS_LAMBDA_LOG_STREAM_NAME="cold-start")
    log = open(os.path.join(out_dir, "bare.log"), "wb")

    def one(events):
        stub.reset(events)
        t0 = time.perf_counter_ns()
        proc = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=log)
        try:
            stub.wait_idle()
        finally:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = status
            stub.release()
        return t0, usage

    init, first, cpu, rss = [], [], [], []
    for _ in range(runs + 1):  # the first run only warms the page cache
        t0, usage = one(1)
        init.append(ms(stub.first_next - t0))
        first.append(ms(stub.answered[0] - t0))
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        rss.append(usage.ru_maxrss / 1024)
    init, first, cpu, rss = init[1:], first[1:], cpu[1:], rss[1:]

    _, _ = one(warm_calls + 1)
    warm = [ms(stub.answered[i] - stub.sent[i]) for i in range(1, warm_calls + 1)]
    stub.server.shutdown()

    print(f"\nBare bootstrap ({binary}) against a stub Runtime API, {runs} cold starts\n")
    print("| measure | runs | min | median | p90 | max |\n|---|---|---|---|---|---|")
    print(row("spawn → first GET /next (init done), ms", init))
    print(row("spawn → first response POSTed (GET /health), ms", first))
    print(row("CPU time (user+sys) up to the first response, ms", cpu))
    print(row("peak RSS, MiB", rss))
    print(row("warm invocation: event handed out → response POSTed, ms", warm))


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def get_health(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter_ns()
    conn.request("GET", "/lambda-url/webhook/health")
    response = conn.getresponse()
    body = response.read()
    t1 = time.perf_counter_ns()
    conn.close()
    if response.status != 200 or b"ok" not in body:
        raise RuntimeError(f"GET /health answered {response.status}: {body[:300]!r}")
    return ms(t1 - t0)


def watch():
    cmd = [os.path.join(venv_bin, "cargo-lambda"), "lambda", "watch",
           "--invoke-address", "127.0.0.1", "--invoke-port", str(watch_port),
           "--ignore-changes", "--release"]
    first, warm, listen, cargo, compiled = [], [], [], [], 0
    for i in range(runs + 1):  # run 0 absorbs a build, if any
        log = open(os.path.join(out_dir, f"watch-{i}.log"), "wb")
        t0 = time.perf_counter_ns()
        proc = subprocess.Popen(cmd, cwd=root, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log, start_new_session=True)
        try:
            while not port_open(watch_port):
                if proc.poll() is not None:
                    raise RuntimeError(f"cargo lambda watch exited; see {log.name}")
                if time.perf_counter_ns() - t0 > 120e9:
                    raise RuntimeError("cargo lambda watch did not listen within 120 s")
                time.sleep(0.01)
            up = ms(time.perf_counter_ns() - t0)
            time.sleep(0.5)  # idle, as a developer's watch would be
            cold = get_health(watch_port)
            if i == 0:
                print(f"watch run 0 (discarded): first invocation {cold:.1f} ms", file=sys.stderr)
                continue
            log.flush()
            text = open(log.name, errors="replace").read()
            if "Compiling " in text:
                # Someone changed the sources meanwhile: not a cold start.
                compiled += 1
                continue
            listen.append(up)
            first.append(cold)
            finished = re.search(r"Finished `release` profile .* in ([0-9.]+)(m?s)", text)
            if finished:
                value = float(finished.group(1))
                cargo.append(value if finished.group(2) == "ms" else value * 1000)
            if not warm:
                warm = [get_health(watch_port) for _ in range(warm_calls)]
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            # cargo run and the function share the group; make sure it is gone.
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    os.killpg(proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                os.killpg(proc.pid, signal.SIGKILL)
            log.close()
    print(f"\ncargo lambda watch --release, GET /lambda-url/webhook/health, {runs} restarts\n")
    print("| measure | runs | min | median | p90 | max |\n|---|---|---|---|---|---|")
    print(row("watch start → invoke port open, ms", listen))
    print(row("first invocation (cargo run + spawn + init + handle), ms", first))
    if cargo:
        print(row("  of which cargo run's freshness check ('Finished … in'), ms", cargo))
    print(row("warm invocation (same watch, HTTP round trip), ms", warm))
    if compiled:
        print(f"\n{compiled} run(s) left out: cargo run compiled (sources changed meanwhile)")


if mode in ("bare", "all"):
    bare()
if mode in ("watch", "all"):
    watch()
PY

say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/python" "$DRIVER" "$MODE" "$BIN" "$OUT_DIR" "$RUNS" "$WARM_CALLS" \
  "$WATCH_PORT" "$STUB_PORT" "$VENV/bin" "$PARLO_ROOT"

printf '\nRelease bootstraps (x86_64, stripped)\n\n| binary | bytes | MiB |\n|---|---|---|\n'
for bin in webhook api turn reminders; do
  f="$TARGET_DIR/release/$bin"
  if [ -f "$f" ]; then
    size="$(stat -c %s "$f")"
    printf '| %s | %s | %s |\n' "$bin" "$size" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')"
  else
    printf '| %s | not built | |\n' "$bin"
  fi
done
