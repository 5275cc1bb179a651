"""An ECS Fargate service behind a Network Load Balancer with a TCP listener, on the local Docker
daemon, with the real AWS CLI and boto3 (spec elb §5, ecs §6.6): an NLB (Type network) in two
default subnets, an ip target group (TCP 8080, TCP health checks), a TCP:9000 listener, a service of
two busybox tasks serving their own address; both targets turn healthy, DescribeTargetHealth lists
the task IPs on port 8080, and raw TCP connections to `DNSName:9000` carrying an HTTP/1.0 GET reach
both tasks. Scaled to 0, the targets drain and deregister, and a new connection through the
listener is reset, as AWS's NLB resets connections when no target is registered.

Health checks run for real (interval 5 s, thresholds 2, deregistration delay 5 s). Every wait
polls with a bound; nothing sleeps a fixed time. Network safety: the only addresses connected to
are the load balancer's own loopback DNSName."""

from __future__ import annotations

import re
import socket

import botocore.exceptions
import pytest

from harness.alb import (DELAY, default_network, poll, private_ip, register, serve_identity, summary,
                         target_states, tasks, wait_healthy_targets)
from harness.alb import cluster, elbv2  # noqa: F401  (fixtures)
from harness.cli import ok

LISTENER_PORT = 9000
CONNECTIONS = 20


