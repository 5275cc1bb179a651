"""SSM Parameter Store and Secrets Manager through boto3 and the AWS CLI (every response
shape-checked against their models), and ECS `secrets`: a task whose container prints a
SecureString parameter and a JSON key of a secret, read back through awslogs; a missing
parameter stops the task with ECS's ResourceInitializationError before anything runs."""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest

from harness import boto
from harness.cli import ok

IMAGE = "ecslocal-test/busybox:latest"
ACCOUNT = "000000000000"
EXEC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
DOCKER = "/usr/bin/docker"
needs_docker = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                  reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")


@pytest.fixture
def ssm(server, client_env):
    return boto.make_client(server.endpoint, service="ssm")


@pytest.fixture
def sm(server, client_env):
    return boto.make_client(server.endpoint, service="secretsmanager")


def test_parameters_with_boto3_and_the_cli(aws, ssm):
    assert ssm.put_parameter(Name="/e2e/db/password", Value="hunter2", Type="SecureString")["Version"] == 1
    ssm.put_parameter(Name="/e2e/db/host", Value="db1", Type="String")
    assert ssm.put_parameter(Name="/e2e/db/host", Value="db2", Overwrite=True)["Version"] == 2
    with pytest.raises(ssm.exceptions.ParameterAlreadyExists):
        ssm.put_parameter(Name="/e2e/db/host", Value="db3", Type="String")
    got = ssm.get_parameter(Name="/e2e/db/password", WithDecryption=True)["Parameter"]
    assert got["Value"] == "hunter2" and got["ARN"] == f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/e2e/db/password"
    assert ssm.get_parameter(Name="/e2e/db/password")["Parameter"]["Value"] != "hunter2"
    assert ssm.get_parameter(Name="/e2e/db/host:1")["Parameter"]["Value"] == "db1"
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/e2e/none")
    many = ssm.get_parameters(Names=["/e2e/db/host", "/e2e/none"])
    assert [p["Value"] for p in many["Parameters"]] == ["db2"] and many["InvalidParameters"] == ["/e2e/none"]

    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/e2e", Recursive=True,
                                                                  PaginationConfig={"PageSize": 1})
    assert [p["Name"] for page in pages for p in page["Parameters"]] == ["/e2e/db/host", "/e2e/db/password"]

    described = ok(aws("ssm describe-parameters --parameter-filters Key=Type,Values=SecureString")).json()
    assert [p["Name"] for p in described["Parameters"]] == ["/e2e/db/password"]
    assert described["Parameters"][0]["KeyId"] == "alias/aws/ssm"
    ok(aws("ssm label-parameter-version --name /e2e/db/host --parameter-version 1 --labels old"))
    assert ok(aws("ssm get-parameter --name /e2e/db/host:old")).json()["Parameter"]["Value"] == "db1"
    history = ok(aws("ssm get-parameter-history --name /e2e/db/host")).json()["Parameters"]
    assert [(h["Version"], h.get("Labels", [])) for h in history] == [(1, ["old"]), (2, [])]
    ok(aws("ssm add-tags-to-resource --resource-type Parameter --resource-id /e2e/db/host --tags Key=team,Value=a"))
    tags = ok(aws("ssm list-tags-for-resource --resource-type Parameter --resource-id /e2e/db/host")).json()
    assert tags["TagList"] == [{"Key": "team", "Value": "a"}]
    ok(aws("ssm delete-parameter --name /e2e/db/host"))
    assert ssm.delete_parameters(Names=["/e2e/db/host"])["InvalidParameters"] == ["/e2e/db/host"]


