#!/usr/bin/python3
"""Task benchmark, run on demand (never by ctest): real containers on the local Docker daemon.

  1. RunTask -> RUNNING (seen in DescribeTasks) of a one-container task, against a raw
     `docker run -d` of the same image plus a pause container joined to it: ratio, target <= 1.3x;
     with warm pause containers (`--pause-pool 2`, measured by a second ecslocal in the same run)
     target <= 0.7x.
  2. Ten tasks from one RunTask (count 10) until all are RUNNING: the time.
  3. `docker kill` of a task's container -> STOPPED in DescribeTasks: target < 300 ms.

Starts build/ecslocal (ECSLOCAL_BIN) on a free loopback port with its own instance name, uses the
offline image ecslocal-test/busybox:latest, removes everything it made. Bounded: a few dozen tasks.
usage: tests/bench/tasks.py [rounds]   (default 5 rounds of 1.)
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench_common import IMAGE, client, default_subnet_network, docker, start_ecslocal

INSTANCE = f"bench-{os.getpid()}"
NETWORK: dict = {}  # the default subnet of us-east-1a, looked up through EC2 in main()


def poll(ecs, arns: list[str], status: str, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        tasks = ecs.describe_tasks(cluster="bench", tasks=arns)["tasks"]
        if all(t["lastStatus"] == status for t in tasks):
            return time.perf_counter() - start
        time.sleep(0.005)
    raise TimeoutError(f"tasks not {status} after {timeout}s")


def raw_docker_run(pause_image: str) -> float:
    """The same work without ecslocal: a pause container, then the app joined to it, until running."""
    start = time.perf_counter()
    pause = docker("run", "-d", "--label", "ecslocal.bench=" + INSTANCE, pause_image)
    app = docker("run", "-d", "--label", "ecslocal.bench=" + INSTANCE, f"--network=container:{pause}", IMAGE,
                 "sleep", "3600")
    while docker("inspect", "-f", "{{.State.Running}}", app) != "true":
        time.sleep(0.005)
    elapsed = time.perf_counter() - start
    docker("rm", "-f", app, pause)
    return elapsed


def measure(rounds: int, pool: int) -> dict:
    """One ecslocal (with --pause-pool `pool`), its figures and the raw runs interleaved with them."""
    instance = f"{INSTANCE}-pool{pool}"
    server, endpoint = start_ecslocal(instance, ("--pause-pool", str(pool)))
    try:
        ecs = client(endpoint, "ecs")
        NETWORK.update(default_subnet_network(client(endpoint, "ec2"), "us-east-1a"))
        ecs.create_cluster(clusterName="bench")
        ecs.register_task_definition(
            family="bench", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
            containerDefinitions=[{"name": "main", "image": IMAGE, "command": ["sleep", "3600"], "stopTimeout": 2}])

        def run(count: int = 1) -> list[str]:
            out = ecs.run_task(cluster="bench", launchType="FARGATE", taskDefinition="bench", count=count,
                               networkConfiguration=NETWORK)
            return [t["taskArn"] for t in out["tasks"]]

        def stop(arns: list[str]) -> None:
            for arn in arns:
                ecs.stop_task(cluster="bench", task=arn)
            poll(ecs, arns, "STOPPED")

        stop(run())  # warm-up: network and pause image exist from here on (and the pool fills)
        pause_image = docker("images", "--filter", "reference=ecslocal/pause", "--format",
                             "{{.Repository}}:{{.Tag}}").splitlines()[0]
        ecs_times, raw_times, kill_times = [], [], []
        for _ in range(rounds):
            time.sleep(1.0)  # the pool refills between launches, as between a user's commands
            start = time.perf_counter()
            arns = run()
            poll(ecs, arns, "RUNNING")
            ecs_times.append(time.perf_counter() - start)
            container = docker("ps", "-q", "--filter", f"label=ecslocal.task-arn={arns[0]}",
                               "--filter", "label=ecslocal.role=container")
            start = time.perf_counter()
            docker("kill", container)
            poll(ecs, arns, "STOPPED")
            kill_times.append(time.perf_counter() - start)
            raw_times.append(raw_docker_run(pause_image))

        start = time.perf_counter()
        ten = run(10)
        poll(ecs, ten, "RUNNING", timeout=120)
        ten_time = time.perf_counter() - start
        stop(ten)
        return {"ecs": statistics.median(ecs_times) * 1000, "raw": statistics.median(raw_times) * 1000,
                "kill": statistics.median(kill_times) * 1000, "ten": ten_time * 1000}
    finally:
        server.terminate()
        server.wait(timeout=60)
        leftovers = docker("ps", "-aq", "--filter", "label=ecslocal.bench=" + INSTANCE)
        if leftovers:
            docker("rm", "-f", *leftovers.split())
        left = docker("ps", "-aq", "--filter", "label=ecslocal.instance=" + instance)
        if left:
            print(f"LEFT BEHIND by {instance}: {left.split()}", file=sys.stderr)


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not 1 <= rounds <= 20:
        print("rounds must be 1..20", file=sys.stderr)
        return 2
    cold = measure(rounds, 0)
    warm = measure(rounds, 2)
    for name, m, target in (("--pause-pool 0", cold, 1.30), ("--pause-pool 2", warm, 0.70)):
        print(f"[{name}]")
        print(f"  RunTask -> RUNNING (median of {rounds}):   {m['ecs']:7.0f} ms")
        print(f"  raw docker run pause + app (median):  {m['raw']:7.0f} ms")
        print(f"  ratio ecslocal / raw docker:          {m['ecs'] / m['raw']:7.2f}x   (target <= {target:.2f}x)")
        print(f"  RunTask count=10 -> all RUNNING:      {m['ten']:7.0f} ms")
        print(f"  docker kill -> STOPPED (median):      {m['kill']:7.0f} ms   "
              f"(target < 300 ms: {m['kill'] / 300:.2f} of it)")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
