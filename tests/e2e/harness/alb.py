"""ECS services behind an Application Load Balancer, for the e2e files that need one (the course
flow of spec elb §5, ecs §6.6/§6.9): the default network, an ip target group on 8080 with quick
health checks, an ALB in two default subnets with an HTTP:8080 listener, a busybox service
answering its own address, and polls with a bound (never a fixed sleep)."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from harness import boto
from harness.cli import ok

DOCKER = "/usr/bin/docker"
IMAGE = "ecslocal-test/busybox:latest"
POLL_SECONDS = 0.1
DELAY = 5  # deregistration_delay.timeout_seconds

# --- helpers -------------------------------------------------------------------------------------

def poll(what: str, probe, timeout: float = 40.0, diagnose=None):
    """probe() until truthy; fail after `timeout` seconds (a bound, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:.0f}s"
                                 + (f"\n{json.dumps(diagnose(), indent=1, default=str)}" if diagnose else ""))
        time.sleep(POLL_SECONDS)


def serve_identity(health_path: str = "/health") -> list[str]:
    """busybox httpd on 8080: / answers the task's own IPv4 address (of the interface with the default
    route: the VPC's; the task endpoints network is a second one), `health_path` answers ok."""
    return ["sh", "-c",
            "mkdir -p /www && ip -4 -o addr show dev $(ip route | awk '/^default/ {print $5}') | awk '{print $4}' | cut -d/ -f1"
            " | head -n1 > /www/index.html"
            f" && echo ok > /www{health_path} && httpd -f -p 8080 -h /www & trap 'exit 0' TERM; wait"]


def register(ecs, family: str, command: list[str]) -> str:
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": IMAGE, "essential": True, "command": command,
                               "portMappings": [{"containerPort": 8080}], "stopTimeout": 2}],
    )["taskDefinition"]["taskDefinitionArn"]


def default_network(aws) -> tuple[str, list[str], str]:
    """The default VPC, its subnets (sorted) and its default security group."""
    vpc = next(v["VpcId"] for v in ok(aws("ec2 describe-vpcs")).json()["Vpcs"] if v["IsDefault"])
    subnets = sorted(s["SubnetId"] for s in ok(aws("ec2 describe-subnets")).json()["Subnets"] if s["VpcId"] == vpc)
    groups = ok(aws(f"ec2 describe-security-groups --filters Name=vpc-id,Values={vpc} Name=group-name,Values=default")
                ).json()["SecurityGroups"]
    return vpc, subnets, groups[0]["GroupId"]


def course_setup(aws, elbv2, name: str, health_path: str = "/health") -> dict:
    """Target group (ip, HTTP 8080, quick health checks, short deregistration delay), an ALB in two
    default subnets with the default group, once active an HTTP:8080 listener forwarding to it."""
    vpc, subnets, group = default_network(aws)
    tg = ok(aws(f"elbv2 create-target-group --name {name} --protocol HTTP --port 8080 --vpc-id {vpc} "
                f"--target-type ip --health-check-path {health_path} --health-check-interval-seconds 5 "
                "--health-check-timeout-seconds 2 --healthy-threshold-count 2 --unhealthy-threshold-count 2")
            ).json()["TargetGroups"][0]
    ok(aws(f"elbv2 modify-target-group-attributes --target-group-arn {tg['TargetGroupArn']} "
           f"--attributes Key=deregistration_delay.timeout_seconds,Value={DELAY}"))
    lb = ok(aws(f"elbv2 create-load-balancer --name {name} --subnets {subnets[0]} {subnets[1]} "
                f"--security-groups {group}")).json()["LoadBalancers"][0]
    assert lb["SecurityGroups"] == [group]
    arn = lb["LoadBalancerArn"]
    poll("load balancer active", lambda: elbv2.describe_load_balancers(LoadBalancerArns=[arn])
         ["LoadBalancers"][0]["State"]["Code"] == "active", timeout=30)
    ok(aws(f"elbv2 wait load-balancer-available --load-balancer-arns {arn}"))  # answers on its first poll
    ok(aws(f"elbv2 create-listener --load-balancer-arn {arn} --protocol HTTP --port 8080 "
           f"--default-actions Type=forward,TargetGroupArn={tg['TargetGroupArn']}"))
    dns = ok(aws(f"elbv2 describe-load-balancers --names {name} --query LoadBalancers[0].DNSName --output text")
             ).stdout.strip()
    assert re.fullmatch(r"127\.\d+\.\d+\.\d+", dns), dns  # the per-load-balancer loopback address (spec §10.2)
    return {"tg": tg["TargetGroupArn"], "lb": arn, "dns": dns, "subnets": subnets, "group": group}


