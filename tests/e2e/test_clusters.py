"""Clusters through the AWS CLI and boto3: create (idempotent), describe with failures,
paginated listing, settings, tags, delete."""

from __future__ import annotations

import pytest

from harness.cli import ok
from harness.expect import arn, cli_error, client_error, subset


def empty_cluster(name: str, status: str = "ACTIVE") -> dict:
    return {
        "clusterArn": arn(f"cluster/{name}"),
        "clusterName": name,
        "status": status,
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "activeServicesCount": 0,
    }


# --- AWS CLI ---------------------------------------------------------------------------------

def test_cli_create_cluster_is_idempotent(aws):
    first = ok(aws("ecs create-cluster --cluster-name courses")).json()
    subset(first["cluster"], empty_cluster("courses"))
    assert first["cluster"].get("statistics", []) == []
    assert first["cluster"].get("tags", []) == []
    for setting in first["cluster"].get("settings", []):
        assert setting == {"name": "containerInsights", "value": "disabled"}
    second = ok(aws("ecs create-cluster --cluster-name courses")).json()
    assert second["cluster"]["clusterArn"] == first["cluster"]["clusterArn"]
    assert second["cluster"]["status"] == "ACTIVE"
    assert ok(aws("ecs list-clusters")).json() == {"clusterArns": [arn("cluster/courses")]}


def test_cli_create_cluster_without_a_name_creates_default(aws):
    out = ok(aws("ecs create-cluster")).json()
    subset(out["cluster"], empty_cluster("default"))


def test_cli_describe_clusters_with_include_and_missing_names(aws):
    ok(aws("ecs create-cluster --cluster-name courses --tags key=team,value=platform"))
    out = ok(aws("ecs describe-clusters --clusters courses nope --include SETTINGS TAGS STATISTICS")).json()
    (cluster,) = out["clusters"]
    subset(cluster, empty_cluster("courses"))
    assert cluster["tags"] == [{"key": "team", "value": "platform"}]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    assert isinstance(cluster["statistics"], list)
    assert out["failures"] == [{"arn": arn("cluster/nope"), "reason": "MISSING"}]

    by_arn = ok(aws("ecs", "describe-clusters", "--clusters", arn("cluster/courses"))).json()
    assert [c["clusterName"] for c in by_arn["clusters"]] == ["courses"]
    assert by_arn["failures"] == []


def test_cli_describe_clusters_defaults_to_the_default_cluster(aws):
    out = ok(aws("ecs describe-clusters")).json()
    assert out == {"clusters": [], "failures": [{"arn": arn("cluster/default"), "reason": "MISSING"}]}
    ok(aws("ecs create-cluster"))
    out = ok(aws("ecs describe-clusters")).json()
    assert [c["clusterArn"] for c in out["clusters"]] == [arn("cluster/default")]
    assert out["failures"] == []


def test_cli_list_clusters_pages(aws, ecs):
    names = [f"c{i:02d}" for i in range(12)]
    for name in names:  # set up through boto3: a CLI process per cluster is slow
        ecs.create_cluster(clusterName=name)
    # --page-size: the CLI follows nextToken itself (3 requests, each shape-checked).
    result = ok(aws("ecs list-clusters --page-size 5"))
    assert sorted(result.json()["clusterArns"]) == sorted(arn(f"cluster/{n}") for n in names)
    assert [r.operation for r in result.responses] == ["ListClusters"] * 3
    # --max-items: the CLI stops and hands out a NextToken to resume from.
    first = ok(aws("ecs list-clusters --max-items 5")).json()
    assert len(first["clusterArns"]) == 5 and first["NextToken"]
    rest = ok(aws("ecs", "list-clusters", "--starting-token", first["NextToken"])).json()
    assert "NextToken" not in rest
    assert sorted(first["clusterArns"] + rest["clusterArns"]) == sorted(arn(f"cluster/{n}") for n in names)


def test_cli_update_cluster_settings(aws):
    ok(aws("ecs create-cluster --cluster-name courses"))
    out = ok(aws("ecs update-cluster-settings --cluster courses --settings name=containerInsights,value=enabled"))
    cluster = out.json()["cluster"]
    subset(cluster, empty_cluster("courses"))
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    described = ok(aws("ecs describe-clusters --clusters courses --include SETTINGS")).json()
    assert described["clusters"][0]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    cli_error(aws("ecs update-cluster-settings --cluster nope --settings name=containerInsights,value=enabled"),
              "ClusterNotFoundException", "UpdateClusterSettings")


