"""CloudWatch Logs through the AWS CLI and boto3 (every response shape-checked against the logs
model), and the awslogs log driver: ECS task containers whose output ends up in log groups."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time

import pytest

from harness import boto
from harness.cli import AWS_CLI, ok

IMAGE = "ecslocal-test/busybox:latest"
# Set by the `ecs` fixture of the awslogs tests: a default subnet EC2 lists (RunTask refuses others).
NETWORK_CONFIG: dict = {}
DOCKER = "/usr/bin/docker"
needs_docker = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                  reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")


def now_ms() -> int:
    return int(time.time() * 1000)


def put(logs, group: str, stream: str, messages: list[str], start: int | None = None) -> dict:
    start = now_ms() - len(messages) if start is None else start
    events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
    return logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


# ---------------------------------------------------------------- the Logs API


def test_groups_with_the_cli_create_describe_duplicate_and_delete(aws):
    ok(aws("logs create-log-group --log-group-name /app/web"))
    ok(aws("logs create-log-group --log-group-name /app/worker --tags team=a"))
    duplicate = aws("logs create-log-group --log-group-name /app/web")
    assert duplicate.returncode != 0
    assert "ResourceAlreadyExistsException" in duplicate.stderr
    assert "The specified log group already exists" in duplicate.stderr

    groups = ok(aws("logs describe-log-groups --log-group-name-prefix /app/")).json()["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/app/web", "/app/worker"]
    assert groups[0]["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*"
    assert groups[0]["metricFilterCount"] == 0 and groups[0]["storedBytes"] == 0
    assert abs(groups[0]["creationTime"] - now_ms()) < 60_000
    tags = ok(aws("logs list-tags-log-group --log-group-name /app/worker")).json()["tags"]
    assert tags == {"team": "a"}

    ok(aws("logs put-retention-policy --log-group-name /app/web --retention-in-days 7"))
    bad = aws("logs put-retention-policy --log-group-name /app/web --retention-in-days 4")
    assert bad.returncode != 0 and "InvalidParameterException" in bad.stderr
    group = ok(aws("logs describe-log-groups --log-group-name-prefix /app/web")).json()["logGroups"][0]
    assert group["retentionInDays"] == 7

    ok(aws("logs delete-log-group --log-group-name /app/web"))
    missing = aws("logs delete-log-group --log-group-name /app/web")
    assert missing.returncode != 0
    assert "ResourceNotFoundException" in missing.stderr
    assert "The specified log group does not exist." in missing.stderr


def test_put_and_get_events_with_forward_and_backward_tokens(aws, logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    reply = put(logs, "g", "s", [f"line {i}" for i in range(5)])
    assert reply["nextSequenceToken"]
    assert "rejectedLogEventsInfo" not in reply

    first = ok(aws("logs get-log-events --log-group-name g --log-stream-name s --start-from-head --limit 2")).json()
    assert [e["message"] for e in first["events"]] == ["line 0", "line 1"]
    second = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=first["nextForwardToken"], limit=2)
    assert [e["message"] for e in second["events"]] == ["line 2", "line 3"]
    third = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=second["nextForwardToken"], limit=2)
    assert [e["message"] for e in third["events"]] == ["line 4"]
    end = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=third["nextForwardToken"])
    assert end["events"] == []
    assert end["nextForwardToken"] == third["nextForwardToken"]  # how clients see the end

    back = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=third["nextBackwardToken"], limit=2)
    assert [e["message"] for e in back["events"]] == ["line 2", "line 3"]
    latest = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2)  # no token: the newest
    assert [e["message"] for e in latest["events"]] == ["line 3", "line 4"]

    # New events show up behind a forward token that had reached the end.
    put(logs, "g", "s", ["line 5"], start=now_ms())
    more = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=end["nextForwardToken"])
    assert [e["message"] for e in more["events"]] == ["line 5"]


def test_put_log_events_rules(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    t = now_ms()
    with pytest.raises(logs.exceptions.InvalidParameterException, match="chronological order"):
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t, "message": "b"}, {"timestamp": t - 5, "message": "a"}])
    with pytest.raises(logs.exceptions.InvalidParameterException, match="span more than 24 hours"):
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t - 2 * 86400_000, "message": "a"}, {"timestamp": t, "message": "b"}])
    old = t - 20 * 86400_000
    reply = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": old, "message": "too old"}, {"timestamp": old + 1, "message": "too old too"}])
    assert reply["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2}
    reply = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[{"timestamp": t, "message": "fine"}])
    reply = logs.put_log_events(logGroupName="g", logStreamName="s", sequenceToken=reply["nextSequenceToken"],
                                logEvents=[{"timestamp": t, "message": "also fine"},
                                           {"timestamp": t + 3 * 3600_000, "message": "too new"}])
    assert reply["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 1}
    got = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["fine", "also fine"]
    with pytest.raises(logs.exceptions.ResourceNotFoundException, match="log stream does not exist"):
        put(logs, "g", "nope", ["x"])
    with pytest.raises(logs.exceptions.ResourceNotFoundException, match="log group does not exist"):
        put(logs, "nope", "s", ["x"])


def test_describe_log_streams_orders_and_pages(aws, logs):
    logs.create_log_group(logGroupName="g")
    for name in ("b", "a", "c"):
        logs.create_log_stream(logGroupName="g", logStreamName=name)
    t = now_ms() - 1000
    put(logs, "g", "c", ["x"], start=t)
    put(logs, "g", "a", ["x"], start=t + 10)
    put(logs, "g", "b", ["x"], start=t + 20)
    names = [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="g")["logStreams"]]
    assert names == ["a", "b", "c"]
    by_time = ok(aws("logs describe-log-streams --log-group-name g --order-by LastEventTime --descending")).json()
    assert [s["logStreamName"] for s in by_time["logStreams"]] == ["b", "a", "c"]
    stream = by_time["logStreams"][0]
    assert stream["firstEventTimestamp"] == stream["lastEventTimestamp"] == t + 20
    assert stream["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:b"
    page = logs.describe_log_streams(logGroupName="g", limit=2)
    rest = logs.describe_log_streams(logGroupName="g", limit=2, nextToken=page["nextToken"])
    assert [s["logStreamName"] for s in page["logStreams"] + rest["logStreams"]] == ["a", "b", "c"]
    assert "nextToken" not in rest
    with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName="g", logStreamName="a")


def test_filter_log_events_patterns_streams_and_paging(aws, logs):
    logs.create_log_group(logGroupName="g")
    for name in ("api", "db"):
        logs.create_log_stream(logGroupName="g", logStreamName=name)
    t = now_ms() - 1000
    put(logs, "g", "api", ["GET /a 200", "GET /b 500 ERROR", "POST /c WARN slow"], start=t)
    put(logs, "g", "db", ["ERROR deadlock", "connection reset by peer"], start=t + 1)

    result = ok(aws("logs filter-log-events --log-group-name g --filter-pattern ERROR")).json()
    assert [(e["logStreamName"], e["message"]) for e in result["events"]] == [
        ("api", "GET /b 500 ERROR"), ("db", "ERROR deadlock")]
    assert {s["logStreamName"] for s in result["searchedLogStreams"]} == {"api", "db"}

    def messages(**kwargs):
        return [e["message"] for e in logs.filter_log_events(logGroupName="g", **kwargs)["events"]]

    assert messages(filterPattern="?WARN ?deadlock") == ["ERROR deadlock", "POST /c WARN slow"]
    assert messages(filterPattern='"reset by"') == ["connection reset by peer"]
    assert messages(filterPattern="ERROR -deadlock") == ["GET /b 500 ERROR"]
    assert messages(filterPattern="GET", logStreamNames=["api"]) == ["GET /a 200", "GET /b 500 ERROR"]
    assert messages(logStreamNamePrefix="d") == ["ERROR deadlock", "connection reset by peer"]
    assert messages(startTime=t + 2, endTime=t + 2) == ["POST /c WARN slow", "connection reset by peer"]

    seen, token = [], None
    while True:
        page = logs.filter_log_events(logGroupName="g", limit=2, **({"nextToken": token} if token else {}))
        seen += [e["eventId"] for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 5
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.filter_log_events(logGroupName="g", filterPattern="{ $.level = \"error\" }")


def test_tags_by_arn_and_missing_resources(logs):
    logs.create_log_group(logGroupName="tagged")
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:tagged"
    logs.tag_resource(resourceArn=arn, tags={"env": "dev", "team": "x"})
    logs.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "dev"}
    assert logs.list_tags_log_group(logGroupName="tagged")["tags"] == {"env": "dev"}
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.list_tags_for_resource(resourceArn=arn + "-gone")
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.get_log_events(logGroupName="tagged", logStreamName="none")


def test_logs_tail_prints_the_groups_events(aws, logs):
    logs.create_log_group(logGroupName="tailed")
    logs.create_log_stream(logGroupName="tailed", logStreamName="s")
    put(logs, "tailed", "s", ["first", "second"])
    out = ok(aws("logs tail tailed --since 5m --format short")).stdout.splitlines()
    assert [line.split(" ", 1)[1] for line in out] == ["first", "second"]


# ---------------------------------------------------------------- the awslogs driver


@pytest.fixture
def ecs(server, client_env):
    global NETWORK_CONFIG
    ec2 = boto.make_client(server.endpoint, service="ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    subnet = max(subnets, key=lambda s: s["AvailabilityZone"])["SubnetId"]
    NETWORK_CONFIG = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "DISABLED"}}
    client = boto.make_client(server.endpoint)
    client.create_cluster(clusterName="e2e")
    return client


def register_printer(ecs, family: str, script: str, log_options: dict[str, str]) -> str:
    options = {"awslogs-region": "us-east-1", "awslogs-stream-prefix": "app", **log_options}
    response = ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn="arn:aws:iam::000000000000:role/ecsTaskExecutionRole",  # awslogs on Fargate needs it
        containerDefinitions=[{"name": "printer", "image": IMAGE, "essential": True, "stopTimeout": 2,
                               "command": ["sh", "-c", script],
                               "logConfiguration": {"logDriver": "awslogs", "options": options}}])
    return response["taskDefinition"]["taskDefinitionArn"]


def run_to_stop(aws, ecs, definition: str) -> dict:
    task = ecs.run_task(cluster="e2e", launchType="FARGATE", taskDefinition=definition,
                        networkConfiguration=NETWORK_CONFIG)["tasks"][0]
    ok(aws(f"ecs wait tasks-stopped --cluster e2e --tasks {task['taskArn']}"))
    return ecs.describe_tasks(cluster="e2e", tasks=[task["taskArn"]])["tasks"][0]


def wait_removed(task_arn: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while subprocess.run([DOCKER, "ps", "-aq", "--filter", f"label=ecslocal.task-arn={task_arn}"],
                         check=True, capture_output=True, text=True).stdout.split():
        assert time.monotonic() < deadline, f"containers of {task_arn} left behind"
        time.sleep(0.2)


def in_order(lines: list[str], wanted: list[str]) -> bool:
    """`wanted` appears in `lines` in this order (other lines may come between)."""
    it = iter(lines)
    return all(any(line == w for line in it) for w in wanted)


# stdout and stderr reach Docker through two pipes: their relative order is not kept, as with
# the real awslogs driver. Each stream's own order is; the last line has no newline at all.
SCRIPT = ("for i in 1 2 3 4 5; do echo out-$i; echo err-$i >&2; done; "
          "echo '  spaced  line  '; printf 'last line, no newline'")
OUT = [f"out-{i}" for i in range(1, 6)] + ["  spaced  line  ", "last line, no newline"]
ERR = [f"err-{i}" for i in range(1, 6)]


@needs_docker
def test_awslogs_ships_every_line_of_a_task_that_exits(aws, ecs, logs):
    logs.create_log_group(logGroupName="/ecs/printer")
    definition = register_printer(ecs, "printer", SCRIPT, {"awslogs-group": "/ecs/printer"})
    task = run_to_stop(aws, ecs, definition)
    assert task["stopCode"] == "EssentialContainerExited", task
    task_id = task["taskArn"].rsplit("/", 1)[1]
    stream = f"app/printer/{task_id}"

    result = ok(aws(f"logs get-log-events --log-group-name /ecs/printer --log-stream-name {stream} "
                    "--start-from-head")).json()
    messages = [e["message"] for e in result["events"]]
    assert sorted(messages) == sorted(OUT + ERR), messages
    assert in_order(messages, OUT) and in_order(messages, ERR), messages
    times = [e["timestamp"] for e in result["events"]]
    assert times == sorted(times)
    assert task["createdAt"].timestamp() * 1000 - 5000 <= times[0] <= times[-1] <= now_ms()

    streams = logs.describe_log_streams(logGroupName="/ecs/printer")["logStreams"]
    assert [s["logStreamName"] for s in streams] == [stream]

    tail = ok(aws("logs tail /ecs/printer --since 10m --format short")).stdout.splitlines()
    # (tail strips the end of each line it prints)
    assert sorted(line.split(" ", 1)[1] for line in tail) == sorted(m.rstrip() for m in OUT + ERR)
    wait_removed(task["taskArn"])


@needs_docker
def test_awslogs_create_group_true_creates_the_group(aws, ecs, logs):
    definition = register_printer(ecs, "creator", "echo created", {"awslogs-group": "/ecs/made-at-launch",
                                                                   "awslogs-create-group": "true"})
    task = run_to_stop(aws, ecs, definition)
    assert task["stopCode"] == "EssentialContainerExited", task
    groups = logs.describe_log_groups(logGroupNamePrefix="/ecs/made-at-launch")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/ecs/made-at-launch"]
    found = logs.filter_log_events(logGroupName="/ecs/made-at-launch")["events"]
    assert [e["message"] for e in found] == ["created"]
    wait_removed(task["taskArn"])


@needs_docker
def test_awslogs_missing_group_fails_the_task_to_start(aws, ecs, logs):
    definition = register_printer(ecs, "orphan", "echo never", {"awslogs-group": "/ecs/not-there"})
    task = run_to_stop(aws, ecs, definition)
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("ResourceInitializationError: failed to validate logger args: ")
    assert "The specified log group does not exist." in task["stoppedReason"]
    assert logs.describe_log_groups()["logGroups"] == []  # nothing made on the side


@needs_docker
def test_logs_tail_follow_shows_lines_as_a_task_prints_them(aws, ecs, logs, server, client_env):
    logs.create_log_group(logGroupName="/ecs/ticker")
    script = "i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo tick-$i; sleep 0.1; done"
    definition = register_printer(ecs, "ticker", script, {"awslogs-group": "/ecs/ticker"})
    task = ecs.run_task(cluster="e2e", launchType="FARGATE", taskDefinition=definition,
                        networkConfiguration=NETWORK_CONFIG)["tasks"][0]
    try:
        ok(aws(f"ecs wait tasks-running --cluster e2e --tasks {task['taskArn']}"))
        seen = follow_tail(server.endpoint, client_env, "/ecs/ticker", 3)
    finally:
        ecs.stop_task(cluster="e2e", task=task["taskArn"])
        ok(aws(f"ecs wait tasks-stopped --cluster e2e --tasks {task['taskArn']}"))
    assert seen == ["tick-1", "tick-2", "tick-3"]
    wait_removed(task["taskArn"])


def follow_tail(endpoint: str, env: dict[str, str], group: str, count: int) -> list[str]:
    """The first `count` messages `aws logs tail GROUP --follow` prints (within a minute), after
    which it is interrupted as a user would with Control-C."""
    follower = subprocess.Popen([AWS_CLI, "--endpoint-url", endpoint, "logs", "tail", group,
                                 "--follow", "--since", "1m", "--format", "short"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in follower.stdout], daemon=True)
    reader.start()
    try:
        # `tail --follow` polls FilterLogEvents every 5 s; wait (bounded) until a few ticks came through.
        deadline = time.monotonic() + 60
        seen: list[str] = []
        while len(seen) < count and time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1).rstrip("\n").split(" ", 1)[1])
            except queue.Empty:
                assert follower.poll() is None, f"tail --follow ended: {follower.stderr.read()}"
    finally:
        follower.send_signal(signal.SIGINT)
        try:
            follower.wait(timeout=10)
        except subprocess.TimeoutExpired:
            follower.kill()
            follower.wait()
        reader.join(timeout=10)
    return seen
