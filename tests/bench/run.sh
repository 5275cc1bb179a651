#!/usr/bin/env bash
# ecslocal benchmark: run on demand, never by ctest. Prints figures and their ratio to the targets:
#   throughput >= 20,000 requests/s, p99 latency < 5 ms, idle RSS < 20 MB.
#
# It starts build/ecslocal on a free 127.0.0.1 port (--log-level warn), creates a cluster and
# registers a Fargate task definition over HTTP, reads the idle RSS, then drives
#   wrk -t2 -c64 -d10s --latency -s tests/bench/ecs_post.lua
# once for DescribeClusters and once for DescribeTaskDefinition. Loopback only; the server is
# killed on exit. Extra arguments go to ecslocal, e.g.  tests/bench/run.sh --io-threads 2
# Environment: ECSLOCAL_BIN (default build/ecslocal), BENCH_SECONDS (per run, 1-30, default 10).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${ECSLOCAL_BIN:-$ROOT/build/ecslocal}"
LUA="$ROOT/tests/bench/ecs_post.lua"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
THREADS=2
CONNECTIONS=64
TARGET_RPS=20000
TARGET_P99_MS=5
TARGET_RSS_MB=20
PY=/usr/bin/python3

die() {
  printf 'bench: ERROR: %s\n' "$*" >&2
  exit 1
}

if ! [[ "$SECONDS_PER_RUN" =~ ^[0-9]+$ ]] || ((SECONDS_PER_RUN < 1 || SECONDS_PER_RUN > 30)); then
  die "BENCH_SECONDS must be 1..30"
fi
[[ -x "$BIN" ]] || die "$BIN not found: build first (.ci/build), or set ECSLOCAL_BIN"
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
command -v curl >/dev/null || die "curl not found (apt-get install curl)"
[[ -x "$PY" ]] || die "$PY not found (apt-get install python3)"

WORK="$(mktemp -d /tmp/ecslocal-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server: ecslocal on a port nobody listened on a moment ago (the kernel's pick); returns 1
# when it exits or stays silent, e.g. because another process took that port in between.
start_server() {
  PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  URL="http://127.0.0.1:$PORT/"
  "$BIN" --host 127.0.0.1 --port "$PORT" --log-level warn "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "${URL}_ecslocal/health" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  kill "$SERVER_PID" 2>/dev/null || true
  return 1
}

for attempt in 1 2 3; do
  start_server "$@" && break
  cat "$WORK/server.log" >&2
  ((attempt < 3)) || die "ecslocal did not start (log above)"
done

AUTH="AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=$(printf '0%.0s' {1..64})"

# ecs_call OPERATION BODY: prints the HTTP status; the response body is left in $WORK/body.
ecs_call() {
  curl -sS -o "$WORK/body" -w '%{http_code}' -X POST "$URL" \
    -H "X-Amz-Target: AmazonEC2ContainerServiceV20141113.$1" \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H "Authorization: $AUTH" -H 'X-Amz-Date: 20240101T000000Z' \
    --data-binary "$2"
}

# ecs_expect_ok OPERATION BODY: stops the benchmark unless the call answers 200.
ecs_expect_ok() {
  local status
  status="$(ecs_call "$1" "$2")"
  if [[ "$status" != "200" ]]; then
    printf 'bench: %s answered HTTP %s: %s\n' "$1" "$status" "$(head -c 400 "$WORK/body")" >&2
    die "cannot benchmark until $1 works"
  fi
}

rss_kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$SERVER_PID/status"; }

ecs_expect_ok CreateCluster '{"clusterName":"bench"}'
ecs_expect_ok RegisterTaskDefinition '{
  "family": "bench",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [{
    "name": "app",
    "image": "ecslocal-test/busybox:latest",
    "essential": true,
    "command": ["httpd", "-f", "-p", "8080"],
    "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]
  }]
}'
sleep 1
IDLE_RSS_KB="$(rss_kb VmRSS)"

# bench NAME BODY: one wrk run; appends "NAME rps p50_ms p99_ms errors" to $WORK/results.
bench() {
  local name=$1 body=$2 out="$WORK/wrk-$1.txt" line
  ecs_expect_ok "$name" "$body"
  printf '\n--- %s  (wrk -t%d -c%d -d%ds --latency)\n' "$name" "$THREADS" "$CONNECTIONS" "$SECONDS_PER_RUN"
  ECS_BENCH_OPERATION="$name" ECS_BENCH_BODY="$body" \
    timeout $((SECONDS_PER_RUN + 20)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency \
    -s "$LUA" "$URL" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $name"; }
  grep -v '^BENCH ' "$out" | sed 's/^/    /'
  line="$(grep '^BENCH ' "$out")" || die "wrk printed no BENCH line for $name"
  awk -v name="$name" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s %.1f %.3f %.3f %d\n", name, v["requests"] / (v["duration_us"] / 1e6),
             v["p50_us"] / 1000, v["p99_us"] / 1000, v["http_errors"] + v["socket_errors"]
    }' <<<"$line" >>"$WORK/results"
}

printf 'ecslocal benchmark: %s on %s; targets >= %d req/s, p99 < %d ms, idle RSS < %d MB\n' \
  "$("$BIN" --version 2>/dev/null || echo ecslocal)" "$URL" "$TARGET_RPS" "$TARGET_P99_MS" "$TARGET_RSS_MB"
printf 'machine: %d CPUs, load average %s (wrk shares the CPUs; figures are noisy on a busy machine)\n' \
  "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
bench DescribeClusters '{"clusters":["bench"]}'
bench DescribeTaskDefinition '{"taskDefinition":"bench:1"}'
PEAK_RSS_KB="$(rss_kb VmHWM)"

printf '\n==================== ecslocal benchmark results ====================\n'
printf '%-24s %10s %9s %9s %7s %12s %10s\n' operation 'req/s' 'p50 ms' 'p99 ms' errors 'rps/target' 'p99/target'
awk -v rps_t="$TARGET_RPS" -v p99_t="$TARGET_P99_MS" '{
    verdict = ($2 >= rps_t && $4 < p99_t && $5 == 0) ? "meets targets" : "MISSES a target"
    if ($5 > 0) verdict = "INVALID: errors during the run"
    printf "%-24s %10.0f %9.3f %9.3f %7d %12.2f %10.2f  %s\n", $1, $2, $3, $4, $5, $2 / rps_t, $4 / p99_t, verdict
  }' "$WORK/results"
awk -v idle="$IDLE_RSS_KB" -v peak="$PEAK_RSS_KB" -v t="$TARGET_RSS_MB" 'BEGIN {
    printf "idle RSS %.1f MB = %.2f x the %d MB target (%s); peak RSS after load %.1f MB\n",
           idle / 1024, idle / 1024 / t, t, (idle / 1024 < t) ? "meets target" : "MISSES target", peak / 1024
  }'
printf '====================================================================\n'
