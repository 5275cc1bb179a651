"""IAM and STS over the query protocol: the AWS CLI and boto3 against ecslocal, every XML reply
checked against the model (xml_shapes.py). IAM is stored and described, not enforced."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import botocore.exceptions
import pytest

import shapes
from harness import boto, raw_http
from harness.cli import ok
from harness.expect import ACCOUNT, cli_error, client_error

TRUST_FILE = "file://ecs-tasks-trust-policy.json"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture
def iam(server, client_env):
    return boto.make_client(server.endpoint, service="iam")


@pytest.fixture
def sts_client(server, client_env):
    def make(access_key: str = "test", secret: str = "test", token: str | None = None):
        client = boto.make_client(server.endpoint, service="sts", access_key=access_key)
        if token is not None:  # boto.make_client has no session token: build that one here
            import boto3
            from botocore.config import Config
            session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret,
                                            aws_session_token=token, region_name="us-east-1")
            client = session.client("sts", endpoint_url=server.endpoint,
                                    config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
            checker = boto.ResponseChecker("sts")
            client.meta.events.register("after-call.sts", checker)
            client.response_checker = checker
        return client
    return make


def create_execution_role(aws, name="ecsTaskExecutionRole"):
    return ok(aws(f"iam create-role --role-name {name} --assume-role-policy-document {TRUST_FILE}")).json()["Role"]


# --- AWS CLI ------------------------------------------------------------------------------------

def test_cli_execution_role_lifecycle(aws):
    role = create_execution_role(aws)
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
    assert role["RoleId"].startswith("AROA") and len(role["RoleId"]) == 21
    assert role["Path"] == "/"
    assert role["AssumeRolePolicyDocument"] == TRUST  # sent URL-encoded, decoded by the CLI
    ok(aws(f"iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn {EXECUTION_POLICY}"))

    got = ok(aws("iam get-role --role-name ecsTaskExecutionRole")).json()["Role"]
    assert got["Arn"] == role["Arn"] and got["RoleId"] == role["RoleId"]
    created = datetime.fromisoformat(got["CreateDate"])
    assert abs((datetime.now(timezone.utc) - created).total_seconds()) < 3600
    attached = ok(aws("iam list-attached-role-policies --role-name ecsTaskExecutionRole")).json()
    assert attached["AttachedPolicies"] == [
        {"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": EXECUTION_POLICY}]

    cli_error(aws("iam delete-role --role-name ecsTaskExecutionRole"), "DeleteConflict", "DeleteRole",
              "Cannot delete entity, must detach all policies first.")
    ok(aws(f"iam detach-role-policy --role-name ecsTaskExecutionRole --policy-arn {EXECUTION_POLICY}"))
    ok(aws("iam delete-role --role-name ecsTaskExecutionRole"))
    cli_error(aws("iam get-role --role-name ecsTaskExecutionRole"), "NoSuchEntity", "GetRole",
              "The role with name ecsTaskExecutionRole cannot be found.")


def test_cli_errors_as_aws_gives_them(aws):
    create_execution_role(aws)
    cli_error(aws(f"iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document {TRUST_FILE}"),
              "EntityAlreadyExists", "CreateRole", "Role with name ecsTaskExecutionRole already exists.")
    cli_error(aws("iam get-role --role-name missing"), "NoSuchEntity", "GetRole",
              "The role with name missing cannot be found.")
    cli_error(aws(*["iam", "create-role", "--role-name", "r", "--assume-role-policy-document", "{oops"]),
              "MalformedPolicyDocument", "CreateRole", "This policy contains invalid Json")
    cli_error(aws(*["iam", "create-role", "--role-name", "bad/name", "--assume-role-policy-document", TRUST_FILE]),
              "ValidationError", "CreateRole",
              "1 validation error detected: Value 'bad/name' at 'roleName' failed to satisfy constraint: "
              "Member must satisfy regular expression pattern: [\\w+=,.@-]+")
    cli_error(aws("iam attach-role-policy --role-name ecsTaskExecutionRole "
                  "--policy-arn arn:aws:iam::aws:policy/NoSuchPolicy"), "NoSuchEntity", "AttachRolePolicy",
              "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
    cli_error(aws("iam list-users"), "NotImplementedException", "ListUsers",
              "ecslocal does not implement iam:ListUsers yet.")


def test_cli_list_roles_pages(aws):
    names = [f"role-{i:02d}" for i in range(7)]
    for name in names:
        create_execution_role(aws, name)
    # The CLI follows IsTruncated/Marker itself: every page is a request, every reply checked.
    listed = ok(aws("iam list-roles --page-size 2")).json()
    assert [r["RoleName"] for r in listed["Roles"]] == names
    result = aws("iam list-roles --page-size 2")
    assert len(result.responses) == 4
    first = ok(aws("iam list-roles --max-items 3 --page-size 2")).json()
    assert [r["RoleName"] for r in first["Roles"]] == names[:3]
    rest = ok(aws(f"iam list-roles --page-size 2 --starting-token {first['NextToken']}")).json()
    assert [r["RoleName"] for r in rest["Roles"]] == names[3:]


def test_cli_managed_policies_are_present(aws):
    policies = ok(aws("iam list-policies --scope AWS")).json()["Policies"]
    arns = {p["Arn"] for p in policies}
    for arn in (EXECUTION_POLICY,
                "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole",
                "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
                "arn:aws:iam::aws:policy/AmazonECS_FullAccess",
                "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "arn:aws:iam::aws:policy/AdministratorAccess",
                "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
                "arn:aws:iam::aws:policy/SecretsManagerReadWrite"):
        assert arn in arns, arn
    assert ok(aws("iam list-policies --scope Local")).json()["Policies"] == []
    version = ok(aws(f"iam get-policy-version --policy-arn {EXECUTION_POLICY} --version-id v1")).json()
    document = version["PolicyVersion"]["Document"]
    assert document["Version"] == "2012-10-17" and document["Statement"], document


def test_cli_inline_and_customer_policies(aws):
    create_execution_role(aws)
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
    ok(aws(*["iam", "put-role-policy", "--role-name", "ecsTaskExecutionRole", "--policy-name", "secrets",
            "--policy-document", doc]))
    assert ok(aws("iam list-role-policies --role-name ecsTaskExecutionRole")).json()["PolicyNames"] == ["secrets"]
    got = ok(aws("iam get-role-policy --role-name ecsTaskExecutionRole --policy-name secrets")).json()
    assert got["PolicyDocument"] == json.loads(doc)
    cli_error(aws("iam delete-role --role-name ecsTaskExecutionRole"), "DeleteConflict", "DeleteRole",
              "Cannot delete entity, must delete policies first.")

    created = ok(aws(*["iam", "create-policy", "--policy-name", "app-read", "--policy-document", doc])).json()["Policy"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:policy/app-read"
    ok(aws(f"iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn {created['Arn']}"))
    local = ok(aws("iam list-policies --scope Local --only-attached")).json()["Policies"]
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in local] == [("app-read", 1)]
    cli_error(aws(f"iam delete-policy --policy-arn {created['Arn']}"), "DeleteConflict", "DeletePolicy",
              "Cannot delete a policy attached to entities.")


def test_cli_caller_identity_and_assume_role(aws):
    me = ok(aws("sts get-caller-identity")).json()
    assert me == {"UserId": ACCOUNT, "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}
    other = ok(aws("sts get-caller-identity", access_key="111122223333")).json()
    assert other["Account"] == "111122223333"

    role = create_execution_role(aws)
    out = ok(aws(f"sts assume-role --role-arn {role['Arn']} --role-session-name deploy")).json()
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    expires = datetime.fromisoformat(creds["Expiration"])
    assert 3000 < (expires - datetime.now(timezone.utc)).total_seconds() <= 3600
    assumed = f"arn:aws:sts::{ACCOUNT}:assumed-role/ecsTaskExecutionRole/deploy"
    assert out["AssumedRoleUser"] == {"AssumedRoleId": f"{role['RoleId']}:deploy", "Arn": assumed}

    env_keys = {"AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"], "AWS_SESSION_TOKEN": creds["SessionToken"]}
    aws.env = {**aws.env, **env_keys}
    who = ok(aws("sts get-caller-identity", access_key=creds["AccessKeyId"])).json()
    assert who == {"UserId": f"{role['RoleId']}:deploy", "Account": ACCOUNT, "Arn": assumed}

    cli_error(aws(f"sts assume-role --role-arn arn:aws:iam::{ACCOUNT}:role/ghost --role-session-name s1"),
              "AccessDenied", "AssumeRole")
    cli_error(aws(f"sts assume-role --role-arn {role['Arn']} --role-session-name s1 --duration-seconds 7200"),
              "ValidationError", "AssumeRole",
              "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")


# --- boto3 --------------------------------------------------------------------------------------

def test_boto3_roles_tags_and_paging(iam):
    for i in range(5):
        iam.create_role(RoleName=f"svc-{i}", Path="/service/", AssumeRolePolicyDocument=json.dumps(TRUST),
                        Tags=[{"Key": "n", "Value": str(i)}])
    iam.create_role(RoleName="other", AssumeRolePolicyDocument=json.dumps(TRUST))
    pages = list(iam.get_paginator("list_roles").paginate(PathPrefix="/service/", PaginationConfig={"PageSize": 2}))
    assert [len(p["Roles"]) for p in pages] == [2, 2, 1]
    assert [r["RoleName"] for p in pages for r in p["Roles"]] == [f"svc-{i}" for i in range(5)]
    assert pages[0]["IsTruncated"] is True and pages[-1]["IsTruncated"] is False

    iam.tag_role(RoleName="svc-0", Tags=[{"Key": "team", "Value": "a"}])
    iam.untag_role(RoleName="svc-0", TagKeys=["n"])
    assert iam.list_role_tags(RoleName="svc-0")["Tags"] == [{"Key": "team", "Value": "a"}]
    iam.update_assume_role_policy(RoleName="svc-0", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    assert iam.get_role(RoleName="svc-0")["Role"]["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": []}

    with pytest.raises(botocore.exceptions.ClientError) as e:
        iam.get_role(RoleName="nobody")
    client_error(e.value, "NoSuchEntity", "The role with name nobody cannot be found.")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(RoleName="OTHER", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert len(iam.response_checker.checked) >= 12


def test_boto3_assumed_role_keys_act_in_the_roles_account(iam, sts_client, server, client_env):
    account = "444455556666"
    iam_other = boto.make_client(server.endpoint, service="iam", access_key=account)
    role = iam_other.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    out = sts_client().assume_role(RoleArn=role["Arn"], RoleSessionName="ci", DurationSeconds=900)
    creds = out["Credentials"]
    assert 0 < (creds["Expiration"] - datetime.now(timezone.utc)).total_seconds() <= 900
    temp = sts_client(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    who = temp.get_caller_identity()
    assert who["Account"] == account
    assert who["Arn"] == f"arn:aws:sts::{account}:assumed-role/deployer/ci"
    # IAM itself, called with the temporary key, sees the role's account.
    as_role = boto.make_client(server.endpoint, service="iam", access_key=creds["AccessKeyId"])
    assert as_role.get_role(RoleName="deployer")["Role"]["Arn"] == role["Arn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        iam.get_role(RoleName="deployer")  # account 000000000000 has no such role
    client_error(e.value, "NoSuchEntity")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts_client().assume_role(RoleArn=role["Arn"], RoleSessionName="x1", DurationSeconds=7200)
    client_error(e.value, "ValidationError")


# --- raw HTTP: what no SDK sends ----------------------------------------------------------------

def _checked(reply, operation, service):
    shapes.validate_response(operation, reply.status, reply.headers, reply.body, service=service)
    return reply


def test_raw_unknown_action_and_bad_form(raw):
    reply = _checked(raw("Action=FlyAway&Version=2010-05-08", content_type=FORM), None, "iam")
    assert reply.status == 400 and b"<Code>InvalidAction</Code>" in reply.body
    reply = _checked(raw("Action=GetRole&Version=2010-05-08&RoleName=%zz", content_type=FORM), "GetRole", "iam")
    assert reply.status == 400 and b"<Code>MalformedQueryString</Code>" in reply.body
    reply = _checked(raw("Action=GetRole&Version=2010-05-08", content_type=FORM), "GetRole", "iam")
    assert reply.status == 400 and b"Value null at 'roleName'" in reply.body


def test_raw_get_with_query_string(server):
    query = urllib.parse.urlencode({"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    with urllib.request.urlopen(f"{server.endpoint}/?{query}", timeout=10) as r:
        reply = raw_http.RawReply(r.status, dict(r.headers.items()), r.read())
    _checked(reply, "GetCallerIdentity", "sts")
    assert b"<Arn>arn:aws:iam::000000000000:root</Arn>" in reply.body


# --- the XML checker itself ---------------------------------------------------------------------

RID = "0f0e0d0c-0b0a-4998-8776-655443322110"
HEADERS = {"x-amzn-RequestId": RID, "Content-Type": "text/xml"}
NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def _identity_xml(result: str, rid: str = RID, ns: str = NS) -> str:
    return (f'<GetCallerIdentityResponse xmlns="{ns}"><GetCallerIdentityResult>{result}</GetCallerIdentityResult>'
            f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></GetCallerIdentityResponse>")


def test_xml_checker_accepts_a_conforming_reply_and_refuses_broken_ones():
    good = _identity_xml("<Account>000000000000</Account><Arn>arn:aws:iam::000000000000:root</Arn>")
    shapes.validate_response("GetCallerIdentity", 200, HEADERS, good, service="sts")
    broken = {
        "unknown element": _identity_xml("<Acount>1</Acount>"),
        "wrong namespace": _identity_xml("<Account>1</Account>", ns="https://example.com/"),
        "request id differs": _identity_xml("<Account>1</Account>", rid="other"),
        "not XML": "{}",
        "no result wrapper": f'<GetCallerIdentityResponse xmlns="{NS}"><ResponseMetadata><RequestId>{RID}'
                             "</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
    }
    for what, body in broken.items():
        with pytest.raises(shapes.ShapeError):
            shapes.validate_response("GetCallerIdentity", 200, HEADERS, body, service="sts")
            pytest.fail(f"accepted: {what}")
    bad_type = ('<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>'
                "<Path>/</Path><RoleName>r</RoleName><RoleId>AROAAAAAAAAAAAAAAAAAA</RoleId>"
                "<Arn>arn:aws:iam::000000000000:role/r</Arn><CreateDate>yesterday</CreateDate></Role></GetRoleResult>"
                f"<ResponseMetadata><RequestId>{RID}</RequestId></ResponseMetadata></GetRoleResponse>")
    with pytest.raises(shapes.ShapeError, match="timestamp"):
        shapes.validate_response("GetRole", 200, HEADERS, bad_type, service="iam")
    error = (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>'
             f"<Message>m</Message></Error><RequestId>{RID}</RequestId></ErrorResponse>")
    with pytest.raises(shapes.ShapeError, match="not an error the model lets"):
        shapes.validate_response("GetCallerIdentity", 404, HEADERS, error, service="sts")
    with pytest.raises(shapes.ShapeError, match="HTTP 400, expected 404"):
        shapes.validate_response("GetRole", 400, HEADERS, error, service="iam")
    shapes.validate_response("GetRole", 404, HEADERS, error, service="iam")
