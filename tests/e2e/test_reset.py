"""POST /_ecslocal/reset against real containers: it stops and removes what the instance runs
before it forgets the state, and answers only then; GET /_ecslocal/state shows the state, empty
after the reset; CORS preflights of a browser SDK."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from harness import boto

DOCKER = "/usr/bin/docker"
IMAGE = "ecslocal-test/busybox:latest"


def containers_of(instance: str) -> list[str]:
    """Every container (running or not) that carries this ecslocal instance's label, but its
    instance lock (ecslocal.role=lock), which lives as long as the process and outlasts a reset."""
    out = subprocess.run([DOCKER, "ps", "-a", "--filter", f"label=ecslocal.instance={instance}",
                          "--format", '{{.ID}} {{.Label "ecslocal.role"}}'],
                         check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.split()[1:] != ["lock"]]


def state(server) -> dict:
    with urllib.request.urlopen(server.endpoint + "/_ecslocal/state", timeout=5) as reply:
        return json.loads(reply.read())


def reset(server) -> dict:
    req = urllib.request.Request(server.endpoint + "/_ecslocal/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=60) as reply:
        assert reply.status == 200
        return json.loads(reply.read())


@pytest.fixture
def network_config(server, client_env) -> dict:
    # Not us-east-1a: other ecslocal instances share the default VPC's bridge (see test_tasks.py).
    ec2 = boto.make_client(server.endpoint, service="ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                            {"Name": "availability-zone", "Values": ["us-east-1d"]}])["Subnets"]
    return {"awsvpcConfiguration": {"subnets": [subnets[0]["SubnetId"]], "assignPublicIp": "ENABLED"}}


def test_reset_stops_and_removes_running_tasks_before_it_answers(server, ecs, network_config):
    ecs.create_cluster(clusterName="reset")
    definition = ecs.register_task_definition(
        family="sleeper", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "main", "image": IMAGE, "command": ["sleep", "3600"], "stopTimeout": 2}],
    )["taskDefinition"]["taskDefinitionArn"]
    arns = [t["taskArn"] for t in ecs.run_task(cluster="reset", launchType="FARGATE", taskDefinition=definition,
                                                count=2, networkConfiguration=network_config)["tasks"]]
    assert len(arns) == 2
    deadline = time.monotonic() + 60
    while True:
        tasks = ecs.describe_tasks(cluster="reset", tasks=arns)["tasks"]
        if all(t["lastStatus"] == "RUNNING" for t in tasks):
            break
        assert all(t["lastStatus"] != "STOPPED" for t in tasks), [(t["lastStatus"], t.get("stoppedReason")) for t in tasks]
        assert time.monotonic() < deadline, tasks
        time.sleep(0.2)
    assert len(containers_of(server.instance)) >= 2  # the app containers (and their pause containers)
    ecs_view = state(server)["ecs"]
    assert [len(v["tasks"]) for v in ecs_view] == [2], ecs_view

    assert reset(server) == {"reset": True}

    # Gone when the reply arrives: no polling.
    assert containers_of(server.instance) == []
    assert state(server)["ecs"] == []
    assert ecs.list_clusters()["clusterArns"] == []
    assert server.alive()


def test_reset_with_nothing_running_answers_at_once(server):
    assert reset(server) == {"reset": True}
    assert state(server)["ecs"] == []
def preflight(server, origin: str) -> tuple[int, dict]:
    req = urllib.request.Request(server.endpoint + "/", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent"})
    try:
        with urllib.request.urlopen(req, timeout=5) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}


def test_cors_preflight_from_a_loopback_page_is_allowed(server):
    status, headers = preflight(server, "http://localhost:5173")
    assert status == 204
    assert headers["access-control-allow-origin"] == "http://localhost:5173"
    allowed = {h.strip() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-amz-date", "x-amz-target", "x-amz-user-agent"} <= allowed
    assert "POST" in headers["access-control-allow-methods"]


def test_cors_preflight_from_another_origin_is_refused(server):
    status, _ = preflight(server, "https://evil.example")
    assert status == 403
