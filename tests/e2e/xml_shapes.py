"""Checks raw XML replies of the query protocols (IAM, STS: `query`; EC2: `ec2`) against the
AWS API model, the way shapes.py checks JSON 1.1 replies.

A success body is read along the operation's output shape into a dict (element names from the
model's locationNames, list items, typed scalars, ISO 8601 timestamps), strictly: an element the
model does not name, a scalar that does not parse or a list item with the wrong name is a
problem. The dict then goes through shapes.output_problems (required members, enums, lengths).
The envelope is checked too: root element and namespace, the result wrapper, the request id
(equal to the x-amzn-RequestId header). Error bodies must be the protocol's error document with a
code the operation (or the protocol) can answer and the HTTP status the model gives that code.
"""

from __future__ import annotations

import base64
import calendar
import re
import xml.etree.ElementTree as ET
from typing import Any, Mapping

import botocore.model

XML_CONTENT_TYPE = "text/xml"

# Errors any query-protocol operation can answer besides its modelled ones, with their status.
PROTOCOL_ERRORS = {
    "InvalidAction": 400,
    "MissingAction": 400,
    "MalformedQueryString": 400,
    "ValidationError": 400,          # query: failed input constraint
    "MissingParameter": 400,         # ec2: missing required member
    "InvalidParameterValue": 400,    # ec2: value that does not convert or fit
    "AccessDenied": 403,             # e.g. sts:AssumeRole of a role that does not exist
    "NotImplementedException": 501,  # ecslocal: an operation of the model it does not implement yet
    "InternalFailure": 500,
    "InternalError": 500,
}

_ISO8601 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$")


def _tag(node: ET.Element) -> str:
    return node.tag.rsplit("}", 1)[-1]


def _ns(node: ET.Element) -> str:
    return node.tag[1:].split("}", 1)[0] if node.tag.startswith("{") else ""


def expected_namespace(model: botocore.model.ServiceModel) -> str:
    ns = model.metadata.get("xmlNamespace", "")
    if model.metadata.get("protocol") == "ec2" and ns and not ns.endswith("/"):
        ns += "/"  # EC2 answers with the trailing slash its model leaves out
    return ns


class _Reader:
    def __init__(self, dialect: str, problems: list[str]):
        self.ec2 = dialect == "ec2"
        self.problems = problems

    def value(self, shape, node: ET.Element, path: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, node, path)
        if kind == "list":
            item = shape.member.serialization.get("name", "item" if self.ec2 else "member")
            out = []
            for i, child in enumerate(node):
                if _tag(child) != item:
                    self.problems.append(f"{path}: list item <{_tag(child)}>, expected <{item}>")
                out.append(self.value(shape.member, child, f"{path}[{i}]"))
            return out
        if kind == "map":
            return self.map(shape, list(node), path)
        return self.scalar(shape, node, path)

    def structure(self, shape, node: ET.Element, path: str) -> dict:
        by_xml_name = {}
        for name, member in shape.members.items():
            xml_name = member.serialization.get("name", name)
            flattened = member.type_name == "list" and member.serialization.get("flattened")
            if flattened and member.member.serialization.get("name"):
                xml_name = member.member.serialization["name"]
            by_xml_name[xml_name] = (name, member, flattened)
        out: dict[str, Any] = {}
        for child in node:
            tag = _tag(child)
            if tag not in by_xml_name:
                self.problems.append(f"{path}.{tag}: element unknown to the model's {shape.name}")
                continue
            name, member, flattened = by_xml_name[tag]
            if flattened:
                out.setdefault(name, []).append(self.value(member.member, child, f"{path}.{name}[]"))
            elif name in out:
                self.problems.append(f"{path}.{name}: element repeated")
            else:
                out[name] = self.value(member, child, f"{path}.{name}")
        return out

    def map(self, shape, entries: list[ET.Element], path: str) -> dict:
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out = {}
        for entry in entries:
            parts = {_tag(c): c for c in entry}
            if set(parts) != {key_name, value_name}:
                self.problems.append(f"{path}: map entry with elements {sorted(parts)}")
                continue
            key = parts[key_name].text or ""
            out[key] = self.value(shape.value, parts[value_name], f"{path}[{key!r}]")
        return out

    def scalar(self, shape, node: ET.Element, path: str) -> Any:
        if len(node):
            self.problems.append(f"{path}: scalar {shape.type_name} has child elements")
        text = node.text or ""
        kind = shape.type_name
        try:
            if kind in ("integer", "long"):
                if not re.fullmatch(r"-?\d+", text):
                    raise ValueError
                return int(text)
            if kind in ("double", "float"):
                return float(text)
            if kind == "boolean":
                if text not in ("true", "false"):
                    raise ValueError
                return text == "true"
            if kind == "timestamp":
                m = _ISO8601.match(text)
                if not m:
                    raise ValueError
                whole = calendar.timegm(tuple(int(g) for g in m.groups()[:6]) + (0, 0, 0))
                return whole + (float(m.group(7)) if m.group(7) else 0.0)
            if kind == "blob":
                base64.b64decode(text, validate=True)
                return text
        except ValueError:
            self.problems.append(f"{path}: {text!r} is not a valid {kind} ({shape.name})")
            return None
        return text


