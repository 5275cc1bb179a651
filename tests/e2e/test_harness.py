"""The e2e harness checks itself: the ecslocal process, reset, the shape validator, the AWS CLI
debug-log reader and the boto3 hook. These run against whatever ecslocal implements today."""

from __future__ import annotations

import json
import subprocess

import botocore.exceptions
import pytest

import shapes
from harness import cli, raw_http
from harness.boto import ResponseChecker
from harness.server import EcslocalServer

UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
JSON_HEADERS = {"x-amzn-RequestId": UUID, "Content-Type": "application/x-amz-json-1.1"}


def problems(operation, body):
    model = shapes.service_model()
    return shapes.output_problems(model.operation_model(operation).output_shape, body)


# --- the validator, on hand-made bodies ------------------------------------------------------

def test_validator_accepts_a_conforming_body():
    body = {
        "clusters": [{
            "clusterArn": "arn:aws:ecs:us-east-1:000000000000:cluster/a", "clusterName": "a",
            "status": "ACTIVE", "registeredContainerInstancesCount": 0, "runningTasksCount": 0,
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "tags": [{"key": "k", "value": "v"}],
        }],
        "failures": [{"arn": "arn:aws:ecs:us-east-1:000000000000:cluster/b", "reason": "MISSING"}],
    }
    assert problems("DescribeClusters", body) == []


@pytest.mark.parametrize("body, expected", [
    ({"clusters": [{"clusterName": "a", "colour": "red"}]}, "$.clusters[0].colour: member unknown"),
    ({"clusters": [{"runningTasksCount": "0"}]}, "$.clusters[0].runningTasksCount: expected integer"),
    ({"clusters": [{"runningTasksCount": True}]}, "$.clusters[0].runningTasksCount: expected integer"),
    ({"clusters": [{"runningTasksCount": 2**31}]}, "does not fit a integer"),
    ({"clusters": [{"settings": [{"name": "containerInsight"}]}]}, "'containerInsight' is not in enum"),
    ({"clusters": {"clusterName": "a"}}, "$.clusters: expected array"),
    ({"clusters": [{"clusterName": None}]}, "$.clusters[0].clusterName: null"),
    ({"clusters": [{"clusterName": 7}]}, "$.clusters[0].clusterName: expected string"),
    ({"clusters": [{"tags": [{"key": ""}]}]}, "needs at least 1"),
])
def test_validator_reports_what_aws_would_never_send(body, expected):
    found = problems("DescribeClusters", body)
    assert any(expected in p for p in found), found


def test_validator_checks_required_members_timestamps_and_maps():
    # Attribute.name is required; TaskDefinition.registeredAt is a timestamp; dockerLabels a map.
    assert any("required member of Attribute is missing" in p
               for p in problems("ListAttributes", {"attributes": [{"value": "x"}]}))
    assert any("expected timestamp" in p
               for p in problems("DescribeTaskDefinition", {"taskDefinition": {"registeredAt": "2024-01-01"}}))
    assert problems("DescribeTaskDefinition", {"taskDefinition": {"registeredAt": 1718875271.162}}) == []
    labels = {"taskDefinition": {"containerDefinitions": [{"dockerLabels": {"a": "b"}}]}}
    assert problems("DescribeTaskDefinition", labels) == []
    labels["taskDefinition"]["containerDefinitions"][0]["dockerLabels"]["a"] = 1
    assert any("expected string" in p for p in problems("DescribeTaskDefinition", labels))


def test_validator_checks_the_error_envelope():
    ok = json.dumps({"__type": "ClusterNotFoundException", "message": "Cluster not found."})
    assert shapes.validate_response("DeleteCluster", 400, JSON_HEADERS, ok)["__type"] == "ClusterNotFoundException"
    coral = json.dumps({"__type": "com.amazon.coral.service#SerializationException", "message": "bad"})
    shapes.validate_response("DeleteCluster", 400, JSON_HEADERS, coral)
    cases = [
        ("DeleteCluster", 400, {"message": "x"}, "lacks a string __type"),
        ("DeleteCluster", 400, {"__type": "ClusterNotFoundException"}, "lacks a string message"),
        ("DeleteCluster", 400, {"__type": "ClusterNotFoundException", "message": "m", "x": 1}, "unknown to"),
        ("DeleteCluster", 400, {"__type": "ServiceNotFoundException", "message": "m"}, "not an error the model"),
        ("DeleteCluster", 500, {"__type": "ClientException", "message": "m"}, "expected 400"),
        ("DeleteCluster", 400, {"__type": "ServerException", "message": "m"}, "expected 500"),
    ]
    for operation, status, body, expected in cases:
        with pytest.raises(shapes.ShapeError, match=expected):
            shapes.validate_response(operation, status, JSON_HEADERS, json.dumps(body))


def test_validator_checks_headers():
    body = json.dumps({"clusterArns": []})
    with pytest.raises(shapes.ShapeError, match="x-amzn-RequestId"):
        shapes.validate_response("ListClusters", 200, {"Content-Type": "application/x-amz-json-1.1"}, body)
    with pytest.raises(shapes.ShapeError, match="Content-Type"):
        shapes.validate_response("ListClusters", 200, {"x-amzn-RequestId": UUID, "Content-Type": "text/plain"}, body)
    with pytest.raises(shapes.ShapeError, match="not JSON"):
        shapes.validate_response("ListClusters", 200, JSON_HEADERS, b"<xml/>")


