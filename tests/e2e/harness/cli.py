"""Runs Debian's AWS CLI v2 against ecslocal and checks every response it received.

Each command runs as `aws --endpoint-url <ecslocal> --debug <args>`. The debug log (stderr) is
split into botocore's log records and what the CLI itself printed for the user; from the records
come the raw HTTP responses (status line from urllib3, `Response headers:` and `Response body:`
from botocore's parser), and every one is validated against the AWS model (shapes.py).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapes

AWS_CLI = "/usr/bin/aws"  # Debian's awscli v2; never the v1 that pyenv puts earlier on PATH
CLI_TIMEOUT_SECONDS = 60

_RECORD = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - (?P<thread>\S+) - (?P<logger>[\w.]+) - "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) - (?P<message>.*)$")
_STATUS = re.compile(r'"(?:POST|GET|PUT|DELETE|HEAD) \S+ HTTP/[\d.]+" (?P<status>\d{3}) ')
_OPERATION = re.compile(r"Making request for OperationModel\(name=(?P<name>\w+)\)")


@dataclass
class RawResponse:
    operation: str | None
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class LogRecord:
    logger: str
    message: str  # first line
    continuation: list[str] = field(default_factory=list)


@dataclass
class CliResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str  # what the CLI printed for the user, debug records taken out
    debug_log: str  # the whole stderr
    responses: list[RawResponse]

    def json(self) -> Any:
        return json.loads(self.stdout)

    def describe(self) -> str:
        text = (f"$ aws {shlex.join(self.args)}\nexit {self.returncode}\n--- stdout\n{self.stdout}"
                f"--- stderr (user-visible)\n{self.stderr}")
        if self.returncode != 0 and self.responses:
            # A failed waiter says only which acceptor matched: the last answer it saw says why
            # (a task's stoppedReason, a service's events).
            last = self.responses[-1]
            body = last.body.decode("utf-8", "replace")
            text += f"\n--- last response ({last.operation}, HTTP {last.status})\n{body[:6000]}\n"
        return text


def split_debug_log(stderr: str) -> tuple[list[LogRecord], str]:
    """botocore/awscli log records, and the remaining text the CLI printed for its user.

    A record runs from its `<time> - <thread> - <logger> - <LEVEL> - ` line through its
    continuation lines (multi-line messages such as `Response body:` and, for records logged
    with exc_info, a Python traceback). Text after the end of a traceback, or before the first
    record, is the CLI's own output (e.g. `An error occurred (...) when calling ...`)."""
    records: list[LogRecord] = []
    visible: list[str] = []
    lines = stderr.splitlines()
    i = 0
    current: LogRecord | None = None
    while i < len(lines):
        line = lines[i]
        m = _RECORD.match(line)
        if m:
            current = LogRecord(m["logger"], m["message"])
            records.append(current)
            i += 1
            continue
        if current is not None and line == "Traceback (most recent call last):":
            i = _consume_traceback(lines, i, current)
            current = None  # anything after a traceback, up to the next record, is the CLI's own text
            continue
        if current is not None:
            current.continuation.append(line)
        else:
            visible.append(line)
        i += 1
    text = "\n".join(visible)
    return records, (text + "\n" if visible else "")


def _consume_traceback(lines: list[str], i: int, record: LogRecord) -> int:
    """Append a (possibly chained) traceback starting at lines[i] to record; return the next index."""
    while i < len(lines):
        record.continuation.append(lines[i])  # "Traceback (most recent call last):"
        i += 1
        while i < len(lines) and lines[i].startswith(" "):
            record.continuation.append(lines[i])
            i += 1
        if i < len(lines):
            record.continuation.append(lines[i])  # "module.ExceptionType: message"
            i += 1
        # Chained exceptions: "", "During handling ..." / "The above exception ...", "", "Traceback ..."
        if (i + 3 < len(lines) and lines[i] == "" and lines[i + 2] == ""
                and lines[i + 1].startswith(("During handling of the above exception",
                                             "The above exception was the direct cause"))
                and lines[i + 3] == "Traceback (most recent call last):"):
            record.continuation.extend(lines[i:i + 3])
            i += 3
            continue
        return i
    return i


