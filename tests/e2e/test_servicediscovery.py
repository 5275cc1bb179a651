"""AWS Cloud Map (servicediscovery) through the real AWS CLI and boto3, every response checked
against the model: HTTP and private DNS namespaces with their operations, services, instances,
health and DiscoverInstances, and the errors clients branch on.

DiscoverInstances carries the model's `data-` host prefix: botocore sends it to
`data-<endpoint host>`, which for ecslocal's `127.0.0.1` endpoint is no hostname at all. boto3
turns the prefix off with `Config(inject_host_prefix=False)`. The 2.9.19 CLI cannot, so its
call goes to a hostname endpoint (`http://ecslocal:<port>`, prefixed to `data-ecslocal`) through
a small forwarding HTTP proxy of this file (`HTTP_PROXY`): nothing has to resolve the name and
/etc/hosts stays untouched, and ecslocal sees `Host: data-ecslocal:<port>`, as it would behind an
/etc/hosts line `127.0.0.1 ecslocal data-ecslocal`."""

from __future__ import annotations

import http.client
import http.server
import re
import threading
import urllib.parse
from pathlib import Path

import pytest

import shapes
from harness import boto, cli
from harness.cli import ok

ACCOUNT = "000000000000"
NS_ID = re.compile(r"ns-[a-z0-9]{16}")
SRV_ID = re.compile(r"srv-[a-z0-9]{16}")
OPERATION_ID = re.compile(r"[a-z0-9]{32}-[a-z0-9]{8}")


def make_sd(endpoint: str, inject_host_prefix: bool = True):
    """A shape-checked boto3 servicediscovery client, optionally without the `data-` host prefix."""
    return boto.make_client(endpoint, service="servicediscovery", inject_host_prefix=inject_host_prefix)


@pytest.fixture
def sd(server, client_env):
    return make_sd(server.endpoint, inject_host_prefix=False)


@pytest.fixture
def ec2(server, client_env):
    return boto.make_client(server.endpoint, service="ec2")


def namespace_of(aws_or_sd, operation_id: str) -> str:
    """The namespace a CREATE_NAMESPACE operation made, after checking the operation finished."""
    if callable(getattr(aws_or_sd, "get_operation", None)):
        op = aws_or_sd.get_operation(OperationId=operation_id)["Operation"]
    else:
        op = ok(aws_or_sd(f"servicediscovery get-operation --operation-id {operation_id}")).json()["Operation"]
    assert op["Status"] == "SUCCESS" and op["Type"] == "CREATE_NAMESPACE"
    return op["Targets"]["NAMESPACE"]


def default_vpc(ec2) -> str:
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def discover_raw(raw, operation: str, **members) -> dict:
    """A DiscoverInstances(Revision) of corp.e2e/api sent by hand with Host data-ecslocal, its reply
    checked against the model."""
    reply = raw({"NamespaceName": "corp.e2e", "ServiceName": "api", **members},
                target=f"Route53AutoNaming_v20170314.{operation}", headers={"Host": "data-ecslocal:4599"})
    shapes.validate_response(operation, reply.status, reply.headers, reply.body, service="servicediscovery")
    assert reply.status == 200, reply.body
    return reply.json()


# ---------------------------------------------------------------- a forwarding proxy for the CLI


