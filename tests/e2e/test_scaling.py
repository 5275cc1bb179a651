"""Services that scale themselves (issue 11, spec elb §1, §6-8, §10.1): the ECS workshop's scaling
chapter on real containers, real load balancer traffic and real CPU, with the real AWS CLI
(query CloudWatch, JSON 1.1 Application Auto Scaling) and boto3, under `--time-scale 20` (a
60 s period lasts 3 s; cooldowns of 60 s last 3 s).

- Target tracking on ALBRequestCountPerTarget: `hey` (bounded in time and rate) against the ALB's
  DNS name; AlarmHigh reaches ALARM and `aws cloudwatch wait alarm-exists --state-value ALARM`
  returns; the desired count rises to what the arithmetic gives for the measured datapoints
  (clamped to the maximum); the new tasks run and turn healthy targets; when the load stops the
  metric is a real 0, AlarmLow fires and the service goes back to its minimum.
- Target tracking on ECSServiceAverageCPUUtilization with a container that burns CPU.
- Step scaling driven by the user's own alarm on a custom metric.
- A scheduled action at a time in a time zone raising the minimum capacity.

Every wait polls with a bound (generous: CI shares two cores); nothing asserts elapsed time."""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import urllib.request
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from harness import boto
from harness.alb import cli_network, course_setup, default_network, poll, register, serve_identity, target_states, tasks
from harness.alb import elbv2  # noqa: F401  (fixture)
from harness.cli import ok

SCALE = 20


@pytest.fixture(scope="session")
def server_args() -> tuple[str, ...]:
    return ("--time-scale", str(SCALE))


@pytest.fixture
def scaling(server, client_env):
    return boto.make_client(server.endpoint, service="application-autoscaling")


@pytest.fixture
def cluster(ecs):
    name = "retail-store-ecs-cluster"
    ecs.create_cluster(clusterName=name)
    yield name
    for arn in ecs.list_services(cluster=name)["serviceArns"]:
        ecs.delete_service(cluster=name, service=arn, force=True)
    poll("every task of the test stopped", lambda: not ecs.list_tasks(cluster=name)["taskArns"], timeout=90)


def virtual_now(server) -> datetime:
    with urllib.request.urlopen(server.endpoint + "/_ecslocal/clock", timeout=5) as reply:
        clock = json.loads(reply.read())
    assert clock["scale"] == SCALE, clock
    return datetime.fromtimestamp(clock["now"], tz=timezone.utc)


def desired(ecs, cluster: str, service: str) -> int:
    return ecs.describe_services(cluster=cluster, services=[service])["services"][0]["desiredCount"]


def activities(scaling, resource: str) -> list[dict]:
    return scaling.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=resource)["ScalingActivities"]


def set_to(activity: dict) -> int:
    m = re.fullmatch(r"Setting desired count to (\d+)\.", activity["Description"])
    assert m, activity
    return int(m[1])


def datapoints(cloudwatch, namespace: str, metric: str, dimensions: dict, statistic: str, now: datetime) -> list[float]:
    reply = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName=metric, Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
        StartTime=now - timedelta(minutes=30), EndTime=now + timedelta(minutes=1), Period=60, Statistics=[statistic])
    return [p[statistic] for p in reply["Datapoints"]]


def register_target(aws, resource: str, minimum: int, maximum: int) -> None:
    ok(aws(f"application-autoscaling register-scalable-target --service-namespace ecs "
           f"--scalable-dimension ecs:service:DesiredCount --resource-id {resource} "
           f"--min-capacity {minimum} --max-capacity {maximum}"))


def put_policy(aws, tmp_path, resource: str, name: str, kind: str, configuration: dict) -> dict:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(configuration))
    option = ("--target-tracking-scaling-policy-configuration" if kind == "TargetTrackingScaling"
              else "--step-scaling-policy-configuration")
    return ok(aws(f"application-autoscaling put-scaling-policy --service-namespace ecs "
                  f"--scalable-dimension ecs:service:DesiredCount --resource-id {resource} "
                  f"--policy-name {name} --policy-type {kind} {option} file://{path}")).json()


def alarm_names(cloudwatch, prefix: str) -> list[str]:
    return [a["AlarmName"] for a in cloudwatch.describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]]


def create_service(aws, cluster: str, name: str, setup: dict, count: int, load_balanced: bool = True) -> None:
    balancers = (f" --load-balancers targetGroupArn={setup['tg']},containerName=app,containerPort=8080"
                 if load_balanced else "")
    ok(aws(f"ecs create-service --cluster {cluster} --service-name {name} --task-definition {name} "
           f"--desired-count {count} --launch-type FARGATE --network-configuration {cli_network(setup)}{balancers}"))


def network(aws) -> dict:
    """The default subnets and security group, for a service without a load balancer."""
    _, subnets, group = default_network(aws)
    return {"subnets": subnets, "group": group}


def running(ecs, cluster: str, name: str) -> int:
    return sum(t["lastStatus"] == "RUNNING" for t in tasks(ecs, cluster, name))


