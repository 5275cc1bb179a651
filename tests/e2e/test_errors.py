"""Errors as the AWS CLI prints them, as boto3 raises them, and as raw HTTP carries them."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

import shapes
from harness.expect import cli_error, client_error
from harness.raw_http import ecs_target


# --- AWS CLI ---------------------------------------------------------------------------------

def test_cli_unknown_task_definition(aws):
    result = aws("ecs describe-task-definition --task-definition nope")
    assert result.returncode == 254
    assert result.stderr == ("\nAn error occurred (ClientException) when calling the DescribeTaskDefinition "
                             "operation: Unable to describe task definition.\n")
    assert result.stdout == ""


def test_cli_fargate_size_that_does_not_exist(aws, tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps({
        "family": "small", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
        "cpu": "256", "memory": "4096",
        "containerDefinitions": [{"name": "app", "image": "ecslocal-test/busybox:latest", "essential": True}],
    }))
    cli_error(aws("ecs", "register-task-definition", "--cli-input-json", f"file://{path}"),
              "ClientException", "RegisterTaskDefinition",
              "No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
              "See the Amazon ECS documentation for the valid values.")


def test_cli_unknown_cluster(aws):
    cli_error(aws("ecs delete-cluster --cluster nope"), "ClusterNotFoundException", "DeleteCluster",
              "Cluster not found.")


def test_cli_operation_ecslocal_does_not_implement(aws):
    # DiscoverPollEndpoint belongs to the container agent: ecslocal has no agents to serve.
    result = aws("ecs discover-poll-endpoint")
    cli_error(result, "NotImplementedException", "DiscoverPollEndpoint")
    assert "DiscoverPollEndpoint" in result.stderr and "not implement" in result.stderr
    (response,) = result.responses
    assert response.status == 501


def test_cli_validation_happens_in_the_cli_before_any_request(aws):
    # A missing required argument never reaches ecslocal: exit 252, the CLI's usage text.
    result = aws("ecs describe-task-definition", expect_requests=False)
    assert result.returncode == 252, result.describe()
    assert "--task-definition" in result.stderr
    assert result.responses == []


# --- boto3 -----------------------------------------------------------------------------------

def test_boto3_cluster_not_found(ecs):
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as e:
        ecs.delete_cluster(cluster="nope")
    client_error(e.value, "ClusterNotFoundException", "Cluster not found.")


def test_boto3_unknown_task_definition(ecs):
    with pytest.raises(ecs.exceptions.ClientException) as e:
        ecs.describe_task_definition(taskDefinition="nope:3")
    client_error(e.value, "ClientException", "Unable to describe task definition.")


def test_boto3_not_implemented(ecs):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ecs.submit_task_state_change(cluster="default", status="RUNNING")
    client_error(e.value, "NotImplementedException")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "SubmitTaskStateChange" in e.value.response["Error"]["Message"]


# --- raw HTTP --------------------------------------------------------------------------------

def expect_raw_error(reply, operation, code, status=400):
    decoded = shapes.validate_response(operation, reply.status, reply.headers, reply.body)
    assert reply.status == status
    assert shapes.error_code(decoded) == code, decoded
    assert decoded["message"], decoded
    return decoded


def test_raw_malformed_json(raw):
    reply = raw('{"clusters": [', target=ecs_target("DescribeClusters"))
    expect_raw_error(reply, "DescribeClusters", "SerializationException")


def test_raw_json_that_is_not_an_object(raw):
    reply = raw('["a"]', target=ecs_target("DescribeClusters"))
    expect_raw_error(reply, "DescribeClusters", "SerializationException")


# AWS itself sends UnknownOperationException without any message text; ecslocal says what it
# could not find.

def test_raw_unknown_operation(raw):
    reply = raw("{}", target=ecs_target("LaunchRockets"))
    decoded = expect_raw_error(reply, None, "UnknownOperationException")
    assert decoded["__type"].endswith("#UnknownOperationException") or decoded["__type"] == "UnknownOperationException"
    assert decoded["message"] == "ecs has no operation LaunchRockets"


def test_raw_unknown_target_prefix(raw):
    reply = raw("{}", target="AmazonNoSuchService20990101.DescribeClusters")
    decoded = expect_raw_error(reply, None, "UnknownOperationException")
    assert decoded["message"] == "No service of ecslocal answers the X-Amz-Target prefix AmazonNoSuchService20990101"


def test_raw_missing_target(raw):
    reply = raw("{}")
    decoded = expect_raw_error(reply, None, "UnknownOperationException")
    assert decoded["message"].startswith("The request names no operation: send X-Amz-Target"), decoded


@pytest.mark.parametrize("operation, body", [
    ("DescribeClusters", {"clusters": "courses"}),            # list given as a string
    ("ListClusters", {"maxResults": "5"}),                     # integer given as a string
    ("DescribeClusters", {"clusters": [1, 2]}),                # strings given as numbers
    ("ListAccountSettings", {"effectiveSettings": "true"}),    # boolean given as a string
])
def test_raw_wrong_member_type(raw, operation, body):
    reply = raw(body, target=ecs_target(operation))
    expect_raw_error(reply, operation, "SerializationException")


def test_raw_error_replies_have_distinct_request_ids(raw):
    ids = {raw("{", target=ecs_target("ListClusters")).header("x-amzn-RequestId") for _ in range(5)}
    assert len(ids) == 5


def test_raw_good_request_still_works_after_bad_ones(raw):
    raw("{", target=ecs_target("ListClusters"))
    reply = raw("{}", target=ecs_target("ListClusters"))
    decoded = shapes.validate_response("ListClusters", reply.status, reply.headers, reply.body)
    assert reply.status == 200 and decoded == {"clusterArns": []}
