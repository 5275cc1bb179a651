"""ECS Exec end to end: the real AWS CLI runs `ecs execute-command --interactive` with ecslocal's
session-manager-plugin on PATH, on a real pseudo-terminal, into a real busybox task container;
the server side is ecslocal's SSM data channel in front of `docker exec`. Covered: a shell typed
into, a resize reaching `stty size`, 10 MB byte for byte, ten sessions at once, the task stopped
mid-session, TerminateSession, ECS's refusals, and the data channel's bad input (wrong and
reused tokens, garbage frames, out-of-order input) from an independent websocket client."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
import time

import pytest

from harness import boto
from harness.cli import AWS_CLI
from harness.exec_session import (PtySession, acknowledge, decode_message, encode_message, open_channel,
                                  plugin_dir)

IMAGE = "ecslocal-test/busybox:latest"
ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
BIG = 10 * 1024 * 1024
# The container makes a 10 MB file of letters and digits (no newline: a pty passes it unchanged).
PREPARE = f"tr -dc A-Za-z0-9 </dev/urandom | head -c {BIG} >/big; touch /ready; exec sleep 3600"
NOT_ENABLED = ("The execute command failed because execute command was not enabled when the task was run or the "
               "execute command agent isn\u2019t running. Wait and try again or run a new task with execute command "
               "enabled and try again.")

pytestmark = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")


@pytest.fixture(autouse=True)
def fresh_state(server):
    """The tests of this file share one task (its 10 MB file is made once): one reset, in setup."""
    yield
    assert server.alive(), f"ecslocal died during the test; log:\n{server.log_tail()}"


@pytest.fixture(scope="module")
def setup(server, client_env, tmp_path_factory):
    server.reset()
    ecs = boto.make_client(server.endpoint)
    ec2 = boto.make_client(server.endpoint, service="ec2")
    iam = boto.make_client(server.endpoint, service="iam")
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    role = iam.create_role(RoleName="exec-task-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    ecs.create_cluster(clusterName="exec")
    containers = [{"name": "app", "image": IMAGE, "essential": True, "stopTimeout": 2, "command": ["sh", "-c", PREPARE]},
                  {"name": "once", "image": IMAGE, "essential": False, "command": ["true"]}]
    definition = ecs.register_task_definition(
        family="exec-app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        taskRoleArn=role, containerDefinitions=containers)["taskDefinition"]["taskDefinitionArn"]
    network = {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "assignPublicIp": "DISABLED"}}

    def run(enable: bool = True) -> str:
        task = ecs.run_task(cluster="exec", taskDefinition=definition, launchType="FARGATE",
                            enableExecuteCommand=enable, networkConfiguration=network)["tasks"][0]["taskArn"]
        ecs.get_waiter("tasks_running").wait(cluster="exec", tasks=[task], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return task

    task = run()
    env = dict(client_env)
    folder = plugin_dir(tmp_path_factory.mktemp("exec"))
    yield {"ecs": ecs, "run": run, "task": task, "env": env, "plugin": folder, "endpoint": server.endpoint,
           "ssm": boto.make_client(server.endpoint, service="ssm"), "definition": definition, "network": network}


def session(setup, command: str, rows: int = 40, cols: int = 120, task: str | None = None) -> PtySession:
    return PtySession.execute_command(setup["endpoint"], setup["env"], setup["plugin"],
                      ["--cluster", "exec", "--task", task or setup["task"], "--container", "app",
                       "--interactive", "--command", command], rows=rows, cols=cols)


def run_command(setup, command: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """execute-command without a terminal (stdin at EOF): the plugin prints until the channel closes."""
    env = dict(setup["env"])
    env["PATH"] = f"{setup['plugin']}:{env.get('PATH', '/usr/bin:/bin')}"
    return subprocess.run([AWS_CLI, "--endpoint-url", setup["endpoint"], "ecs", "execute-command", "--cluster", "exec",
                           "--task", setup["task"], "--container", "app", "--interactive", "--command", command],
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)


def test_describe_tasks_shows_the_exec_agent(setup):
    task = setup["ecs"].describe_tasks(cluster="exec", tasks=[setup["task"]])["tasks"][0]
    assert task["enableExecuteCommand"] is True
    app = next(c for c in task["containers"] if c["name"] == "app")
    agent, = app["managedAgents"]
    assert agent["name"] == "ExecuteCommandAgent" and agent["lastStatus"] == "RUNNING"
    assert "lastStartedAt" in agent


def test_an_interactive_shell_types_resizes_and_exits(setup):
    s = session(setup, "/bin/sh", rows=40, cols=120)
    try:
        at = s.expect("Starting session with SessionId: ecs-execute-command-")
        at = s.expect("# ", since=at)
        s.type("echo $((6*7))-$(id -u)-$TERM\r")
        at = s.expect("42-0-xterm-256color", since=at)
        s.type("stty size\r")
        at = s.expect("40 120", since=at)
        s.resize(50, 150)
        time.sleep(1.2)  # the plugin looks at the window size every 500 ms (and on SIGWINCH)
        s.type("stty size\r")
        at = s.expect("50 150", since=at)
        s.type("exit\r")
        assert s.wait() == 0
        assert re.search(r"Exiting session with sessionId: ecs-execute-command-[0-9a-f]{17}\.", s.text()), s.text()
    finally:
        s.close()


def test_a_10_mb_file_arrives_byte_for_byte(setup):
    digest = run_command(setup, "sh -c 'while [ ! -f /ready ]; do sleep 0.2; done; sha256sum /big'")
    assert digest.returncode == 0, digest
    want = re.search(rb"\b([0-9a-f]{64})\s+/big", digest.stdout)
    assert want, digest.stdout[-2000:]
    started = time.monotonic()
    result = run_command(setup, "cat /big", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    body = re.search(rb"[A-Za-z0-9]{%d,}" % (BIG // 2), result.stdout)
    assert body, f"no file body in {len(result.stdout)} bytes of output"
    assert len(body.group(0)) == BIG
    assert hashlib.sha256(body.group(0)).hexdigest() == want.group(1).decode()
    print(f"10 MiB through the session in {time.monotonic() - started:.2f} s")


def test_ten_sessions_at_once(setup):
    results: dict[int, subprocess.CompletedProcess] = {}

    def one(n: int) -> None:
        results[n] = run_command(setup, f"echo session-{n}-says-hello")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == list(range(10))
    for n, r in results.items():
        assert r.returncode == 0, r
        assert f"session-{n}-says-hello".encode() in r.stdout, r.stdout
        for other in set(range(10)) - {n}:
            assert f"session-{other}-says".encode() not in r.stdout


def test_a_command_is_not_run_by_a_shell(setup):
    r = run_command(setup, "echo $HOME 'two words'")
    assert r.returncode == 0
    assert b"$HOME two words" in r.stdout, r.stdout


def test_terminate_session_ends_a_running_session(setup):
    s = session(setup, "/bin/sh")
    try:
        s.expect("# ")
        match = re.search(r"SessionId: (ecs-execute-command-[0-9a-f]+)", s.text())
        assert match, s.text()
        assert setup["ssm"].terminate_session(SessionId=match.group(1))["SessionId"] == match.group(1)
        assert s.wait(30) == 0
        assert f"Exiting session with sessionId: {match.group(1)}." in s.text()
    finally:
        s.close()
    # Ending it again succeeds (as AWS's); resuming it finds nothing.
    setup["ssm"].terminate_session(SessionId=match.group(1))
    with pytest.raises(setup["ssm"].exceptions.DoesNotExistException):
        setup["ssm"].resume_session(SessionId=match.group(1))


def test_stopping_the_task_closes_the_channel(setup):
    task = setup["run"]()
    s = session(setup, "/bin/sh", task=task)
    try:
        s.expect("# ")
        setup["ecs"].stop_task(cluster="exec", task=task, reason="stopped mid-session")
        assert s.wait(60) == 0
        assert "Exiting session with sessionId" in s.text()
    finally:
        s.close()


def test_ecs_refuses_what_it_cannot_run(setup):
    ecs = setup["ecs"]
    args = {"cluster": "exec", "container": "app", "command": "/bin/sh", "interactive": True}

    def refused(code: str, message: str, **kw) -> None:
        with pytest.raises(ecs.exceptions.ClientError) as e:
            ecs.execute_command(**{**args, **kw})
        assert e.value.response["Error"]["Code"] == code, e.value.response
        assert e.value.response["Error"]["Message"] == message

    refused("InvalidParameterException", "Interactive is the only mode supported currently.",
            task=setup["task"], interactive=False)
    refused("InvalidParameterException", "task length should be one of [32,36]", task="abc")
    refused("InvalidParameterException", "The referenced task was not found.", task="0" * 32)
    # The task's second container ran `true` and stopped: no agent runs there.
    refused("InvalidParameterException", NOT_ENABLED, task=setup["task"], container="once")
    plain = setup["run"](enable=False)
    refused("InvalidParameterException", NOT_ENABLED, task=plain)
    ecs.stop_task(cluster="exec", task=plain)
    # A service with exec needs a task role.
    bare = ecs.register_task_definition(
        family="exec-no-role", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": IMAGE, "command": ["sleep", "60"]}])["taskDefinition"]
    with pytest.raises(ecs.exceptions.InvalidParameterException) as e:
        ecs.create_service(cluster="exec", serviceName="no-role", taskDefinition=bare["taskDefinitionArn"],
                           desiredCount=1, launchType="FARGATE", enableExecuteCommand=True,
                           networkConfiguration=setup["network"])
    assert "valid taskRoleArn is not being used" in str(e.value)


def test_the_cli_prints_ecs_errors(setup):
    env = dict(setup["env"])
    env["PATH"] = f"{setup['plugin']}:{env.get('PATH', '/usr/bin:/bin')}"
    r = subprocess.run([AWS_CLI, "--endpoint-url", setup["endpoint"], "ecs", "execute-command", "--cluster", "exec",
                        "--task", "0" * 32, "--interactive", "--command", "/bin/sh"],
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert r.returncode == 254, r
    assert "The Session Manager plugin was installed successfully" in r.stdout  # the CLI's check ran it
    assert "InvalidParameterException" in r.stderr and "The referenced task was not found." in r.stderr


def test_the_data_channel_refuses_bad_tokens_and_survives_bad_frames(setup):
    ecs = setup["ecs"]
    opened = ecs.execute_command(cluster="exec", task=setup["task"], container="app", command="/bin/sh",
                                 interactive=True)
    sess = opened["session"]
    assert re.fullmatch(r"ecs-execute-command-[0-9a-f]{17}", sess["sessionId"])
    assert sess["streamUrl"].startswith(f"ws://127.0.0.1:{setup['endpoint'].rsplit(':', 1)[1]}/v1/data-channel/")
    # A wrong token: closed with 1008 (policy).
    ws = open_channel(sess, token="not-the-token")
    opcode, payload = ws.receive()
    assert opcode == 8 and int.from_bytes(payload[:2], "big") == 1008
    ws.close()
    # The right one works once.
    ws = open_channel(sess)
    first = decode_message(ws.receive()[1])
    assert first["type"] == "output_stream_data" and first["payload_type"] == 5 and first["seq"] == 0
    assert first["digest_ok"] and first["flags"] == 1
    assert json.loads(first["payload"])["RequestedClientActions"][0]["ActionParameters"]["SessionType"] == \
        "InteractiveCommands"
    ws.send(acknowledge(first))
    again = open_channel(sess)  # the token was used
    opcode, payload = again.receive()
    assert opcode == 8 and int.from_bytes(payload[:2], "big") == 1008
    again.close()
    # Garbage, then input out of order (seq 2 before 1), without the handshake's response: the
    # server starts after its wait, acknowledges everything and runs the input in order.
    ws.send(b"\x00" * 50)
    ws.send(b"nonsense that is long enough to look like a header " * 4)
    ws.send(encode_message("input_stream_data", 0, 3, json.dumps({"cols": 80, "rows": 24}).encode()))
    ws.send(encode_message("input_stream_data", 2, 1, b"exit 5\r"))
    ws.send(encode_message("input_stream_data", 1, 1, b"echo in-$((1+1))-order\r"))
    acked, output, closed = set(), b"", None
    deadline = time.monotonic() + 30
    while closed is None and time.monotonic() < deadline:
        opcode, frame = ws.receive()
        if opcode != 2:
            continue
        m = decode_message(frame)
        if m["type"] == "acknowledge":
            acked.add(json.loads(m["payload"])["AcknowledgedMessageSequenceNumber"])
        elif m["type"] == "output_stream_data":
            assert m["digest_ok"]
            ws.send(acknowledge(m))
            if m["payload_type"] == 1:
                output += m["payload"]
        elif m["type"] == "channel_closed":
            closed = json.loads(m["payload"])
    ws.close()
    assert closed is not None, output
    assert acked == {0, 1, 2}
    assert b"in-2-order" in output
    assert closed["SessionId"] == sess["sessionId"] and closed["ExitCode"] == 5
    assert closed["DestinationId"].startswith("ecs:exec_")


def read_until_closed(ws, limit: float = 30.0) -> tuple[list[dict], dict | None]:
    """Every binary message until channel_closed (never acknowledging anything)."""
    messages, deadline = [], time.monotonic() + limit
    while time.monotonic() < deadline:
        opcode, frame = ws.receive()
        if opcode == 8:
            return messages, None
        if opcode != 2:
            continue
        m = decode_message(frame)
        if m["type"] == "channel_closed":
            return messages, json.loads(m["payload"])
        messages.append(m)
    raise AssertionError(f"no channel_closed within {limit} s after {len(messages)} messages")


def test_a_client_that_stops_acknowledging_or_floods_input_harms_nothing(setup):
    ecs, ssm = setup["ecs"], setup["ssm"]
    # 1. `cat /big` to a client that never acknowledges: the server stops at its window, resends,
    #    and still ends the session cleanly when asked.
    quiet = ecs.execute_command(cluster="exec", task=setup["task"], container="app", command="cat /big",
                                interactive=True)["session"]
    ws = open_channel(quiet)
    time.sleep(3)  # the handshake wait runs out, the command starts, the window fills
    assert run_command(setup, "echo others-still-work").stdout.count(b"others-still-work") == 1
    ssm.terminate_session(SessionId=quiet["sessionId"])
    messages, closed = read_until_closed(ws)
    ws.close()
    assert closed is not None and closed["SessionId"] == quiet["sessionId"]
    output = [m for m in messages if m["payload_type"] == 1]
    # At most the window's 2000 messages went out unacknowledged (with the handshake's request;
    # resends repeat sequence numbers).
    assert 0 < len({m["seq"] for m in output}) <= 2000
    # 2. A flood of input to a command that reads none: every message is acknowledged, the API and
    #    other sessions answer, and the session ends when its command does.
    flood = ecs.execute_command(cluster="exec", task=setup["task"], container="app", command="sleep 4",
                                interactive=True)["session"]
    ws = open_channel(flood)
    chunk = b"y" * 1024
    for seq in range(3000):
        ws.send(encode_message("input_stream_data", seq, 1, chunk))
    acked, closed = set(), None
    deadline = time.monotonic() + 40
    while closed is None and time.monotonic() < deadline:
        opcode, frame = ws.receive()
        if opcode == 8:
            break
        if opcode != 2:
            continue
        m = decode_message(frame)
        if m["type"] == "acknowledge":
            acked.add(json.loads(m["payload"])["AcknowledgedMessageSequenceNumber"])
        elif m["type"] == "output_stream_data":
            ws.send(acknowledge(m))
        elif m["type"] == "channel_closed":
            closed = json.loads(m["payload"])
    ws.close()
    assert acked == set(range(3000))
    assert closed is not None and closed["ExitCode"] == 0
    assert ecs.describe_tasks(cluster="exec", tasks=[setup["task"]])["tasks"][0]["lastStatus"] == "RUNNING"