def test_boto3_hook_raises_on_a_bad_response():
    class FakeResponse:
        status_code = 200
        headers = JSON_HEADERS
        content = b'{"clusterArns": [], "surprise": true}'

    checker = ResponseChecker("ecs")
    model = shapes.service_model().operation_model("ListClusters")
    with pytest.raises(shapes.ShapeError, match="surprise"):
        checker(http_response=FakeResponse(), model=model, parsed={})
    FakeResponse.content = b'{"clusterArns": []}'
    checker(http_response=FakeResponse(), model=model, parsed={})
    assert checker.checked == ["ListClusters"]


# --- the CLI debug-log reader ----------------------------------------------------------------

SAMPLE_LOG = """\
2024-01-01 00:00:00,001 - MainThread - botocore.endpoint - DEBUG - Making request for OperationModel(name=ListClusters) with params: {}
2024-01-01 00:00:00,002 - MainThread - botocore.auth - DEBUG - CanonicalRequest:
POST
/

2024-01-01 00:00:00,003 - MainThread - urllib3.connectionpool - DEBUG - http://127.0.0.1:1 "POST / HTTP/1.1" 400 61
2024-01-01 00:00:00,004 - MainThread - botocore.parsers - DEBUG - Response headers: {'x-amzn-RequestId': '%s', 'Content-Type': 'application/x-amz-json-1.1'}
2024-01-01 00:00:00,005 - MainThread - botocore.parsers - DEBUG - Response body:
b'{"__type":"ClientException","message":"it\\'s\\\\nbad"}'
2024-01-01 00:00:00,006 - MainThread - awscli.clidriver - DEBUG - Exception caught in main()
Traceback (most recent call last):
  File "x.py", line 1, in main
    raise ValueError()
ValueError

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "x.py", line 2, in main
botocore.exceptions.ClientError: An error occurred (ClientException) when calling the ListClusters operation: it's

An error occurred (ClientException) when calling the ListClusters operation: it's
bad
""" % UUID


def test_debug_log_is_split_into_records_responses_and_user_text():
    records, visible = cli.split_debug_log(SAMPLE_LOG)
    assert visible == "\nAn error occurred (ClientException) when calling the ListClusters operation: it's\nbad\n"
    assert [r.logger for r in records][:3] == ["botocore.endpoint", "botocore.auth", "urllib3.connectionpool"]
    (response,) = cli.responses_from_records(records)
    assert response.operation == "ListClusters"
    assert response.status == 400
    assert response.headers["x-amzn-RequestId"] == UUID
    assert json.loads(response.body) == {"__type": "ClientException", "message": "it's\nbad"}


def test_an_error_response_parsed_twice_counts_once():
    # botocore parses an error body generically and again for the modelled exception, logging
    # headers and body both times; only one HTTP response came back.
    lines = SAMPLE_LOG.splitlines()
    head = [l for l in lines if " - botocore.parsers - " in l or l.startswith("b'")]
    doubled = "\n".join(lines[:9] + head + lines[9:]) + "\n"
    records, _ = cli.split_debug_log(doubled)
    assert len(cli.responses_from_records(records)) == 1


# --- against the running ecslocal ------------------------------------------------------------

def test_health_and_reset(server, ecs):
    assert server.health()["status"] == "running"
    ecs.create_cluster(clusterName="before-reset")
    assert len(ecs.list_clusters()["clusterArns"]) == 1
    server.reset()
    assert ecs.list_clusters()["clusterArns"] == []
    assert server.alive()


def test_a_second_server_starts_and_stops_cleanly(tmp_path, server):
    other = EcslocalServer(server.binary, tmp_path / "second.log")
    other.instance = f"{server.instance}-second"  # one instance name per process: a second would be refused
    other.start()
    try:
        assert other.port != server.port
        assert other.health()["status"] == "running"
    finally:
        assert other.stop() == 0, other.log_tail()


def test_cli_user_visible_stderr_matches_a_run_without_debug(aws, client_env, server):
    # An agent-only operation ecslocal never serves: the error text must be identical with and
    # without --debug, proving the log reader removes exactly the debug records.
    args = ["ecs", "discover-poll-endpoint"]
    debug = aws(*args)
    plain = subprocess.run([cli.AWS_CLI, "--endpoint-url", server.endpoint, *args], env=client_env,
                           capture_output=True, text=True, timeout=60)
    assert debug.returncode == plain.returncode == 254
    assert debug.stderr == plain.stderr
    assert debug.stdout == plain.stdout == ""
    assert len(debug.responses) == 1 and debug.responses[0].operation == "DiscoverPollEndpoint"


def test_boto3_hook_sees_error_responses(ecs):
    with pytest.raises(botocore.exceptions.ClientError):
        ecs.discover_poll_endpoint()
    assert ecs.response_checker.checked == ["DiscoverPollEndpoint"]


def test_raw_http_reply_carries_a_request_id(raw):
    reply = raw("{}", target=raw_http.ecs_target("NoSuchOperation"))
    assert reply.status == 400
    shapes.validate_response(None, reply.status, reply.headers, reply.body)