# --- tests ---------------------------------------------------------------------------------------

def test_workshop_target_tracking_on_request_count_per_target(aws, ecs, elbv2, cloudwatch, scaling, cluster,
                                                               server, tmp_path):
    setup = course_setup(aws, elbv2, "ui-application")
    register(ecs, "ui", serve_identity())
    create_service(aws, cluster, "ui", setup, 2)
    healthy = lambda: sum(s == "healthy" for s in target_states(elbv2, setup["tg"]).values())  # noqa: E731
    poll("2 healthy targets", lambda: healthy() == 2, timeout=60)

    resource = f"service/{cluster}/ui"
    register_target(aws, resource, 2, 4)
    label = setup["lb"].split(":loadbalancer/", 1)[1] + "/" + setup["tg"].rsplit(":", 1)[1]
    target = 50
    policy = put_policy(aws, tmp_path, resource, "ui-requests", "TargetTrackingScaling", {
        "TargetValue": target, "ScaleOutCooldown": 60, "ScaleInCooldown": 60,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": label}})
    high_prefix = f"TargetTracking-{resource}-AlarmHigh"
    names = sorted(a["AlarmName"] for a in policy["Alarms"])
    assert len(names) == 2 and names[0].startswith(high_prefix) and names[1].startswith(f"TargetTracking-{resource}-AlarmLow-"), names
    high = ok(aws(f"cloudwatch describe-alarms --alarm-name-prefix {high_prefix}")).json()["MetricAlarms"]
    assert len(high) == 1 and high[0]["Threshold"] == target and high[0]["ComparisonOperator"] == "GreaterThanThreshold"
    assert high[0]["MetricName"] == "RequestCountPerTarget" and high[0]["EvaluationPeriods"] == 3, high

    # Load: 5 workers at 40 req/s each (spec §1), bounded to 60 s; the ALB's loopback address only.
    load = subprocess.Popen(["hey", "-z", "60s", "-c", "5", "-q", "40", f"http://{setup['dns']}:8080/"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ok(aws(f"cloudwatch wait alarm-exists --alarm-name-prefix {high_prefix} --state-value ALARM"))
        poll("the service scaled out", lambda: desired(ecs, cluster, "ui") > 2, timeout=60)
        first = activities(scaling, resource)[-1]
        assert first["StatusCode"] == "Successful" and "AlarmHigh" in first["Cause"], first
        assert first["Cause"].startswith("monitor alarm TargetTracking-") and first["Cause"].endswith(
            "in state ALARM triggered policy ui-requests"), first
        now = virtual_now(server)
        measured = datapoints(cloudwatch, "AWS/ApplicationELB", "RequestCountPerTarget",
                              {"LoadBalancer": label.split("/targetgroup/")[0], "TargetGroup": "targetgroup/" + label.split("/targetgroup/")[1]},
                              "Sum", now)
        wanted = {min(4, math.ceil(2 * m / target)) for m in measured if m > target}
        assert set_to(first) in wanted, (first, measured)
        count = desired(ecs, cluster, "ui")
        poll(f"{count} healthy targets", lambda: healthy() == desired(ecs, cluster, "ui") == running(ecs, cluster, "ui"),
             timeout=90)
    finally:
        load.send_signal(signal.SIGINT)  # hey prints its summary on an interrupt
        out, _ = load.communicate(timeout=30)
    assert "[200]" in out, out

    # Idle: RequestCountPerTarget is a real 0, AlarmLow fires (15 of 15 periods), back to the minimum.
    poll("scaled back in to 2", lambda: desired(ecs, cluster, "ui") == 2, timeout=150)
    low = [a for a in activities(scaling, resource) if "AlarmLow" in a["Cause"]]
    assert low and set_to(low[0]) == 2, low
    low_alarm = cloudwatch.describe_alarms(AlarmNamePrefix=f"TargetTracking-{resource}-AlarmLow")["MetricAlarms"][0]
    assert low_alarm["StateValue"] == "ALARM" and low_alarm["StateReason"].startswith("Threshold Crossed: "), low_alarm
    poll("2 tasks left", lambda: running(ecs, cluster, "ui") == 2, timeout=60)

    # Deleting the policy deletes both of its alarms.
    ok(aws(f"application-autoscaling delete-scaling-policy --service-namespace ecs --scalable-dimension "
           f"ecs:service:DesiredCount --resource-id {resource} --policy-name ui-requests"))
    assert alarm_names(cloudwatch, f"TargetTracking-{resource}") == []


def test_cpu_target_tracking_with_a_container_that_burns_cpu(aws, ecs, cloudwatch, scaling, cluster,
                                                              server, tmp_path):
    setup = network(aws)
    register(ecs, "burner", ["sh", "-c", "trap 'exit 0' TERM; while :; do :; done"])
    create_service(aws, cluster, "burner", setup, 1, load_balanced=False)
    poll("the burner runs", lambda: running(ecs, cluster, "burner") == 1, timeout=60)
    resource = f"service/{cluster}/burner"
    register_target(aws, resource, 1, 2)
    policy = put_policy(aws, tmp_path, resource, "cpu50", "TargetTrackingScaling", {
        "TargetValue": 50.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 60,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    assert len(policy["Alarms"]) == 2, policy

    poll("the CPU alarm scaled the service out", lambda: desired(ecs, cluster, "burner") == 2, timeout=90)
    first = activities(scaling, resource)[-1]
    assert "AlarmHigh" in first["Cause"] and set_to(first) == 2, first
    now = virtual_now(server)
    cpu = datapoints(cloudwatch, "AWS/ECS", "CPUUtilization", {"ClusterName": cluster, "ServiceName": "burner"},
                     "Average", now)
    assert cpu and max(cpu) > 50, cpu  # the task's 256 CPU units are busy
    assert max(cpu) <= 110, cpu        # and limited to them (a little over 100 % from sampling)
    poll("the second burner runs", lambda: running(ecs, cluster, "burner") == 2, timeout=60)


def test_step_scaling_from_a_users_alarm(aws, ecs, cloudwatch, scaling, cluster, server, tmp_path):
    setup = network(aws)
    register(ecs, "worker", ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"])
    create_service(aws, cluster, "worker", setup, 1, load_balanced=False)
    resource = f"service/{cluster}/worker"
    register_target(aws, resource, 1, 3)
    policy = put_policy(aws, tmp_path, resource, "queue-steps", "StepScaling", {
        "AdjustmentType": "ChangeInCapacity", "Cooldown": 300, "MetricAggregationType": "Average",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 1},
                            {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 2}]})
    arn = policy["PolicyARN"]
    ok(aws(f"cloudwatch put-metric-alarm --alarm-name queue-high --namespace Workshop --metric-name QueueDepth "
           f"--statistic Average --period 60 --evaluation-periods 1 --threshold 10 "
           f"--comparison-operator GreaterThanThreshold --alarm-actions {arn}"))
    # 25 is 15 above the threshold: the first step (+1).
    stamp = virtual_now(server).strftime("%Y-%m-%dT%H:%M:%SZ")
    ok(aws(f"cloudwatch put-metric-data --namespace Workshop --metric-name QueueDepth --value 25 --timestamp {stamp}"))
    ok(aws("cloudwatch wait alarm-exists --alarm-names queue-high --state-value ALARM"))
    poll("one step up", lambda: desired(ecs, cluster, "worker") == 2, timeout=60)
    [activity] = activities(scaling, resource)
    assert activity["Cause"] == "monitor alarm queue-high in state ALARM triggered policy queue-steps", activity
    assert set_to(activity) == 2
    history = cloudwatch.describe_alarm_history(AlarmName="queue-high")["AlarmHistoryItems"]
    kinds = {h["HistoryItemType"] for h in history}
    assert {"ConfigurationUpdate", "StateUpdate", "Action"} <= kinds, history
    # The datapoint ages out (INSUFFICIENT_DATA); the cooldown (300 s) outlasts the ALARM: one step only.
    poll("the alarm left ALARM", lambda: cloudwatch.describe_alarms(AlarmNames=["queue-high"])["MetricAlarms"][0]
         ["StateValue"] != "ALARM", timeout=60)
    assert desired(ecs, cluster, "worker") == 2
    assert len(activities(scaling, resource)) == 1


def test_a_scheduled_action_in_a_time_zone_raises_the_minimum(aws, ecs, scaling, cluster, server):
    setup = network(aws)
    register(ecs, "nightly", ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"])
    create_service(aws, cluster, "nightly", setup, 1, load_balanced=False)
    resource = f"service/{cluster}/nightly"
    register_target(aws, resource, 1, 3)
    zone = "America/New_York"
    when = (virtual_now(server) + timedelta(minutes=3)).astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)
    ok(aws(f"application-autoscaling put-scheduled-action --service-namespace ecs --scalable-dimension "
           f"ecs:service:DesiredCount --resource-id {resource} --scheduled-action-name morning "
           f"--schedule at({when.strftime('%Y-%m-%dT%H:%M:%S')}) --timezone {zone} "
           f"--scalable-target-action MinCapacity=2,MaxCapacity=3"))
    [action] = scaling.describe_scheduled_actions(ServiceNamespace="ecs", ResourceId=resource)["ScheduledActions"]
    assert action["Schedule"] == f"at({when.strftime('%Y-%m-%dT%H:%M:%S')})" and action["Timezone"] == zone, action
    assert desired(ecs, cluster, "nightly") == 1
    poll("the minimum raised to 2", lambda: desired(ecs, cluster, "nightly") == 2, timeout=60)
    [target] = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 3), target
    scheduled = [a for a in activities(scaling, resource) if a["Cause"] == "scheduled action name morning was triggered"]
    assert scheduled and scheduled[0]["Description"] == "Setting min capacity to 2 and max capacity to 3", scheduled
    poll("2 tasks run", lambda: running(ecs, cluster, "nightly") == 2, timeout=60)
