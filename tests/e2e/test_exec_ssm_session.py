"""ECS Exec's data channel driven by an independent client: the npm package ssm-session (a
JavaScript implementation of the SSM data channel, written without ecslocal in mind) over the npm
package ws, in tests/e2e/node/ssm_session_client.mjs. It has the quirks of spec §5.6: no handshake
response, NUL-padded message types, wrong digests, acknowledgements with their own sequence numbers
and flags; the server must still run the command, stream its output and close the channel.

Needs node and the packages .ci/setup installs (ECSLOCAL_NODE_MODULES, else
/var/cache/ecslocal/node-exec/node_modules): without them the tests fail, they never skip."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from harness import boto

IMAGE = "ecslocal-test/busybox:latest"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
CLIENT = Path(__file__).parent / "node" / "ssm_session_client.mjs"
DEFAULT_MODULES = "/var/cache/ecslocal/node-exec/node_modules"

pytestmark = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")


@pytest.fixture(autouse=True)
def fresh_state(server):
    """The tests of this file share one task: one reset, in setup."""
    yield
    assert server.alive(), f"ecslocal died during the test; log:\n{server.log_tail()}"


@pytest.fixture(scope="module")
def node_client() -> dict:
    """The node binary and the environment ssm_session_client.mjs needs; a failure (not a skip)
    when either is missing."""
    node = shutil.which("node")
    modules = os.environ.get("ECSLOCAL_NODE_MODULES") or DEFAULT_MODULES
    if not node:
        pytest.fail("node is not on PATH: run .ci/setup (it installs nodejs and npm)", pytrace=False)
    for package in ("ssm-session", "ws"):
        if not (Path(modules) / package / "package.json").is_file():
            pytest.fail(f"the npm package {package} is not in {modules}: run .ci/setup "
                        "(or set ECSLOCAL_NODE_MODULES to a node_modules folder holding ssm-session and ws)",
                        pytrace=False)
    env = dict(os.environ)
    env["ECSLOCAL_NODE_MODULES"] = modules
    return {"node": node, "env": env}


@pytest.fixture(scope="module")
def setup(server, client_env, node_client):
    server.reset()
    ecs = boto.make_client(server.endpoint)
    ec2 = boto.make_client(server.endpoint, service="ec2")
    iam = boto.make_client(server.endpoint, service="iam")
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    role = iam.create_role(RoleName="exec-node-task-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    ecs.create_cluster(clusterName="exec-node")
    definition = ecs.register_task_definition(
        family="exec-node", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        taskRoleArn=role, containerDefinitions=[{"name": "app", "image": IMAGE, "essential": True, "stopTimeout": 2,
                                                 "command": ["sleep", "3600"]}])["taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(cluster="exec-node", taskDefinition=definition, launchType="FARGATE", enableExecuteCommand=True,
                        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]],
                                                                      "assignPublicIp": "DISABLED"}})["tasks"][0]["taskArn"]
    ecs.get_waiter("tasks_running").wait(cluster="exec-node", tasks=[task], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield {"ecs": ecs, "ssm": boto.make_client(server.endpoint, service="ssm"), "task": task, **node_client}


def open_session(setup, command: str) -> dict:
    """ExecuteCommand's `session`: sessionId, streamUrl, tokenValue."""
    return setup["ecs"].execute_command(cluster="exec-node", task=setup["task"], container="app", command=command,
                                        interactive=True)["session"]


def client_argv(setup, session: dict, text: str, *extra: str) -> list[str]:
    ticket = {k: session[k] for k in ("sessionId", "streamUrl", "tokenValue")}
    return [setup["node"], str(CLIENT), json.dumps(ticket), text, *extra]


def summary_of(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert lines, f"the node client printed no summary; stdout:\n{stdout}"
    return json.loads(lines[-1])


def test_a_shell_runs_what_ssm_session_types_and_reports_its_exit_code(setup):
    session = open_session(setup, "/bin/sh")
    done = subprocess.run(client_argv(setup, session, "echo from-$((40+2))-node; exit 4\r"), env=setup["env"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"the node client exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    summary = summary_of(done.stdout)
    print(json.dumps(summary))
    assert "from-42-node" in summary["output"], summary
    assert summary["closed"] is True, summary
    closed = summary["closedPayload"]
    assert isinstance(closed, dict), summary
    assert closed["SessionId"] == session["sessionId"]
    assert closed["ExitCode"] == 4
    assert closed["MessageType"] == "channel_closed"
    assert closed["DestinationId"].startswith("ecs:exec-node_")


def test_the_size_ssm_session_sends_first_reaches_the_terminal(setup):
    # ssm-session's Size is its seq 0 with Flags 1, sent right after the token. The pause: Docker
    # before API 1.42 ignores an exec's ConsoleSize, the server's resize then comes just after the start.
    session = open_session(setup, "sh -c 'sleep 1; stty size'")
    done = subprocess.run(client_argv(setup, session, "\r"), env=setup["env"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, f"the node client exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    summary = summary_of(done.stdout)
    print(json.dumps(summary))
    assert "24 80" in summary["output"], summary
    assert summary["closed"] is True and summary["closedPayload"]["ExitCode"] == 0, summary


def test_terminate_session_ends_what_ssm_session_cannot(setup):
    session = open_session(setup, "cat")
    client = subprocess.Popen(client_argv(setup, session, "typed-by-node\r", "terminate-after-output"),
                              env=setup["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in client.stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    stdout = ""
    try:
        while True:
            try:
                line = lines.get(timeout=30)
            except queue.Empty:
                raise AssertionError(f"no READY from the node client within 30 s; stdout so far:\n{stdout}")
            assert line is not None, \
                f"the node client ended before READY (exit {client.wait()}):\n{stdout}\n{client.stderr.read()}"
            stdout += line
            if line.strip() == "READY":
                break
        ended = setup["ssm"].terminate_session(SessionId=session["sessionId"])
        assert ended["SessionId"] == session["sessionId"]
        code = client.wait(30)
        reader.join(10)
        while not lines.empty() and (line := lines.get_nowait()) is not None:
            stdout += line
        assert code == 0, f"the node client exited {code}:\n{stdout}\n{client.stderr.read()}"
    finally:
        if client.poll() is None:
            client.kill()
            client.wait(10)
    summary = summary_of(stdout)
    print(json.dumps(summary))
    assert "typed-by-node" in summary["output"], summary
    assert summary["closed"] is True, summary
    assert summary["closedPayload"]["SessionId"] == session["sessionId"], summary
