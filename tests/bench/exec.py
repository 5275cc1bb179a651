#!/usr/bin/python3
"""ECS Exec benchmark, run on demand (never by ctest): a session against `docker exec` straight
into the same container, side by side, on an ecslocal of its own (--instance bench-exec-<pid>).

1. Keystroke round trip: `cat` runs on a TTY in the task container; one character is typed at a
   time on the local pty and timed until the remote TTY's echo is back. Through `aws ecs
   execute-command --interactive --command cat` (the AWS CLI, ecslocal's session-manager-plugin,
   the SSM data channel, docker exec) and through `docker exec -it <container> cat`. Prints p50 and
   p99 of each and the ratio session/docker.
2. Output throughput: a command that writes N MiB of 'a' (no newline), read from the CLI's and
   from docker's stdout. Prints MiB/s of each and the ratio.

Everything stays on this machine (loopback, the task bridge ecslocal made); ecslocal removes its
containers itself at exit.

usage: tests/bench/exec.py [--keys N] [--mib N] [-- extra ecslocal args]
Needs: build/ecslocal and build/session-manager-plugin, /usr/bin/aws, boto3, a Docker daemon; root.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import BIN, DOCKER, IMAGE, client, default_subnet_network, start_ecslocal

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from harness.exec_session import PtySession  # noqa: E402

AWS = "/usr/bin/aws"
PLUGIN = str(Path(BIN).with_name("session-manager-plugin"))
TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def round_trips(session: PtySession, keys: int) -> list[float]:
    """Milliseconds from typing each character to its echo."""
    time.sleep(2.0)  # the session is up and `cat` runs (its start is not part of a keystroke)
    at = len(session.output)
    out = []
    for i in range(keys):
        ch = "abcdefghijklmnopqrstuvwxyz"[i % 26]
        started = time.perf_counter()
        session.type(ch)
        at = session.expect(ch, timeout=10, since=at)
        out.append((time.perf_counter() - started) * 1000)
    return out


def throughput(argv: list[str], env: dict[str, str], size: int) -> float:
    """MiB/s of `argv`'s output of `size` bytes of 'a'."""
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    elapsed = time.perf_counter() - started
    got = result.stdout.count(b"a" * 1024) * 1024
    assert got >= size - 1024, f"{argv[0]}: {got} of {size} bytes; stderr {result.stderr[-500:]!r}"
    return size / elapsed / (1 << 20)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--mib", type=int, default=50)
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    server, endpoint = start_ecslocal(f"bench-exec-{os.getpid()}", tuple(args.extra))
    plugin_dir = Path(tempfile.mkdtemp(prefix="bench-exec-"))
    (plugin_dir / "session-manager-plugin").symlink_to(PLUGIN)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               PATH=f"{plugin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    try:
        ecs, ec2, iam = client(endpoint, "ecs"), client(endpoint, "ec2"), client(endpoint, "iam")
        role = iam.create_role(RoleName="bench-exec", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        ecs.create_cluster(clusterName="bench")
        ecs.register_task_definition(
            family="exec", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
            taskRoleArn=role, containerDefinitions=[{"name": "app", "image": IMAGE, "stopTimeout": 2,
                                                     "command": ["sleep", "3600"]}])
        task = ecs.run_task(cluster="bench", taskDefinition="exec", launchType="FARGATE", enableExecuteCommand=True,
                            networkConfiguration=default_subnet_network(ec2, "us-east-1a"))["tasks"][0]["taskArn"]
        ecs.get_waiter("tasks_running").wait(cluster="bench", tasks=[task], WaiterConfig={"Delay": 1})
        container = ecs.describe_tasks(cluster="bench", tasks=[task])["tasks"][0]["containers"][0]["runtimeId"]
        cli = [AWS, "--endpoint-url", endpoint, "ecs", "execute-command", "--cluster", "bench", "--task", task,
               "--container", "app", "--interactive", "--command"]

        results = {}
        for name, argv in (("session", [*cli, "cat"]), ("docker exec", [DOCKER, "exec", "-it", container, "cat"])):
            session = PtySession(argv, env)
            try:
                results[name] = round_trips(session, args.keys)
            finally:
                session.close()
        size = args.mib << 20
        make = f"sh -c \"head -c {size} /dev/zero | tr '\\\\000' a\""
        rates = {"session": throughput([*cli, make], env, size),
                 "docker exec": throughput([DOCKER, "exec", container, "sh", "-c",
                                            f"head -c {size} /dev/zero | tr '\\000' a"], env, size)}

        print(f"keystroke round trip ({args.keys} keys):")
        for name, values in results.items():
            print(f"  {name:12s} p50 {statistics.median(values):7.2f} ms   p99 {percentile(values, 99):7.2f} ms")
        s, d = results["session"], results["docker exec"]
        print(f"  ratio session/docker exec: p50 {statistics.median(s) / statistics.median(d):.2f}x, "
              f"p99 {percentile(s, 99) / percentile(d, 99):.2f}x")
        print(f"output throughput ({args.mib} MiB):")
        for name, rate in rates.items():
            print(f"  {name:12s} {rate:8.1f} MiB/s")
        print(f"  ratio session/docker exec: {rates['session'] / rates['docker exec']:.2f}")
        ecs.stop_task(cluster="bench", task=task)
    finally:
        server.terminate()
        server.wait(60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
