"""ELBv2's control plane over the query protocol (2015-12-01): the AWS CLI (with its waiters) and
boto3 against ecslocal, every XML reply checked against the model. The course flow up to the
listener: an ip target group on 8080 with a health check, an ALB in two default subnets, an
HTTP:8080 listener; then rules, targets and their states, errors, paging, deletion."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from harness import boto
from harness.cli import ok
from harness.expect import ACCOUNT, cli_error, client_error

ELB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:"


@pytest.fixture
def elbv2(server, client_env):
    return boto.make_client(server.endpoint, service="elbv2")


def default_network(aws) -> tuple[str, list[str]]:
    vpcs = ok(aws("ec2 describe-vpcs")).json()["Vpcs"]
    vpc = next(v["VpcId"] for v in vpcs if v["IsDefault"])
    subnets = ok(aws("ec2 describe-subnets")).json()["Subnets"]
    ids = sorted(s["SubnetId"] for s in subnets if s["VpcId"] == vpc)
    return vpc, ids


def create_course_setup(aws):
    vpc, subnets = default_network(aws)
    tg = ok(aws(f"elbv2 create-target-group --name ui-application --protocol HTTP --port 8080 --vpc-id {vpc} "
                "--target-type ip --health-check-path /health")).json()["TargetGroups"][0]
    lb = ok(aws(f"elbv2 create-load-balancer --name retail-store-ecs-ui --subnets {subnets[0]} {subnets[1]}")
            ).json()["LoadBalancers"][0]
    return vpc, tg, lb


def test_cli_course_flow_to_the_listener(aws):
    vpc, tg, lb = create_course_setup(aws)
    assert tg["TargetGroupArn"].startswith(ELB_ARN + "targetgroup/ui-application/")
    assert tg["HealthCheckPath"] == "/health"
    assert tg["HealthCheckTimeoutSeconds"] == 5 and tg["HealthyThresholdCount"] == 5
    assert tg["Matcher"] == {"HttpCode": "200"}
    assert tg["LoadBalancerArns"] == []
    assert lb["LoadBalancerArn"].startswith(ELB_ARN + "loadbalancer/app/retail-store-ecs-ui/")
    assert lb["State"] == {"Code": "provisioning"}
    assert lb["VpcId"] == vpc and len(lb["AvailabilityZones"]) == 2
    assert len(lb["SecurityGroups"]) == 1  # the VPC's default group

    ok(aws(f"elbv2 wait load-balancer-available --load-balancer-arns {lb['LoadBalancerArn']}"))
    listener = ok(aws(f"elbv2 create-listener --load-balancer-arn {lb['LoadBalancerArn']} --protocol HTTP --port 8080 "
                      f"--default-actions Type=forward,TargetGroupArn={tg['TargetGroupArn']}")).json()["Listeners"][0]
    assert listener["Port"] == 8080
    assert listener["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}]

    # The workshop's look-ups.
    found = ok(aws("elbv2 describe-target-groups --names ui-application")).json()["TargetGroups"][0]
    assert found["LoadBalancerArns"] == [lb["LoadBalancerArn"]]
    dns = ok(aws("elbv2 describe-load-balancers --name retail-store-ecs-ui "
                 "--query LoadBalancers[0].DNSName --output text")).stdout.strip()
    assert dns.startswith("127.255."), dns
    state = ok(aws("elbv2 describe-load-balancers --names retail-store-ecs-ui")).json()["LoadBalancers"][0]["State"]
    assert state == {"Code": "active"}
    rules = ok(aws(f"elbv2 describe-rules --listener-arn {listener['ListenerArn']}")).json()["Rules"]
    assert [r["Priority"] for r in rules] == ["default"] and rules[0]["IsDefault"] is True

    # Targets: registered, in use by the listener; without a prober wired they stay initial.
    ok(aws(f"elbv2 register-targets --target-group-arn {tg['TargetGroupArn']} --targets Id=172.31.0.50 Id=172.31.0.51"))
    health = ok(aws(f"elbv2 describe-target-health --target-group-arn {tg['TargetGroupArn']}")
                ).json()["TargetHealthDescriptions"]
    assert sorted(h["Target"]["Id"] for h in health) == ["172.31.0.50", "172.31.0.51"]
    assert all(h["Target"]["Port"] == 8080 and h["HealthCheckPort"] == "8080" for h in health)
    assert all(h["TargetHealth"]["State"] == "initial" for h in health)
    assert {h["TargetHealth"]["Reason"] for h in health} <= {"Elb.RegistrationInProgress", "Elb.InitialHealthChecking"}

    # Draining with a delay of 0 is over at once: the target-deregistered waiter passes.
    ok(aws(f"elbv2 modify-target-group-attributes --target-group-arn {tg['TargetGroupArn']} "
           "--attributes Key=deregistration_delay.timeout_seconds,Value=0"))
    ok(aws(f"elbv2 deregister-targets --target-group-arn {tg['TargetGroupArn']} --targets Id=172.31.0.50"))
    ok(aws(f"elbv2 wait target-deregistered --target-group-arn {tg['TargetGroupArn']} --targets Id=172.31.0.50"))
    left = ok(aws(f"elbv2 describe-target-health --target-group-arn {tg['TargetGroupArn']}")).json()
    assert [h["Target"]["Id"] for h in left["TargetHealthDescriptions"]] == ["172.31.0.51"]

    # In use: the target group cannot go; the load balancer can, and takes its listener along.
    r = aws(f"elbv2 delete-target-group --target-group-arn {tg['TargetGroupArn']}")
    cli_error(r, "ResourceInUse", "DeleteTargetGroup",
              f"The target group '{tg['TargetGroupArn']}' is currently in use by a listener or a rule")
    ok(aws(f"elbv2 delete-load-balancer --load-balancer-arn {lb['LoadBalancerArn']}"))
    ok(aws(f"elbv2 wait load-balancers-deleted --load-balancer-arns {lb['LoadBalancerArn']}"))
    ok(aws(f"elbv2 delete-target-group --target-group-arn {tg['TargetGroupArn']}"))
    assert ok(aws("elbv2 describe-target-groups")).json()["TargetGroups"] == []


def test_cli_errors_are_awss(aws):
    cli_error(aws("elbv2 describe-target-groups --names nope"), "TargetGroupNotFound", "DescribeTargetGroups",
              "One or more target groups not found")
    cli_error(aws("elbv2 describe-load-balancers --names nope"), "LoadBalancerNotFound", "DescribeLoadBalancers",
              "Load balancers '[nope]' not found")
    vpc, subnets = default_network(aws)
    cli_error(aws(f"elbv2 create-load-balancer --name one --subnets {subnets[0]}"), "ValidationError",
              "CreateLoadBalancer", "At least two subnets in two different Availability Zones must be specified")
    _, tg, lb = create_course_setup(aws)
    cli_error(aws(f"elbv2 create-target-group --name ui-application --protocol HTTP --port 9090 --vpc-id {vpc} "
                  "--target-type ip"), "DuplicateTargetGroupName", "CreateTargetGroup",
              "A target group with the same name 'ui-application' exists, but with different settings")
    listen = (f"elbv2 create-listener --load-balancer-arn {lb['LoadBalancerArn']} --protocol HTTP --port 80 "
              f"--default-actions Type=forward,TargetGroupArn={tg['TargetGroupArn']}")
    ok(aws(listen))
    cli_error(aws(listen), "DuplicateListener", "CreateListener",
              "A listener already exists on this port for this load balancer")
    cli_error(aws(f"elbv2 register-targets --target-group-arn {tg['TargetGroupArn']} --targets Id=8.8.8.8"),
              "InvalidTarget", "RegisterTargets")


def test_cli_rules_fixed_response_redirect_and_priorities(aws):
    _, tg, lb = create_course_setup(aws)
    listener = ok(aws(f"elbv2 create-listener --load-balancer-arn {lb['LoadBalancerArn']} --protocol HTTP --port 80 "
                      "--default-actions Type=fixed-response,FixedResponseConfig={StatusCode=404,ContentType=text/plain,"
                      "MessageBody=none}")).json()["Listeners"][0]
    arn = listener["ListenerArn"]
    conditions = json.dumps([{"Field": "path-pattern", "Values": ["/api/*"]}])
    actions = json.dumps([{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
    api = ok(aws("elbv2", "create-rule", "--listener-arn", arn, "--priority", "10", "--conditions", conditions,
                 "--actions", actions)).json()["Rules"][0]
    assert api["Priority"] == "10" and api["IsDefault"] is False
    redirect = json.dumps([{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                                  "StatusCode": "HTTP_301"}}])
    hosts = json.dumps([{"Field": "host-header", "HostHeaderConfig": {"Values": ["old.example.com"]}}])
    moved = ok(aws("elbv2", "create-rule", "--listener-arn", arn, "--priority", "20", "--conditions", hosts,
                   "--actions", redirect)).json()["Rules"][0]
    r = aws("elbv2", "create-rule", "--listener-arn", arn, "--priority", "20", "--conditions", hosts, "--actions", redirect)
    cli_error(r, "PriorityInUse", "CreateRule", "Priority '20' is currently in use")
    ok(aws(f"elbv2 set-rule-priorities --rule-priorities RuleArn={moved['RuleArn']},Priority=5"))
    rules = ok(aws(f"elbv2 describe-rules --listener-arn {arn}")).json()["Rules"]
    assert [r["Priority"] for r in rules] == ["5", "10", "default"]
    assert rules[2]["Actions"][0]["FixedResponseConfig"] == {"StatusCode": "404", "ContentType": "text/plain",
                                                             "MessageBody": "none"}
    assert ok(aws("elbv2 describe-target-groups --names ui-application")).json()["TargetGroups"][0][
        "LoadBalancerArns"] == [lb["LoadBalancerArn"]]
    cli_error(aws(f"elbv2 delete-rule --rule-arn {rules[2]['RuleArn']}"), "OperationNotPermitted", "DeleteRule")
    ok(aws(f"elbv2 delete-rule --rule-arn {api['RuleArn']}"))
    assert ok(aws("elbv2 describe-target-groups --names ui-application")).json()["TargetGroups"][0][
        "LoadBalancerArns"] == []


def test_boto3_paging_attributes_and_tags(elbv2, aws):
    vpc, subnets = default_network(aws)
    for name in ("c", "a", "b"):
        elbv2.create_load_balancer(Name=name, Subnets=subnets[:2], Tags=[{"Key": "app", "Value": name}])
    pages = list(elbv2.get_paginator("describe_load_balancers").paginate(PaginationConfig={"PageSize": 2}))
    assert [[lb["LoadBalancerName"] for lb in p["LoadBalancers"]] for p in pages] == [["a", "b"], ["c"]]
    arn = pages[0]["LoadBalancers"][0]["LoadBalancerArn"]
    tags = elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
    assert tags == [{"ResourceArn": arn, "Tags": [{"Key": "app", "Value": "a"}]}]
    attrs = {a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
    assert attrs["idle_timeout.timeout_seconds"] == "60" and attrs["deletion_protection.enabled"] == "false"
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "true"}])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
    client_error(e.value, "OperationNotPermitted")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "nope", "Value": "1"}])
    client_error(e.value, "InvalidConfigurationRequest", "Load balancer attribute key 'nope' is not recognized")
    tg = elbv2.create_target_group(Name="tcp", Protocol="TCP", Port=5432, VpcId=vpc, TargetType="ip")["TargetGroups"][0]
    assert tg["HealthCheckProtocol"] == "TCP" and tg["HealthCheckTimeoutSeconds"] == 10
    tg_attrs = {a["Key"]: a["Value"]
                for a in elbv2.describe_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"])["Attributes"]}
    assert tg_attrs["deregistration_delay.timeout_seconds"] == "300"