class _Forwarder(http.server.BaseHTTPRequestHandler):
    """Sends each proxied request (absolute-form target) on to ecslocal, headers (Host included)
    and body unchanged, and the reply back."""

    upstream: tuple[str, int] = ("127.0.0.1", 0)
    seen_hosts: list[str] = []

    def _forward(self):
        target = urllib.parse.urlsplit(self.path)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen_hosts.append(self.headers.get("Host", ""))
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        conn.request(self.command, path, body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for k, v in reply.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_POST = _forward
    do_GET = _forward

    def log_message(self, *args):
        pass


@pytest.fixture
def cli_via_hostname(server, client_env):
    """The real CLI against http://ecslocal:<port>, through a forwarding proxy on loopback."""
    port = urllib.parse.urlsplit(server.endpoint).port
    handler = type("Forwarder", (_Forwarder,), {"upstream": ("127.0.0.1", port), "seen_hosts": []})
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    env = {k: v for k, v in client_env.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    env["HTTP_PROXY"] = f"http://127.0.0.1:{proxy.server_address[1]}"
    aws = cli.AwsCli(f"http://ecslocal:{port}", env, Path(__file__).parent)
    aws.seen_hosts = handler.seen_hosts
    yield aws
    proxy.shutdown()
    proxy.server_close()


# ---------------------------------------------------------------- namespaces


def test_http_namespace_with_the_cli(aws, sd):
    created = ok(aws("servicediscovery create-http-namespace --name e2e-shop --description shop "
                     "--tags Key=team,Value=a")).json()
    assert OPERATION_ID.fullmatch(created["OperationId"])
    op = ok(aws(f"servicediscovery get-operation --operation-id {created['OperationId']}")).json()["Operation"]
    assert op["Status"] == "SUCCESS" and op["Type"] == "CREATE_NAMESPACE"
    assert op["CreateDate"] == op["UpdateDate"]
    ns_id = op["Targets"]["NAMESPACE"]
    assert NS_ID.fullmatch(ns_id)

    ns = ok(aws(f"servicediscovery get-namespace --id {ns_id}")).json()["Namespace"]
    assert ns["Arn"] == f"arn:aws:servicediscovery:us-east-1:{ACCOUNT}:namespace/{ns_id}"
    assert ns["Name"] == "e2e-shop" and ns["Type"] == "HTTP" and ns["Description"] == "shop"
    assert ns["Properties"] == {"DnsProperties": {}, "HttpProperties": {"HttpName": "e2e-shop"}}
    assert ns["ServiceCount"] == 0
    assert ns["CreatorRequestId"]  # botocore filled in the idempotency token

    listed = ok(aws("servicediscovery list-namespaces --filters Name=TYPE,Values=HTTP,Condition=EQ")).json()
    assert [n["Id"] for n in listed["Namespaces"]] == [ns_id]
    assert "CreatorRequestId" not in listed["Namespaces"][0]
    tags = ok(aws(f"servicediscovery list-tags-for-resource --resource-arn {ns['Arn']}")).json()["Tags"]
    assert tags == [{"Key": "team", "Value": "a"}]

    # The same CreatorRequestId again answers the first operation; another one is refused.
    first = sd.create_http_namespace(Name="e2e-idem", CreatorRequestId="req-1")["OperationId"]
    assert sd.create_http_namespace(Name="e2e-idem", CreatorRequestId="req-1")["OperationId"] == first
    with pytest.raises(sd.exceptions.NamespaceAlreadyExists):
        sd.create_http_namespace(Name="e2e-idem", CreatorRequestId="req-2")
    for i in range(3):
        sd.create_http_namespace(Name=f"e2e-page-{i}")
    pages = sd.get_paginator("list_namespaces").paginate(
        Filters=[{"Name": "NAME", "Values": ["e2e-page-"], "Condition": "BEGINS_WITH"}], PaginationConfig={"PageSize": 2})
    assert [n["Name"] for page in pages for n in page["Namespaces"]] == ["e2e-page-0", "e2e-page-1", "e2e-page-2"]


def test_private_dns_namespace_on_the_default_vpc(aws, sd, ec2):
    vpc = default_vpc(ec2)
    created = ok(aws(f"servicediscovery create-private-dns-namespace --name e2e.local --vpc {vpc} "
                     "--properties DnsProperties={SOA={TTL=60}}")).json()
    ns_id = namespace_of(aws, created["OperationId"])
    ns = sd.get_namespace(Id=ns_id)["Namespace"]
    assert ns["Type"] == "DNS_PRIVATE"
    assert re.fullmatch(r"Z[A-Z0-9]+", ns["Properties"]["DnsProperties"]["HostedZoneId"])
    assert ns["Properties"]["DnsProperties"]["SOA"] == {"TTL": 60}
    assert ns["Properties"]["HttpProperties"] == {"HttpName": "e2e.local"}

    bad = aws("servicediscovery create-private-dns-namespace --name other.local --vpc vpc-0000000000000000f")
    assert bad.returncode == 254
    assert "An error occurred (InvalidInput) when calling the CreatePrivateDnsNamespace operation: " \
           "The VPC vpc-0000000000000000f does not exist in us-east-1." in bad.stderr

    op = sd.update_private_dns_namespace(Id=ns_id, Namespace={"Description": "updated",
                                                              "Properties": {"DnsProperties": {"SOA": {"TTL": 30}}}})
    assert sd.get_operation(OperationId=op["OperationId"])["Operation"]["Type"] == "UPDATE_NAMESPACE"
    updated = sd.get_namespace(Id=ns_id)["Namespace"]
    assert updated["Description"] == "updated" and updated["Properties"]["DnsProperties"]["SOA"] == {"TTL": 30}
    ops = sd.list_operations(Filters=[{"Name": "NAMESPACE_ID", "Values": [ns_id]}])["Operations"]
    assert len(ops) == 2 and all(o["Status"] == "SUCCESS" for o in ops)


# ---------------------------------------------------------------- services and instances


def test_services_instances_and_discovery(aws, sd, ec2, raw, cli_via_hostname):
    ns_id = namespace_of(sd, sd.create_private_dns_namespace(Name="corp.e2e", Vpc=default_vpc(ec2))["OperationId"])
    created = ok(aws(f"servicediscovery create-service --name api --namespace-id {ns_id} "
                     "--dns-config RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=60}] "
                     "--health-check-custom-config FailureThreshold=1")).json()["Service"]
    srv_id = created["Id"]
    assert SRV_ID.fullmatch(srv_id)
    assert created["Type"] == "DNS_HTTP" and created["NamespaceId"] == ns_id
    assert created["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 60}]
    got = ok(aws(f"servicediscovery get-service --id {srv_id}")).json()["Service"]
    assert got["Arn"] == f"arn:aws:servicediscovery:us-east-1:{ACCOUNT}:service/{srv_id}"
    listed = ok(aws(f"servicediscovery list-services --filters Name=NAMESPACE_ID,Values={ns_id},Condition=EQ")).json()
    assert [s["Id"] for s in listed["Services"]] == [srv_id]

    reg = ok(aws(f"servicediscovery register-instance --service-id {srv_id} --instance-id task-1 "
                 "--attributes AWS_INSTANCE_IPV4=172.31.0.50,stage=prod")).json()
    op = sd.get_operation(OperationId=reg["OperationId"])["Operation"]
    assert op["Type"] == "REGISTER_INSTANCE" and op["Targets"] == {"SERVICE": srv_id, "INSTANCE": "task-1"}
    sd.register_instance(ServiceId=srv_id, InstanceId="task-2",
                         Attributes={"AWS_INSTANCE_IPV4": "172.31.0.51", "stage": "dev",
                                     "AWS_INIT_HEALTH_STATUS": "UNHEALTHY"})
    instances = ok(aws(f"servicediscovery list-instances --service-id {srv_id}")).json()["Instances"]
    assert instances == [
        {"Id": "task-1", "Attributes": {"AWS_INSTANCE_IPV4": "172.31.0.50", "stage": "prod"}},
        {"Id": "task-2", "Attributes": {"AWS_INSTANCE_IPV4": "172.31.0.51", "stage": "dev",
                                        "AWS_INIT_HEALTH_STATUS": "UNHEALTHY"}},
    ]
    health = ok(aws(f"servicediscovery get-instances-health-status --service-id {srv_id}")).json()["Status"]
    assert health == {"task-1": "HEALTHY", "task-2": "UNHEALTHY"}
    assert sd.get_service(Id=srv_id)["Service"]["InstanceCount"] == 2

    found = sd.discover_instances(NamespaceName="corp.e2e", ServiceName="api")
    assert [i["InstanceId"] for i in found["Instances"]] == ["task-1"]
    assert found["Instances"][0] == {"InstanceId": "task-1", "NamespaceName": "corp.e2e", "ServiceName": "api",
                                     "HealthStatus": "HEALTHY",
                                     "Attributes": {"AWS_INSTANCE_IPV4": "172.31.0.50", "stage": "prod"}}
    everyone = sd.discover_instances(NamespaceName="corp.e2e", ServiceName="api", HealthStatus="ALL",
                                     QueryParameters={"stage": "dev"})
    assert [i["InstanceId"] for i in everyone["Instances"]] == ["task-2"]
    # InstancesRevision and DiscoverInstancesRevision are newer than Debian's boto3: by hand, to a
    # data- Host as SDKs send them.
    revision = discover_raw(raw, "DiscoverInstances")["InstancesRevision"]
    assert revision == discover_raw(raw, "DiscoverInstancesRevision")["InstancesRevision"]
    sd.update_instance_custom_health_status(ServiceId=srv_id, InstanceId="task-2", Status="HEALTHY")
    assert discover_raw(raw, "DiscoverInstancesRevision")["InstancesRevision"] > revision
    both = sd.discover_instances(NamespaceName="corp.e2e", ServiceName="api",
                                 OptionalParameters={"stage": "nowhere"})
    assert [i["InstanceId"] for i in both["Instances"]] == ["task-1", "task-2"]

    # The real CLI, with its data- host prefix, against a hostname endpoint.
    via_cli = ok(cli_via_hostname("servicediscovery discover-instances --namespace-name corp.e2e "
                                  "--service-name api --query-parameters stage=prod")).json()
    assert [i["InstanceId"] for i in via_cli["Instances"]] == ["task-1"]
    assert any(h.startswith("data-ecslocal:") for h in cli_via_hostname.seen_hosts), cli_via_hostname.seen_hosts

    ok(aws(f"servicediscovery deregister-instance --service-id {srv_id} --instance-id task-1"))
    assert [i["Id"] for i in sd.list_instances(ServiceId=srv_id)["Instances"]] == ["task-2"]


def test_boto3_with_the_host_prefix_cannot_reach_an_ip_endpoint(server, client_env):
    """Why the other tests turn the prefix off: botocore would connect to data-127.0.0.1."""
    with_prefix = make_sd(server.endpoint, inject_host_prefix=True)
    with pytest.raises(Exception) as failure:
        with_prefix.discover_instances(NamespaceName="none", ServiceName="none")
    assert "data-127.0.0.1" in str(failure.value)


# ---------------------------------------------------------------- errors


def test_errors_clients_branch_on(aws, sd):
    missing = aws("servicediscovery get-namespace --id ns-aaaaaaaaaaaaaaaa")
    assert missing.returncode == 254
    assert missing.stderr == ("\nAn error occurred (NamespaceNotFound) when calling the GetNamespace operation: "
                              "No namespace exists with ID: ns-aaaaaaaaaaaaaaaa\n")
    with pytest.raises(sd.exceptions.NamespaceNotFound):
        sd.create_service(Name="x", NamespaceId="ns-aaaaaaaaaaaaaaaa")

    ns_id = namespace_of(sd, sd.create_http_namespace(Name="e2e-errors")["OperationId"])
    srv = sd.create_service(Name="cart", NamespaceId=ns_id)["Service"]
    assert srv["Type"] == "HTTP"
    with pytest.raises(sd.exceptions.ServiceAlreadyExists):
        sd.create_service(Name="cart", NamespaceId=ns_id)

    in_use = aws(f"servicediscovery delete-namespace --id {ns_id}")
    assert in_use.returncode == 254
    assert "(ResourceInUse) when calling the DeleteNamespace operation" in in_use.stderr
    sd.register_instance(ServiceId=srv["Id"], InstanceId="i-1", Attributes={"k": "v"})
    with pytest.raises(sd.exceptions.ResourceInUse):
        sd.delete_service(Id=srv["Id"])
    with pytest.raises(sd.exceptions.CustomHealthNotFound):
        sd.update_instance_custom_health_status(ServiceId=srv["Id"], InstanceId="i-1", Status="HEALTHY")
    with pytest.raises(sd.exceptions.InstanceNotFound):
        sd.get_instance(ServiceId=srv["Id"], InstanceId="i-2")
    with pytest.raises(sd.exceptions.OperationNotFound):
        sd.get_operation(OperationId="nope")
    with pytest.raises(sd.exceptions.InvalidInput):
        sd.create_http_namespace(Name="has space")

    sd.deregister_instance(ServiceId=srv["Id"], InstanceId="i-1")
    sd.delete_service(Id=srv["Id"])
    with pytest.raises(sd.exceptions.ServiceNotFound):
        sd.get_service(Id=srv["Id"])
    deleted = ok(aws(f"servicediscovery delete-namespace --id {ns_id}")).json()
    assert sd.get_operation(OperationId=deleted["OperationId"])["Operation"]["Type"] == "DELETE_NAMESPACE"
    assert sd.list_namespaces()["Namespaces"] == []
