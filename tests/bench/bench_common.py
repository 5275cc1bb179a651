"""What the benchmark scripts share: the ecslocal binary and the offline image, a free loopback
port, docker(), starting ecslocal with its own instance name, and boto3 clients for it."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("ECSLOCAL_BIN", str(ROOT / "build" / "ecslocal"))
DOCKER = "/usr/bin/docker"
IMAGE = "ecslocal-test/busybox:latest"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def docker(*args: str) -> str:
    return subprocess.run([DOCKER, *args], check=True, capture_output=True, text=True).stdout.strip()


def start_ecslocal(instance: str, extra_args: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    """ecslocal on a free loopback port under `instance` (with `extra_args`), once it answers its
    health route: the process and its endpoint URL."""
    port = free_port()
    server = subprocess.Popen([BIN, "--port", str(port), "--log-level", "warn", "--instance", instance, *extra_args],
                              stdin=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/_ecslocal/health", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    return server, endpoint


def client(endpoint: str, service: str):
    """A boto3 client for ecslocal (dummy credentials, us-east-1, no retries)."""
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"total_max_attempts": 1}))


def default_subnet_network(ec2, zone: str) -> dict:
    """The awsvpcConfiguration of the default subnet in `zone`, looked up through EC2."""
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                           {"Name": "availability-zone", "Values": [zone]}])["Subnets"][0]
    return {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]]}}
