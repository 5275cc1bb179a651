"""The task metadata endpoint (v4) and task-role credentials, seen from inside a task: its
container fetches ${ECS_CONTAINER_METADATA_URI_V4}/task and 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
with busybox wget and prints them; the test reads them back through awslogs, checks the documents
field by field (spec discovery-secrets-metadata-exec.md §4.2), signs `aws sts get-caller-identity`
with the credentials (the assumed task role answers) and checks that a second task gets 404 for
the first one's credentials path. The container also reaches ecslocal's API at $AWS_ENDPOINT_URL.
A second test reads ${ECS_CONTAINER_METADATA_URI_V4}/stats and /task/stats (and v3's /stats) from
inside a two-container task after the host fetched a known payload from it, and checks them
member by member (spec §4.3): Docker's document, the task's interface as eth1, network_rate_stats,
the previous sample's precpu, keys = the task's DockerIds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request

import pytest

from harness import boto
from harness.cli import AWS_CLI, ok

IMAGE = "ecslocal-test/busybox:latest"
ACCOUNT = "000000000000"
EXEC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
GROUP = "/ecs/metadata"
TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z")

pytestmark = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")


@pytest.fixture
def ecs(server, client_env):
    client = boto.make_client(server.endpoint)
    ec2 = boto.make_client(server.endpoint, service="ec2")
    subnet = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"][0]
    client.subnet = subnet
    client.network_config = {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "assignPublicIp": "DISABLED"}}
    client.create_cluster(clusterName="meta")
    return client


@pytest.fixture
def role_arn(server, client_env) -> str:
    iam = boto.make_client(server.endpoint, service="iam")
    return iam.create_role(RoleName="app-task-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]


def register(ecs, family: str, script: str, role: str | None) -> str:
    extra = {"taskRoleArn": role} if role else {}
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn=EXEC_ROLE, **extra,
        containerDefinitions=[{
            "name": "app", "image": IMAGE, "essential": True, "stopTimeout": 2,
            "command": ["sh", "-c", script],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "meta",
                "awslogs-create-group": "true"}}}])["taskDefinition"]["taskDefinitionArn"]


def printed(logs, task_arn: str, want: list[str], timeout: float = 60.0) -> dict[str, str]:
    """The task's `NAME=value` log lines once every name of `want` is there."""
    stream = f"meta/app/{task_arn.rsplit('/', 1)[1]}"
    deadline = time.monotonic() + timeout
    while True:
        lines: dict[str, str] = {}
        try:
            for e in logs.get_log_events(logGroupName=GROUP, logStreamName=stream, startFromHead=True)["events"]:
                name, _, value = e["message"].partition("=")
                lines[name] = value
        except logs.exceptions.ResourceNotFoundException:
            pass
        if all(w in lines for w in want):
            return lines
        assert time.monotonic() < deadline, f"the task printed only {lines}"
        time.sleep(0.5)


