#!/usr/bin/python3
"""Start-up and memory benchmark, run on demand (never by ctest): prints figures, asserts nothing
about time.

  1. exec -> first 200 on /_ecslocal/health: median (and min/max) of N runs (default 10), once
     with --no-docker and once with Docker (unless --no-docker-runs). Measured with a raw socket
     poller: a connect + GET every 0.2 ms until the status line says 200, timed from just before
     the exec. `ecslocal --version` (exec to exit) is the floor of what a process costs here.
  2. RSS and threads idle (1 s after the first 200; --no-docker, then with Docker), and after
     1,000 RegisterTaskDefinition calls (one keep-alive connection; revisions of ten families).
  3. With --moto (or when `moto_server` is on PATH and --no-moto is not given): the same for moto's
     server, side by side (its first 200 is GET /moto-api/, its calls the same ECS requests).

Loopback only (127.0.0.1, a free port per run); every server is stopped (SIGTERM, then SIGKILL
after 10 s) before the next run. With Docker, each run has its own --instance label and ecslocal
removes what it made at exit.
usage: tests/bench/startup.py [--runs N] [--calls N] [--no-docker-runs] [--moto | --no-moto]
Environment: ECSLOCAL_BIN (default build/ecslocal).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import BIN, free_port

POLL_INTERVAL = 0.0002
START_TIMEOUT = 20.0
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/ecs/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


def health_is_200(port: int, path: str) -> bool:
    """One raw GET: True when the status line says 200; False when refused or not (yet) 200."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64)
            return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


class Server:
    """A server process on a free port: exec -> first 200 timed, stopped on exit."""

    def __init__(self, argv_for_port, health_path: str):
        self.port = free_port()
        self.health_path = health_path
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv_for_port(self.port), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while not health_is_200(self.port, health_path):
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"server exited with {self.proc.returncode} before answering:\n{err}")
            if time.perf_counter() - t0 > START_TIMEOUT:
                self.stop()
                raise TimeoutError(f"no 200 on {health_path} within {START_TIMEOUT:.0f}s")
            time.sleep(POLL_INTERVAL)
        self.ready_ms = (time.perf_counter() - t0) * 1000

    def status(self) -> dict[str, float]:
        out = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key == "VmRSS":
                out["rss_mb"] = int(value.split()[0]) / 1024
            elif key == "Threads":
                out["threads"] = int(value)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def ecslocal_argv(docker: bool, instance: str):
    def argv(port: int) -> list[str]:
        out = [BIN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warn", "--instance", instance]
        return out if docker else out + ["--no-docker"]
    return argv


def moto_argv(port: int) -> list[str]:
    return [shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p", str(port)]


def register_task_definitions(port: int, calls: int) -> float:
    """`calls` RegisterTaskDefinition requests on one keep-alive connection; seconds taken."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
               "Content-Type": "application/x-amz-json-1.1", "Authorization": AUTH,
               "X-Amz-Date": "20240101T000000Z"}
    t0 = time.perf_counter()
    for i in range(calls):
        body = {"family": f"bench-{i % 10}", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
                "cpu": "256", "memory": "512",
                "containerDefinitions": [{"name": "app", "image": "ecslocal-test/busybox:latest", "essential": True,
                                          "command": ["sleep", "3600"],
                                          "environment": [{"name": "N", "value": str(i)}]}]}
        conn.request("POST", "/", body=json.dumps(body), headers=headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"RegisterTaskDefinition {i}: HTTP {response.status} {payload[:300]!r}")
    conn.close()
    return time.perf_counter() - t0


def version_ms(runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([BIN, "--version"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def startup_runs(label: str, argv_for, health_path: str, runs: int) -> list[float]:
    times = []
    for i in range(runs):
        with Server(argv_for(i), health_path) as server:
            times.append(server.ready_ms)
    print(f"  {label:<28} median {statistics.median(times):7.1f} ms   "
          f"(min {min(times):.1f}, max {max(times):.1f}, {runs} runs)")
    return times


def memory(label: str, argv_for_port, health_path: str, calls: int) -> dict[str, float]:
    with Server(argv_for_port, health_path) as server:
        time.sleep(1.0)
        idle = server.status()
        seconds = register_task_definitions(server.port, calls)
        time.sleep(0.2)
        after = server.status()
    print(f"  {label:<28} idle {idle['rss_mb']:6.1f} MB, {idle['threads']:3d} threads;   "
          f"after {calls} RegisterTaskDefinition {after['rss_mb']:6.1f} MB, {after['threads']:3d} threads "
          f"({calls / seconds:,.0f} calls/s)")
    return {"idle_rss_mb": idle["rss_mb"], "idle_threads": idle["threads"], "after_rss_mb": after["rss_mb"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="start-ups per mode (1-50, default 10)")
    parser.add_argument("--calls", type=int, default=1000, help="RegisterTaskDefinition calls (1-5000)")
    parser.add_argument("--no-docker-runs", action="store_true", help="skip the start-ups with Docker")
    moto = parser.add_mutually_exclusive_group()
    moto.add_argument("--moto", action="store_true", help="also measure moto_server (fails when missing)")
    moto.add_argument("--no-moto", action="store_true", help="do not measure moto_server")
    args = parser.parse_args()
    if not 1 <= args.runs <= 50 or not 1 <= args.calls <= 5000:
        parser.error("--runs must be 1..50 and --calls 1..5000")
    if not os.access(BIN, os.X_OK):
        print(f"startup: {BIN} not found: build first, or set ECSLOCAL_BIN", file=sys.stderr)
        return 1
    with_moto = args.moto or (not args.no_moto and shutil.which("moto_server") is not None)
    if args.moto and shutil.which("moto_server") is None:
        print("startup: --moto given but moto_server is not on PATH", file=sys.stderr)
        return 1

    tag = os.getpid()
    print(f"ecslocal: {BIN}")
    print(f"  {'--version (exec to exit)':<28} median {version_ms(args.runs):7.1f} ms")
    print("exec -> first 200:")
    startup_runs("ecslocal --no-docker", lambda i: ecslocal_argv(False, f"bench-start-{tag}-n{i}"),
                 "/_ecslocal/health", args.runs)
    if not args.no_docker_runs:
        startup_runs("ecslocal (Docker)", lambda i: ecslocal_argv(True, f"bench-start-{tag}-d{i}"),
                     "/_ecslocal/health", args.runs)
    if with_moto:
        startup_runs("moto_server", lambda i: moto_argv, "/moto-api/", min(args.runs, 3))
    print("memory:")
    memory("ecslocal --no-docker", ecslocal_argv(False, f"bench-start-{tag}-m"), "/_ecslocal/health", args.calls)
    if not args.no_docker_runs:
        memory("ecslocal (Docker)", ecslocal_argv(True, f"bench-start-{tag}-md"), "/_ecslocal/health", args.calls)
    if with_moto:
        memory("moto_server", moto_argv, "/moto-api/", args.calls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
