"""Paging while deleting: a token names the last item it returned, so deleting every page as it
comes (the way clean-up scripts walk a list) leaves nothing behind, and long lists page through
without a token going stale. boto3 against ecslocal; every reply shape-checked."""

from __future__ import annotations

import json

from harness import boto

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _definition(family: str) -> dict:
    return {"family": family, "containerDefinitions": [{"name": "app", "image": "busybox", "memory": 64}]}


def test_deregistering_task_definitions_page_by_page_leaves_none_active(ecs):
    for _ in range(15):
        ecs.register_task_definition(**_definition("web"))
    token = None
    deregistered = []
    while True:
        page = ecs.list_task_definitions(familyPrefix="web", maxResults=5, **({"nextToken": token} if token else {}))
        for arn in page["taskDefinitionArns"]:
            ecs.deregister_task_definition(taskDefinition=arn)
            deregistered.append(arn)
        token = page.get("nextToken")
        if not token:
            break
    assert len(deregistered) == 15
    assert ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"] == []


def test_a_hundred_and_twenty_revisions_page_through_with_every_token_valid(ecs):
    for _ in range(120):
        ecs.register_task_definition(**_definition("many"))
    seen = []
    for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix="many", PaginationConfig={"PageSize": 7}):
        seen.extend(page["taskDefinitionArns"])
    assert [int(a.rsplit(":", 1)[1]) for a in seen] == list(range(1, 121))
    down = []
    for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix="many", sort="DESC",
                                                                    PaginationConfig={"PageSize": 50}):
        down.extend(page["taskDefinitionArns"])
    assert down == list(reversed(seen))


def test_deleting_log_groups_page_by_page_leaves_none(server):
    logs = boto.make_client(server.endpoint, "logs")
    for i in range(15):
        logs.create_log_group(logGroupName=f"/paging/g{i:02}")
    token = None
    while True:
        page = logs.describe_log_groups(logGroupNamePrefix="/paging/", limit=5, **({"nextToken": token} if token else {}))
        for group in page["logGroups"]:
            logs.delete_log_group(logGroupName=group["logGroupName"])
        token = page.get("nextToken")
        if not token:
            break
    assert logs.describe_log_groups(logGroupNamePrefix="/paging/")["logGroups"] == []


def test_deleting_iam_roles_page_by_page_leaves_none(server):
    iam = boto.make_client(server.endpoint, "iam")
    for i in range(15):
        iam.create_role(RoleName=f"paging-{i:02}", AssumeRolePolicyDocument=TRUST)
    marker = None
    while True:
        page = iam.list_roles(MaxItems=5, **({"Marker": marker} if marker else {}))
        for role in page["Roles"]:
            iam.delete_role(RoleName=role["RoleName"])
        marker = page.get("Marker")
        if not page["IsTruncated"]:
            break
    assert iam.list_roles()["Roles"] == []


def test_stopping_tasks_listed_page_by_page_finds_every_task(ecs):
    """ListTasks pages are keyed by creation order: tasks stopped between pages do not shift it."""
    ecs.create_cluster(clusterName="paging")
    arns = []
    subnet = boto.make_client(ecs.meta.endpoint_url, "ec2").describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]["SubnetId"]
    ecs.register_task_definition(family="fg", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
                                 memory="512", containerDefinitions=[{"name": "app", "image": "ecslocal-test/busybox:latest",
                                                                      "command": ["sleep", "30"]}])
    for _ in range(3):
        arns += [t["taskArn"] for t in ecs.run_task(cluster="paging", taskDefinition="fg", count=4, launchType="FARGATE",
                                                   networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}})["tasks"]]
    assert len(arns) == 12
    token = None
    listed = []
    while True:
        page = ecs.list_tasks(cluster="paging", maxResults=5, **({"nextToken": token} if token else {}))
        for arn in page["taskArns"]:
            ecs.stop_task(cluster="paging", task=arn)
            listed.append(arn)
        token = page.get("nextToken")
        if not token:
            break
    assert sorted(listed) == sorted(arns)