def cli_network(setup: dict) -> str:
    return (f"awsvpcConfiguration={{subnets=[{','.join(setup['subnets'])}],securityGroups=[{setup['group']}],"
            "assignPublicIp=DISABLED}")


def describe_service(ecs, cluster: str, name: str) -> dict:
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def messages(service: dict) -> list[str]:
    return [e["message"] for e in service["events"]]


def tasks(ecs, cluster: str, name: str, desired: str = "RUNNING") -> list[dict]:
    arns = ecs.list_tasks(cluster=cluster, serviceName=name, desiredStatus=desired)["taskArns"]
    return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []


def private_ip(task: dict) -> str | None:
    details = task["attachments"][0]["details"] if task.get("attachments") else []
    return next((d["value"] for d in details if d["name"] == "privateIPv4Address"), None)


def task_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def target_states(elbv2, tg: str) -> dict[str, str]:
    """Target id (task IP) → state, as DescribeTargetHealth lists them."""
    return {d["Target"]["Id"]: d["TargetHealth"]["State"]
            for d in elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]}


def summary(ecs, elbv2, cluster: str, name: str, tg: str) -> dict:
    service = describe_service(ecs, cluster, name)
    return {"deployments": [(d["id"], d["status"], d["rolloutState"], d["runningCount"]) for d in service["deployments"]],
            "events": messages(service)[:20],
            "tasks": [(task_id(t["taskArn"]), private_ip(t), t["lastStatus"], t["desiredStatus"], t.get("stoppedReason"))
                      for t in tasks(ecs, cluster, name) + tasks(ecs, cluster, name, "STOPPED")],
            "targets": target_states(elbv2, tg)}


def wait_healthy_targets(ecs, elbv2, cluster: str, name: str, tg: str, count: int, timeout: float = 40.0,
                         without: str | None = None) -> list[dict]:
    """Until the service runs `count` RUNNING tasks whose IPs are exactly the group's healthy
    targets (and none of them is the task `without`)."""
    def probe():
        running = [t for t in tasks(ecs, cluster, name) if t["lastStatus"] == "RUNNING"]
        healthy = {ip for ip, state in target_states(elbv2, tg).items() if state == "healthy"}
        addresses = {private_ip(t) for t in running}
        return running if len(running) == count and addresses == healthy and without not in {t["taskArn"] for t in running} else None
    return poll(f"{count} healthy targets for {name}", probe, timeout,
                diagnose=lambda: summary(ecs, elbv2, cluster, name, tg))


def get(url: str) -> tuple[int, str]:
    # Network safety: only the load balancer's loopback address.
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read().decode().strip()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def app_container(task_arn: str) -> str:
    ids = subprocess.run([DOCKER, "ps", "-q", "--filter", f"label=ecslocal.task-arn={task_arn}",
                          "--filter", "label=ecslocal.role=container"],
                         check=True, capture_output=True, text=True).stdout.split()
    assert len(ids) == 1, f"expected one running app container for {task_arn}, got {ids}"
    return ids[0]


def registered_event(service: str, tg: str) -> str:
    return f"({service_label(service)}) registered 1 targets in (target-group {tg})"


def service_label(name: str) -> str:
    return f"service {name}"


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def elbv2(server, client_env):
    return boto.make_client(server.endpoint, service="elbv2")


@pytest.fixture
def cluster(ecs, request):
    """One cluster per test; afterwards every service force-deleted and every task STOPPED."""
    name = "elb-" + re.sub(r"[^A-Za-z0-9_-]", "-", request.node.name)[5:60]
    ecs.create_cluster(clusterName=name)
    yield name
    for arn in ecs.list_services(cluster=name)["serviceArns"]:
        ecs.delete_service(cluster=name, service=arn, force=True)

    def all_stopped():
        arns = ecs.list_tasks(cluster=name, desiredStatus="STOPPED")["taskArns"]
        running = ecs.list_tasks(cluster=name)["taskArns"]
        described = ecs.describe_tasks(cluster=name, tasks=arns)["tasks"] if arns else []
        return not running and all(t["lastStatus"] == "STOPPED" for t in described)
    poll("every task of the test stopped", all_stopped, timeout=60)
