"""Tasks as real containers on the local Docker daemon, through the AWS CLI and boto3: run-task and
the waiters, HTTP on the task's own addresses, two containers sharing localhost, essential exits,
dependsOn HEALTHY, a missing image, `docker kill`, and nothing left behind."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest

from harness import boto
from harness.cli import ok

DOCKER = "/usr/bin/docker"
IMAGE = "ecslocal-test/busybox:latest"
# Filled by the `default_subnet` fixture: RunTask refuses subnets that do not exist (EC2 lists them).
NETWORK = ""
NETWORK_CONFIG: dict = {}
# Serves "hello from <name>" on :8080 (busybox httpd answers 404 for a folder without index).
def serve(text: str) -> list[str]:
    return ["sh", "-c", f"mkdir -p /www && echo '{text}' > /www/index.html && exec httpd -f -p 8080 -h /www"]


def register(ecs, family: str, containers: list[dict]) -> str:
    for c in containers:
        c.setdefault("image", IMAGE)
        # A PID 1 without a SIGTERM handler waits out the whole stopTimeout (30 s by default), and
        # ECS stops containers one after another in reverse dependsOn order: keep it short here.
        c.setdefault("stopTimeout", 2)
    response = ecs.register_task_definition(family=family, requiresCompatibilities=["FARGATE"],
                                            networkMode="awsvpc", cpu="256", memory="512",
                                            containerDefinitions=containers)
    return response["taskDefinition"]["taskDefinitionArn"]


def run(ecs, definition: str) -> str:
    response = ecs.run_task(cluster="e2e", launchType="FARGATE", taskDefinition=definition,
                            networkConfiguration=NETWORK_CONFIG)
    assert response["failures"] == [], response
    task = response["tasks"][0]
    assert task["lastStatus"] == "PROVISIONING"
    return task["taskArn"]


def describe(ecs, task_arn: str) -> dict:
    return ecs.describe_tasks(cluster="e2e", tasks=[task_arn])["tasks"][0]


def wait_for(ecs, task_arn: str, predicate, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        task = describe(ecs, task_arn)
        if predicate(task):
            return task
        assert time.monotonic() < deadline, f"task never reached the expected state: {json.dumps(task, default=str)}"
        time.sleep(0.2)


def details(task: dict) -> dict:
    return {d["name"]: d["value"] for d in task["attachments"][0]["details"]}


def http_get(address: str, port: int = 8080) -> str:
    # Only addresses of the task's own networks: its private IP on ecslocal's bridge, or its loopback.
    with urllib.request.urlopen(f"http://{address}:{port}/", timeout=5) as reply:
        return reply.read().decode().strip()


def labelled_containers(task_arn: str) -> list[str]:
    out = subprocess.run([DOCKER, "ps", "-aq", "--filter", f"label=ecslocal.task-arn={task_arn}"],
                         check=True, capture_output=True, text=True).stdout
    return out.split()


def wait_removed(task_arn: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while labelled_containers(task_arn):
        assert time.monotonic() < deadline, f"containers of {task_arn} left behind"
        time.sleep(0.2)


@pytest.fixture(autouse=True)
def cluster(ecs):
    ecs.create_cluster(clusterName="e2e")


@pytest.fixture(autouse=True)
def default_subnet(server, client_env):
    """The default VPC's subnet in us-east-1c, from EC2. Not 1a: other ecslocal instances on this
    daemon share the default VPC's bridge, and builds before EC2 was emulated put every task in
    1a; their addresses are invisible to this instance's IPAM ("Address already in use")."""
    global NETWORK, NETWORK_CONFIG
    ec2 = boto.make_client(server.endpoint, service="ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                            {"Name": "availability-zone", "Values": ["us-east-1c"]}])["Subnets"]
    subnet = subnets[0]["SubnetId"]
    NETWORK = f"awsvpcConfiguration={{subnets=[{subnet}],assignPublicIp=ENABLED}}"
    NETWORK_CONFIG = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "ENABLED"}}
    return subnet


def test_run_task_with_the_cli_waits_for_running_serves_http_and_stops(aws, ecs):
    ok(aws("ecs register-task-definition --cli-input-json file://taskdef.json"))
    # The course definition serves its root folder; replace the command so / has an index.
    definition = register(ecs, "site", [{"name": "web", "command": serve("hello from site"),
                                         "portMappings": [{"containerPort": 8080}]}])
    arn = ok(aws(f"ecs run-task --cluster e2e --launch-type FARGATE --task-definition {definition} "
                 f"--network-configuration {NETWORK} --query tasks[0].taskArn --output text")).stdout.strip()
    ok(aws(f"ecs wait tasks-running --cluster e2e --tasks {arn}"))

    task = describe(ecs, arn)
    assert task["lastStatus"] == "RUNNING" and task["desiredStatus"] == "RUNNING"
    eni = details(task)
    assert task["attachments"][0]["status"] == "ATTACHED"
    assert eni["privateIPv4Address"].startswith("172.31.")
    assert eni["privateDnsName"] == "ip-" + eni["privateIPv4Address"].replace(".", "-") + ".ec2.internal"
    assert task["containers"][0]["networkInterfaces"][0]["privateIpv4Address"] == eni["privateIPv4Address"]
    assert http_get(eni["privateIPv4Address"]) == "hello from site"
    assert eni["publicIPv4Address"].startswith("127.")
    assert http_get(eni["publicIPv4Address"]) == "hello from site"

    ok(aws(f"ecs stop-task --cluster e2e --task {arn} --reason done-with-it"))
    ok(aws(f"ecs wait tasks-stopped --cluster e2e --tasks {arn}"))
    task = describe(ecs, arn)
    assert task["stopCode"] == "UserInitiated"
    assert task["stoppedReason"] == "done-with-it"
    assert "exitCode" in task["containers"][0]
    wait_removed(arn)