def test_cli_tag_untag_and_list_tags(aws):
    cluster_arn = ok(aws("ecs create-cluster --cluster-name courses")).json()["cluster"]["clusterArn"]
    tagged = ok(aws("ecs", "tag-resource", "--resource-arn", cluster_arn,
                    "--tags", "key=env,value=dev", "key=team,value=platform"))
    assert tagged.stdout == ""  # TagResource answers {}: the CLI prints nothing
    listed = ok(aws("ecs", "list-tags-for-resource", "--resource-arn", cluster_arn)).json()
    assert sorted(listed["tags"], key=lambda t: t["key"]) == [
        {"key": "env", "value": "dev"}, {"key": "team", "value": "platform"}]
    # Tagging an existing key replaces its value.
    ok(aws("ecs", "tag-resource", "--resource-arn", cluster_arn, "--tags", "key=env,value=prod"))
    untagged = ok(aws("ecs", "untag-resource", "--resource-arn", cluster_arn, "--tag-keys", "team"))
    assert untagged.stdout == ""
    listed = ok(aws("ecs", "list-tags-for-resource", "--resource-arn", cluster_arn)).json()
    assert listed == {"tags": [{"key": "env", "value": "prod"}]}
    described = ok(aws("ecs describe-clusters --clusters courses --include TAGS")).json()
    assert described["clusters"][0]["tags"] == [{"key": "env", "value": "prod"}]


def test_cli_delete_cluster(aws):
    ok(aws("ecs create-cluster --cluster-name courses"))
    out = ok(aws("ecs delete-cluster --cluster courses")).json()
    subset(out["cluster"], empty_cluster("courses", status="INACTIVE"))
    described = ok(aws("ecs describe-clusters --clusters courses")).json()
    assert [(c["clusterName"], c["status"]) for c in described["clusters"]] == [("courses", "INACTIVE")]
    assert described["failures"] == []
    assert ok(aws("ecs list-clusters")).json() == {"clusterArns": []}
    # The name is free again.
    again = ok(aws("ecs create-cluster --cluster-name courses")).json()
    assert again["cluster"]["status"] == "ACTIVE"


def test_cli_delete_unknown_cluster(aws):
    cli_error(aws("ecs delete-cluster --cluster nope"), "ClusterNotFoundException", "DeleteCluster",
              "Cluster not found.")


def test_cli_rejects_an_invalid_cluster_name(aws):
    cli_error(aws("ecs", "create-cluster", "--cluster-name", "not a name!"), "InvalidParameterException",
              "CreateCluster")
    assert ok(aws("ecs list-clusters")).json() == {"clusterArns": []}


# --- boto3 -----------------------------------------------------------------------------------

def test_boto3_paginator_over_more_than_ten_clusters(ecs):
    created = {ecs.create_cluster(clusterName=f"pg-{i}")["cluster"]["clusterArn"] for i in range(13)}
    assert len(created) == 13
    pages = list(ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["clusterArns"]) for p in pages] == [5, 5, 3]
    listed = [a for p in pages for a in p["clusterArns"]]
    assert len(listed) == len(set(listed)) and set(listed) == created
    # The raw tokens: maxResults bounds a page, the last page has no nextToken.
    page = ecs.list_clusters(maxResults=10)
    assert len(page["clusterArns"]) == 10 and page["nextToken"]
    last = ecs.list_clusters(maxResults=10, nextToken=page["nextToken"])
    assert len(last["clusterArns"]) == 3 and "nextToken" not in last
    assert ecs.response_checker.checked.count("ListClusters") == 5


def test_boto3_cluster_not_found_is_a_modelled_exception(ecs):
    with pytest.raises(ecs.exceptions.ClusterNotFoundException) as e:
        ecs.delete_cluster(cluster="nope")
    client_error(e.value, "ClusterNotFoundException", "Cluster not found.")


def test_boto3_describe_clusters_failures(ecs):
    ecs.create_cluster(clusterName="a")
    out = ecs.describe_clusters(clusters=["a", "b", arn("cluster/c")], include=["TAGS"])
    assert [c["clusterName"] for c in out["clusters"]] == ["a"]
    assert out["failures"] == [{"arn": arn("cluster/b"), "reason": "MISSING"},
                               {"arn": arn("cluster/c"), "reason": "MISSING"}]


def test_boto3_cluster_tags_round_trip(ecs):
    cluster_arn = ecs.create_cluster(clusterName="a", tags=[{"key": "k1", "value": "v1"}])["cluster"]["clusterArn"]
    ecs.tag_resource(resourceArn=cluster_arn, tags=[{"key": "k2", "value": "v2"}])
    tags = ecs.list_tags_for_resource(resourceArn=cluster_arn)["tags"]
    assert sorted(tags, key=lambda t: t["key"]) == [{"key": "k1", "value": "v1"}, {"key": "k2", "value": "v2"}]
    ecs.untag_resource(resourceArn=cluster_arn, tagKeys=["k1", "k2"])
    assert ecs.list_tags_for_resource(resourceArn=cluster_arn)["tags"] == []
