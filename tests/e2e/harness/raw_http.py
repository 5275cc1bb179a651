"""Hand-made HTTP requests for what no SDK would send (bad JSON, unknown targets, wrong types)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113"


@dataclass
class RawReply:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def json(self) -> Any:
        return json.loads(self.body)


def fake_authorization(access_key: str, region: str = "us-east-1", service: str = "ecs") -> str:
    """A SigV4 Authorization header as botocore shapes it (ecslocal reads the scope, not the signature)."""
    return (f"AWS4-HMAC-SHA256 Credential={access_key}/20240101/{region}/{service}/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


def post(endpoint: str, body: bytes | str | dict, target: str | None = None,
         content_type: str = "application/x-amz-json-1.1", access_key: str | None = None,
         headers: dict[str, str] | None = None, path: str = "/") -> RawReply:
    """`headers`: more request headers (x-amzn-query-mode, Content-Encoding, smithy-protocol)."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    sent = {"Content-Type": content_type, "X-Amz-Date": "20240101T000000Z", **(headers or {})}
    if target is not None:
        sent["X-Amz-Target"] = target
    if access_key is not None:
        sent["Authorization"] = fake_authorization(access_key)
    request = urllib.request.Request(endpoint + path, data=body, headers=sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return RawReply(r.status, dict(r.headers.items()), r.read())
    except urllib.error.HTTPError as e:
        return RawReply(e.code, dict(e.headers.items()), e.read())


def ecs_target(operation: str) -> str:
    return f"{ECS_TARGET_PREFIX}.{operation}"
