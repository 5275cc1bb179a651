#!/usr/bin/python3
"""ALB data-plane benchmark, run on demand (never by ctest).

One target, three ways in, one wrk run each (wrk -t2 -c64 -d<seconds>s --latency, GET /):
  direct    straight to the target
  ecslocal  through an ALB of ecslocal: target group (ip, HTTP) with the target registered, an
            HTTP listener on the load balancer's own address (its DNSName), once the target is healthy
  nginx     through Debian's nginx as a reverse proxy: one worker, keep-alive upstream (keepalive 64,
            HTTP/1.1, Connection ""), access log off
Prints requests/s, p50 and p99 for each, the ratio ecslocal/nginx (target >= 0.8) and the p99
ecslocal adds over direct (target < 1 ms).

The target is a second nginx (one worker, `return 200` of a short body, keep-alive), so the proxies
are what is measured; `--target busybox` uses the busybox httpd container of the offline image
instead (ecslocal-test/busybox:latest, labelled and removed afterwards; it closes every connection,
so it measures connects rather than proxying). Everything listens on 127.0.0.1 (the ALB on its
127.255.x.y address); ecslocal runs with its own --instance name; every process started here is
stopped at exit, the temp directory removed.

With --runs N (default 1) the three runs are repeated N times, interleaved, and the table shows
each path's median run (by requests/s), which steadies the figures on a shared machine.

usage: tests/bench/alb.py [--seconds N] [--runs N] [--target nginx|busybox] [-- extra ecslocal args]
Needs: build/ecslocal (ECSLOCAL_BIN), wrk and nginx (apt-get install -y wrk nginx), boto3.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_common import BIN, IMAGE, client, docker, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LABEL = f"ecslocal-bench-alb={os.getpid()}"


def until(what: str, probe, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached within {timeout:.0f}s")
        time.sleep(interval)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def nginx_conf(work: Path, name: str, server_block: str) -> Path:
    root = work / name
    (root / "logs").mkdir(parents=True)
    conf = root / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {root}/body;
  proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi;
  uwsgi_temp_path {root}/uwsgi;
  scgi_temp_path {root}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
{server_block}
}}
""")
    return conf


def start_nginx(conf: Path, procs: list) -> None:
    p = subprocess.Popen([NGINX, "-p", str(conf.parent), "-c", str(conf)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    procs.append(p)
    time.sleep(0.2)
    if p.poll() is not None:
        raise RuntimeError(f"nginx ({conf}) exited: {p.stderr.read().decode(errors='replace')}")


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"not a wrk duration: {text}")
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(name: str, url: str, seconds: int, prefix: tuple[str, ...] = ()) -> dict:
    """`prefix`: what wrk runs under (e.g. nsenter into a task's network namespace)."""
    cmd = [*prefix, WRK, "-t2", "-c64", f"-d{seconds}s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    print(f"\n--- {name}: {' '.join(cmd)}")
    print("\n".join("    " + line for line in out.strip().splitlines()))
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    return {"name": name, "rps": rps, "p50": p50, "p99": p99, "errors": errors}


def start_target(kind: str, work: Path, procs: list) -> tuple[str, int]:
    """The target's address and port."""
    if kind == "busybox":
        name = f"ecslocal-bench-alb-{os.getpid()}"
        docker("run", "-d", "--rm", "--name", name, "--label", LABEL, IMAGE, "httpd", "-f", "-p", "8080",
               "-h", "/etc")
        ip = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)
        until("the busybox target answering", lambda: answers(f"http://{ip}:8080/hostname"), 20)
        return ip, 8080
    port = free_port()
    start_nginx(nginx_conf(work, "target", f"""
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{ default_type text/plain; return 200 "hello from the target\\n"; }}
  }}"""), procs)
    until("the target answering", lambda: answers(f"http://127.0.0.1:{port}/"), 10)
    return "127.0.0.1", port


def start_ecslocal(extra: list[str], procs: list) -> str:
    port = free_port()
    p = subprocess.Popen([BIN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warn", "--instance",
                          f"bench-alb-{os.getpid()}", *extra], stdin=subprocess.DEVNULL)
    procs.append(p)
    endpoint = f"http://127.0.0.1:{port}"
    until("ecslocal answering", lambda: answers(endpoint + "/_ecslocal/health"), 20)
    return endpoint


def create_alb(endpoint: str, target_ip: str, target_port: int) -> str:
    """The listener's URL (DNSName:port) once the target is healthy."""
    elbv2, ec2 = client(endpoint, "elbv2"), client(endpoint, "ec2")
    vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"])
    subnets = sorted(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc)[:2]
    tg = elbv2.create_target_group(Name="bench", Protocol="HTTP", Port=target_port, VpcId=vpc, TargetType="ip",
                                   HealthCheckPath="/", HealthCheckIntervalSeconds=5,
                                   HealthCheckTimeoutSeconds=2)["TargetGroups"][0]
    lb = elbv2.create_load_balancer(Name="bench", Subnets=subnets)["LoadBalancers"][0]
    elbv2.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]],
                                                     WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    listener_port = free_port()
    elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=listener_port,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
    elbv2.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": target_ip, "Port": target_port}])
    until("the target healthy", lambda: elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])[
        "TargetHealthDescriptions"][0]["TargetHealth"]["State"] == "healthy", 60, 0.2)
    url = f"http://{lb['DNSName']}:{listener_port}/"
    until("the listener answering", lambda: answers(url), 10)
    return url


