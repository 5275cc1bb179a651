"""EC2 networking as ECS users meet it, through the AWS CLI and boto3 (ec2 query protocol, XML):
the default VPC, its subnets and security group; a new group with an ingress rule; Fargate tasks
in default subnets (their ENIs in DescribeNetworkInterfaces); a created VPC and subnet whose task
answers HTTP on its own Docker bridge; the errors ECS and EC2 give; and nothing left behind."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import time

import botocore.exceptions
import pytest

from harness import boto, expect
from harness.cli import ok
from test_tasks import DOCKER, http_get, register, serve, wait_for, wait_removed

VPC_CIDR = "10.10.0.0/16"
SUBNET_CIDR = "10.10.1.0/24"


@pytest.fixture
def ec2(server, client_env):
    return boto.make_client(server.endpoint, service="ec2")


@pytest.fixture(autouse=True)
def cluster(ecs):
    ecs.create_cluster(clusterName="e2e")


def default_subnets(ec2) -> dict[str, dict]:
    """The default subnets by zone name."""
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return {s["AvailabilityZone"]: s for s in subnets}


def run(ecs, definition: str, subnets: list[str], groups: list[str] | None = None) -> str:
    vpc = {"subnets": subnets, "assignPublicIp": "DISABLED"}
    if groups:
        vpc["securityGroups"] = groups
    response = ecs.run_task(cluster="e2e", launchType="FARGATE", taskDefinition=definition,
                            networkConfiguration={"awsvpcConfiguration": vpc})
    assert response["failures"] == [], response
    return response["tasks"][0]["taskArn"]


def details(task: dict) -> dict:
    return {d["name"]: d["value"] for d in task["attachments"][0]["details"]}


def stop(ecs, arn: str) -> None:
    ecs.stop_task(cluster="e2e", task=arn)
    wait_for(ecs, arn, lambda t: t["lastStatus"] == "STOPPED")
    wait_removed(arn)


def docker_network(name: str) -> dict | None:
    proc = subprocess.run([DOCKER, "network", "inspect", name], capture_output=True, text=True)
    return json.loads(proc.stdout)[0] if proc.returncode == 0 else None


def test_the_default_vpc_and_its_subnets_and_group(aws, ec2):
    vpcs = ok(aws("ec2 describe-vpcs --filters Name=isDefault,Values=true --output json")).json()["Vpcs"]
    assert len(vpcs) == 1
    assert vpcs[0]["CidrBlock"] == "172.31.0.0/16" and vpcs[0]["IsDefault"] is True
    vpc_id = vpcs[0]["VpcId"]

    by_vpc = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert len(by_vpc) == 6  # us-east-1a..f
    subnets = default_subnets(ec2)
    assert subnets["us-east-1a"]["CidrBlock"] == "172.31.0.0/20"
    assert subnets["us-east-1b"]["CidrBlock"] == "172.31.16.0/20"
    assert subnets["us-east-1b"]["AvailabilityZoneId"] == "use1-az2"
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones][:2] == ["us-east-1a", "us-east-1b"]

    groups = ok(aws("ec2 describe-security-groups --group-names default --output json")).json()["SecurityGroups"]
    assert len(groups) == 1 and groups[0]["VpcId"] == vpc_id
    assert groups[0]["IpPermissionsEgress"][0]["IpRanges"][0]["CidrIp"] == "0.0.0.0/0"

    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_subnets(SubnetIds=["subnet-0123456789abcdef0"])
    expect.client_error(e.value, "InvalidSubnetID.NotFound", "The subnet ID 'subnet-0123456789abcdef0' does not exist")


def test_tasks_in_two_default_subnets_with_a_new_group(aws, ec2, ecs):
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    group = ok(aws(f"ec2 create-security-group --group-name web --description web-tasks --vpc-id {vpc_id} "
                   "--output json")).json()["GroupId"]
    rules = ok(aws(f"ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port 8080 "
                   "--cidr 0.0.0.0/0 --output json")).json()["SecurityGroupRules"]
    assert rules[0]["FromPort"] == 8080 and rules[0]["CidrIpv4"] == "0.0.0.0/0"
    described = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]
    assert described["IpPermissions"][0]["IpProtocol"] == "tcp"
    assert described["IpPermissions"][0]["FromPort"] == 8080
    duplicate = aws(f"ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port 8080 --cidr 0.0.0.0/0")
    expect.cli_error(duplicate, "InvalidPermission.Duplicate", "AuthorizeSecurityGroupIngress")

    subnets = default_subnets(ec2)
    # Zones e and f: other ecslocal instances on this daemon (parallel e2e files) share the default
    # VPC's bridge and start in us-east-1a; their addresses are invisible to this instance's IPAM.
    chosen = [subnets["us-east-1e"], subnets["us-east-1f"]]
    definition = register(ecs, "ec2-web", [{"name": "web", "command": serve("hello"),
                                            "portMappings": [{"containerPort": 8080}]}])
    # A task takes its address from the first subnet listed that has one.
    ids = [s["SubnetId"] for s in chosen]
    arns = [run(ecs, definition, ids, [group]), run(ecs, definition, ids[::-1], [group])]
    tasks = [wait_for(ecs, a, lambda t: t["lastStatus"] == "RUNNING") for a in arns]
    for task, subnet in zip(tasks, chosen):
        eni = details(task)
        assert eni["subnetId"] == subnet["SubnetId"]
        assert ipaddress.ip_address(eni["privateIPv4Address"]) in ipaddress.ip_network(subnet["CidrBlock"])
        listed = ec2.describe_network_interfaces(
            Filters=[{"Name": "addresses.private-ip-address", "Values": [eni["privateIPv4Address"]]}])["NetworkInterfaces"]
        assert len(listed) == 1
        assert listed[0]["NetworkInterfaceId"] == eni["networkInterfaceId"]
        assert listed[0]["MacAddress"] == eni["macAddress"]
        assert listed[0]["Groups"][0]["GroupId"] == group
        assert listed[0]["Status"] == "in-use" and listed[0]["RequesterManaged"] is True
        assert http_get(eni["privateIPv4Address"]) == "hello"

    in_use = aws(f"ec2 delete-security-group --group-id {group}")
    expect.cli_error(in_use, "DependencyViolation", "DeleteSecurityGroup", f"resource {group} has a dependent object")
    for a in arns:
        stop(ecs, a)
    assert ec2.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [group]}])["NetworkInterfaces"] == []
    ok(aws(f"ec2 delete-security-group --group-id {group}"))


def test_unknown_subnets_and_groups_are_refused_by_run_task(ecs, ec2):
    definition = register(ecs, "ec2-refused", [{"name": "web", "command": serve("never")}])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        run(ecs, definition, ["subnet-0123456789abcdef0"])
    expect.client_error(e.value, "InvalidParameterException",
                        "Error retrieving subnet information for [subnet-0123456789abcdef0]: The subnet ID "
                        "'subnet-0123456789abcdef0' does not exist (ErrorCode: InvalidSubnetID.NotFound)")
    subnet = default_subnets(ec2)["us-east-1e"]["SubnetId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        run(ecs, definition, [subnet], ["sg-0123456789abcdef0"])
    expect.client_error(e.value, "InvalidParameterException")
    assert ecs.list_tasks(cluster="e2e")["taskArns"] == []


def test_a_task_in_a_created_vpc_serves_http_on_its_own_bridge(aws, ec2, ecs):
    vpc = ok(aws(f"ec2 create-vpc --cidr-block {VPC_CIDR} --output json")).json()["Vpc"]
    assert vpc["State"] == "available" and vpc["IsDefault"] is False
    vpc_id = vpc["VpcId"]
    subnet = ok(aws(f"ec2 create-subnet --vpc-id {vpc_id} --cidr-block {SUBNET_CIDR} "
                    "--availability-zone us-east-1c --output json")).json()["Subnet"]
    assert subnet["CidrBlock"] == SUBNET_CIDR and subnet["AvailabilityZone"] == "us-east-1c"
    overlap = aws("ec2 create-vpc --cidr-block 10.10.128.0/24")
    expect.cli_error(overlap, "InvalidVpc.Range", "CreateVpc")
    conflict = aws(f"ec2 create-subnet --vpc-id {vpc_id} --cidr-block 10.10.1.128/25")
    expect.cli_error(conflict, "InvalidSubnet.Conflict", "CreateSubnet")

    definition = register(ecs, "ec2-own-vpc", [{"name": "web", "command": serve("from my vpc"),
                                                "portMappings": [{"containerPort": 8080}]}])
    arn = run(ecs, definition, [subnet["SubnetId"]])
    task = wait_for(ecs, arn, lambda t: t["lastStatus"] == "RUNNING")
    address = details(task)["privateIPv4Address"]
    assert ipaddress.ip_address(address) in ipaddress.ip_network(SUBNET_CIDR)
    assert task["availabilityZone"] == "us-east-1c"
    assert http_get(address) == "from my vpc"

    bridge = docker_network(f"ecslocal-{vpc_id}")
    assert bridge is not None, "the VPC's Docker bridge is missing"
    assert bridge["IPAM"]["Config"][0]["Subnet"] == VPC_CIDR
    assert bridge["Labels"]["ecslocal.managed"] == "true"
    assert bridge["Labels"]["ecslocal.vpc"] == vpc_id
    # Shared, not owned: any ecslocal on the daemon may use a network of that name; the last user removes it.
    assert bridge["Labels"].get("ecslocal.shared") == "true"
    assert "ecslocal.instance" not in bridge["Labels"]

    eni = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkInterfaces"]
    assert [e["PrivateIpAddress"] for e in eni] == [address]
    own_default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    assert eni[0]["Groups"][0]["GroupId"] == own_default[0]["GroupId"]

    expect.cli_error(aws(f"ec2 delete-subnet --subnet-id {subnet['SubnetId']}"), "DependencyViolation", "DeleteSubnet")
    expect.cli_error(aws(f"ec2 delete-vpc --vpc-id {vpc_id}"), "DependencyViolation", "DeleteVpc",
                     f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")

    stop(ecs, arn)
    ok(aws(f"ec2 delete-subnet --subnet-id {subnet['SubnetId']}"))
    ok(aws(f"ec2 delete-vpc --vpc-id {vpc_id}"))
    gone = aws(f"ec2 describe-vpcs --vpc-ids {vpc_id}")
    expect.cli_error(gone, "InvalidVpcID.NotFound", "DescribeVpcs", f"The vpc ID '{vpc_id}' does not exist")
    wait_network_removed(f"ecslocal-{vpc_id}")


def wait_network_removed(name: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while docker_network(name) is not None:
        assert time.monotonic() < deadline, f"the Docker network {name} was not removed"
        time.sleep(0.2)


def test_a_vpc_bridge_left_at_shutdown_goes_with_the_instance(aws, ec2, ecs):
    # The session fixture asserts that nothing labelled with this instance remains after exit:
    # this test leaves a VPC with a started bridge behind on purpose.
    vpc_id = ok(aws("ec2 create-vpc --cidr-block 10.12.0.0/16 --output json")).json()["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.12.0.0/24")["Subnet"]["SubnetId"]
    definition = register(ecs, "ec2-left", [{"name": "web", "command": serve("left")}])
    arn = run(ecs, definition, [subnet])
    wait_for(ecs, arn, lambda t: t["lastStatus"] == "RUNNING")
    assert docker_network(f"ecslocal-{vpc_id}") is not None
    stop(ecs, arn)
