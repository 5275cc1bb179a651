#!/usr/bin/python3
"""CloudWatch and alarm benchmark (issue 11), run on demand (never by ctest). Three figures, each
against the issue's target (no peer emulator evaluates alarms on real metrics, and none is
installable offline, so the ratios are to the targets):

  idle cost    ecslocal's CPU (utime + stime from /proc, % of one core) over --seconds of real
               time while --services services of one busybox task each are sampled for AWS/ECS
               metrics and 2 alarms per service (CPU high and low, 60 s periods) are evaluated,
               at --time-scale 1 (real time). Target: under 2 % of a core.
  alarm delay  20 alarms on a high-resolution custom metric (Period 10, 1 of 1), fed a value that
               breaches in every other 10 s window: the time from each window's end to the
               alarm's StateUpdate (DescribeAlarmHistory timestamps, virtual = real at scale 1),
               median and max. Target: a few seconds (spec §1: the waiter's 200 s must suffice).
  store        PutMetricData of 10,000 series (1000 datums per call) in datapoints/s, then
               GetMetricData latency (100 MetricStat queries, 1 h, period 60) over that store,
               median and p99.

usage: tests/bench/cloudwatch.py [--seconds N] [--services N] [--skip-idle] [-- extra ecslocal args]
Loopback only; everything started here (ecslocal, its tasks) is stopped at exit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

from bench_common import IMAGE, client, default_subnet_network, start_ecslocal

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def until(what: str, probe, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached within {timeout:.0f}s")
        time.sleep(interval)
    return value


def idle_cost(endpoint: str, pid: int, services: int, seconds: int) -> float:
    ecs, cw, ec2 = client(endpoint, "ecs"), client(endpoint, "cloudwatch"), client(endpoint, "ec2")
    network = default_subnet_network(ec2, "us-east-1a")
    ecs.create_cluster(clusterName="bench")
    ecs.register_task_definition(family="idle", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
                                 memory="512", containerDefinitions=[{"name": "app", "image": IMAGE, "essential": True,
                                                                      "command": ["sleep", "3600"], "stopTimeout": 2}])
    for i in range(services):
        ecs.create_service(cluster="bench", serviceName=f"s{i}", taskDefinition="idle", desiredCount=1,
                           launchType="FARGATE", networkConfiguration=network)
        for kind, op, threshold in (("high", "GreaterThanThreshold", 70), ("low", "LessThanThreshold", 10)):
            cw.put_metric_alarm(AlarmName=f"s{i}-{kind}", Namespace="AWS/ECS", MetricName="CPUUtilization",
                                Dimensions=[{"Name": "ClusterName", "Value": "bench"}, {"Name": "ServiceName", "Value": f"s{i}"}],
                                Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=threshold,
                                ComparisonOperator=op)

    def all_running():
        arns = ecs.list_tasks(cluster="bench")["taskArns"]
        return len(arns) == services and all(
            t["lastStatus"] == "RUNNING" for i in range(0, len(arns), 100)
            for t in ecs.describe_tasks(cluster="bench", tasks=arns[i:i + 100])["tasks"])
    until(f"{services} tasks running", all_running, timeout=60 + 3 * services)
    time.sleep(5)  # let the launches' own work settle before measuring
    before, began = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    used = (cpu_seconds(pid) - before) / (time.monotonic() - began) * 100
    for i in range(services):
        ecs.delete_service(cluster="bench", service=f"s{i}", force=True)
    until("every task stopped", lambda: not ecs.list_tasks(cluster="bench")["taskArns"], timeout=120)
    return used


def alarm_delay(endpoint: str, seconds: int) -> list[float]:
    cw = client(endpoint, "cloudwatch")
    names = [f"delay-{i}" for i in range(20)]
    for name in names:
        cw.put_metric_alarm(AlarmName=name, Namespace="Bench", MetricName="Flip", Dimensions=[{"Name": "A", "Value": name}],
                            Statistic="Maximum", Period=10, EvaluationPeriods=1, Threshold=50,
                            ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
    began = datetime.now(timezone.utc)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = datetime.now(timezone.utc)
        value = 100.0 if (int(now.timestamp()) // 10) % 2 == 0 else 0.0
        cw.put_metric_data(Namespace="Bench", MetricData=[
            {"MetricName": "Flip", "Dimensions": [{"Name": "A", "Value": n}], "Value": value, "Timestamp": now,
             "StorageResolution": 1} for n in names])
        time.sleep(1)
    time.sleep(12)  # the last window's evaluation
    delays = []
    for name in names:
        items = cw.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate", StartDate=began,
                                          EndDate=datetime.now(timezone.utc) + timedelta(minutes=1))["AlarmHistoryItems"]
        for item in items:
            stamp = item["Timestamp"].timestamp()
            window_end = (stamp // 10) * 10  # the boundary the evaluation followed
            delays.append(stamp - window_end)
    return delays


def store(endpoint: str) -> tuple[float, list[float]]:
    cw = client(endpoint, "cloudwatch")
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    series = [(f"m{i % 100}", str(i // 100)) for i in range(10_000)]
    began, sent = time.monotonic(), 0
    for minute in range(3):
        stamp = now - timedelta(minutes=minute)
        for i in range(0, len(series), 1000):
            cw.put_metric_data(Namespace="Store", MetricData=[
                {"MetricName": m, "Dimensions": [{"Name": "Shard", "Value": d}], "Value": float(minute + j),
                 "Timestamp": stamp} for j, (m, d) in enumerate(series[i:i + 1000])])
            sent += 1000
    rate = sent / (time.monotonic() - began)
    latencies = []
    for k in range(20):
        queries = [{"Id": f"q{j}", "MetricStat": {"Metric": {"Namespace": "Store", "MetricName": f"m{j}",
                                                             "Dimensions": [{"Name": "Shard", "Value": str((j + k) % 100)}]},
                                                  "Period": 60, "Stat": "Average"}} for j in range(100)]
        t0 = time.monotonic()
        cw.get_metric_data(MetricDataQueries=queries, StartTime=now - timedelta(hours=1), EndTime=now + timedelta(minutes=1))
        latencies.append((time.monotonic() - t0) * 1000)
    return rate, latencies


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60, help="measurement window of the idle and delay runs (10-600)")
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--skip-idle", action="store_true", help="skip the run with real tasks")
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    if not 10 <= args.seconds <= 600 or not 1 <= args.services <= 200:
        parser.error("--seconds must be 10..600 and --services 1..200")
    server, endpoint = start_ecslocal(f"bench-cw-{os.getpid()}", tuple(args.extra))
    try:
        rows = []
        if not args.skip_idle:
            used = idle_cost(endpoint, server.pid, args.services, args.seconds)
            rows.append((f"CPU, {args.services} services + {2 * args.services} alarms", f"{used:.2f} % of a core",
                         "< 2 %", f"{used / 2:.2f}x"))
        delays = alarm_delay(endpoint, args.seconds)
        if delays:
            rows.append(("alarm delay after a period, median", f"{statistics.median(delays):.2f} s", "a few s", ""))
            rows.append(("alarm delay after a period, max", f"{max(delays):.2f} s", "< 10 s", f"{max(delays) / 10:.2f}x"))
        else:
            rows.append(("alarm delay", "no state change recorded", "", ""))
        rate, latencies = store(endpoint)
        rows.append(("PutMetricData, 10,000 series", f"{rate:,.0f} datapoints/s", "", ""))
        q = statistics.quantiles(latencies, n=100)
        rows.append(("GetMetricData, 100 queries, median", f"{statistics.median(latencies):.1f} ms", "", ""))
        rows.append(("GetMetricData, 100 queries, p99", f"{q[98]:.1f} ms", "", ""))
        width = max(len(r[0]) for r in rows)
        print(f"{'measure':<{width}}  {'ecslocal':>26}  {'target':>8}  ratio")
        for name, value, target, ratio in rows:
            print(f"{name:<{width}}  {value:>26}  {target:>8}  {ratio}")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