def start_nginx_proxy(work: Path, target_ip: str, target_port: int, procs: list) -> str:
    port = free_port()
    start_nginx(nginx_conf(work, "proxy", f"""
  upstream target {{ server {target_ip}:{target_port}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{
      proxy_pass http://target;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}"""), procs)
    url = f"http://127.0.0.1:{port}/"
    until("nginx answering", lambda: answers(url), 10)
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5, choices=range(1, 31), metavar="1-30")
    parser.add_argument("--runs", type=int, default=1, choices=range(1, 10), metavar="1-9")
    parser.add_argument("--target", choices=["nginx", "busybox"], default="nginx")
    parser.add_argument("extra", nargs="*", help="extra ecslocal arguments (after --)")
    args = parser.parse_args()
    for tool in (BIN, NGINX, WRK):
        if not os.access(tool, os.X_OK):
            print(f"bench: {tool} not found (build ecslocal; apt-get install -y wrk nginx)", file=sys.stderr)
            return 1
    procs: list[subprocess.Popen] = []
    work = Path(tempfile.mkdtemp(prefix="ecslocal-bench-alb."))
    try:
        target_ip, target_port = start_target(args.target, work, procs)
        direct = f"http://{target_ip}:{target_port}/"
        alb = create_alb(start_ecslocal(args.extra, procs), target_ip, target_port)
        proxy = start_nginx_proxy(work, target_ip, target_port, procs)
        print(f"ALB benchmark: target {args.target} at {direct}; ALB {alb}; nginx {proxy}")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
              "(wrk, the proxies and the target share them; figures are noisy on a busy machine)")
        runs: dict[str, list[dict]] = {"direct": [], "ecslocal": [], "nginx": []}
        for _ in range(args.runs):
            for name, url in (("direct", direct), ("ecslocal", alb), ("nginx", proxy)):
                runs[name].append(wrk(name, url, args.seconds))
        results = [sorted(r, key=lambda x: x["rps"])[len(r) // 2] for r in runs.values()]
        for r in results:
            r["errors"] = sum(x["errors"] for x in runs[r["name"]])
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if args.target == "busybox":
            ids = docker("ps", "-aq", "--filter", f"label={LABEL}").split()
            if ids:
                docker("rm", "-f", *ids)
        shutil.rmtree(work, ignore_errors=True)
    by = {r["name"]: r for r in results}
    print("\n==================== ALB benchmark results ====================")
    if args.runs > 1:
        print(f"median of {args.runs} runs each; requests/s of every run: " +
              "; ".join(f"{n} " + " ".join(f"{x['rps']:.0f}" for x in v) for n, v in runs.items()))
    print(f"{'path':<10} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
    for r in results:
        print(f"{r['name']:<10} {r['rps']:>10.0f} {r['p50']:>9.3f} {r['p99']:>9.3f} {r['errors']:>7d}")
    ratio = by["ecslocal"]["rps"] / by["nginx"]["rps"]
    added = by["ecslocal"]["p99"] - by["direct"]["p99"]
    print(f"ecslocal/nginx requests/s: {ratio:.2f} (target >= 0.8: {'meets' if ratio >= 0.8 else 'MISSES'})")
    print(f"p99 added over direct: ecslocal {added:.3f} ms (target < 1 ms: {'meets' if added < 1 else 'MISSES'}), "
          f"nginx {by['nginx']['p99'] - by['direct']['p99']:.3f} ms")
    if any(r["errors"] for r in results):
        print("INVALID: errors during a run (see above)")
        return 1
    print("===============================================================")
    return 0


if __name__ == "__main__":
    sys.exit(main())
