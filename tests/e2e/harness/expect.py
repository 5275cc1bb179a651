"""What AWS answers, spelled once: ARNs, and errors as the AWS CLI and boto3 show them."""

from __future__ import annotations

import botocore.exceptions

from harness.cli import CliResult

ACCOUNT = "000000000000"  # ecslocal's account for access keys that are not 12 digits
REGION = "us-east-1"
CLI_SERVICE_ERROR_EXIT = 254  # the AWS CLI v2's exit code when the service answered an error


def arn(resource: str, account: str = ACCOUNT, region: str = REGION) -> str:
    """arn("cluster/a") -> arn:aws:ecs:us-east-1:000000000000:cluster/a"""
    return f"arn:aws:ecs:{region}:{account}:{resource}"


def cli_error(result: CliResult, code: str, operation: str, message: str | None = None) -> None:
    """The CLI failed the way it does for a service error: exit 254, nothing on stdout, and
    `An error occurred (<code>) when calling the <operation> operation: <message>` on stderr."""
    prefix = f"An error occurred ({code}) when calling the {operation} operation: "
    assert result.returncode == CLI_SERVICE_ERROR_EXIT, result.describe()
    assert result.stdout == "", result.describe()
    text = result.stderr.strip()
    if message is None:
        assert text.startswith(prefix) and len(text) > len(prefix), result.describe()
    else:
        assert text == prefix + message, result.describe()


def client_error(error: botocore.exceptions.ClientError, code: str, message: str | None = None) -> None:
    """boto3 raised `code` (and `message`), with a request id from the response headers."""
    err = error.response["Error"]
    assert err["Code"] == code, error.response
    if message is not None:
        assert err["Message"] == message, error.response
    else:
        assert err["Message"], error.response
    assert error.response["ResponseMetadata"]["RequestId"], error.response


def subset(actual: dict, expected: dict, where: str = "$") -> None:
    """Every member of `expected` is in `actual` with an equal value (recursing into objects)."""
    for key, value in expected.items():
        assert key in actual, f"{where}.{key} missing from {actual}"
        if isinstance(value, dict) and isinstance(actual[key], dict):
            subset(actual[key], value, f"{where}.{key}")
        else:
            assert actual[key] == value, f"{where}.{key}: {actual[key]!r} != {value!r}"
