-- wrk script: sends one ECS JSON 1.1 operation over and over, the way the AWS SDKs do.
-- Settings come from the environment (tests/bench/run.sh sets them):
--   ECS_BENCH_OPERATION  operation name, e.g. DescribeClusters
--   ECS_BENCH_BODY       JSON request body, e.g. {"clusters":["bench"]}
--   ECS_BENCH_REGION     region of the (unchecked) SigV4 scope; default us-east-1
-- At the end it prints one machine-readable line (BENCH ...) that run.sh reads.

local operation = os.getenv("ECS_BENCH_OPERATION")
if operation == nil or operation == "" then
  error("set ECS_BENCH_OPERATION to an ECS operation name")
end
local region = os.getenv("ECS_BENCH_REGION") or "us-east-1"

wrk.method = "POST"
wrk.path = "/"
wrk.body = os.getenv("ECS_BENCH_BODY") or "{}"
wrk.headers["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113." .. operation
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
-- ecslocal reads the access key and region from the credential scope; it does not check signatures.
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20240101/" .. region ..
  "/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" ..
  string.rep("0", 64)
wrk.headers["X-Amz-Date"] = "20240101T000000Z"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "http_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
