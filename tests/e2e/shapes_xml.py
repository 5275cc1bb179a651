"""Checks raw XML responses of the `ec2` protocol against the AWS API model (until the query
protocol branch brings its own checker: this one covers what the EC2 tests need).

A success is `<{Operation}Response xmlns=...><requestId>` followed by the output members, each
named by its locationName, lists as `<item>` elements; every element must be a member the model
knows, with a value of the member's type. An error is `<Response><Errors><Error><Code>` +
`<Message>` and a `<RequestID>`, with HTTP 4xx/5xx.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import Any

import botocore.model

XML_CONTENT_TYPE = "text/xml"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_name(name: str, ref: botocore.model.Shape) -> str:
    return ref.serialization.get("name") or name


def _check(shape: botocore.model.Shape, elem: ET.Element, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    text = (elem.text or "").strip()
    if kind == "structure":
        members = {_xml_name(n, m): m for n, m in shape.members.items()}
        for child in elem:
            tag = _local(child.tag)
            if tag not in members:
                problems.append(f"{path}: <{tag}> is not a member of {shape.name}")
            else:
                _check(members[tag], child, f"{path}/{tag}", problems)
    elif kind == "list":
        item = shape.member.serialization.get("name", "item")
        for i, child in enumerate(elem):
            if _local(child.tag) != item:
                problems.append(f"{path}: list element <{_local(child.tag)}>, expected <{item}>")
            _check(shape.member, child, f"{path}[{i}]", problems)
    elif kind == "string":
        if shape.enum and text not in shape.enum:
            problems.append(f"{path}: {text!r} is not one of {shape.name}'s values")
    elif kind in ("integer", "long"):
        try:
            int(text)
        except ValueError:
            problems.append(f"{path}: {text!r} is not an integer")
    elif kind == "boolean":
        if text not in ("true", "false"):
            problems.append(f"{path}: {text!r} is not a boolean")
    elif kind in ("double", "float"):
        try:
            float(text)
        except ValueError:
            problems.append(f"{path}: {text!r} is not a number")
    elif kind == "timestamp":
        try:
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{path}: {text!r} is not an ISO 8601 timestamp")


def xml_problems(model: botocore.model.ServiceModel, operation: str | None, status: int, body: bytes | str) -> list[str]:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        return [f"response body is not XML ({e})"]
    problems: list[str] = []
    if 200 <= status < 300:
        if operation is None or operation not in model.operation_names:
            return [f"HTTP {status} for an unknown operation {operation!r}"]
        if _local(root.tag) != f"{operation}Response":
            problems.append(f"root element <{_local(root.tag)}>, expected <{operation}Response>")
        children = list(root)
        if not children or _local(children[0].tag) != "requestId" or not (children[0].text or "").strip():
            problems.append("the reply does not start with a <requestId>")
        output = model.operation_model(operation).output_shape
        rest = ET.Element(root.tag)
        rest.extend(children[1:])
        if output is None:
            if len(rest):
                problems.append("operation has no output shape, but the reply has members")
        else:
            _check(output, rest, "$", problems)
        return problems
    if _local(root.tag) != "Response":
        return [f"error root element <{_local(root.tag)}>, expected <Response>"]
    code = root.findtext("Errors/Error/Code")
    if not code:
        problems.append("error reply without Errors/Error/Code")
    if root.findtext("Errors/Error/Message") is None:
        problems.append("error reply without Errors/Error/Message")
    if not (root.findtext("RequestID") or "").strip():
        problems.append("error reply without RequestID")
    if status < 400:
        problems.append(f"error reply with HTTP {status}")
    return problems


def error_code(body: bytes | str) -> Any:
    return ET.fromstring(body).findtext("Errors/Error/Code")