def test_secrets_with_boto3_and_the_cli(aws, sm):
    created = sm.create_secret(Name="e2e/db", SecretString='{"password": "pw1"}')
    assert re.fullmatch(rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:e2e/db-[A-Za-z0-9]{{6}}", created["ARN"])
    first = created["VersionId"]  # botocore filled in the ClientRequestToken
    sm.put_secret_value(SecretId="e2e/db", SecretString='{"password": "pw2"}')
    assert sm.get_secret_value(SecretId=created["ARN"])["SecretString"] == '{"password": "pw2"}'
    previous = sm.get_secret_value(SecretId="e2e/db", VersionStage="AWSPREVIOUS")
    assert previous["VersionId"] == first and previous["SecretString"] == '{"password": "pw1"}'
    with pytest.raises(sm.exceptions.ResourceExistsException):
        sm.create_secret(Name="e2e/db", SecretString="x")

    listed = ok(aws("secretsmanager list-secrets --filters Key=name,Values=e2e/")).json()["SecretList"]
    assert [s["Name"] for s in listed] == ["e2e/db"]
    deleted = ok(aws("secretsmanager delete-secret --secret-id e2e/db --recovery-window-in-days 7")).json()
    assert deleted["Name"] == "e2e/db"
    with pytest.raises(sm.exceptions.InvalidRequestException):
        sm.get_secret_value(SecretId="e2e/db")
    assert "DeletedDate" in sm.describe_secret(SecretId="e2e/db")
    sm.restore_secret(SecretId="e2e/db")
    assert sm.get_secret_value(SecretId="e2e/db")["SecretString"] == '{"password": "pw2"}'
    sm.delete_secret(SecretId="e2e/db", ForceDeleteWithoutRecovery=True)
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.describe_secret(SecretId="e2e/db")
    assert len(sm.get_random_password(PasswordLength=24)["RandomPassword"]) == 24


# ---------------------------------------------------------------- secrets in tasks


@pytest.fixture
def ecs(server, client_env):
    client = boto.make_client(server.endpoint)
    ec2 = boto.make_client(server.endpoint, service="ec2")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    client.network_config = {"awsvpcConfiguration": {"subnets": [subnets[0]["SubnetId"]], "assignPublicIp": "DISABLED"}}
    client.create_cluster(clusterName="e2e")
    return client


def register(ecs, family: str, secrets: list[dict]) -> str:
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn=EXEC_ROLE,
        containerDefinitions=[{
            "name": "app", "image": IMAGE, "essential": True, "stopTimeout": 2,
            "command": ["sh", "-c", 'echo "db=$DB_PASSWORD"; echo "api=$API_KEY"'],
            "secrets": secrets,
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/secrets", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "e2e",
                "awslogs-create-group": "true"}}}])["taskDefinition"]["taskDefinitionArn"]


def run_to_stop(aws, ecs, definition: str) -> dict:
    task = ecs.run_task(cluster="e2e", launchType="FARGATE", taskDefinition=definition,
                        networkConfiguration=ecs.network_config)["tasks"][0]
    ok(aws(f"ecs wait tasks-stopped --cluster e2e --tasks {task['taskArn']}"))
    return ecs.describe_tasks(cluster="e2e", tasks=[task["taskArn"]])["tasks"][0]


def wait_removed(task_arn: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while subprocess.run([DOCKER, "ps", "-aq", "--filter", f"label=ecslocal.task-arn={task_arn}"],
                         check=True, capture_output=True, text=True).stdout.split():
        assert time.monotonic() < deadline, f"containers of {task_arn} left behind"
        time.sleep(0.2)


def test_registration_refuses_secrets_without_an_execution_role(ecs):
    with pytest.raises(ecs.exceptions.ClientException) as raised:
        ecs.register_task_definition(family="norole", containerDefinitions=[{
            "name": "app", "image": IMAGE, "memory": 64,
            "secrets": [{"name": "X", "valueFrom": "/e2e/x"}]}])
    assert raised.value.response["Error"]["Message"] == (
        "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.")


@needs_docker
def test_a_task_sees_a_parameter_and_a_json_key_of_a_secret(aws, ecs, ssm, sm, logs):
    ssm.put_parameter(Name="/e2e/app/db-password", Value="s3cr3t pass", Type="SecureString")
    secret_arn = sm.create_secret(Name="e2e/api", SecretString='{"key": "k-42", "other": 1}')["ARN"]
    definition = register(ecs, "with-secrets", [
        {"name": "DB_PASSWORD", "valueFrom": "/e2e/app/db-password"},
        {"name": "API_KEY", "valueFrom": f"{secret_arn}:key::"}])
    task = run_to_stop(aws, ecs, definition)
    assert task["stopCode"] == "EssentialContainerExited", task
    assert task["containers"][0]["exitCode"] == 0, task
    task_id = task["taskArn"].rsplit("/", 1)[1]
    events = ok(aws(f"logs get-log-events --log-group-name /ecs/secrets --log-stream-name e2e/app/{task_id} "
                    "--start-from-head")).json()["events"]
    assert sorted(e["message"] for e in events) == ["api=k-42", "db=s3cr3t pass"]
    wait_removed(task["taskArn"])


@needs_docker
def test_a_missing_parameter_stops_the_task_before_it_starts(aws, ecs):
    definition = register(ecs, "missing-secret", [{"name": "DB_PASSWORD", "valueFrom": "/e2e/not/there"}])
    task = run_to_stop(aws, ecs, definition)
    assert task["stopCode"] == "TaskFailedToStart", task
    assert task["stoppedReason"] == (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: "
        "/e2e/not/there")
    assert "startedAt" not in task
    out = subprocess.run([DOCKER, "ps", "-aq", "--filter", f"label=ecslocal.task-arn={task['taskArn']}"],
                         check=True, capture_output=True, text=True).stdout.split()
    assert out == []
