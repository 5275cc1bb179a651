"""The ECS/Fargate courses' flow end to end, as a student types it with the AWS CLI (and a little
boto3): an execution role with the ECS tasks trust policy, a log group, the default VPC's subnets
in two zones and its default security group opened on 8080, a FARGATE task definition with
awslogs, tasks in both subnets answering HTTP, and their output read back with get-log-events
and `aws logs tail`. Then the mistakes students make: a subnet that does not exist, a role
created twice, a log group that was never created.
"""

from __future__ import annotations

import ipaddress
import json
import os
import urllib.request

import pytest

from harness import boto
from harness.cli import ok

IMAGE = "ecslocal-test/busybox:latest"
needs_docker = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                  reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
# The page the task serves, and what its container prints before serving it.
SCRIPT = ("echo \"web task starting on $(hostname)\"; mkdir -p /www; echo course-page > /www/index.html; "
          "echo ready; exec httpd -f -p 8080 -h /www")


def http_get(address: str) -> str:
    # Only the private address of a task ecslocal started on its own bridge.
    with urllib.request.urlopen(f"http://{address}:8080/", timeout=5) as reply:
        return reply.read().decode()


def task_definition(family: str, role_arn: str, group: str, create_group: bool = False) -> str:
    options = {"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "course"}
    if create_group:
        options["awslogs-create-group"] = "true"
    return json.dumps({
        "family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
        "cpu": "256", "memory": "512", "executionRoleArn": role_arn,
        "containerDefinitions": [{
            "name": "web", "image": IMAGE, "essential": True, "stopTimeout": 2,
            "command": ["sh", "-c", SCRIPT], "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            "logConfiguration": {"logDriver": "awslogs", "options": options}}]})


def private_ip(task: dict) -> str:
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    return details["privateIPv4Address"]


def subnet_of(task: dict) -> str:
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    return details["subnetId"]


@needs_docker
def test_course_flow_from_role_to_logs(aws, server, client_env):
    # 1. The task execution role.
    role = ok(aws("iam create-role --role-name ecsTaskExecutionRole "
                  "--assume-role-policy-document file://ecs-tasks-trust-policy.json")).json()["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    ok(aws(f"iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn {EXECUTION_POLICY}"))
    attached = ok(aws("iam list-attached-role-policies --role-name ecsTaskExecutionRole")).json()
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [EXECUTION_POLICY]
    role_arn = ok(aws("iam get-role --role-name ecsTaskExecutionRole --query Role.Arn --output text")).stdout.strip()
    assert role_arn == "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"
    identity = ok(aws("sts get-caller-identity")).json()
    assert identity["Account"] == "000000000000"

    # 2. The log group.
    ok(aws("logs create-log-group --log-group-name /ecs/course"))

    # 3. The default VPC, a default subnet in each of two zones, the default security group.
    vpcs = ok(aws("ec2 describe-vpcs --filters Name=isDefault,Values=true")).json()["Vpcs"]
    assert len(vpcs) == 1 and vpcs[0]["CidrBlock"] == "172.31.0.0/16"
    vpc_id = vpcs[0]["VpcId"]
    subnets = ok(aws(f"ec2 describe-subnets --filters Name=vpc-id,Values={vpc_id} "
                     "Name=default-for-az,Values=true")).json()["Subnets"]
    by_zone = {s["AvailabilityZone"]: s for s in subnets}
    assert len(by_zone) >= 2
    chosen = [by_zone[z] for z in sorted(by_zone)[-2:]]
    groups = ok(aws(f"ec2 describe-security-groups --filters Name=vpc-id,Values={vpc_id} "
                    "Name=group-name,Values=default")).json()["SecurityGroups"]
    assert len(groups) == 1
    group_id = groups[0]["GroupId"]
    ok(aws(f"ec2 authorize-security-group-ingress --group-id {group_id} --protocol tcp --port 8080 --cidr 0.0.0.0/0"))
    rules = ok(aws(f"ec2 describe-security-groups --group-ids {group_id}")).json()["SecurityGroups"][0]["IpPermissions"]
    assert any(r.get("FromPort") == 8080 and r.get("ToPort") == 8080 for r in rules), rules

    # 4. The cluster, the task definition, two tasks in the two subnets.
    ok(aws("ecs create-cluster --cluster-name course"))
    registered = ok(aws("ecs", "register-task-definition", "--cli-input-json",
                        task_definition("course-web", role_arn, "/ecs/course"))).json()["taskDefinition"]
    assert registered["executionRoleArn"] == role_arn
    network = ("awsvpcConfiguration={subnets=[" + ",".join(s["SubnetId"] for s in chosen) +
               f"],securityGroups=[{group_id}],assignPublicIp=DISABLED}}")
    run = ok(aws("ecs", "run-task", "--cluster", "course", "--launch-type", "FARGATE", "--count", "2",
                 "--task-definition", "course-web", "--network-configuration", network)).json()
    assert run["failures"] == []
    arns = [t["taskArn"] for t in run["tasks"]]
    try:
        ok(aws("ecs", "wait", "tasks-running", "--cluster", "course", "--tasks", *arns))
        tasks = ok(aws("ecs", "describe-tasks", "--cluster", "course", "--tasks", *arns)).json()["tasks"]
        cidrs = {s["SubnetId"]: ipaddress.ip_network(s["CidrBlock"]) for s in chosen}
        assert {subnet_of(t) for t in tasks} == set(cidrs), "one task in each subnet"
        for task in tasks:
            assert ipaddress.ip_address(private_ip(task)) in cidrs[subnet_of(task)]
            assert http_get(private_ip(task)) == "course-page\n"
        enis = ok(aws(f"ec2 describe-network-interfaces --filters Name=group-id,Values={group_id}")).json()
        assert {e["PrivateIpAddress"] for e in enis["NetworkInterfaces"]} >= {private_ip(t) for t in tasks}
    finally:
        for arn in arns:
            aws("ecs", "stop-task", "--cluster", "course", "--task", arn)
    ok(aws("ecs", "wait", "tasks-stopped", "--cluster", "course", "--tasks", *arns))

    # 5. What the containers printed, back from CloudWatch Logs.
    for arn in arns:
        stream = f"course/web/{arn.rsplit('/', 1)[1]}"
        events = ok(aws(f"logs get-log-events --log-group-name /ecs/course --log-stream-name {stream} "
                        "--start-from-head")).json()["events"]
        messages = [e["message"] for e in events]
        assert messages[:2] == [messages[0], "ready"] and messages[0].startswith("web task starting on "), messages
    tail = ok(aws("logs tail /ecs/course --since 10m")).stdout.splitlines()
    assert sum(line.endswith(" ready") for line in tail) == 2, tail


def test_course_mistakes_get_what_aws_answers(aws, server, client_env):
    trust = "file://ecs-tasks-trust-policy.json"
    ok(aws(f"iam create-role --role-name twice --assume-role-policy-document {trust}"))
    again = aws(f"iam create-role --role-name twice --assume-role-policy-document {trust}")
    assert again.returncode != 0
    assert "(EntityAlreadyExists)" in again.stderr and "Role with name twice already exists." in again.stderr

    ok(aws("ecs create-cluster --cluster-name course"))
    ok(aws("ecs", "register-task-definition", "--cli-input-json",
           task_definition("nogroup", "arn:aws:iam::000000000000:role/twice", "/ecs/never-created")))
    unknown = aws("ecs run-task --cluster course --launch-type FARGATE --task-definition nogroup "
                  "--network-configuration awsvpcConfiguration={subnets=[subnet-0123456789abcdef0]}")
    assert unknown.returncode != 0
    assert "(InvalidParameterException)" in unknown.stderr and "subnet-0123456789abcdef0" in unknown.stderr


@needs_docker
def test_missing_log_group_stops_the_task_as_aws_does(aws, server, client_env):
    ecs = boto.make_client(server.endpoint)
    ecs.create_cluster(clusterName="course")
    definition = ecs.register_task_definition(**json.loads(task_definition(
        "nogroup", "arn:aws:iam::000000000000:role/none", "/ecs/never-created")))["taskDefinition"]["taskDefinitionArn"]
    subnet = boto.make_client(server.endpoint, service="ec2").describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][-1]["SubnetId"]
    task = ecs.run_task(cluster="course", launchType="FARGATE", taskDefinition=definition,
                        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}})["tasks"][0]
    ok(aws(f"ecs wait tasks-stopped --cluster course --tasks {task['taskArn']}"))
    stopped = ecs.describe_tasks(cluster="course", tasks=[task["taskArn"]])["tasks"][0]
    assert stopped["stopCode"] == "TaskFailedToStart"
    assert stopped["stoppedReason"].startswith("ResourceInitializationError: failed to validate logger args:")
    assert "The specified log group does not exist." in stopped["stoppedReason"]