def test_two_tasks_each_serve_8080_on_their_own_addresses(ecs):
    definition = register(ecs, "twin", [{"name": "web", "command": serve("twin"),
                                         "portMappings": [{"containerPort": 8080}]}])
    arns = [run(ecs, definition), run(ecs, definition)]
    tasks = [wait_for(ecs, a, lambda t: t["lastStatus"] == "RUNNING") for a in arns]
    private = {details(t)["privateIPv4Address"] for t in tasks}
    public = {details(t)["publicIPv4Address"] for t in tasks}
    assert len(private) == 2 and len(public) == 2
    for address in private | public:
        assert http_get(address) == "twin"
    for a in arns:
        ecs.stop_task(cluster="e2e", task=a)
    for a in arns:
        wait_for(ecs, a, lambda t: t["lastStatus"] == "STOPPED")
        wait_removed(a)


def test_containers_of_a_task_share_localhost(ecs):
    probe = "until wget -q -O /tmp/page http://localhost:8080/; do sleep 0.2; done; grep -q 'from web' /tmp/page"
    definition = register(ecs, "pair", [
        {"name": "web", "command": serve("from web")},
        {"name": "probe", "essential": False, "command": ["sh", "-c", probe],
         "dependsOn": [{"containerName": "web", "condition": "START"}]},
    ])
    arn = run(ecs, definition)
    task = wait_for(ecs, arn, lambda t: any(c["name"] == "probe" and c["lastStatus"] == "STOPPED"
                                            for c in t["containers"]))
    probe_container = next(c for c in task["containers"] if c["name"] == "probe")
    assert probe_container["exitCode"] == 0  # it reached web on localhost
    assert task["desiredStatus"] == "RUNNING"  # a non-essential exit changes nothing
    ecs.stop_task(cluster="e2e", task=arn)
    wait_for(ecs, arn, lambda t: t["lastStatus"] == "STOPPED")
    wait_removed(arn)


def test_an_essential_container_that_exits_stops_its_task(aws, ecs):
    definition = register(ecs, "quitter", [{"name": "main", "command": ["sh", "-c", "sleep 1; exit 3"]}])
    arn = run(ecs, definition)
    ok(aws(f"ecs wait tasks-stopped --cluster e2e --tasks {arn}"))
    task = describe(ecs, arn)
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert task["containers"][0]["exitCode"] == 3
    wait_removed(arn)


def test_depends_on_healthy_holds_the_dependent_back(ecs):
    db = ("mkdir -p /www && echo ready > /www/index.html && sleep 2 && httpd -p 8080 -h /www && "
          "touch /tmp/ready && exec sleep 3600")
    # If app started before db was healthy, its wget would fail and the essential app would exit.
    app = "wget -q -O /dev/null http://localhost:8080/ || exit 7; exec sleep 3600"
    definition = register(ecs, "ordered", [
        {"name": "db", "command": ["sh", "-c", db],
         "healthCheck": {"command": ["CMD-SHELL", "test -f /tmp/ready"], "interval": 5, "timeout": 2, "retries": 3}},
        {"name": "app", "command": ["sh", "-c", app], "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}]},
    ])
    arn = run(ecs, definition)
    task = wait_for(ecs, arn, lambda t: t["lastStatus"] in ("RUNNING", "STOPPED"), timeout=90)
    assert task["lastStatus"] == "RUNNING", task
    by_name = {c["name"]: c for c in task["containers"]}
    assert by_name["db"]["healthStatus"] == "HEALTHY"
    assert by_name["app"]["lastStatus"] == "RUNNING"
    ecs.stop_task(cluster="e2e", task=arn)
    wait_for(ecs, arn, lambda t: t["lastStatus"] == "STOPPED")
    wait_removed(arn)


def test_a_missing_image_is_cannot_pull_container_error(aws, ecs):
    definition = register(ecs, "ghost", [{"name": "main", "image": "ecslocal-test/no-such-image:1"}])
    arn = run(ecs, definition)
    ok(aws(f"ecs wait tasks-stopped --cluster e2e --tasks {arn}"))
    task = describe(ecs, arn)
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError: "), task["stoppedReason"]
    assert "startedAt" not in task
    wait_removed(arn)


def test_docker_kill_of_a_task_container_shows_the_task_stopped(ecs):
    definition = register(ecs, "victim", [{"name": "main", "command": ["sleep", "3600"]}])
    arn = run(ecs, definition)
    wait_for(ecs, arn, lambda t: t["lastStatus"] == "RUNNING")
    ids = subprocess.run([DOCKER, "ps", "-q", "--filter", f"label=ecslocal.task-arn={arn}",
                          "--filter", "label=ecslocal.role=container"], check=True, capture_output=True,
                         text=True).stdout.split()
    assert len(ids) == 1
    subprocess.run([DOCKER, "kill", ids[0]], check=True, capture_output=True)
    task = wait_for(ecs, arn, lambda t: t["lastStatus"] == "STOPPED", timeout=10)
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["containers"][0]["exitCode"] == 137
    assert ecs.describe_clusters(clusters=["e2e"])["clusters"][0]["runningTasksCount"] == 0
    wait_removed(arn)
