"""Fixtures of the e2e tier: one ecslocal per pytest session, state reset before every test,
the real AWS CLI v2 (`aws`) and boto3 (`ecs`) pointed at it, every response shape-checked."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from harness import boto, cli, raw_http
from harness.server import EcslocalServer

DATA_DIR = Path(__file__).parent / "data"


def pytest_report_header(config):
    return f"ecslocal: {os.environ.get('ECSLOCAL_BIN', '(ECSLOCAL_BIN not set)')}; aws: {cli.AWS_CLI}"


@pytest.fixture(scope="session")
def client_env(tmp_path_factory) -> dict[str, str]:
    """Dummy credentials and empty AWS config files, for the CLI and for boto3 in this process."""
    env = cli.cli_env(tmp_path_factory.mktemp("aws-home"))
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    yield env
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def server_args() -> tuple[str, ...]:
    """Extra ecslocal flags; a test file overrides this session fixture for its own server
    (e.g. `--time-scale 20`)."""
    return ()


@pytest.fixture(scope="session")
def server(tmp_path_factory, client_env, server_args) -> EcslocalServer:
    binary = os.environ.get("ECSLOCAL_BIN")
    if not binary:
        pytest.exit("ECSLOCAL_BIN must name the ecslocal binary (ctest sets it)", returncode=4)
    log = tmp_path_factory.mktemp("ecslocal") / "ecslocal.log"
    srv = EcslocalServer(binary, log, extra_args=server_args)
    srv.start()
    yield srv
    code = srv.stop()
    assert code == 0, f"ecslocal exited with {code} after SIGTERM; log:\n{srv.log_tail()}"
    # At exit ecslocal stops and removes what it made: nothing of this instance may remain.
    for kind in ("ps -a", "network ls", "volume ls"):
        left = subprocess.run(["/usr/bin/docker", *kind.split(), "-q", "--filter",
                               f"label=ecslocal.instance={srv.instance}"],
                              capture_output=True, text=True, check=True).stdout.split()
        assert left == [], f"docker {kind}: ecslocal left {left} behind; log:\n{srv.log_tail()}"
    left = leftover_shared_networks()
    assert left == [], f"shared networks nobody uses were left behind: {left}; log:\n{srv.log_tail()}"


def docker_json(*args: str) -> list:
    """`docker ... inspect` output; [] when the object is gone by now."""
    done = subprocess.run(["/usr/bin/docker", *args], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else []


def leftover_shared_networks() -> list[str]:
    """Networks carrying ecslocal.shared=true (the default VPC's bridge, every VPC's) belong to no
    instance: the last user removes them. One still in use by another ecslocal is fine; one nobody
    uses is a leak when no other ecslocal runs on the daemon (none could be about to use it)."""
    names = subprocess.run(["/usr/bin/docker", "network", "ls", "-q", "--filter", "label=ecslocal.shared=true"],
                           capture_output=True, text=True, check=True).stdout.split()
    if not names:
        return []
    others_alive = subprocess.run(["/usr/bin/docker", "ps", "-q", "--filter", "label=ecslocal.role=lock"],
                                  capture_output=True, text=True, check=True).stdout.split()
    if others_alive:
        return []
    unused = []
    for name in names:
        for network in docker_json("network", "inspect", name):
            if not network.get("Containers"):
                unused.append(network["Name"])
    return unused


@pytest.fixture(autouse=True)
def fresh_state(server):
    """Every test starts from an empty ecslocal and must leave it running."""
    server.reset()
    yield
    assert server.alive(), f"ecslocal died during the test; log:\n{server.log_tail()}"


@pytest.fixture
def aws(server, client_env) -> cli.AwsCli:
    """`aws("ecs list-clusters")`: the real CLI, run from tests/e2e/data (so file://taskdef.json works)."""
    return cli.AwsCli(server.endpoint, client_env, DATA_DIR)


@pytest.fixture
def ecs(server, client_env):
    """A boto3 ECS client for account 000000000000 (access key `test`) in us-east-1."""
    return boto.make_client(server.endpoint)


@pytest.fixture
def logs(server, client_env):
    """A boto3 CloudWatch Logs client (account 000000000000, us-east-1)."""
    return boto.make_client(server.endpoint, service="logs")


@pytest.fixture
def cloudwatch(server, client_env):
    """A boto3 CloudWatch client (account 000000000000, us-east-1)."""
    return boto.make_client(server.endpoint, service="cloudwatch")


@pytest.fixture
def ecs_client(server, client_env):
    """Factory for boto3 ECS clients with another access key (→ account) or region."""
    def make(access_key: str = "test", region: str = "us-east-1"):
        return boto.make_client(server.endpoint, access_key=access_key, region=region)
    return make


@pytest.fixture
def raw(server):
    """POST a hand-made request to ecslocal: raw(body, target=..., content_type=..., access_key=...)."""
    def post(body, **kwargs) -> raw_http.RawReply:
        return raw_http.post(server.endpoint, body, **kwargs)
    return post


@pytest.fixture
def taskdef_path() -> Path:
    return DATA_DIR / "taskdef.json"
