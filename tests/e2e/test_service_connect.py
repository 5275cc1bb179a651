"""Services that find each other on the local Docker daemon, with the real AWS CLI and boto3
(spec discovery §2): the workshop's Service Connect chapter — a `catalog` server on a named port
(8080) with the client alias `catalog:80`, and a `ui` client whose container fetches
`http://catalog/catalogue/tags` in a loop and prints what answered to awslogs; catalog scaled to 3
(the answers spread over all three), a catalog task killed (no failed request); and classic
service discovery — `nslookup <service>.<namespace>` inside a task of the VPC lists the running
tasks, DiscoverInstances shows them with ECS's attributes.

Every wait polls with a bound; nothing sleeps a fixed time. Traffic stays inside the tasks."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from harness import boto
from harness.alb import (DOCKER, IMAGE, app_container, default_network, poll, private_ip, tasks,
                         task_id)
from harness.alb import cluster  # noqa: F401  (fixture)
from harness.cli import ok

needs_docker = pytest.mark.skipif(os.environ.get("ECSLOCAL_SKIP_DOCKER_TESTS") == "1",
                                  reason="ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run")

EXECUTION_ROLE = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"

# catalog: busybox httpd on 8080; /catalogue/tags answers the task's own VPC address.
CATALOG = ["sh", "-c",
           "mkdir -p /www/catalogue && ip -4 -o addr show dev $(ip route | awk '/^default/ {print $5}')"
           " | awk '{print $4}' | cut -d/ -f1 | head -n1 > /www/catalogue/tags"
           " && httpd -f -p 8080 -h /www & trap 'exit 0' TERM; wait"]
# ui: fetches through the alias every 100 ms; prints "ok <address>" or "FAIL". (No `wget -T`: the
# option crashes Debian 12's static busybox wget.)
UI = ["sh", "-c",
      "trap 'exit 0' TERM; while true; do a=$(wget -q -O- http://catalog/catalogue/tags) && echo \"ok $a\""
      " || echo FAIL; sleep 0.1; done"]


@pytest.fixture
def sd(server, client_env):
    return boto.make_client(server.endpoint, service="servicediscovery")


@pytest.fixture
def discover(server, client_env):
    """DiscoverInstances goes to a `data-` host prefix: this client sends it to the endpoint as given."""
    return boto.make_client(server.endpoint, service="servicediscovery", inject_host_prefix=False)


def network(aws) -> dict:
    _, subnets, group = default_network(aws)
    return {"awsvpcConfiguration": {"subnets": subnets[:2], "securityGroups": [group], "assignPublicIp": "DISABLED"}}


def register(ecs, family: str, command: list[str], port_name: str | None = None) -> str:
    container = {"name": "app", "image": IMAGE, "essential": True, "command": command, "stopTimeout": 2,
                 "logConfiguration": {"logDriver": "awslogs",
                                      "options": {"awslogs-group": f"/ecs/{family}", "awslogs-region": "us-east-1",
                                                  "awslogs-stream-prefix": "app", "awslogs-create-group": "true"}}}
    if port_name:
        container["portMappings"] = [{"containerPort": 8080, "name": port_name, "appProtocol": "http"}]
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn=EXECUTION_ROLE, containerDefinitions=[container])["taskDefinition"]["taskDefinitionArn"]


def running(ecs, cluster: str, name: str, count: int, timeout: float = 60) -> list[dict]:
    def probe():
        found = [t for t in tasks(ecs, cluster, name) if t["lastStatus"] == "RUNNING"]
        return found if len(found) == count else None
    return poll(f"{count} running tasks of {name}", probe, timeout,
                diagnose=lambda: [(task_id(t["taskArn"]), t["lastStatus"], t.get("stoppedReason"))
                                  for t in tasks(ecs, cluster, name) + tasks(ecs, cluster, name, "STOPPED")])


def log_lines(logs, group: str) -> list[str]:
    lines, token = [], None
    while True:
        page = logs.filter_log_events(logGroupName=group, **({"nextToken": token} if token else {}))
        lines += [e["message"] for e in page["events"]]
        token = page.get("nextToken")
        if not token:
            return lines


def instance_ips(sd, service_id: str) -> set[str]:
    return {i["Attributes"]["AWS_INSTANCE_IPV4"] for i in sd.list_instances(ServiceId=service_id)["Instances"]}


@needs_docker
def test_workshop_service_connect_catalog_and_ui(aws, ecs, logs, sd, cluster):
    op = ok(aws("servicediscovery create-http-namespace --name retail")).json()["OperationId"]
    assert ok(aws(f"servicediscovery get-operation --operation-id {op}")).json()["Operation"]["Status"] == "SUCCESS"
    ok(aws(f"ecs update-cluster --cluster {cluster} --service-connect-defaults namespace=retail"))
    net = network(aws)
    register(ecs, "catalog", CATALOG, port_name="catalog-service")
    register(ecs, "ui", UI)

    catalog_sc = {"enabled": True,
                  "services": [{"portName": "catalog-service", "discoveryName": "catalog",
                                "clientAliases": [{"port": 80, "dnsName": "catalog"}]}]}
    created = ok(aws("ecs", "create-service", "--cluster", cluster, "--service-name", "catalog",
                     "--task-definition", "catalog", "--desired-count", "1", "--launch-type", "FARGATE",
                     "--network-configuration", json.dumps(net),
                     "--service-connect-configuration", json.dumps(catalog_sc))).json()["service"]
    [deployment] = created["deployments"]
    namespace = sd.list_namespaces(Filters=[{"Name": "NAME", "Values": ["retail"], "Condition": "EQ"}])["Namespaces"][0]
    assert deployment["serviceConnectConfiguration"]["namespace"] == namespace["Arn"]  # the cluster's default
    [resource] = deployment["serviceConnectResources"]
    assert resource["discoveryName"] == "catalog"
    cloud_map = sd.get_service(Id=resource["discoveryArn"].rsplit("/", 1)[-1])["Service"]
    assert (cloud_map["Name"], cloud_map["NamespaceId"], cloud_map["Arn"]) == ("catalog", namespace["Id"],
                                                                               resource["discoveryArn"])
    [server] = running(ecs, cluster, "catalog", 1)
    poll("catalog task registered in Cloud Map", lambda: instance_ips(sd, cloud_map["Id"]) == {private_ip(server)})
    instance = sd.list_instances(ServiceId=cloud_map["Id"])["Instances"][0]
    assert instance["Id"] == task_id(server["taskArn"])
    assert instance["Attributes"]["AWS_INSTANCE_PORT"] == "8080"
    assert instance["Attributes"]["ECS_SERVICE_NAME"] == "catalog"
    assert instance["Attributes"]["ECS_CLUSTER_NAME"] == cluster

    # The proxy container ECS adds shows in DescribeTasks.
    names = [c["name"] for c in server["containers"]]
    assert names[0] == "app" and len(names) == 2 and names[1].startswith("ecs-service-connect-"), names

    # ui, a client-only service: its container reaches catalog:80 → the catalog task's 8080.
    ok(aws("ecs", "create-service", "--cluster", cluster, "--service-name", "ui", "--task-definition", "ui",
           "--desired-count", "1", "--launch-type", "FARGATE", "--network-configuration", json.dumps(net),
           "--service-connect-configuration", json.dumps({"enabled": True})))
    running(ecs, cluster, "ui", 1)
    listed = ok(aws("ecs list-services-by-namespace --namespace retail")).json()["serviceArns"]
    assert sorted(a.rsplit("/", 1)[-1] for a in listed) == ["catalog", "ui"]

    def answers(since: int = 0) -> list[str]:
        """The catalog addresses that answered, from log line `since` on."""
        return [line.split(" ", 1)[1] for line in log_lines(logs, "/ecs/ui")[since:] if line.startswith("ok ")]
    poll("ui reached catalog by its short name", lambda: private_ip(server) in answers(), timeout=30,
         diagnose=lambda: log_lines(logs, "/ecs/ui")[-10:])

    # Scaled to 3: the answers spread over all three catalog tasks.
    ok(aws(f"ecs update-service --cluster {cluster} --service catalog --desired-count 3"))
    three = running(ecs, cluster, "catalog", 3)
    addresses = {private_ip(t) for t in three}
    poll("three instances in Cloud Map", lambda: instance_ips(sd, cloud_map["Id"]) == addresses)
    mark = len(log_lines(logs, "/ecs/ui"))
    poll("answers from all three catalog tasks", lambda: set(answers(mark)) >= addresses,
         timeout=30, diagnose=lambda: log_lines(logs, "/ecs/ui")[-12:])

    # One catalog task killed: once it has left Cloud Map, no request of the ui fails (a request in
    # flight at the kill itself may; the proxy moves a refused connection to the next task).
    victim = three[0]
    subprocess.run([DOCKER, "kill", app_container(victim["taskArn"])], check=True, capture_output=True)
    poll("the killed task deregistered", lambda: private_ip(victim) not in instance_ips(sd, cloud_map["Id"]))
    deregistered = len(log_lines(logs, "/ecs/ui"))
    replacements = running(ecs, cluster, "catalog", 3)  # its replacement
    poll("more answers after the kill", lambda: len(log_lines(logs, "/ecs/ui")) >= deregistered + 20, timeout=30)
    lines = log_lines(logs, "/ecs/ui")[deregistered:]
    assert "FAIL" not in lines, lines
    assert private_ip(victim) not in answers(deregistered + 5), "the stopped task still got requests"
    poll("the replacement answers too", lambda: set(answers(deregistered)) >= {private_ip(t) for t in replacements},
         timeout=30, diagnose=lambda: log_lines(logs, "/ecs/ui")[-12:])


@needs_docker
def test_classic_service_discovery_resolves_inside_the_vpc(aws, ecs, logs, sd, discover, cluster):
    vpc, _, _ = default_network(aws)
    op = ok(aws(f"servicediscovery create-private-dns-namespace --name corp.local --vpc {vpc}")).json()["OperationId"]
    ns_id = sd.get_operation(OperationId=op)["Operation"]["Targets"]["NAMESPACE"]
    service = ok(aws("servicediscovery", "create-service", "--name", "api", "--namespace-id", ns_id,
                     "--dns-config", json.dumps({"RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 10}]}))
                 ).json()["Service"]
    net = network(aws)
    register(ecs, "api", CATALOG)
    ok(aws("ecs", "create-service", "--cluster", cluster, "--service-name", "api", "--task-definition", "api",
           "--desired-count", "2", "--launch-type", "FARGATE", "--network-configuration", json.dumps(net),
           "--service-registries", f"registryArn={service['Arn']}"))
    two = running(ecs, cluster, "api", 2)
    addresses = {private_ip(t) for t in two}
    poll("both tasks registered", lambda: instance_ips(sd, service["Id"]) == addresses)

    found = discover.discover_instances(NamespaceName="corp.local", ServiceName="api")
    assert {i["Attributes"]["AWS_INSTANCE_IPV4"] for i in found["Instances"]} == addresses
    for i in found["Instances"]:
        a = i["Attributes"]
        assert (a["ECS_CLUSTER_NAME"], a["ECS_SERVICE_NAME"], a["ECS_TASK_DEFINITION_FAMILY"], a["REGION"]) == (
            cluster, "api", "api", "us-east-1"), a
        assert a["AVAILABILITY_ZONE"].startswith("us-east-1"), a
        assert i["HealthStatus"] in ("HEALTHY", "UNKNOWN"), i

    # Inside a task of the VPC, the name lists the running tasks.
    register(ecs, "probe", ["sh", "-c", "nslookup api.corp.local; sleep 1"])
    probe = ecs.run_task(cluster=cluster, launchType="FARGATE", taskDefinition="probe",
                         networkConfiguration=net)["tasks"][0]["taskArn"]
    ok(aws(f"ecs wait tasks-stopped --cluster {cluster} --tasks {probe}"))
    text = "\n".join(log_lines(logs, "/ecs/probe"))
    assert all(ip in text for ip in addresses), text

    # A stopped task leaves Cloud Map (and so DiscoverInstances).
    ok(aws(f"ecs update-service --cluster {cluster} --service api --desired-count 1"))
    poll("one instance left", lambda: len(discover.discover_instances(NamespaceName="corp.local",
                                                                      ServiceName="api")["Instances"]) == 1)


def test_service_connect_refuses_what_ecs_refuses(aws, ecs, sd, cluster):
    net = network(aws)
    register(ecs, "catalog", CATALOG, port_name="catalog-service")
    bad = {"enabled": True, "namespace": "nowhere", "services": [{"portName": "catalog-service"}]}
    r = aws("ecs", "create-service", "--cluster", cluster, "--service-name", "c", "--task-definition", "catalog",
            "--desired-count", "0", "--launch-type", "FARGATE", "--network-configuration", json.dumps(net),
            "--service-connect-configuration", json.dumps(bad))
    assert r.returncode != 0 and "NamespaceNotFoundException" in r.stderr and "nowhere" in r.stderr, r.describe()
    ok(aws("servicediscovery create-http-namespace --name shop"))
    bad = {"enabled": True, "namespace": "shop", "services": [{"portName": "http"}]}
    r = aws("ecs", "create-service", "--cluster", cluster, "--service-name", "c", "--task-definition", "catalog",
            "--desired-count", "0", "--launch-type", "FARGATE", "--network-configuration", json.dumps(net),
            "--service-connect-configuration", json.dumps(bad))
    assert r.returncode != 0 and "InvalidParameterException" in r.stderr and "port name http" in r.stderr, r.describe()
    assert ecs.list_services(cluster=cluster)["serviceArns"] == []
    # A refused call leaves nothing behind in Cloud Map either.
    assert sd.list_services()["Services"] == []