def test_a_task_reads_its_metadata_and_its_roles_credentials(aws, ecs, logs, role_arn, client_env):
    # ECS learns of the container's start a moment after its process runs (as the agent does): the
    # script waits until its own document says it started.
    script = ('until wget -qO- $ECS_CONTAINER_METADATA_URI_V4 | grep -q StartedAt; do sleep 0.2; done; '
              'echo "TASK=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task)"; '
              'echo "SELF=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4)"; '
              'echo "CREDS=$(wget -qO- 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)"; '
              'echo "PATH_=$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"; echo "ENV=$AWS_EXECUTION_ENV $AWS_REGION"; '
              'echo "URIS=$ECS_CONTAINER_METADATA_URI $ECS_CONTAINER_METADATA_URI_V4"; '
              'echo "API=$AWS_ENDPOINT_URL $(wget -qO- $AWS_ENDPOINT_URL/_ecslocal/health)"; sleep 120')
    definition = register(ecs, "meta", script, role_arn)
    first = ecs.run_task(cluster="meta", launchType="FARGATE", taskDefinition=definition,
                         networkConfiguration=ecs.network_config)["tasks"][0]
    arn = first["taskArn"]
    task_id = arn.rsplit("/", 1)[1]
    out = printed(logs, arn, ["TASK", "SELF", "CREDS", "PATH_", "ENV", "URIS", "API"])
    described = ecs.describe_tasks(cluster="meta", tasks=[arn])["tasks"][0]

    # The environment, as on Fargate.
    assert out["ENV"] == "AWS_ECS_FARGATE us-east-1"
    v3, v4 = out["URIS"].split(" ")
    assert re.fullmatch(r"http://169\.254\.170\.2/v4/[0-9a-f]{32}-\d{10}", v4), v4
    assert v3 == v4.replace("/v4/", "/v3/")
    assert re.fullmatch(r"/v2/credentials/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        out["PATH_"]), out["PATH_"]

    # ecslocal's API, at the endpoints network's gateway under the main port.
    url, _, health = out["API"].partition(" ")
    assert url == f"http://169.254.170.1:{aws.endpoint.rsplit(':', 1)[1]}", url
    assert json.loads(health)["status"] == "running", health

    # The task document.
    task = json.loads(out["TASK"])
    cluster_arn = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/meta"
    assert task["Cluster"] == cluster_arn
    assert task["TaskARN"] == arn
    assert task["Family"] == "meta" and task["Revision"] == "1"
    assert task["DesiredStatus"] == "RUNNING" and task["KnownStatus"] in ("PULLED", "RUNNING")
    assert task["Limits"] == {"CPU": 0.25, "Memory": 512}
    assert TS.fullmatch(task["PullStartedAt"]) and TS.fullmatch(task["PullStoppedAt"])
    assert task["AvailabilityZone"] == ecs.subnet["AvailabilityZone"]
    assert "ServiceName" not in task
    assert task["LaunchType"] == "FARGATE"
    assert task["FaultInjectionEnabled"] is False
    assert [c["Name"] for c in task["Containers"]] == ["app"]  # never the pause container

    # The container document: in /task and at the URI itself.
    c = json.loads(out["SELF"])
    docker_id = described["containers"][0]["runtimeId"]
    assert c["DockerId"] == docker_id
    assert c["Name"] == "app" and c["DockerName"] == "app"
    assert c["Image"] == IMAGE
    assert c["ImageID"] == described["containers"][0]["imageDigest"]
    assert "Ports" not in c
    assert c["Labels"] == {"com.amazonaws.ecs.cluster": cluster_arn, "com.amazonaws.ecs.container-name": "app",
                           "com.amazonaws.ecs.task-arn": arn, "com.amazonaws.ecs.task-definition-family": "meta",
                           "com.amazonaws.ecs.task-definition-version": "1"}
    assert c["DesiredStatus"] == "RUNNING" and c["KnownStatus"] == "RUNNING"
    assert "ExitCode" not in c and "FinishedAt" not in c
    assert c["Limits"] == {"CPU": 0}
    assert TS.fullmatch(c["StartedAt"]) and TS.fullmatch(c["CreatedAt"])
    assert c["Type"] == "NORMAL"
    eni = next(d for d in described["attachments"][0]["details"] if d["name"] == "privateIPv4Address")["value"]
    mac = next(d for d in described["attachments"][0]["details"] if d["name"] == "macAddress")["value"]
    subnet_cidr = ecs.subnet["CidrBlock"]
    base, prefix = subnet_cidr.split("/")
    gateway = ".".join(base.split(".")[:3] + [str(int(base.split(".")[3]) + 1)]) + "/" + prefix
    assert c["Networks"] == [{
        "NetworkMode": "awsvpc", "IPv4Addresses": [eni], "AttachmentIndex": 0, "MACAddress": mac,
        "IPv4SubnetCIDRBlock": subnet_cidr, "SubnetGatewayIpv4Address": gateway,
        "DomainNameServers": ["172.31.0.2"], "DomainNameSearchList": ["ec2.internal"],
        "PrivateDNSName": f"ip-{eni.replace('.', '-')}.ec2.internal"}]
    assert c["ContainerARN"] == described["containers"][0]["containerArn"]
    assert c["LogDriver"] == "awslogs"
    assert c["LogOptions"] == {"awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "meta",
                               "awslogs-create-group": "true", "awslogs-stream": f"meta/app/{task_id}"}
    assert c["Snapshotter"] == "overlayfs"
    in_task = task["Containers"][0]
    assert {k: v for k, v in in_task.items() if k != "KnownStatus"} == {k: v for k, v in c.items() if k != "KnownStatus"}

    # The credentials: the task role's, and ecslocal takes them as that role.
    creds = json.loads(out["CREDS"])
    assert creds["RoleArn"] == role_arn
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["SecretAccessKey"]) == 40 and creds["Token"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", creds["Expiration"])
    env = dict(client_env, AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
               AWS_SESSION_TOKEN=creds["Token"])
    who = subprocess.run([AWS_CLI, "--endpoint-url", aws.endpoint, "sts", "get-caller-identity"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert who.returncode == 0, who.stderr
    identity = json.loads(who.stdout)
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app-task-role/{task_id}"
    assert identity["Account"] == ACCOUNT

    # Another task (no role) cannot read them: 404 for the first one's path; its own id works.
    probe = ('echo "OTHER=$(wget -qO- 169.254.170.2$FIRST 2>&1)"; '
             'echo "MINE=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task)"; '
             'echo "FAKE=$(wget -qO- 169.254.170.2/v4/0123456789abcdef0123456789abcdef-0000000000/task 2>&1)"')
    second_def = register(ecs, "probe", probe, None)
    second = ecs.run_task(cluster="meta", launchType="FARGATE", taskDefinition=second_def,
                          networkConfiguration=ecs.network_config,
                          overrides={"containerOverrides": [{"name": "app", "environment": [
                              {"name": "FIRST", "value": out["PATH_"]}]}]})["tasks"][0]
    probed = printed(logs, second["taskArn"], ["OTHER", "MINE", "FAKE"])
    assert "404" in probed["OTHER"] and "ASIA" not in probed["OTHER"], probed["OTHER"]
    assert "404" in probed["FAKE"], probed["FAKE"]
    assert json.loads(probed["MINE"])["TaskARN"] == second["taskArn"]

    ecs.stop_task(cluster="meta", task=arn)
    ok(aws(f"ecs wait tasks-stopped --cluster meta --tasks {arn} {second['taskArn']}"))


# Docker's ContainerStats members the agent passes on (v4 adds network_rate_stats).
STATS_MEMBERS = {"read", "preread", "pids_stats", "blkio_stats", "num_procs", "storage_stats", "cpu_stats",
                 "precpu_stats", "memory_stats", "name", "id", "networks"}
PAYLOAD = 200_000  # bytes the test fetches from the task over its VPC address


def test_a_task_reads_its_container_and_task_stats(ecs, logs):
    # app serves PAYLOAD bytes on its VPC address; once the test fetched them (the interface with
    # the task's address sent them), it reads its stats twice, its task's stats and the v3 stats.
    # side only runs beside it, so /task/stats has two containers.
    script = (f'mkdir -p /www; head -c {PAYLOAD} /dev/zero > /www/payload; httpd -p 8080 -h /www; '
              'until [ "$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task | grep -o StartedAt | wc -l)" -ge 2 ]; '
              'do sleep 0.2; done; '
              "VPC=$(ip -o -4 addr show | grep -v ' lo ' | grep -v ' 169[.]254[.]' | awk '{print $2}'); "
              "EP=$(ip -o -4 addr show | grep ' 169[.]254[.]' | awk '{print $2}'); "
              'echo "READY=$VPC $EP"; '
              f'until [ "$(cat /sys/class/net/$VPC/statistics/tx_bytes)" -ge {PAYLOAD} ]; do sleep 0.2; done; '
              'echo "COUNTERS=$(cat /sys/class/net/$VPC/statistics/tx_bytes) $(cat /sys/class/net/$EP/statistics/tx_bytes)"; '
              'echo "STATS=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/stats)"; sleep 1; '
              'echo "TASKSTATS=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task/stats)"; '
              'echo "STATS2=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/stats)"; '
              'echo "V3=$(wget -qO- $ECS_CONTAINER_METADATA_URI/stats)"; '
              'echo "TASK=$(wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task)"; sleep 120')
    log_options = {"awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "meta",
                   "awslogs-create-group": "true"}
    definition = ecs.register_task_definition(
        family="stats", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn=EXEC_ROLE,
        containerDefinitions=[
            {"name": "app", "image": IMAGE, "essential": True, "stopTimeout": 2, "command": ["sh", "-c", script],
             "portMappings": [{"containerPort": 8080}],
             "logConfiguration": {"logDriver": "awslogs", "options": log_options}},
            {"name": "side", "image": IMAGE, "essential": False, "stopTimeout": 2,
             "command": ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]}])["taskDefinition"]["taskDefinitionArn"]
    arn = ecs.run_task(cluster="meta", launchType="FARGATE", taskDefinition=definition,
                       networkConfiguration=ecs.network_config)["tasks"][0]["taskArn"]
    vpc_interface, endpoints_interface = printed(logs, arn, ["READY"])["READY"].split(" ")
    assert vpc_interface and endpoints_interface and vpc_interface != endpoints_interface
    described = ecs.describe_tasks(cluster="meta", tasks=[arn])["tasks"][0]
    eni = next(d for d in described["attachments"][0]["details"] if d["name"] == "privateIPv4Address")["value"]
    # Only the private address of a task ecslocal started on its own bridge.
    with urllib.request.urlopen(f"http://{eni}:8080/payload", timeout=10) as reply:
        assert len(reply.read()) == PAYLOAD
    out = printed(logs, arn, ["COUNTERS", "STATS", "TASKSTATS", "STATS2", "V3", "TASK"])
    vpc_tx, endpoints_tx = (int(n) for n in out["COUNTERS"].split(" "))
    assert vpc_tx >= PAYLOAD > endpoints_tx

    task = json.loads(out["TASK"])
    docker_ids = {c["Name"]: c["DockerId"] for c in task["Containers"]}
    assert set(docker_ids) == {"app", "side"}
    described = ecs.describe_tasks(cluster="meta", tasks=[arn])["tasks"][0]
    assert {c["name"]: c["runtimeId"] for c in described["containers"]} == docker_ids

    # /stats: Docker's document of the calling container, with the agent's additions.
    stats = json.loads(out["STATS"])
    assert STATS_MEMBERS | {"network_rate_stats"} <= set(stats), sorted(stats)
    assert stats["id"] == docker_ids["app"]
    assert isinstance(stats["name"], str) and stats["name"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", stats["read"]), stats["read"]
    assert stats["preread"] == "0001-01-01T00:00:00Z"  # the container's first sample: nothing before it
    assert isinstance(stats["memory_stats"]["usage"], int) and stats["memory_stats"]["usage"] > 0
    assert isinstance(stats["cpu_stats"]["cpu_usage"]["total_usage"], int)
    assert stats["cpu_stats"]["cpu_usage"]["total_usage"] > 0
    assert isinstance(stats["pids_stats"]["current"], int) and stats["pids_stats"]["current"] >= 2  # sh + httpd
    # The task's interface, whatever its name in the namespace, is eth1 as on Fargate; only it.
    assert set(stats["networks"]) == {"eth1"}, stats["networks"]
    eth1 = stats["networks"]["eth1"]
    assert all(isinstance(eth1[k], int) for k in ("rx_bytes", "rx_packets", "tx_bytes", "tx_packets"))
    assert eth1["tx_bytes"] >= vpc_tx  # the counter the container read just before
    rates = stats["network_rate_stats"]
    assert set(rates) == {"rx_bytes_per_sec", "tx_bytes_per_sec"}
    assert all(isinstance(v, float) for v in rates.values()), rates
    assert rates == {"rx_bytes_per_sec": 0.0, "tx_bytes_per_sec": 0.0}  # no previous sample yet

    # /task/stats: every container of the task (never the pause container), by DockerId.
    task_stats = json.loads(out["TASKSTATS"])
    assert set(task_stats) == set(docker_ids.values())
    for name, docker_id in docker_ids.items():
        doc = task_stats[docker_id]
        assert STATS_MEMBERS | {"network_rate_stats"} <= set(doc), (name, sorted(doc))
        assert doc["id"] == docker_id
        assert doc["memory_stats"]["usage"] > 0
        assert set(doc["networks"]) == {"eth1"}
        assert all(isinstance(v, float) and v >= 0 for v in doc["network_rate_stats"].values())
    # app's second sample: precpu and preread are its first sample's, the rates since then.
    again = task_stats[docker_ids["app"]]
    assert again["preread"] == stats["read"]
    assert again["precpu_stats"] == stats["cpu_stats"]
    assert again["networks"]["eth1"]["tx_bytes"] >= eth1["tx_bytes"]
    # The containers share one namespace: the same interface in both documents.
    assert task_stats[docker_ids["side"]]["networks"]["eth1"]["rx_bytes"] >= eth1["rx_bytes"]

    stats2 = json.loads(out["STATS2"])
    assert stats2["id"] == docker_ids["app"]
    assert stats2["preread"] == again["read"]
    assert all(isinstance(v, float) and v >= 0 for v in stats2["network_rate_stats"].values())

    # v3: Docker's document alone, as the agent's v3 answers it.
    v3 = json.loads(out["V3"])
    assert STATS_MEMBERS <= set(v3) and "network_rate_stats" not in v3, sorted(v3)
    assert v3["id"] == docker_ids["app"] and set(v3["networks"]) == {"eth1"}

    ecs.stop_task(cluster="meta", task=arn)
