"""Account settings through the AWS CLI and boto3."""

from __future__ import annotations

from harness.cli import ok
from harness.expect import ACCOUNT

import shapes

# What a new account gets when nobody has set anything (long ARNs are the only format since 2021).
ALL_DEFAULTS = {
    "serviceLongArnFormat": "enabled",
    "taskLongArnFormat": "enabled",
    "containerInstanceLongArnFormat": "enabled",
    "awsvpcTrunking": "disabled",
    "containerInsights": "disabled",
    # in the 2025 model (Debian 13's botocore), not in the awscli package's
    "fargateFIPSMode": "disabled",
    "tagResourceAuthorization": "on",
    "fargateTaskRetirementWaitPeriod": "7",
    "guardDutyActivate": "off",
}
# The settings of the model ecslocal was built from, with their defaults.
DEFAULTS = {name: value for name, value in ALL_DEFAULTS.items()
            if name in shapes.service_model().shape_for("SettingName").enum}


def by_name(settings: list[dict]) -> dict[str, dict]:
    return {s["name"]: s for s in settings}


def test_every_setting_of_the_model_has_a_default_here():
    assert set(shapes.service_model().shape_for("SettingName").enum) <= set(ALL_DEFAULTS)


def test_cli_put_account_setting(aws):
    out = ok(aws("ecs put-account-setting --name containerInsights --value enabled")).json()
    setting = out["setting"]
    assert (setting["name"], setting["value"]) == ("containerInsights", "enabled")
    assert setting["principalArn"].startswith(f"arn:aws:iam::{ACCOUNT}:"), setting
    listed = ok(aws("ecs list-account-settings")).json()
    assert listed["settings"] == [setting]
    named = ok(aws("ecs list-account-settings --name containerInsights")).json()
    assert named["settings"] == [setting]


def test_cli_list_account_settings_effective(aws):
    before = ok(aws("ecs list-account-settings --effective-settings")).json()
    values = {s["name"]: s["value"] for s in before["settings"]}
    assert values == DEFAULTS
    for s in before["settings"]:
        assert s["principalArn"].startswith(f"arn:aws:iam::{ACCOUNT}:"), s

    ok(aws("ecs put-account-setting --name containerInsights --value enabled"))
    after = ok(aws("ecs list-account-settings --effective-settings")).json()
    assert {s["name"]: s["value"] for s in after["settings"]} == dict(DEFAULTS, containerInsights="enabled")


def test_cli_nothing_explicitly_set_lists_nothing(aws):
    assert ok(aws("ecs list-account-settings")).json() == {"settings": []}


def test_cli_default_setting_applies_to_the_account(aws):
    out = ok(aws("ecs put-account-setting-default --name containerInsights --value enabled")).json()
    assert out["setting"]["name"] == "containerInsights" and out["setting"]["value"] == "enabled"
    assert out["setting"]["principalArn"] == f"arn:aws:iam::{ACCOUNT}:root"
    effective = by_name(ok(aws("ecs list-account-settings --effective-settings")).json()["settings"])
    assert effective["containerInsights"]["value"] == "enabled"


def test_cli_container_insights_default_reaches_new_clusters(aws):
    ok(aws("ecs put-account-setting-default --name containerInsights --value enabled"))
    ok(aws("ecs create-cluster --cluster-name insights"))
    out = ok(aws("ecs describe-clusters --clusters insights --include SETTINGS")).json()
    assert out["clusters"][0]["settings"] == [{"name": "containerInsights", "value": "enabled"}]


def test_cli_delete_account_setting_restores_the_default(aws):
    ok(aws("ecs put-account-setting --name containerInsights --value enabled"))
    deleted = ok(aws("ecs delete-account-setting --name containerInsights")).json()
    assert deleted["setting"]["name"] == "containerInsights"
    assert ok(aws("ecs list-account-settings")).json() == {"settings": []}
    effective = by_name(ok(aws("ecs list-account-settings --effective-settings")).json()["settings"])
    assert effective["containerInsights"]["value"] == "disabled"


def test_boto3_put_and_list(ecs):
    setting = ecs.put_account_setting(name="awsvpcTrunking", value="enabled")["setting"]
    assert setting["value"] == "enabled"
    settings = ecs.list_account_settings(effectiveSettings=True)["settings"]
    assert by_name(settings)["awsvpcTrunking"]["value"] == "enabled"
    assert by_name(settings)["taskLongArnFormat"]["value"] == "enabled"
    only = ecs.list_account_settings(name="awsvpcTrunking", effectiveSettings=True)["settings"]
    assert [(s["name"], s["value"]) for s in only] == [("awsvpcTrunking", "enabled")]
