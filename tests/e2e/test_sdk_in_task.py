"""A real SDK inside a task: boto3 in ecslocal-test/python (Debian 13's python3-boto3/botocore
1.37 on Debian 12, docker/make-test-images.sh), with no credentials and no endpoint configured,
only what ecslocal injects (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_ENDPOINT_URL, the region),
calls STS, SSM and CloudWatch Logs as the task role. A second task with a role of its own cannot
use the first one's credentials path, neither through boto3's container provider nor by claiming
the first task's address in the header the relay adds.

test_task_metadata.py checks the endpoint documents and the 404 of a raw fetch; this file checks
what an application meets: botocore's credential chain and endpoint resolution."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from harness import boto
from harness.cli import ok

IMAGE = "ecslocal-test/python:latest"
ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
OUTPUT_GROUP = "/ecs/sdk"  # the tasks' stdout (awslogs)
APP_GROUP, APP_STREAM = "/app/events", "from-task"  # where the task's own PutLogEvents goes
PARAMETER, SECRET = "/app/db/password", "s3cr3t-from-ssm"
# What ecslocal gives a task with a role, and nothing else of AWS's (no keys, no profile).
TASK_AWS_ENV = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                "AWS_EXECUTION_ENV", "AWS_REGION"]

pytestmark = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")

# The application: no endpoint_url, no keys; boto3 finds both in the environment.
APP = r'''
import json, os, sys, time, traceback
try:
    import boto3, botocore
    out = {"botocore": botocore.__version__, "boto3": boto3.__version__,
           "aws_env": sorted(k for k in os.environ if k.startswith("AWS_"))}
    session = boto3.session.Session()
    out["credential_method"] = session.get_credentials().method
    sts = session.client("sts")
    out["endpoint"] = sts.meta.endpoint_url
    out["region"] = sts.meta.region_name
    me = sts.get_caller_identity()
    out["identity"] = {k: me[k] for k in ("Account", "Arn", "UserId")}
    p = session.client("ssm").get_parameter(Name=os.environ["PARAMETER"], WithDecryption=True)["Parameter"]
    out["parameter"] = {k: p[k] for k in ("Name", "Type", "Value", "Version", "ARN")}
    put = session.client("logs").put_log_events(
        logGroupName=os.environ["APP_GROUP"], logStreamName=os.environ["APP_STREAM"],
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "hello from " + me["Arn"]}])
    out["put"] = {k: v for k, v in put.items() if k != "ResponseMetadata"}
    print("RESULT=" + json.dumps(out), flush=True)
except Exception:
    print("ERROR=" + json.dumps(traceback.format_exc()), flush=True)
    sys.exit(1)
'''

# The first task of the second test: says where it is and which credentials path it has, then waits.
HOLDER = r'''
import json, os, signal, socket, sys, time, boto3
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # PID 1 has no default SIGTERM action
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("169.254.170.2", 80))  # no packet: only picks the source address on the endpoints network
arn = boto3.client("sts").get_caller_identity()["Arn"]
print("RESULT=" + json.dumps({"uri": os.environ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"],
                              "address": s.getsockname()[0], "arn": arn}), flush=True)
time.sleep(300)
'''

# The second task: its own role works; the first task's credentials path does not, whatever it says.
BORROWER = r'''
import http.client, json, os, sys, traceback
try:
    import boto3
    first_uri, first_address = os.environ["FIRST_URI"], os.environ["FIRST_ADDRESS"]
    out = {"own": boto3.client("sts").get_caller_identity()["Arn"]}
    c = http.client.HTTPConnection("169.254.170.2", 80, timeout=10)
    c.request("GET", first_uri, headers={"X-Ecslocal-Task-Address": first_address})
    r = c.getresponse()
    out["spoofed"] = {"status": r.status, "body": r.read().decode()}
    os.environ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = first_uri
    try:
        arn = boto3.session.Session().client("sts").get_caller_identity()["Arn"]
        out["borrowed"] = {"arn": arn}
    except Exception as e:
        out["borrowed"] = {"error": type(e).__name__, "message": str(e)}
    print("RESULT=" + json.dumps(out), flush=True)
except Exception:
    print("ERROR=" + json.dumps(traceback.format_exc()), flush=True)
    sys.exit(1)
'''


@pytest.fixture(scope="module", autouse=True)
def python_image():
    """The image must be there: ecslocal would try to pull a missing one from a registry."""
    found = subprocess.run(["/usr/bin/docker", "image", "inspect", "--format",
                            '{{ index .Config.Labels "ecslocal.test-image" }}', IMAGE], capture_output=True, text=True)
    if found.returncode != 0 or found.stdout.strip() != "true":
        pytest.fail(f"{IMAGE} is missing: run docker/make-test-images.sh (as root; .ci/setup does)", pytrace=False)


@pytest.fixture
def ecs(server, client_env):
    client = boto.make_client(server.endpoint)
    ec2 = boto.make_client(server.endpoint, service="ec2")
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    client.network_config = {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "assignPublicIp": "DISABLED"}}
    client.create_cluster(clusterName="sdk")
    return client


@pytest.fixture
def iam(server, client_env):
    client = boto.make_client(server.endpoint, service="iam")
    client.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=TRUST)
    client.attach_role_policy(RoleName="ecsTaskExecutionRole",
                              PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    return client


def make_role(iam, name: str, policy: str) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    return arn


def register(ecs, family: str, script: str, role: str, environment: dict[str, str] | None = None) -> str:
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        taskRoleArn=role, executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
        containerDefinitions=[{
            "name": "app", "image": IMAGE, "essential": True, "stopTimeout": 2,
            "command": ["python3", "-c", script],
            "environment": [{"name": k, "value": v} for k, v in (environment or {}).items()],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": OUTPUT_GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "sdk",
                "awslogs-create-group": "true"}}}])["taskDefinition"]["taskDefinitionArn"]


def run(ecs, definition: str, environment: dict[str, str] | None = None) -> str:
    overrides = {"containerOverrides": [{"name": "app", "environment": [
        {"name": k, "value": v} for k, v in environment.items()]}]} if environment else {}
    return ecs.run_task(cluster="sdk", launchType="FARGATE", taskDefinition=definition,
                        networkConfiguration=ecs.network_config, overrides=overrides)["tasks"][0]["taskArn"]


def result(logs, task_arn: str, timeout: float = 90.0) -> dict:
    """The JSON the task's script printed on its RESULT= line (its ERROR= line fails the test)."""
    stream = f"sdk/app/{task_arn.rsplit('/', 1)[1]}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            for e in logs.get_log_events(logGroupName=OUTPUT_GROUP, logStreamName=stream, startFromHead=True)["events"]:
                name, _, value = e["message"].partition("=")
                if name == "RESULT":
                    return json.loads(value)
                assert name != "ERROR", f"the task's script failed:\n{json.loads(value)}"
        except logs.exceptions.ResourceNotFoundException:
            pass
        assert time.monotonic() < deadline, f"task {task_arn} printed no RESULT line within {timeout}s"
        time.sleep(0.5)


