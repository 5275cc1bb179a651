"""Accounts and regions: a 12-digit access key is the account; state never crosses accounts or
regions; other access keys fall back to ecslocal's default account (000000000000)."""

from __future__ import annotations

import pytest

from harness.cli import ok
from harness.expect import ACCOUNT, arn, cli_error

OTHER = "111111111111"


def test_cli_cluster_in_another_account_is_invisible(aws):
    created = ok(aws("ecs create-cluster --cluster-name shared", access_key=OTHER)).json()["cluster"]
    assert created["clusterArn"] == arn("cluster/shared", account=OTHER)
    assert ok(aws("ecs list-clusters", access_key=OTHER)).json() == {"clusterArns": [created["clusterArn"]]}

    assert ok(aws("ecs list-clusters")).json() == {"clusterArns": []}
    mine = ok(aws("ecs describe-clusters --clusters shared")).json()
    assert mine == {"clusters": [], "failures": [{"arn": arn("cluster/shared"), "reason": "MISSING"}]}
    cli_error(aws("ecs delete-cluster --cluster shared"), "ClusterNotFoundException", "DeleteCluster",
              "Cluster not found.")


def test_cli_task_definition_in_another_account_is_invisible(aws):
    out = ok(aws("ecs register-task-definition --cli-input-json file://taskdef.json", access_key=OTHER)).json()
    assert out["taskDefinition"]["taskDefinitionArn"] == arn("task-definition/web:1", account=OTHER)
    cli_error(aws("ecs describe-task-definition --task-definition web"), "ClientException",
              "DescribeTaskDefinition", "Unable to describe task definition.")
    # Each account numbers its own revisions.
    mine = ok(aws("ecs register-task-definition --cli-input-json file://taskdef.json")).json()
    assert mine["taskDefinition"]["taskDefinitionArn"] == arn("task-definition/web:1")


def test_boto3_accounts_do_not_share_clusters_or_settings(ecs, ecs_client):
    other = ecs_client(access_key=OTHER)
    other.create_cluster(clusterName="shared")
    other.put_account_setting(name="containerInsights", value="enabled")
    assert ecs.list_clusters()["clusterArns"] == []
    assert ecs.list_account_settings()["settings"] == []
    assert other.list_clusters()["clusterArns"] == [arn("cluster/shared", account=OTHER)]
    principal = other.list_account_settings()["settings"][0]["principalArn"]
    assert principal.startswith(f"arn:aws:iam::{OTHER}:"), principal


def test_boto3_regions_do_not_share_clusters(ecs, ecs_client):
    west = ecs_client(region="eu-west-1")
    created = west.create_cluster(clusterName="far")["cluster"]
    assert created["clusterArn"] == arn("cluster/far", region="eu-west-1")
    assert ecs.list_clusters()["clusterArns"] == []
    assert west.list_clusters()["clusterArns"] == [created["clusterArn"]]


@pytest.mark.parametrize("access_key", ["AKIAIOSFODNN7EXAMPLE", "12345678901", "1234567890123"])
def test_boto3_other_access_keys_use_the_default_account(ecs_client, access_key):
    client = ecs_client(access_key=access_key)
    created = client.create_cluster(clusterName="mine")["cluster"]
    assert created["clusterArn"] == arn("cluster/mine", account=ACCOUNT)