def responses_from_records(records: list[LogRecord]) -> list[RawResponse]:
    responses = []
    operation = None
    status = None
    headers = None
    for record in records:
        if record.logger == "botocore.endpoint" and (m := _OPERATION.search(record.message)):
            operation = m["name"]
        elif record.logger == "urllib3.connectionpool" and (m := _STATUS.search(record.message)):
            status = int(m["status"])
        elif record.logger == "botocore.parsers" and record.message.startswith("Response headers: "):
            headers = ast.literal_eval(record.message[len("Response headers: "):])
        elif record.logger == "botocore.parsers" and record.message == "Response body:":
            body = ast.literal_eval("\n".join(record.continuation))
            if status is None and responses and (responses[-1].headers, responses[-1].body) == (headers, body):
                continue  # botocore parses an error response twice (generic, then modelled): one response
            if status is None or headers is None:
                raise AssertionError(f"debug log has a response body without status line or headers: {body!r}")
            responses.append(RawResponse(operation, status, dict(headers), body))
            status = None
    return responses


class AwsCli:
    """`aws(...)`: run one AWS CLI command against ecslocal, as a user would type it."""

    def __init__(self, endpoint: str, env: dict[str, str], cwd: Path):
        self.endpoint = endpoint
        self.env = env
        self.cwd = cwd
        self.history: list[CliResult] = []

    def __call__(self, *args: str, access_key: str | None = None, region: str | None = None,
                 expect_requests: bool = True) -> CliResult:
        argv = shlex.split(args[0]) if len(args) == 1 else list(args)
        if argv and argv[0] == "aws":
            argv = argv[1:]
        env = dict(self.env)
        if access_key is not None:
            env["AWS_ACCESS_KEY_ID"] = access_key
        if region is not None:
            env["AWS_DEFAULT_REGION"] = region
        proc = subprocess.run([AWS_CLI, "--endpoint-url", self.endpoint, "--debug", *argv], env=env,
                              cwd=self.cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_SECONDS)
        records, visible = split_debug_log(proc.stderr)
        result = CliResult(argv, proc.returncode, proc.stdout, visible, proc.stderr,
                           responses_from_records(records))
        self.history.append(result)
        # The CLI's first word is the service ("ecs", "logs"): its model judges the responses.
        service = argv[0] if argv and (shapes.AWSCLI_MODEL_ROOT / argv[0]).is_dir() else "ecs"
        for response in result.responses:
            try:
                shapes.validate_response(response.operation, response.status, response.headers, response.body,
                                         service=service)
            except shapes.ShapeError as e:
                raise shapes.ShapeError(f"{e}\n{result.describe()}") from None
        if expect_requests and not result.responses:
            raise AssertionError(f"the CLI sent no request to ecslocal\n{result.describe()}")
        return result


def ok(result: CliResult) -> CliResult:
    """Assert the command succeeded and printed nothing to stderr."""
    assert result.returncode == 0, result.describe()
    assert result.stderr == "", result.describe()
    return result


def cli_env(config_dir: Path) -> dict[str, str]:
    """The environment for the AWS CLI and boto3: dummy credentials, no host configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # ctest sets PYTHONPYCACHEPREFIX for pytest; inherited by the CLI it would make every `aws` run
    # ignore Debian's precompiled bytecode and compile awscli/botocore afresh (about 1 s of CPU each).
    env.pop("PYTHONPYCACHEPREFIX", None)
    config = config_dir / "config"
    credentials = config_dir / "credentials"
    config.touch()
    credentials.touch()
    env.update({
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_PAGER": "",
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": str(config_dir),  # the CLI's caches and history stay out of the real home
    })
    return env
