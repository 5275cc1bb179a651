"""ECS services behind an Application Load Balancer, on the local Docker daemon, with the real AWS
CLI and boto3 (spec elb §5, ecs §6.6/§6.9): the course flow (ip target group on 8080 with a
health check path, ALB in two default subnets with the default security group, HTTP:8080
listener, a service of two tasks); both targets turn healthy and requests through
`DNSName:8080` reach both tasks, each serving its own address; `docker kill` of one task: the
replacement is registered and turns healthy; a scale-in keeps the task DEACTIVATING for the
deregistration delay while its target drains; a health check path answering 404 gets the tasks
replaced with ECS's reason; the services-stable waiter returns after a deployment only once the
new targets are healthy; a bounded `hey` run through the DNS name when `hey` is installed.

Health checks run for real (interval 5 s, healthy/unhealthy threshold 2, deregistration delay
5 s) on ecslocal's clock at scale 1. Every wait polls with a bound; nothing sleeps a fixed time."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

from harness.cli import ok

from harness.alb import (DELAY, DOCKER, app_container, cli_network, course_setup, describe_service, get, messages,
                         poll, private_ip, register, registered_event, serve_identity, summary, target_states,
                         task_id, tasks, wait_healthy_targets)
from harness.alb import cluster, elbv2  # noqa: F401  (fixtures)

# --- tests ---------------------------------------------------------------------------------------

def test_course_flow_kill_and_scale_in_through_the_alb(aws, ecs, elbv2, cluster):
    setup = course_setup(aws, elbv2, "ui-application")
    tg, dns = setup["tg"], setup["dns"]
    register(ecs, "ui", serve_identity())
    ok(aws(f"ecs create-service --cluster {cluster} --service-name ui --task-definition ui --desired-count 2 "
           f"--launch-type FARGATE --network-configuration {cli_network(setup)} "
           f"--load-balancers targetGroupArn={tg},containerName=app,containerPort=8080"))
    running = wait_healthy_targets(ecs, elbv2, cluster, "ui", tg, 2)
    ok(aws(f"elbv2 wait target-in-service --target-group-arn {tg}"))  # answers on its first poll
    health = ok(aws(f"elbv2 describe-target-health --target-group-arn {tg}")).json()["TargetHealthDescriptions"]
    assert all(h["Target"]["Port"] == 8080 and h["TargetHealth"] == {"State": "healthy"} for h in health), health
    addresses = {private_ip(t) for t in running}
    texts = messages(describe_service(ecs, cluster, "ui"))
    registrations = texts.count(registered_event("ui", tg))
    assert registrations >= 2, texts  # one per task that ran (a task that failed to start never registers)

    # Through the load balancer's DNS name: both tasks answer, each with its own address.
    seen = set()
    def both_answer():
        status, body = get(f"http://{dns}:8080/")
        assert status == 200, (status, body)
        seen.add(body)
        return seen == addresses
    poll("both tasks reached through the ALB", both_answer, timeout=10, diagnose=lambda: sorted(seen))

    if shutil.which("hey"):
        done = subprocess.run(["hey", "-n", "200", "-c", "5", f"http://{dns}:8080/"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", done.stdout))
        assert codes == {"200": "200"}, done.stdout

    # docker kill: the task is replaced; the replacement is registered and turns healthy.
    victim = running[0]
    subprocess.run([DOCKER, "kill", app_container(victim["taskArn"])], check=True, capture_output=True)
    after = wait_healthy_targets(ecs, elbv2, cluster, "ui", tg, 2, timeout=60, without=victim["taskArn"])
    texts = messages(describe_service(ecs, cluster, "ui"))
    assert texts.count(registered_event("ui", tg)) > registrations, texts
    killed = ecs.describe_tasks(cluster=cluster, tasks=[victim["taskArn"]])["tasks"][0]
    assert killed["stopCode"] == "EssentialContainerExited", killed
    new_addresses = {private_ip(t) for t in after}
    for _ in range(6):
        status, body = get(f"http://{dns}:8080/")
        assert status == 200 and body in new_addresses, (status, body, new_addresses)

    # Scale in: the stopped task stays DEACTIVATING while its target drains for the delay.
    ok(aws(f"ecs update-service --cluster {cluster} --service ui --desired-count 1"))
    [leaving] = [t for t in tasks(ecs, cluster, "ui", "STOPPED") if t["lastStatus"] == "DEACTIVATING"]
    began = time.monotonic()
    assert leaving["stopCode"] == "ServiceSchedulerInitiated"
    assert target_states(elbv2, tg)[private_ip(leaving)] == "draining"
    service = describe_service(ecs, cluster, "ui")
    texts = messages(service)
    deployment = service["deployments"][0]["id"]
    stopped = texts.index(f"(service ui) has stopped 1 running tasks: (task {task_id(leaving['taskArn'])}).")
    deregistered = texts.index(f"(service ui) deregistered 1 targets in (target-group {tg})")
    draining = texts.index(f"(service ui, taskSet {deployment}) has begun draining connections on 1 tasks.")
    assert draining < deregistered < stopped, texts  # newest first

    def left_deactivating():
        task = ecs.describe_tasks(cluster=cluster, tasks=[leaving["taskArn"]])["tasks"][0]
        return task if task["lastStatus"] != "DEACTIVATING" else None
    task = poll("the task leaves DEACTIVATING", left_deactivating, timeout=DELAY + 10)
    waited = time.monotonic() - began
    assert waited >= DELAY - 1.5, f"DEACTIVATING lasted {waited:.1f}s, the delay is {DELAY}s"
    assert task["lastStatus"] in ("STOPPING", "DEPROVISIONING", "STOPPED"), task["lastStatus"]
    poll("the drained target gone", lambda: private_ip(leaving) not in target_states(elbv2, tg), timeout=10)
    poll("the task STOPPED", lambda: ecs.describe_tasks(cluster=cluster, tasks=[leaving["taskArn"]])
         ["tasks"][0]["lastStatus"] == "STOPPED", timeout=20)
    [staying] = [t for t in tasks(ecs, cluster, "ui") if t["lastStatus"] == "RUNNING"]
    status, body = get(f"http://{dns}:8080/")
    assert (status, body) == (200, private_ip(staying))


def test_a_failing_health_check_gets_the_task_replaced_with_ecs_reason(aws, ecs, elbv2, cluster):
    setup = course_setup(aws, elbv2, "broken", health_path="/missing")
    tg = setup["tg"]
    register(ecs, "broken", serve_identity())  # serves /health, not /missing: 404
    ecs.create_service(cluster=cluster, serviceName="broken", taskDefinition="broken", desiredCount=1,
                       launchType="FARGATE", loadBalancers=[{"targetGroupArn": tg, "containerName": "app",
                                                             "containerPort": 8080}],
                       networkConfiguration={"awsvpcConfiguration": {"subnets": setup["subnets"],
                                                                      "securityGroups": [setup["group"]]}})
    reason = f"Task failed ELB health checks in (target-group {tg})"

    def replaced():
        failed = [t for t in tasks(ecs, cluster, "broken", "STOPPED") if t.get("stoppedReason") == reason]
        return failed[0] if failed else None
    failed = poll("a task stopped for its ELB health", replaced, timeout=45,
                  diagnose=lambda: summary(ecs, elbv2, cluster, "broken", tg))
    assert failed["stopCode"] == "ServiceSchedulerInitiated"
    texts = messages(describe_service(ecs, cluster, "broken"))
    assert (f"(service broken) (task {task_id(failed['taskArn'])}) (port 8080) is unhealthy in (target-group {tg}) "
            "due to (reason Health checks failed with these codes: [404]).") in texts, texts
    poll("the replacement started", lambda: any(
        "Amazon ECS replaced 1 tasks due to an unhealthy status." in m
        for m in messages(describe_service(ecs, cluster, "broken"))), timeout=15,
        diagnose=lambda: summary(ecs, elbv2, cluster, "broken", tg))
    health = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert any(h["TargetHealth"].get("Reason") == "Target.ResponseCodeMismatch" or
               h["TargetHealth"]["State"] in ("draining", "initial") for h in health), health


def test_services_stable_after_a_deployment_means_healthy_targets(aws, ecs, elbv2, cluster):
    setup = course_setup(aws, elbv2, "rollout")
    tg = setup["tg"]
    register(ecs, "rollout", serve_identity())
    ecs.create_service(cluster=cluster, serviceName="rollout", taskDefinition="rollout", desiredCount=2,
                       launchType="FARGATE", loadBalancers=[{"targetGroupArn": tg, "containerName": "app",
                                                             "containerPort": 8080}],
                       networkConfiguration={"awsvpcConfiguration": {"subnets": setup["subnets"]}})
    old = {t["taskArn"] for t in wait_healthy_targets(ecs, elbv2, cluster, "rollout", tg, 2)}
    ecs.update_service(cluster=cluster, service="rollout", forceNewDeployment=True)
    service = describe_service(ecs, cluster, "rollout")
    assert len(service["deployments"]) == 2
    ecs.get_waiter("services_stable").wait(cluster=cluster, services=["rollout"],
                                           WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    service = describe_service(ecs, cluster, "rollout")
    assert len(service["deployments"]) == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED"
    running = [t for t in tasks(ecs, cluster, "rollout") if t["lastStatus"] == "RUNNING"]
    assert len(running) == 2 and not old & {t["taskArn"] for t in running}, running
    states = target_states(elbv2, tg)
    assert all(states.get(private_ip(t)) == "healthy" for t in running), states
    # The old tasks only drain by now (or are gone): none of them still serves.
    leaving = ecs.describe_tasks(cluster=cluster, tasks=sorted(old))["tasks"]
    assert all(t["desiredStatus"] == "STOPPED" for t in leaving)
    assert all(states.get(private_ip(t)) in (None, "draining") for t in leaving), states
    ok(aws(f"ecs wait services-stable --cluster {cluster} --services rollout"))  # the CLI agrees at once
