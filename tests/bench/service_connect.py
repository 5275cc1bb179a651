#!/usr/bin/python3
"""Service Connect benchmark, run on demand (never by ctest).

Two figures, on real tasks of an ecslocal of its own (--instance bench-sc-<pid>):

1. Throughput through a Service Connect alias against straight to the task: a `server` service
   (named port http:8080, client alias server:80) and a client-only `client` service in one HTTP
   namespace. The target is Debian's nginx (one worker, `return 200`, keep-alive) started inside
   the server task's network namespace (nsenter), so the proxy is what is measured; wrk runs inside
   the client task's network namespace, once to <server task IP>:8080 (direct) and once to the
   alias's virtual address :80 (through the task's proxy). Prints requests/s, p50 and p99 of each
   and the ratio alias/direct (target >= 0.8).
2. Time from a task's RUNNING to its name answering elsewhere: an `ident` service (busybox httpd
   answering its own address, alias ident:81) is scaled up one task at a time; from the moment
   DescribeTasks shows the new task RUNNING, a loop in the client's namespace asks the alias until
   the new address answers. Prints each delay and the worst (target < 1 s).

Everything stays on this machine: loopback, the task bridge ecslocal made, namespaces of tasks it
started. Every process started here is stopped at exit; ecslocal removes its containers itself.

usage: tests/bench/service_connect.py [--seconds N] [--samples N] [-- extra ecslocal args]
Needs: build/ecslocal (ECSLOCAL_BIN), wrk and nginx (apt-get install -y wrk nginx), nsenter, boto3; root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alb import NGINX, WRK, nginx_conf, until, wrk
from bench_common import BIN, IMAGE, client, docker, start_ecslocal

NSENTER = shutil.which("nsenter") or "/usr/bin/nsenter"
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
IDENT = ["sh", "-c", "mkdir -p /www && ip -4 -o addr show dev $(ip route | awk '/^default/ {print $5}')"
         " | awk '{print $4}' | cut -d/ -f1 | head -n1 > /www/index.html && httpd -f -p 8080 -h /www"
         " & trap 'exit 0' TERM; wait"]


def register(ecs, family: str, command: list[str], port_name: str | None) -> None:
    container = {"name": "app", "image": IMAGE, "essential": True, "command": command, "stopTimeout": 2}
    if port_name:
        container["portMappings"] = [{"containerPort": 8080, "name": port_name}]
    ecs.register_task_definition(family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
                                 cpu="256", memory="512", containerDefinitions=[container])


def service(ecs, network: dict, name: str, count: int, sc: dict) -> None:
    ecs.create_service(cluster="bench", serviceName=name, taskDefinition=name, desiredCount=count,
                       launchType="FARGATE", networkConfiguration=network, serviceConnectConfiguration=sc)


def running_tasks(ecs, name: str) -> list[dict]:
    arns = ecs.list_tasks(cluster="bench", serviceName=name)["taskArns"]
    described = ecs.describe_tasks(cluster="bench", tasks=arns)["tasks"] if arns else []
    return [t for t in described if t["lastStatus"] == "RUNNING"]


def ip_of(task: dict) -> str:
    return next(d["value"] for d in task["attachments"][0]["details"] if d["name"] == "privateIPv4Address")


def pause_pid(task_arn: str) -> str:
    ids = docker("ps", "-q", "--filter", f"label=ecslocal.task-arn={task_arn}", "--filter",
                 "label=ecslocal.role=pause").split()
    return docker("inspect", "-f", "{{.State.Pid}}", ids[0])


def in_task(pid: str, *argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([NSENTER, "-t", pid, "-n", *argv], capture_output=True, text=True, **kwargs)


def alias_address(pid: str, port: int) -> str:
    """The virtual address the proxy of the task listens on for `port` (from /proc/net/tcp)."""
    with open(f"/proc/{pid}/net/tcp") as table:
        for line in table.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                octets = [str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)]
                if octets[:2] == ["127", "255"]:
                    return ".".join(octets)
    raise RuntimeError(f"no proxy listener on port {port} in task namespace of pid {pid}")


GET_LOOP = """
import sys, time, urllib.request
url, wanted, deadline = sys.argv[1], sys.argv[2], time.time() + 20
while time.time() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            if r.read().decode().strip() == wanted:
                print(time.time()); sys.exit(0)
    except OSError:
        pass
    time.sleep(0.005)
