"""Checks raw AWS JSON 1.1 responses against the AWS API model (query-protocol XML: xml_shapes.py).

Every response the e2e suite receives (boto3 through an event hook, the AWS CLI through its
--debug log, raw HTTP directly) goes through `validate_response`: a success body is walked
against the operation's output shape, an error body must be AWS's `{"__type", "message"}`
envelope with an error code the operation (or the JSON protocol) can return, and every response
carries `x-amzn-RequestId` and the JSON 1.1 content type.

The model is the one ecslocal itself is built from (ctest passes its folder in
ECSLOCAL_AWS_MODEL_DIR: Debian 13's botocore data fetched by .ci/fetch-model, else the copy shipped
by Debian's awscli package). The CLI and boto3 carry older copies; they ignore members their copy
lacks, so the build's model is the right yardstick for what ecslocal may send.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import math
import os
import re
from pathlib import Path
from typing import Any, Mapping

import botocore.model

import xml_shapes

AWSCLI_MODEL_ROOT = Path("/usr/lib/python3/dist-packages/awscli/botocore/data")
MODEL_ROOT = Path(os.environ.get("ECSLOCAL_AWS_MODEL_DIR") or AWSCLI_MODEL_ROOT)
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"

# Errors any JSON 1.1 operation can answer before (or instead of) running the operation itself.
PROTOCOL_ERRORS = frozenset({
    "SerializationException",
    "UnknownOperationException",
    "NotImplementedException",  # ecslocal: an operation of the model it does not implement yet
})

# Protocols AWS added to a service after the model the build reads (the same facts as
# LATER_PROTOCOLS in api/protocol/gen_model.py, from botocore 1.43's cloudwatch metadata).
LATER_PROTOCOLS = {
    "monitoring": {"jsonVersion": "1.0", "targetPrefix": "GraniteServiceVersion20100801", "awsQueryCompatible": {}},
}

_INT_LIMITS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_REQUEST_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ShapeError(AssertionError):
    """A response that a real AWS endpoint would not send."""


@functools.lru_cache(maxsize=None)
def service_model(service: str = "ecs") -> botocore.model.ServiceModel:
    """The service's model from the build's botocore data (newest api version on disk)."""
    versions = sorted(p for p in (MODEL_ROOT / service).iterdir() if p.is_dir())
    if not versions:
        raise FileNotFoundError(f"no model for {service} under {MODEL_ROOT}")
    with open(versions[-1] / "service-2.json", encoding="utf-8") as f:
        return botocore.model.ServiceModel(json.load(f), service_name=service)


# --- output shapes -------------------------------------------------------------------------------

def output_problems(shape: botocore.model.Shape | None, value: Any, path: str = "$") -> list[str]:
    """Every way `value` (decoded JSON) departs from `shape`; empty when it conforms."""
    problems: list[str] = []
    if shape is None:
        if value not in ({}, None):
            problems.append(f"{path}: operation has no output shape, got {_short(value)}")
        return problems
    _check(shape, value, path, problems)
    return problems


def _check(shape: botocore.model.Shape, value: Any, path: str, problems: list[str]) -> None:
    if value is None:
        problems.append(f"{path}: null (AWS omits absent members instead of sending null)")
        return
    checker = _CHECKERS.get(shape.type_name)
    if checker is None:
        problems.append(f"{path}: model type {shape.type_name!r} is not handled by the validator")
        return
    checker(shape, value, path, problems)


def _check_structure(shape, value, path, problems):
    if not isinstance(value, dict):
        problems.append(f"{path}: expected object ({shape.name}), got {_short(value)}")
        return
    members = shape.members
    for key, member_value in value.items():
        if key not in members:
            problems.append(f"{path}.{key}: member unknown to the model's {shape.name}")
            continue
        _check(members[key], member_value, f"{path}.{key}", problems)
    for key in shape.required_members:
        if key not in value:
            problems.append(f"{path}.{key}: required member of {shape.name} is missing")


def _check_list(shape, value, path, problems):
    if not isinstance(value, list):
        problems.append(f"{path}: expected array ({shape.name}), got {_short(value)}")
        return
    _check_length(shape, len(value), path, problems, "items")
    for i, item in enumerate(value):
        _check(shape.member, item, f"{path}[{i}]", problems)


def _check_map(shape, value, path, problems):
    if not isinstance(value, dict):
        problems.append(f"{path}: expected object map ({shape.name}), got {_short(value)}")
        return
    for key, item in value.items():
        _check(shape.key, key, f"{path}<key {key!r}>", problems)
        _check(shape.value, item, f"{path}[{key!r}]", problems)


def _check_string(shape, value, path, problems):
    if not isinstance(value, str):
        problems.append(f"{path}: expected string ({shape.name}), got {_short(value)}")
        return
    enum = shape.enum
    if enum and value not in enum:
        problems.append(f"{path}: {value!r} is not in enum {shape.name} {sorted(enum)}")
    _check_length(shape, len(value), path, problems, "characters")


def _check_integer(shape, value, path, problems):
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{path}: expected {shape.type_name} ({shape.name}), got {_short(value)}")
        return
    low, high = _INT_LIMITS[shape.type_name]
    if not low <= value <= high:
        problems.append(f"{path}: {value} does not fit a {shape.type_name}")


def _check_boolean(shape, value, path, problems):
    if not isinstance(value, bool):
        problems.append(f"{path}: expected boolean ({shape.name}), got {_short(value)}")


def _check_number(shape, value, path, problems):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"{path}: expected number ({shape.name}), got {_short(value)}")


def _check_timestamp(shape, value, path, problems):
    # JSON 1.1 sends timestamps as epoch seconds (a JSON number, fractions allowed).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"{path}: expected timestamp as epoch seconds, got {_short(value)}")
    elif not 0 <= value < 32503680000:  # year 3000
        problems.append(f"{path}: timestamp {value} is not plausible epoch seconds")


def _check_blob(shape, value, path, problems):
    if not isinstance(value, str):
        problems.append(f"{path}: expected base64 string ({shape.name}), got {_short(value)}")


def _check_length(shape, length, path, problems, unit):
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if low is not None and length < low:
        problems.append(f"{path}: {length} {unit}, model {shape.name} needs at least {low}")
    if high is not None and length > high:
        problems.append(f"{path}: {length} {unit}, model {shape.name} allows at most {high}")


_CHECKERS = {
    "structure": _check_structure,
    "list": _check_list,
    "map": _check_map,
    "string": _check_string,
    "integer": _check_integer,
    "long": _check_integer,
    "boolean": _check_boolean,
    "double": _check_number,
    "float": _check_number,
    "timestamp": _check_timestamp,
    "blob": _check_blob,
}


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, bytes) else repr(value)
    return f"{type(value).__name__} {text[:80]}"


# --- whole responses -----------------------------------------------------------------------------

def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def decode_body(body: bytes | str) -> Any:
    text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body
    try:
        return json.loads(text)
    except ValueError as e:
        raise ShapeError(f"response body is not JSON ({e}): {text[:200]!r}") from None


def error_code(decoded: Mapping[str, Any]) -> str:
    """The error code as botocore reads it: what follows the last '#' of __type."""
    return str(decoded.get("__type", "")).rsplit("#", 1)[-1]


def error_problems(model: botocore.model.ServiceModel, operation: str | None, status: int,
                   decoded: Any) -> list[str]:
    if not isinstance(decoded, dict):
        return [f"error body must be a JSON object, got {_short(decoded)}"]
    problems = []
    if not isinstance(decoded.get("__type"), str) or not decoded["__type"]:
        problems.append(f"error body lacks a string __type: {decoded}")
        return problems
    if not isinstance(decoded.get("message"), str):
        problems.append(f"error body lacks a string message: {decoded}")
    code = error_code(decoded)
    shape = model.shape_for(code) if code in model.shape_names else None
    extra = set(decoded) - {"__type", "message"} - set(shape.members if shape is not None else ())
    if extra:
        problems.append(f"error body has members unknown to {code}: {sorted(extra)}")
    allowed = set(PROTOCOL_ERRORS)
    if operation is not None and operation in model.operation_names:
        allowed |= {s.name for s in model.operation_model(operation).error_shapes}
    elif operation is None:
        allowed |= {name for name in model.shape_names
                    if model.shape_for(name).metadata.get("exception")}
    if code not in allowed:
        problems.append(f"{code} is not an error the model lets {operation} return ({sorted(allowed)})")
    expected_status = {"ServerException": 500, "NotImplementedException": 501}.get(code, 400)
    if status != expected_status:
        problems.append(f"{code} came with HTTP {status}, expected {expected_status}")
    return problems


def json_metadata(model: botocore.model.ServiceModel) -> dict[str, Any]:
    """The model's JSON-protocol metadata, with what AWS added later for services like CloudWatch."""
    later = LATER_PROTOCOLS.get(model.metadata.get("endpointPrefix", ""), {})
    return {**later, **model.metadata} if "targetPrefix" not in model.metadata else dict(model.metadata)


