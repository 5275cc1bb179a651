"""ECS Exec from the outside, as a user meets it: `aws ecs execute-command` run on a real
pseudo-terminal (the plugin needs one, as AWS's does) with ecslocal's session-manager-plugin on
PATH, and a minimal websocket client for the data channel (the tests' independent client for the
bad-input cases: wrong or reused tokens, undecodable frames, out-of-order sequence numbers)."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import termios
import time
import urllib.parse
import uuid
from pathlib import Path

from harness.cli import AWS_CLI


def plugin_dir(tmp: Path) -> Path:
    """A folder holding `session-manager-plugin` → the plugin ctest names (ECSLOCAL_PLUGIN), to
    put first on PATH: the tests use ecslocal's plugin even where AWS's is installed."""
    plugin = os.environ.get("ECSLOCAL_PLUGIN")
    assert plugin and os.access(plugin, os.X_OK), "ECSLOCAL_PLUGIN must name ecslocal's session-manager-plugin"
    folder = tmp / "plugin-bin"
    folder.mkdir(exist_ok=True)
    link = folder / "session-manager-plugin"
    if not link.exists():
        link.symlink_to(plugin)
    return folder


class PtySession:
    """A program (here: `aws ecs execute-command`, or `docker exec -it` for the benchmark's peer) on
    a pty of `rows`×`cols`: type(), expect(), resize(), wait()."""

    def __init__(self, argv: list[str], env: dict[str, str], rows: int = 40, cols: int = 120):
        master, slave = pty.openpty()
        self.master = master
        self.resize(rows, cols, fd=slave)
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = b""

    @classmethod
    def execute_command(cls, endpoint: str, env: dict[str, str], plugin_folder: Path, args: list[str],
                        rows: int = 40, cols: int = 120) -> "PtySession":
        """`aws ecs execute-command <args>` with the plugin of `plugin_folder` first on PATH."""
        env = dict(env)
        env["PATH"] = f"{plugin_folder}:{env.get('PATH', '/usr/bin:/bin')}"
        return cls([AWS_CLI, "--endpoint-url", endpoint, "ecs", "execute-command", *args], env, rows, cols)

    def resize(self, rows: int, cols: int, fd: int | None = None) -> None:
        fcntl.ioctl(self.master if fd is None else fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        if fd is None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGWINCH)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # EIO: every process holding the slave is gone
            return False
        if not chunk:
            return False
        self.output += chunk
        return True

    def expect(self, needle: str | bytes, timeout: float = 30.0, since: int = 0) -> int:
        """Reads until `needle` appears after offset `since`; its end offset."""
        want = needle.encode() if isinstance(needle, str) else needle
        deadline = time.monotonic() + timeout
        while (at := self.output.find(want, since)) < 0:
            left = deadline - time.monotonic()
            assert left > 0, f"no {want!r} within {timeout} s; the terminal shows:\n{self.text()[-3000:]}"
            if not self._read(min(left, 0.5)) and self.output.find(want, since) < 0:
                raise AssertionError(f"the session ended without {want!r}; the terminal shows:\n{self.text()[-3000:]}")
        return at + len(want)

    def wait(self, timeout: float = 30.0) -> int:
        """Reads to the end; the CLI's exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            if self.process.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                break
        try:
            return self.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the CLI did not end within {timeout} s; the terminal shows:\n{self.text()[-3000:]}")

    def text(self) -> str:
        return self.output.decode(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        os.close(self.master)


# ---- a minimal websocket client and the data channel's binary messages ----

class WebSocket:
    """RFC 6455 client framing over a plain socket (loopback only): enough for the tests."""

    def __init__(self, url: str, timeout: float = 10.0):
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname in ("127.0.0.1", "localhost"), f"the tests dial loopback only, not {url}"
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            assert chunk, "the server closed during the upgrade"
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        self.status = int(head.split(b" ")[1])

    def send(self, payload: bytes | str) -> None:
        opcode = 1 if isinstance(payload, str) else 2
        data = payload.encode() if isinstance(payload, str) else payload
        mask = os.urandom(4)
        n = len(data)
        header = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else
                                           bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                           bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _need(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self) -> tuple[int, bytes]:
        """(opcode, payload) of the next frame; opcode 8 is a close (payload: code + reason)."""
        b0, b1 = self._need(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._need(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._need(8))[0]
        return b0 & 0x0F, self._need(n)

    def close(self) -> None:
        self.sock.close()


def encode_message(message_type: str, seq: int, payload_type: int, payload: bytes, flags: int = 0) -> bytes:
    """A ClientMessage (spec §5.4): 116-byte header, payload length, payload."""
    msg_id = uuid.uuid4().bytes
    return (struct.pack(">I", 116) + message_type.encode().ljust(32, b" ") + struct.pack(">I", 1) +
            struct.pack(">Q", int(time.time() * 1000)) + struct.pack(">q", seq) + struct.pack(">Q", flags) +
            msg_id[8:] + msg_id[:8] + hashlib.sha256(payload).digest() + struct.pack(">I", payload_type) +
            struct.pack(">I", len(payload)) + payload)


def decode_message(frame: bytes) -> dict:
    header = struct.unpack(">I", frame[:4])[0]
    msg_id = frame[64:80]
    payload = frame[header + 4:]
    return {"type": frame[4:36].strip(b" \0").decode(), "seq": struct.unpack(">q", frame[48:56])[0],
            "flags": struct.unpack(">Q", frame[56:64])[0], "id": str(uuid.UUID(bytes=msg_id[8:] + msg_id[:8])),
            "digest_ok": frame[80:112] == hashlib.sha256(payload).digest(),
            "payload_type": struct.unpack(">I", frame[112:116])[0], "payload": payload}


def acknowledge(message: dict) -> bytes:
    body = json.dumps({"AcknowledgedMessageType": message["type"], "AcknowledgedMessageId": message["id"],
                       "AcknowledgedMessageSequenceNumber": message["seq"], "IsSequentialMessage": True})
    return encode_message("acknowledge", 0, 0, body.encode(), flags=3)


def open_channel(session: dict, token: str | None = None) -> WebSocket:
    ws = WebSocket(session["streamUrl"])
    assert ws.status == 101, f"the data channel answered {ws.status}"
    ws.send(json.dumps({"MessageSchemaVersion": "1.0", "RequestId": str(uuid.uuid4()),
                        "TokenValue": session["tokenValue"] if token is None else token}))
    return ws