sys.exit(1)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5, choices=range(1, 31), metavar="1-30")
    parser.add_argument("--samples", type=int, default=5, choices=range(1, 11), metavar="1-10")
    parser.add_argument("extra", nargs="*", help="extra ecslocal arguments (after --)")
    args = parser.parse_args()
    for tool in (BIN, NGINX, WRK, NSENTER):
        if not os.access(tool, os.X_OK):
            print(f"bench: {tool} not found (build ecslocal; apt-get install -y wrk nginx)", file=sys.stderr)
            return 1
    work = Path(tempfile.mkdtemp(prefix="ecslocal-bench-sc."))
    procs: list[subprocess.Popen] = []
    server, endpoint = start_ecslocal(f"bench-sc-{os.getpid()}", tuple(args.extra))
    results: dict = {}
    delays: list[float] = []
    try:
        ecs, ec2, sd = client(endpoint, "ecs"), client(endpoint, "ec2"), client(endpoint, "servicediscovery")
        sd.create_http_namespace(Name="bench")
        ecs.create_cluster(clusterName="bench", serviceConnectDefaults={"namespace": "bench"})
        subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
        network = {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "assignPublicIp": "DISABLED"}}
        register(ecs, "server", SLEEPER, "http")
        register(ecs, "ident", IDENT, "ident")
        register(ecs, "client", SLEEPER, None)
        service(ecs, network, "server", 1, {"enabled": True, "services": [
            {"portName": "http", "clientAliases": [{"port": 80, "dnsName": "server"}]}]})
        service(ecs, network, "ident", 1, {"enabled": True, "services": [
            {"portName": "ident", "clientAliases": [{"port": 81, "dnsName": "ident"}]}]})
        [target] = until("the server task running", lambda: running_tasks(ecs, "server") or None, 60, 0.1)
        until("the ident task running", lambda: running_tasks(ecs, "ident") or None, 60, 0.1)
        service(ecs, network, "client", 1, {"enabled": True})
        [client_task] = until("the client task running", lambda: running_tasks(ecs, "client") or None, 60, 0.1)

        # nginx inside the server task's namespace, on its containerPort.
        conf = nginx_conf(work, "target", """
  server {
    listen 0.0.0.0:8080 backlog=4096;
    location / { default_type text/plain; return 200 "hello from the server task\\n"; }
  }""")
        procs.append(subprocess.Popen([NSENTER, "-t", pause_pid(target["taskArn"]), "-n", NGINX, "-p", str(conf.parent),
                                       "-c", str(conf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        pid = pause_pid(client_task["taskArn"])
        vip = alias_address(pid, 80)
        direct, alias = f"http://{ip_of(target)}:8080/", f"http://{vip}:80/"
        until("nginx answering through the alias", lambda: in_task(pid, "python3", "-c", GET_LOOP, alias,
                                                                      "hello from the server task").returncode == 0, 30)
        print(f"Service Connect benchmark: direct {direct}, alias {alias} (from the client task's namespace)")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        for name, url in (("direct", direct), ("alias", alias)):
            results[name] = wrk(name, url, args.seconds, prefix=(NSENTER, "-t", pid, "-n"))

        # RUNNING → answering through the alias from the client task.
        ident_vip = alias_address(pid, 81)
        for n in range(args.samples):
            before = {t["taskArn"] for t in running_tasks(ecs, "ident")}
            ecs.update_service(cluster="bench", service="ident", desiredCount=len(before) + 1)
            new = until("the new ident task running", lambda: [t for t in running_tasks(ecs, "ident")
                                                               if t["taskArn"] not in before] or None, 60, 0.02)[0]
            seen_running = time.time()
            done = in_task(pid, "python3", "-c", GET_LOOP, f"http://{ident_vip}:81/", ip_of(new), timeout=30)
            if done.returncode != 0:
                print(f"sample {n + 1}: the new task never answered through the alias within 20 s")
                return 1
            delays.append(float(done.stdout.strip()) - seen_running)
            print(f"sample {n + 1}: RUNNING → answering through ident:81 in {delays[-1] * 1000:.0f} ms")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    print("\n================ Service Connect benchmark results ================")
    print(f"{'path':<8} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
    for r in results.values():
        print(f"{r['name']:<8} {r['rps']:>10.0f} {r['p50']:>9.3f} {r['p99']:>9.3f} {r['errors']:>7d}")
    ratio = results["alias"]["rps"] / results["direct"]["rps"]
    print(f"alias/direct requests/s: {ratio:.2f} (target >= 0.8: {'meets' if ratio >= 0.8 else 'MISSES'}); "
          f"p99 added {results['alias']['p99'] - results['direct']['p99']:.3f} ms")
    worst = max(delays)
    print(f"RUNNING → answering elsewhere: median {sorted(delays)[len(delays) // 2] * 1000:.0f} ms, worst "
          f"{worst * 1000:.0f} ms over {len(delays)} tasks (target < 1 s: {'meets' if worst < 1 else 'MISSES'})")
    print("===================================================================")
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