def stopped(ecs, arns: list[str], timeout: float = 60.0) -> list[dict]:
    """The tasks once all are STOPPED (polled: the CLI's tasks-stopped waiter sleeps 6 s a round)."""
    deadline = time.monotonic() + timeout
    while True:
        tasks = ecs.describe_tasks(cluster="sdk", tasks=arns)["tasks"]
        if all(t["lastStatus"] == "STOPPED" for t in tasks):
            return tasks
        assert time.monotonic() < deadline, [(t["taskArn"], t["lastStatus"]) for t in tasks]
        time.sleep(0.2)


def test_boto3_in_a_task_acts_as_the_task_role(aws, ecs, iam, logs, server):
    role = make_role(iam, "app-task-role", "AmazonSSMReadOnlyAccess")
    ssm = boto.make_client(server.endpoint, service="ssm")
    ssm.put_parameter(Name=PARAMETER, Value=SECRET, Type="SecureString")
    logs.create_log_group(logGroupName=APP_GROUP)
    logs.create_log_stream(logGroupName=APP_GROUP, logStreamName=APP_STREAM)

    definition = register(ecs, "sdk-app", APP, role,
                          {"PARAMETER": PARAMETER, "APP_GROUP": APP_GROUP, "APP_STREAM": APP_STREAM})
    arn = run(ecs, definition)
    task_id = arn.rsplit("/", 1)[1]
    out = result(logs, arn)

    # The SDK as packaged, configured by nothing but ecslocal's variables.
    assert tuple(int(x) for x in out["botocore"].split(".")[:2]) >= (1, 31), out["botocore"]  # AWS_ENDPOINT_URL
    assert out["aws_env"] == TASK_AWS_ENV, out["aws_env"]
    assert out["credential_method"] == "container-role"
    assert out["endpoint"] == f"http://169.254.170.1:{server.port}"
    assert out["region"] == "us-east-1"

    # STS: the assumed task role, session named after the task, as on ECS.
    assert out["identity"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app-task-role/{task_id}"
    assert out["identity"]["Account"] == ACCOUNT
    role_id = iam.get_role(RoleName="app-task-role")["Role"]["RoleId"]
    assert out["identity"]["UserId"] == f"{role_id}:{task_id}"

    # SSM: the SecureString the test put, decrypted.
    assert out["parameter"] == {"Name": PARAMETER, "Type": "SecureString", "Value": SECRET, "Version": 1,
                                "ARN": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter{PARAMETER}"}

    # CloudWatch Logs: the task's event is in the stream, read back with the real CLI.
    assert "rejectedLogEventsInfo" not in out["put"], out["put"]
    events = ok(aws(f"logs get-log-events --log-group-name {APP_GROUP} --log-stream-name {APP_STREAM} "
                    "--start-from-head")).json()["events"]
    assert [e["message"] for e in events] == [f"hello from {out['identity']['Arn']}"]

    [task] = stopped(ecs, [arn])
    assert task["containers"][0]["exitCode"] == 0, task
    assert task["stopCode"] == "EssentialContainerExited"


def test_a_second_task_cannot_borrow_the_first_ones_credentials(ecs, iam, logs):
    first_role = make_role(iam, "first-task-role", "AmazonSSMReadOnlyAccess")
    second_role = make_role(iam, "second-task-role", "CloudWatchLogsFullAccess")
    first_arn = run(ecs, register(ecs, "sdk-holder", HOLDER, first_role))
    first = result(logs, first_arn)
    assert first["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/first-task-role/{first_arn.rsplit('/', 1)[1]}"
    assert first["address"].startswith("169.254.170."), first

    second_arn = run(ecs, register(ecs, "sdk-borrower", BORROWER, second_role),
                     {"FIRST_URI": first["uri"], "FIRST_ADDRESS": first["address"]})
    second = result(logs, second_arn)
    # The first task was running all along: its path was live while the second one tried it.
    assert ecs.describe_tasks(cluster="sdk", tasks=[first_arn])["tasks"][0]["lastStatus"] == "RUNNING"

    # Its own role works ...
    assert second["own"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/second-task-role/{second_arn.rsplit('/', 1)[1]}"
    # ... claiming the first task's address in the relay's header does not (the relay's comes first) ...
    assert second["spoofed"]["status"] == 404, second["spoofed"]
    assert json.loads(second["spoofed"]["body"])["code"] == "InvalidIdInRequest", second["spoofed"]
    assert "ASIA" not in second["spoofed"]["body"]
    # ... and boto3's container provider, pointed at the first task's path, gets no credentials at all.
    borrowed = second["borrowed"]
    assert borrowed.get("error") == "CredentialRetrievalError", borrowed
    assert "404" in borrowed["message"] and "ASIA" not in borrowed["message"], borrowed

    ecs.stop_task(cluster="sdk", task=first_arn)
    assert [t["containers"][0]["exitCode"] for t in stopped(ecs, [first_arn, second_arn])] == [0, 0]
