#!/usr/bin/python3
"""Service benchmark, run on demand (never by ctest): the service scheduler with real containers.

  1. Self-heal: a stable service of 1; `docker kill` of its app container -> DescribeServices shows
     a replacement task RUNNING (polled every 20 ms). N rounds; min/median/max, target < 1.5 s.
  2. Scale 0 -> 20 until runningCount 20 with one deployment, against 20 tasks started by RunTask
     (two calls of count 10) until all are RUNNING: both times and their ratio.
  3. ecslocal's CPU while 50 services (desired 1 each) sit stable: utime+stime from
     /proc/<pid>/stat over a 20 s window, as % of one core; target < 2 %. Also its RSS.

Starts build/ecslocal (ECSLOCAL_BIN) on a free loopback port with its own instance name, uses the
offline image ecslocal-test/busybox:latest, removes everything it made (ecslocal stops and removes
its containers at exit; what is left is removed by label). Bounded: at most 50 tasks at once, every
wait has a time limit.
usage: tests/bench/services.py [rounds]   (default 5 rounds of 1.)
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

from bench_common import IMAGE, client, default_subnet_network, docker, start_ecslocal

INSTANCE = f"bench-svc-{os.getpid()}"
NETWORK: dict = {}  # a default subnet, looked up through EC2 in main()
# Exits at once on SIGTERM (a bare `sleep` as PID 1 would wait out stopTimeout), 137 on `docker kill`.
COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
IDLE_SERVICES = 50
IDLE_WINDOW_SECONDS = 20.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


def until(what: str, probe, timeout: float, interval: float = 0.02):
    deadline = time.perf_counter() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: not reached within {timeout:.0f}s")
        time.sleep(interval)


def cpu_seconds(pid: int) -> float:
    # /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the "(comm)" field.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Bench:
    def __init__(self, ecs):
        self.ecs = ecs

    def services(self, names: list[str]) -> list[dict]:
        out = []
        for i in range(0, len(names), 10):
            out += self.ecs.describe_services(cluster="bench", services=names[i:i + 10])["services"]
        return out

    def stable(self, names: list[str]) -> bool:
        return all(len(s["deployments"]) == 1 and s["runningCount"] == s["desiredCount"] and s["pendingCount"] == 0
                   for s in self.services(names))

    def create(self, name: str, desired: int) -> None:
        self.ecs.create_service(cluster="bench", serviceName=name, taskDefinition="bench", desiredCount=desired,
                                launchType="FARGATE", networkConfiguration=NETWORK)

    def service_task_arns(self, name: str) -> list[str]:
        pages = self.ecs.get_paginator("list_tasks").paginate(cluster="bench", serviceName=name)
        return [a for p in pages for a in p["taskArns"]]

    def delete_all(self, names: list[str], timeout: float = 120) -> None:
        for name in names:
            self.ecs.delete_service(cluster="bench", service=name, force=True)
        until("services INACTIVE", lambda: all(s["status"] == "INACTIVE" for s in self.services(names)), timeout, 0.2)

    def no_live_tasks(self) -> bool:
        arns = self.ecs.list_tasks(cluster="bench", desiredStatus="RUNNING", maxResults=100)["taskArns"]
        if arns:
            return False
        stopped = self.ecs.list_tasks(cluster="bench", desiredStatus="STOPPED", maxResults=100)["taskArns"]
        return not stopped or all(t["lastStatus"] == "STOPPED"
                                  for t in self.ecs.describe_tasks(cluster="bench", tasks=stopped)["tasks"])

    # 1. ---------------------------------------------------------------------------------------
    def self_heal(self, rounds: int) -> list[float]:
        self.create("heal", 1)
        until("heal stable", lambda: self.stable(["heal"]), 60)
        times, throttled = [], []
        for _ in range(rounds):
            [victim] = self.service_task_arns("heal")
            victim_id = victim.rsplit("/", 1)[1]
            container = docker("ps", "-q", "--filter", f"label=ecslocal.task-arn={victim}",
                               "--filter", "label=ecslocal.role=container")
            seen_events = {e["id"] for e in self.services(["heal"])[0]["events"]}
            start = time.perf_counter()
            docker("kill", container)

            def replaced():
                service = self.services(["heal"])[0]
                fresh = [e["message"] for e in service["events"] if e["id"] not in seen_events]
                started = [m for m in fresh if m.startswith("(service heal) has started 1 tasks: ")]
                # A replacement is only launched once the victim was seen stopped, so from then on
                # runningCount 1 is the replacement.
                return (service, fresh) if started and victim_id not in started[0] and service["runningCount"] == 1 else None
            _, fresh = until("a replacement RUNNING", replaced, 120)
            times.append(time.perf_counter() - start)
            throttled.append(any("unable to consistently start tasks" in m for m in fresh))
            until("heal stable again", lambda: self.stable(["heal"]), 60)
        if any(throttled):
            print(f"  note: the scheduler reported 'unable to consistently start tasks' after kill rounds "
                  f"{[i + 1 for i, t in enumerate(throttled) if t]} (back-off applied to tasks that had been RUNNING)")
        self.delete_all(["heal"])
        return times

    # 2. ---------------------------------------------------------------------------------------
    def scale_to_20(self) -> tuple[float, float]:
        self.create("wide", 0)
        until("wide stable at 0", lambda: self.stable(["wide"]), 30)
        start = time.perf_counter()
        self.ecs.update_service(cluster="bench", service="wide", desiredCount=20)

        def twenty():
            s = self.services(["wide"])[0]
            return s["runningCount"] == 20 and len(s["deployments"]) == 1
        until("runningCount 20", twenty, 180)
        service_time = time.perf_counter() - start
        self.ecs.update_service(cluster="bench", service="wide", desiredCount=0)
        until("wide back at 0", lambda: self.stable(["wide"]) and self.no_live_tasks(), 120, 0.2)
        self.delete_all(["wide"])

        start = time.perf_counter()
        arns = []
        for _ in range(2):
            out = self.ecs.run_task(cluster="bench", launchType="FARGATE", taskDefinition="bench", count=10,
                                    networkConfiguration=NETWORK)
            assert not out["failures"], out["failures"]
            arns += [t["taskArn"] for t in out["tasks"]]

        def all_running():
            tasks = self.ecs.describe_tasks(cluster="bench", tasks=arns)["tasks"]
            return all(t["lastStatus"] == "RUNNING" for t in tasks)
        until("20 RunTask tasks RUNNING", all_running, 180)
        run_time = time.perf_counter() - start
        for arn in arns:
            self.ecs.stop_task(cluster="bench", task=arn)
        until("RunTask tasks stopped", self.no_live_tasks, 120, 0.2)
        return service_time, run_time

    # 3. ---------------------------------------------------------------------------------------
    def idle_cpu(self, pid: int) -> tuple[float, float, float, float]:
        names = [f"idle-{i:02d}" for i in range(IDLE_SERVICES)]
        for name in names:
            self.create(name, 1)
        until(f"{IDLE_SERVICES} services stable", lambda: self.stable(names), 300, 0.5)
        time.sleep(2)  # let the last events and container housekeeping settle
        rss = rss_mb(pid)
        available = int(re.search(r"MemAvailable:\s+(\d+)", Path("/proc/meminfo").read_text())[1]) / 1024
        before, t0 = cpu_seconds(pid), time.perf_counter()
        time.sleep(IDLE_WINDOW_SECONDS)
        used, elapsed = cpu_seconds(pid) - before, time.perf_counter() - t0
        assert self.stable(names), "services left their steady state during the idle window"
        percent = 100 * used / elapsed
        self.delete_all(names, timeout=300)
        until("idle tasks stopped", self.no_live_tasks, 120, 0.5)
        return percent, used, rss, available


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not 1 <= rounds <= 20:
        print("rounds must be 1..20", file=sys.stderr)
        return 2
    server, endpoint = start_ecslocal(INSTANCE)
    try:
        ecs = client(endpoint, "ecs")
        NETWORK.update(default_subnet_network(client(endpoint, "ec2"), "us-east-1b"))
        ecs.create_cluster(clusterName="bench")
        ecs.register_task_definition(
            family="bench", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
            containerDefinitions=[{"name": "main", "image": IMAGE, "command": COMMAND, "stopTimeout": 2}])
        bench = Bench(ecs)
        # Warm-up: the network and the pause image exist from here on.
        out = ecs.run_task(cluster="bench", launchType="FARGATE", taskDefinition="bench", networkConfiguration=NETWORK)
        ecs.stop_task(cluster="bench", task=out["tasks"][0]["taskArn"])
        until("warm-up task stopped", bench.no_live_tasks, 60)

        heal = bench.self_heal(rounds)
        heal_ms = sorted(t * 1000 for t in heal)
        print(f"self-heal: docker kill -> replacement RUNNING ({rounds} rounds)")
        print(f"  min / median / max:                {heal_ms[0]:7.0f} / {statistics.median(heal_ms):.0f} / "
              f"{heal_ms[-1]:.0f} ms   (target < 1500 ms: median {statistics.median(heal_ms) / 1500:.2f} of it)")
        print(f"  each round, in order:              {' '.join(f'{t * 1000:.0f}' for t in heal)} ms")

        service_time, run_time = bench.scale_to_20()
        print(f"scale 0 -> 20 until runningCount 20: {service_time * 1000:7.0f} ms")
        print(f"RunTask 2 x count 10 -> all RUNNING: {run_time * 1000:7.0f} ms")
        print(f"ratio service / RunTask:             {service_time / run_time:7.2f}x")

        percent, used, rss, available = bench.idle_cpu(server.pid)
        print(f"{IDLE_SERVICES} stable services (desired 1 each), {IDLE_WINDOW_SECONDS:.0f} s window:")
        print(f"  ecslocal CPU:                      {percent:7.2f} % of one core ({used:.2f} s)   "
              f"(target < 2 %: {percent / 2:.2f} of it; resolution {1000 / CLK_TCK:.0f} ms)")
        print(f"  ecslocal RSS:                      {rss:7.1f} MB   (MemAvailable then: {available:.0f} MB)")
        print(f"ecslocal CPU for the whole run:      {cpu_seconds(server.pid):7.2f} s")
        print(f"load average: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=120)
        leftovers = docker("ps", "-aq", "--filter", f"label=ecslocal.instance={INSTANCE}")
        if leftovers:
            print(f"removing {len(leftovers.split())} containers ecslocal left behind", file=sys.stderr)
            docker("rm", "-f", *leftovers.split())
        networks = docker("network", "ls", "-q", "--filter", f"label=ecslocal.instance={INSTANCE}")
        if networks:
            docker("network", "rm", *networks.split())


if __name__ == "__main__":
    sys.exit(main())