def tcp_get(dns: str, port: int) -> bytes:
    """One raw TCP connection to the listener, an HTTP/1.0 GET, the whole reply (to EOF)."""
    assert re.fullmatch(r"127\.\d+\.\d+\.\d+", dns), dns  # network safety: loopback only
    with socket.create_connection((dns, port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.0\r\nHost: nlb\r\n\r\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def body_of(reply: bytes) -> str:
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.") and b" 200 " in head.split(b"\r\n")[0], reply
    return body.decode().strip()


@pytest.fixture
def nlb(aws, ecs, elbv2):
    """Where the test records the NLB, target group and cluster it makes; torn down after the
    `cluster` fixture (requested after this one) force-deleted the services and their tasks stopped."""
    made: dict = {}
    yield made
    errors = []
    def attempt(fn, **kw):
        try:
            fn(**kw)
        except botocore.exceptions.ClientError as e:
            errors.append(e)
    if "cluster" in made:
        def cluster_deleted():
            try:
                ecs.delete_cluster(cluster=made["cluster"])
                return True
            except botocore.exceptions.ClientError as e:  # services still DRAINING
                if e.response["Error"]["Code"] in ("ClusterContainsServicesException", "ClusterContainsTasksException"):
                    return False
                raise
        poll("the cluster deleted", cluster_deleted, timeout=60)
    if "lb" in made:
        attempt(elbv2.delete_load_balancer, LoadBalancerArn=made["lb"])  # with its listeners
        ok(aws(f"elbv2 wait load-balancers-deleted --load-balancer-arns {made['lb']}"))
    if "tg" in made:
        attempt(elbv2.delete_target_group, TargetGroupArn=made["tg"])
    assert not errors, errors


def test_ecs_service_behind_an_nlb_tcp_listener(aws, ecs, elbv2, nlb, cluster):
    nlb["cluster"] = cluster
    vpc, subnets, _ = default_network(aws)
    tg = ok(aws(f"elbv2 create-target-group --name tcp-app --protocol TCP --port 8080 --vpc-id {vpc} "
                "--target-type ip --health-check-protocol TCP --health-check-interval-seconds 5 "
                "--health-check-timeout-seconds 2 --healthy-threshold-count 2 --unhealthy-threshold-count 2")
            ).json()["TargetGroups"][0]
    nlb["tg"] = tg_arn = tg["TargetGroupArn"]
    assert (tg["Protocol"], tg["TargetType"], tg["HealthCheckProtocol"]) == ("TCP", "ip", "TCP"), tg
    ok(aws(f"elbv2 modify-target-group-attributes --target-group-arn {tg_arn} "
           f"--attributes Key=deregistration_delay.timeout_seconds,Value={DELAY}"))
    lb = ok(aws(f"elbv2 create-load-balancer --name tcp-app --type network --subnets {subnets[0]} {subnets[1]}")
            ).json()["LoadBalancers"][0]
    nlb["lb"] = lb_arn = lb["LoadBalancerArn"]
    assert lb["Type"] == "network" and lb["Scheme"] == "internet-facing", lb
    ok(aws(f"elbv2 wait load-balancer-available --load-balancer-arns {lb_arn}"))
    listener = ok(aws(f"elbv2 create-listener --load-balancer-arn {lb_arn} --protocol TCP --port {LISTENER_PORT} "
                      f"--default-actions Type=forward,TargetGroupArn={tg_arn}")).json()["Listeners"][0]
    assert (listener["Protocol"], listener["Port"]) == ("TCP", LISTENER_PORT), listener
    dns = ok(aws(f"elbv2 describe-load-balancers --load-balancer-arns {lb_arn} "
                 "--query LoadBalancers[0].DNSName --output text")).stdout.strip()
    assert re.fullmatch(r"127\.\d+\.\d+\.\d+", dns), dns  # the per-load-balancer loopback address

    register(ecs, "tcp-app", serve_identity())
    ecs.create_service(cluster=cluster, serviceName="tcp-app", taskDefinition="tcp-app", desiredCount=2,
                       launchType="FARGATE", loadBalancers=[{"targetGroupArn": tg_arn, "containerName": "app",
                                                             "containerPort": 8080}],
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets[:2],
                                                                      "assignPublicIp": "DISABLED"}})
    running = wait_healthy_targets(ecs, elbv2, cluster, "tcp-app", tg_arn, 2, timeout=60)
    addresses = {private_ip(t) for t in running}
    assert len(addresses) == 2 and None not in addresses, running

    # DescribeTargetHealth of a TCP group: the task IPs, on the container port, healthy.
    health = ok(aws(f"elbv2 describe-target-health --target-group-arn {tg_arn}")).json()["TargetHealthDescriptions"]
    assert sorted((h["Target"]["Id"], h["Target"]["Port"]) for h in health) == sorted((a, 8080) for a in addresses)
    assert all(h["TargetHealth"]["State"] == "healthy" for h in health), health
    assert all(h.get("HealthCheckPort") in (None, "8080", "traffic-port") for h in health), health

    # Raw TCP through DNSName:9000: each connection carries one HTTP/1.0 exchange; both tasks answer.
    seen = [body_of(tcp_get(dns, LISTENER_PORT)) for _ in range(CONNECTIONS)]
    assert set(seen) == addresses, (seen, addresses)

    # Scale to 0: the targets drain, then are deregistered; the listener then forwards nowhere.
    ecs.update_service(cluster=cluster, service="tcp-app", desiredCount=0)
    poll("the targets draining or gone", lambda: all(s == "draining" for s in target_states(elbv2, tg_arn).values()),
         timeout=15, diagnose=lambda: summary(ecs, elbv2, cluster, "tcp-app", tg_arn))
    poll("the targets deregistered", lambda: not target_states(elbv2, tg_arn), timeout=DELAY + 20,
         diagnose=lambda: summary(ecs, elbv2, cluster, "tcp-app", tg_arn))
    poll("the service's tasks stopped", lambda: not tasks(ecs, cluster, "tcp-app"), timeout=30,
         diagnose=lambda: summary(ecs, elbv2, cluster, "tcp-app", tg_arn))
    assert ok(aws(f"elbv2 describe-target-health --target-group-arn {tg_arn}")).json()["TargetHealthDescriptions"] == []

    # No registered target: the listener still accepts, and the connection is reset (RST), as
    # AWS's NLB does; an orderly close (an empty reply) would not be what clients meet there.
    with pytest.raises((ConnectionResetError, BrokenPipeError)):
        reply = tcp_get(dns, LISTENER_PORT)
        pytest.fail(f"the connection was closed, not reset; reply {reply!r}")