def query_compatible_problems(model: botocore.model.ServiceModel, status: int, headers: Mapping[str, str],
                              decoded: Any) -> list[str]:
    """A query-compatible service's JSON error: __type names an exception shape of the model, the
    HTTP status is that shape's, and x-amzn-query-error carries its query code and fault side."""
    code = error_code(decoded) if isinstance(decoded, dict) else ""
    if code in PROTOCOL_ERRORS:
        return []
    if code not in model.shape_names or not model.shape_for(code).metadata.get("exception"):
        return [f"__type {code!r} is no exception shape of {model.service_name}"]
    error = model.shape_for(code).metadata.get("error", {})
    problems = []
    if status != error.get("httpStatusCode", 400):
        problems.append(f"{code} came with HTTP {status}, the model says {error.get('httpStatusCode', 400)}")
    side = "Sender" if error.get("senderFault") else "Receiver"
    expected = f"{error.get('code', code)};{side}"
    if _header(headers, "x-amzn-query-error") != expected:
        problems.append(f"x-amzn-query-error is {_header(headers, 'x-amzn-query-error')!r}, expected {expected!r}")
    return problems


def _from_cbor(shape: botocore.model.Shape | None, value: Any, path: str, problems: list[str]) -> Any:
    """A decoded CBOR value in the JSON protocols' form (epoch seconds, base64 text), noting where
    it is not encoded as Smithy RPC v2 CBOR says: timestamps tag 1, blobs byte strings."""
    if shape is None:
        return value
    if shape.type_name == "timestamp":
        if not isinstance(value, datetime.datetime):
            problems.append(f"{path}: expected a tag-1 epoch timestamp, got {type(value).__name__}")
            return value
        return value.timestamp()
    if shape.type_name == "blob":
        if not isinstance(value, bytes):
            problems.append(f"{path}: expected a byte string, got {type(value).__name__}")
            return value
        return base64.b64encode(value).decode()
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: _from_cbor(shape.members.get(k), v, f"{path}.{k}", problems) for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_from_cbor(shape.member, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _from_cbor(shape.value, v, f"{path}.{k}", problems) for k, v in value.items()}
    return value


