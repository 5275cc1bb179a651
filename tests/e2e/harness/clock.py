"""The manual clock of an ecslocal started with `--clock manual`: read it, move it (POST
/_ecslocal/clock/advance), and step to just past a minute boundary, so metric periods and alarm
evaluation happen when a test says."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta, timezone


def clock(server) -> datetime:
    with urllib.request.urlopen(server.endpoint + "/_ecslocal/clock", timeout=5) as reply:
        view = json.loads(reply.read())
    assert view["mode"] == "manual", view
    return datetime.fromtimestamp(view["now"], tz=timezone.utc)


def advance(server, seconds: float) -> datetime:
    req = urllib.request.Request(server.endpoint + "/_ecslocal/clock/advance",
                                 data=json.dumps({"seconds": seconds}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as reply:
        return datetime.fromtimestamp(json.loads(reply.read())["now"], tz=timezone.utc)


def to_next_minute(server) -> datetime:
    """Moves the clock to 10 s past the next minute boundary; returns that minute's start."""
    now = clock(server)
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    advance(server, (start - now).total_seconds() + 10)
    return start


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
