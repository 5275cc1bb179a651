"""Task definitions through the AWS CLI and boto3: the course's Fargate `web` definition,
registered from taskdef.json, described, listed, deregistered and registered again."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest

from harness.cli import ok
from harness.expect import ACCOUNT, arn, cli_error, subset

REGISTER = "ecs register-task-definition --cli-input-json file://taskdef.json"

HEALTH_CHECK = {
    "command": ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/ || exit 1"],
    "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 5,
}
LOG_CONFIGURATION = {
    "logDriver": "awslogs",
    "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "ecs", "awslogs-create-group": "true"},
}
# The container as ECS echoes it: what was given, plus cpu 0 and the empty lists it normalises.
WEB_CONTAINER = {
    "name": "web",
    "image": "ecslocal-test/busybox:latest",
    "cpu": 0,
    "essential": True,
    "portMappings": [{"name": "web-8080-tcp", "containerPort": 8080, "hostPort": 8080, "protocol": "tcp",
                      "appProtocol": "http"}],
    "command": ["httpd", "-f", "-p", "8080"],
    "environment": [],
    "mountPoints": [],
    "volumesFrom": [],
    "healthCheck": HEALTH_CHECK,
    "logConfiguration": LOG_CONFIGURATION,
}


def check_web_definition(td: dict, revision: int, status: str = "ACTIVE", registered_after: float = 0) -> None:
    subset(td, {
        "taskDefinitionArn": arn(f"task-definition/web:{revision}"),
        "family": "web",
        "revision": revision,
        "status": status,
        "networkMode": "awsvpc",
        "cpu": "1024",
        "memory": "2048",
        "requiresCompatibilities": ["FARGATE"],
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
        "volumes": [],
        "placementConstraints": [],
    })
    assert sorted(td["compatibilities"]) == ["EC2", "FARGATE"], td["compatibilities"]
    assert "taskRoleArn" not in td  # not given, so not invented
    (container,) = td["containerDefinitions"]
    subset(container, WEB_CONTAINER, "$.containerDefinitions[0]")
    extra = {k: v for k, v in container.items() if k not in WEB_CONTAINER}
    assert all(v == [] for v in extra.values()), f"container members nobody asked for: {extra}"
    # The CLI prints timestamps as ISO 8601 (the wire carried epoch seconds, checked by shapes.py).
    registered_at = datetime.fromisoformat(td["registeredAt"]).timestamp()
    assert registered_after - 1 <= registered_at <= time.time() + 1, td["registeredAt"]
    assert td["registeredBy"].startswith(f"arn:aws:iam::{ACCOUNT}:"), td["registeredBy"]


# --- AWS CLI ---------------------------------------------------------------------------------

def test_cli_registers_the_course_definition_from_a_file(aws):
    started = time.time()
    out = ok(aws(REGISTER)).json()
    assert set(out) <= {"taskDefinition", "tags"}
    check_web_definition(out["taskDefinition"], 1, registered_after=started)
    assert out.get("tags", []) == []


def test_cli_describes_by_family_revision_and_arn(aws):
    registered = ok(aws(REGISTER)).json()["taskDefinition"]
    by_family = ok(aws("ecs describe-task-definition --task-definition web")).json()
    assert by_family == {"taskDefinition": registered}
    assert ok(aws("ecs describe-task-definition --task-definition web:1")).json() == by_family
    by_arn = ok(aws("ecs", "describe-task-definition", "--task-definition", registered["taskDefinitionArn"])).json()
    assert by_arn == by_family
    with_tags = ok(aws("ecs describe-task-definition --task-definition web --include TAGS")).json()
    assert with_tags["taskDefinition"] == registered
    assert with_tags["tags"] == []


def test_cli_tags_given_at_registration_are_returned_with_include_tags(aws):
    out = ok(aws(REGISTER + " --tags key=team,value=platform key=tier,value=frontend")).json()
    tags = [{"key": "team", "value": "platform"}, {"key": "tier", "value": "frontend"}]
    assert out["tags"] == tags
    described = ok(aws("ecs describe-task-definition --task-definition web:1 --include TAGS")).json()
    assert described["tags"] == tags
    without = ok(aws("ecs describe-task-definition --task-definition web:1")).json()
    assert "tags" not in without


def test_cli_lists_definitions_and_families(aws):
    ok(aws(REGISTER))
    listed = ok(aws("ecs list-task-definitions --query 'taskDefinitionArns[]' --output text"))
    assert listed.stdout == arn("task-definition/web:1") + "\n"
    assert ok(aws("ecs list-task-definition-families")).json() == {"families": ["web"]}


def test_cli_deregister_makes_the_revision_inactive_and_the_next_one_is_2(aws):
    ok(aws(REGISTER))
    out = ok(aws("ecs deregister-task-definition --task-definition web:1")).json()
    td = out["taskDefinition"]
    check_web_definition(td, 1, status="INACTIVE")
    if "deregisteredAt" in td:
        assert datetime.fromisoformat(td["deregisteredAt"]) >= datetime.fromisoformat(td["registeredAt"])

    # Still describable, but no longer listed as ACTIVE.
    described = ok(aws("ecs describe-task-definition --task-definition web:1")).json()["taskDefinition"]
    assert described["status"] == "INACTIVE"
    assert ok(aws("ecs list-task-definitions")).json() == {"taskDefinitionArns": []}
    inactive = ok(aws("ecs list-task-definitions --status INACTIVE")).json()
    assert inactive == {"taskDefinitionArns": [arn("task-definition/web:1")]}
    assert ok(aws("ecs list-task-definition-families --status INACTIVE")).json() == {"families": ["web"]}
    assert ok(aws("ecs list-task-definition-families --status ACTIVE")).json() == {"families": []}
    assert ok(aws("ecs list-task-definition-families")).json() == {"families": ["web"]}

    # Revision numbers are never reused.
    again = ok(aws(REGISTER)).json()["taskDefinition"]
    check_web_definition(again, 2)
    latest = ok(aws("ecs describe-task-definition --task-definition web")).json()["taskDefinition"]
    assert latest["revision"] == 2 and latest["status"] == "ACTIVE"
    listed = ok(aws("ecs list-task-definitions --query 'taskDefinitionArns[]' --output text"))
    assert listed.stdout == arn("task-definition/web:2") + "\n"
    assert ok(aws("ecs list-task-definition-families --status ACTIVE")).json() == {"families": ["web"]}


def test_cli_describe_unknown_definition(aws):
    for name in ("nope", "web:1"):
        cli_error(aws("ecs", "describe-task-definition", "--task-definition", name),
                  "ClientException", "DescribeTaskDefinition", "Unable to describe task definition.")
    ok(aws(REGISTER))
    cli_error(aws("ecs describe-task-definition --task-definition web:7"),
              "ClientException", "DescribeTaskDefinition", "Unable to describe task definition.")


def test_cli_rejects_a_fargate_size_that_does_not_exist(aws, taskdef_path, tmp_path):
    body = json.loads(taskdef_path.read_text())
    body["cpu"], body["memory"] = "256", "4096"
    path = tmp_path / "too-much-memory.json"
    path.write_text(json.dumps(body))
    result = aws("ecs", "register-task-definition", "--cli-input-json", f"file://{path}")
    cli_error(result, "ClientException", "RegisterTaskDefinition",
              "No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
              "See the Amazon ECS documentation for the valid values.")
    assert ok(aws("ecs list-task-definition-families")).json() == {"families": []}


# --- boto3 -----------------------------------------------------------------------------------

def test_boto3_register_describe_and_deregister(ecs, taskdef_path):
    started = time.time()
    params = json.loads(taskdef_path.read_text())
    registered = ecs.register_task_definition(**params)["taskDefinition"]
    assert registered["revision"] == 1
    described = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert described == registered
    # boto3 turns epoch-second timestamps into datetimes.
    assert abs(described["registeredAt"].timestamp() - started) < 60
    gone = ecs.deregister_task_definition(taskDefinition=registered["taskDefinitionArn"])["taskDefinition"]
    assert gone["status"] == "INACTIVE"
    assert ecs.register_task_definition(**params)["taskDefinition"]["revision"] == 2
    assert "RegisterTaskDefinition" in ecs.response_checker.checked


def test_boto3_lists_in_order_and_paginates(ecs, taskdef_path):
    params = json.loads(taskdef_path.read_text())
    for _ in range(3):
        ecs.register_task_definition(**params)
    ecs.register_task_definition(**dict(params, family="api"))
    ascending = [arn("task-definition/api:1")] + [arn(f"task-definition/web:{r}") for r in (1, 2, 3)]
    assert ecs.list_task_definitions()["taskDefinitionArns"] == ascending
    assert ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"] == ascending[::-1]
    assert ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"] == ascending[1:]
    pages = list(ecs.get_paginator("list_task_definitions").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["taskDefinitionArns"]) for p in pages] == [3, 1]
    assert [a for p in pages for a in p["taskDefinitionArns"]] == ascending
    assert ecs.list_task_definition_families()["families"] == ["api", "web"]
    assert ecs.list_task_definition_families(familyPrefix="a")["families"] == ["api"]


def test_boto3_fargate_requires_awsvpc(ecs, taskdef_path):
    params = json.loads(taskdef_path.read_text())
    params["networkMode"] = "bridge"
    with pytest.raises(ecs.exceptions.ClientException) as e:
        ecs.register_task_definition(**params)
    assert e.value.response["Error"]["Message"] == "Fargate only supports network mode \u2018awsvpc\u2019."


def test_boto3_fargate_needs_task_level_cpu(ecs, taskdef_path):
    params = json.loads(taskdef_path.read_text())
    del params["cpu"]
    with pytest.raises(ecs.exceptions.ClientException) as e:
        ecs.register_task_definition(**params)
    assert e.value.response["Error"]["Message"] == "Fargate requires that 'cpu' be defined at the task level."


def test_boto3_awsvpc_host_port_must_match(ecs, taskdef_path):
    params = json.loads(taskdef_path.read_text())
    params["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 80
    with pytest.raises(ecs.exceptions.ClientException) as e:
        ecs.register_task_definition(**params)
    assert e.value.response["Error"]["Message"] == (
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.")


def test_boto3_sizes_in_vcpu_and_gb_are_normalised(ecs, taskdef_path):
    params = json.loads(taskdef_path.read_text())
    params["cpu"], params["memory"] = "1 vCPU", "2 GB"
    td = ecs.register_task_definition(**params)["taskDefinition"]
    assert (td["cpu"], td["memory"]) == ("1024", "2048")


def test_boto3_awsvpc_fills_in_host_port_and_protocol(ecs, taskdef_path):
    params = json.loads(taskdef_path.read_text())
    params["containerDefinitions"][0]["portMappings"] = [{"containerPort": 8080}]
    td = ecs.register_task_definition(**params)["taskDefinition"]
    assert td["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}]


def test_cli_tags_added_later_show_with_include_tags(aws):
    td_arn = ok(aws(REGISTER)).json()["taskDefinition"]["taskDefinitionArn"]
    ok(aws("ecs", "tag-resource", "--resource-arn", td_arn, "--tags", "key=stage,value=beta"))
    assert ok(aws("ecs", "list-tags-for-resource", "--resource-arn", td_arn)).json() == {
        "tags": [{"key": "stage", "value": "beta"}]}
    described = ok(aws("ecs describe-task-definition --task-definition web:1 --include TAGS")).json()
    assert described["tags"] == [{"key": "stage", "value": "beta"}]