def validate_cbor_response(operation: str, status: int, headers: Mapping[str, str], body: bytes,
                           service: str) -> Any:
    """A Smithy RPC v2 CBOR reply: smithy-protocol header, application/cbor, the output shape
    (timestamps tagged), or an error map as query_compatible_problems wants it. Returns the body
    in JSON form."""
    import cbor2  # Debian's python3-cbor2: only this check needs it

    model = service_model(service)
    problems = []
    if _header(headers, "smithy-protocol") != "rpc-v2-cbor":
        problems.append(f"smithy-protocol header is {_header(headers, 'smithy-protocol')!r}, expected 'rpc-v2-cbor'")
    if _header(headers, "Content-Type") != "application/cbor":
        problems.append(f"Content-Type is {_header(headers, 'Content-Type')!r}, expected application/cbor")
    request_id = _header(headers, "x-amzn-RequestId")
    if not request_id or not _REQUEST_ID.match(request_id):
        problems.append(f"x-amzn-RequestId header missing or not a UUID: {request_id!r}")
    try:
        raw = cbor2.loads(body)
    except Exception as e:  # noqa: BLE001 - any decoding failure is the finding
        raise ShapeError(f"{service}:{operation} reply is not CBOR ({e}): {body[:200]!r}") from None
    if 200 <= status < 300:
        decoded = _from_cbor(model.operation_model(operation).output_shape, raw, "$", problems)
        problems += output_problems(model.operation_model(operation).output_shape, decoded)
    else:
        decoded = raw
        problems += [p for p in error_problems(model, operation, status, decoded) if " came with HTTP " not in p]
        if "awsQueryCompatible" in json_metadata(model):
            problems += query_compatible_problems(model, status, headers, decoded)
    if problems:
        raise ShapeError(f"{service}:{operation} HTTP {status} CBOR response breaks the model:\n  "
                         + "\n  ".join(problems) + f"\nbody: {raw!r}"[:2000])
    return decoded


