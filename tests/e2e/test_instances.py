"""Several ecslocal processes on one Docker daemon: a second one with the same --instance refuses to
start (and leaves the first one's tasks alone); instances of different names share the default
VPC's bridge without handing out one address twice, and the bridge goes with its last user."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from harness import boto
from harness.server import EcslocalServer, free_loopback_port

DOCKER = "/usr/bin/docker"
IMAGE = "ecslocal-test/busybox:latest"
SECOND_START_TIMEOUT = 30.0


def network_config(endpoint: str, zone: str = "us-east-1d") -> dict:
    ec2 = boto.make_client(endpoint, service="ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                            {"Name": "availability-zone", "Values": [zone]}])["Subnets"]
    return {"awsvpcConfiguration": {"subnets": [subnets[0]["SubnetId"]], "assignPublicIp": "DISABLED"}}


def run_sleeper(ecs, endpoint: str) -> str:
    ecs.create_cluster(clusterName="e2e")
    definition = ecs.register_task_definition(
        family="sleeper", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": IMAGE, "command": ["sleep", "3600"], "stopTimeout": 2}],
    )["taskDefinition"]["taskDefinitionArn"]
    response = ecs.run_task(cluster="e2e", launchType="FARGATE", taskDefinition=definition,
                            networkConfiguration=network_config(endpoint))
    assert response["failures"] == [], response
    return response["tasks"][0]["taskArn"]


def wait_running(ecs, arn: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        task = ecs.describe_tasks(cluster="e2e", tasks=[arn])["tasks"][0]
        if task["lastStatus"] == "RUNNING":
            return task
        assert task["lastStatus"] not in ("DEPROVISIONING", "STOPPED"), json.dumps(task, default=str)
        assert time.monotonic() < deadline, f"task never ran: {json.dumps(task, default=str)}"
        time.sleep(0.2)


def private_ip(task: dict) -> str:
    return {d["name"]: d["value"] for d in task["attachments"][0]["details"]}["privateIPv4Address"]


def running_containers(task_arn: str) -> list[str]:
    return subprocess.run([DOCKER, "ps", "-q", "--filter", f"label=ecslocal.task-arn={task_arn}"],
                          check=True, capture_output=True, text=True).stdout.split()


def test_a_second_ecslocal_with_the_same_instance_refuses_to_start(server, ecs, tmp_path):
    arn = run_sleeper(ecs, server.endpoint)
    wait_running(ecs, arn)
    before = running_containers(arn)
    assert len(before) == 2, before  # the pause container and the app

    log = tmp_path / "second.log"
    with open(log, "wb") as out:
        second = subprocess.Popen(
            [str(server.binary), "--host", "127.0.0.1", "--port", str(free_loopback_port()), "--log-level", "info",
             "--instance", server.instance],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        try:
            code = second.wait(SECOND_START_TIMEOUT)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
            pytest.fail(f"a second ecslocal with --instance {server.instance} kept running:\n{log.read_text()}")
    text = log.read_text(errors="replace")
    assert code != 0, text
    assert f"another ecslocal with --instance {server.instance} is running on this Docker daemon" in text, text
    assert "removed leftovers" not in text, text

    # The first one and its task are untouched.
    assert server.alive()
    assert running_containers(arn) == before
    task = ecs.describe_tasks(cluster="e2e", tasks=[arn])["tasks"][0]
    assert task["lastStatus"] == "RUNNING", json.dumps(task, default=str)
    ecs.stop_task(cluster="e2e", task=arn)


def test_two_instances_share_the_default_vpc_bridge_which_belongs_to_neither(server, ecs, tmp_path):
    arn = run_sleeper(ecs, server.endpoint)
    first = wait_running(ecs, arn)
    other = EcslocalServer(server.binary, tmp_path / "other.log")
    other.instance = f"{server.instance}-other"
    other.start()
    try:
        other_ecs = boto.make_client(other.endpoint)
        other_arn = run_sleeper(other_ecs, other.endpoint)
        second = wait_running(other_ecs, other_arn)
        ips = {private_ip(first), private_ip(second)}
        assert len(ips) == 2, f"two instances handed out one address: {ips}"
        network = subprocess.run([DOCKER, "network", "inspect", "ecslocal-default-vpc"], check=True,
                                 capture_output=True, text=True).stdout
        labels = json.loads(network)[0]["Labels"]
        assert labels.get("ecslocal.shared") == "true", labels
        assert "ecslocal.instance" not in labels, labels
    finally:
        assert other.stop() == 0, other.log_tail()
    # The other instance went; the bridge stays for this one's task, which still runs.
    assert running_containers(arn), "the first instance's task died with the other instance"
    subprocess.run([DOCKER, "network", "inspect", "ecslocal-default-vpc"], check=True, capture_output=True)
    left = subprocess.run([DOCKER, "ps", "-aq", "--filter", f"label=ecslocal.instance={other.instance}"],
                          check=True, capture_output=True, text=True).stdout.split()
    assert left == [], f"the other instance left {left} behind"
    ecs.stop_task(cluster="e2e", task=arn)