def _children(node: ET.Element) -> dict[str, ET.Element]:
    return {_tag(c): c for c in node}


def success_problems(model, operation: str, root: ET.Element, request_id: str | None, output_problems) -> list[str]:
    problems: list[str] = []
    dialect = model.metadata["protocol"]
    op = model.operation_model(operation)
    if _tag(root) != f"{operation}Response":
        problems.append(f"root element <{_tag(root)}>, expected <{operation}Response>")
    if _ns(root) != expected_namespace(model):
        problems.append(f"namespace {_ns(root)!r}, expected {expected_namespace(model)!r}")
    reader = _Reader(dialect, problems)
    shape = op.output_shape
    if dialect == "ec2":
        kids = list(root)
        if not kids or _tag(kids[0]) != "requestId" or kids[0].text != request_id:
            problems.append(f"first element must be <requestId>{request_id}</requestId>")
        body = ET.Element("body")
        body.extend(kids[1:])
        parsed = reader.structure(shape, body, "$") if shape is not None else {}
        if shape is None and len(kids) > 1:
            problems.append("operation has no output shape, got elements")
    else:
        kids = _children(root)
        metadata = kids.pop("ResponseMetadata", None)
        rid = _children(metadata).get("RequestId") if metadata is not None else None
        if rid is None or rid.text != request_id:
            problems.append(f"<ResponseMetadata><RequestId> missing or not {request_id!r}")
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        parsed = {}
        if wrapper:
            result = kids.pop(wrapper, None)
            if result is None:
                problems.append(f"result wrapper <{wrapper}> missing")
            else:
                parsed = reader.structure(shape, result, "$")
        if kids:
            problems.append(f"unexpected elements under the root: {sorted(kids)}")
    if shape is not None:
        problems += output_problems(shape, parsed)
    return problems


# EC2's model names no error shapes: its codes are listed in the EC2 API reference ("Error codes
# for the Amazon EC2 API"). These are the client errors ecslocal's EC2 operations answer, HTTP 400.
EC2_ERRORS = frozenset({
    "CannotDelete", "DependencyViolation", "InvalidGroup.Duplicate", "InvalidGroup.NotFound", "InvalidID",
    "InvalidNetworkInterfaceID.NotFound", "InvalidPermission.Duplicate", "InvalidPermission.NotFound",
    "InvalidSecurityGroupRuleId.NotFound", "InvalidSubnet.Conflict", "InvalidSubnet.Range", "InvalidSubnetID.NotFound",
    "InvalidVpc.Range", "InvalidVpcID.NotFound", "OperationNotPermitted", "TagLimitExceeded",
})


def error_code_statuses(model, operation: str | None) -> dict[str, int]:
    allowed = dict(PROTOCOL_ERRORS)
    if model.metadata.get("protocol") == "ec2":
        allowed.update({code: 400 for code in EC2_ERRORS})
    shapes = []
    if operation is not None and operation in model.operation_names:
        shapes = model.operation_model(operation).error_shapes
    for shape in shapes:
        error = shape.metadata.get("error", {})
        allowed[error.get("code", shape.name)] = error.get("httpStatusCode", 400)
    return allowed


def error_problems(model, operation: str | None, status: int, root: ET.Element, request_id: str | None) -> list[str]:
    problems: list[str] = []
    dialect = model.metadata["protocol"]
    if dialect == "ec2":
        if _tag(root) != "Response":
            return [f"error root <{_tag(root)}>, expected <Response>"]
        errors = _children(root).get("Errors")
        error = _children(errors).get("Error") if errors is not None else None
        rid = _children(root).get("RequestID")
        fields = ("Code", "Message")
    else:
        if _tag(root) != "ErrorResponse":
            return [f"error root <{_tag(root)}>, expected <ErrorResponse>"]
        error = _children(root).get("Error")
        rid = _children(root).get("RequestId")
        fields = ("Type", "Code", "Message")
    if error is None:
        return ["error document without <Error>"]
    parts = _children(error)
    if sorted(parts) != sorted(fields):
        problems.append(f"<Error> has {sorted(parts)}, expected {sorted(fields)}")
    if "Type" in parts and parts["Type"].text not in ("Sender", "Receiver"):
        problems.append(f"<Type> is {parts['Type'].text!r}")
    if rid is None or rid.text != request_id:
        problems.append(f"error request id missing or not {request_id!r}")
    code = parts["Code"].text if "Code" in parts else None
    if not (parts.get("Message") is not None and parts["Message"].text):
        problems.append("error without a message")
    allowed = error_code_statuses(model, operation)
    if code not in allowed:
        problems.append(f"{code} is not an error the model lets {operation} return ({sorted(allowed)})")
    elif status != allowed[code]:
        problems.append(f"{code} came with HTTP {status}, expected {allowed[code]}")
    return problems


def xml_problems(model, operation: str | None, status: int, headers: Mapping[str, str], body: bytes | str,
                 request_id: str | None, output_problems) -> list[str]:
    text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return [f"response body is not XML ({e})"]
    if 200 <= status < 300:
        if operation is None or operation not in model.operation_names:
            return [f"HTTP {status} for an unknown operation {operation!r}"]
        return success_problems(model, operation, root, request_id, output_problems)
    return error_problems(model, operation, status, root, request_id)