def validate_response(operation: str | None, status: int, headers: Mapping[str, str], body: bytes | str,
                      service: str = "ecs", protocol: str | None = None) -> Any:
    """Raise ShapeError unless the response is one AWS could send; return the decoded body.

    `operation` may be None for requests that named no valid operation (raw HTTP tests).
    `protocol` "json": the reply to a JSON request of a service whose model is query (CloudWatch)."""
    model = service_model(service)
    problems = []
    request_id = _header(headers, "x-amzn-RequestId")
    if not request_id or not _REQUEST_ID.match(request_id):
        problems.append(f"x-amzn-RequestId header missing or not a UUID: {request_id!r}")
    content_type = _header(headers, "Content-Type")
    if protocol == "json" and model.metadata.get("protocol") == "query":
        meta = json_metadata(model)
        expected_type = f"application/x-amz-json-{meta['jsonVersion']}"
        if content_type != expected_type:
            problems.append(f"Content-Type is {content_type!r}, expected {expected_type}")
        decoded = decode_body(body)
        if 200 <= status < 300:
            problems += output_problems(model.operation_model(operation).output_shape, decoded)
        else:
            problems += [p for p in error_problems(model, operation, status, decoded) if " came with HTTP " not in p]
            if "awsQueryCompatible" in meta:
                problems += query_compatible_problems(model, status, headers, decoded)
        if problems:
            raise ShapeError(f"{service}:{operation} HTTP {status} JSON response breaks the model:\n  "
                             + "\n  ".join(problems) + f"\nbody: {_clip(body)}")
        return decoded
    if model.metadata.get("protocol") in ("query", "ec2"):
        if content_type != xml_shapes.XML_CONTENT_TYPE:
            problems.append(f"Content-Type is {content_type!r}, expected {xml_shapes.XML_CONTENT_TYPE}")
        problems += xml_shapes.xml_problems(model, operation, status, headers, body, request_id, output_problems)
        if problems:
            raise ShapeError(f"{service}:{operation} HTTP {status} response breaks the model:\n  "
                             + "\n  ".join(problems) + f"\nbody: {_clip(body)}")
        return body
    if content_type != JSON_CONTENT_TYPE:
        problems.append(f"Content-Type is {content_type!r}, expected {JSON_CONTENT_TYPE}")
    decoded = decode_body(body)
    if 200 <= status < 300:
        if operation is None or operation not in model.operation_names:
            problems.append(f"HTTP {status} for an unknown operation {operation!r}")
        else:
            problems += output_problems(model.operation_model(operation).output_shape, decoded)
    else:
        problems += error_problems(model, operation, status, decoded)
    if problems:
        raise ShapeError(f"{service}:{operation} HTTP {status} response breaks the model:\n  "
                         + "\n  ".join(problems) + f"\nbody: {_clip(body)}")
    return decoded


def _clip(body: bytes | str, limit: int = 2000) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else body
    return text if len(text) <= limit else text[:limit] + "..."
