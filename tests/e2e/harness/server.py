"""Starts and stops one ecslocal process for a pytest session."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT_SECONDS = 5.0
STOP_TIMEOUT_SECONDS = 10.0


def free_loopback_port() -> int:
    """A port nobody listens on right now (the kernel's pick for 127.0.0.1:0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerError(RuntimeError):
    pass


class EcslocalServer:
    """One ecslocal child process listening on a free loopback port."""

    def __init__(self, binary: str | os.PathLike, log_path: Path, extra_args: tuple[str, ...] = ()):
        self.binary = Path(binary)
        self.log_path = Path(log_path)
        self.extra_args = tuple(extra_args)
        self.instance = f"e2e-{os.getpid()}"  # scopes ecslocal's Docker housekeeping to this run
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, attempts: int = 3) -> None:
        if not self.binary.is_file() or not os.access(self.binary, os.X_OK):
            raise ServerError(f"ecslocal binary not found or not executable: {self.binary}")
        # The port is free when picked but could be taken before ecslocal binds it: retry then.
        for attempt in range(attempts):
            self.port = free_loopback_port()
            self._log = open(self.log_path, "ab")
            self.process = subprocess.Popen(
                [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port), "--strict-shapes",
                 "--log-level", "warn", "--instance", self.instance, *self.extra_args],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
            if self._wait_healthy(START_TIMEOUT_SECONDS):
                return
            exited = self.process.poll() is not None
            self._kill()
            if not exited or attempt == attempts - 1:
                raise ServerError(f"ecslocal did not answer /_ecslocal/health on port {self.port} within "
                                  f"{START_TIMEOUT_SECONDS}s; log:\n{self.log_tail()}")

    def _wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if self.health().get("status") == "running":
                    return True
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        return False

    def health(self) -> dict:
        with urllib.request.urlopen(self.endpoint + "/_ecslocal/health", timeout=2) as r:
            return json.loads(r.read())

    def reset(self) -> None:
        req = urllib.request.Request(self.endpoint + "/_ecslocal/reset", data=b"", method="POST")
        # Reset answers once every task's containers are stopped and removed (stop timeouts).
        with urllib.request.urlopen(req, timeout=120) as r:
            if r.status != 200:
                raise ServerError(f"reset answered HTTP {r.status}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> int:
        """SIGTERM, wait, and return the exit code (killing it if it hangs)."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._kill()
                raise ServerError(f"ecslocal ignored SIGTERM for {STOP_TIMEOUT_SECONDS}s; log:\n{self.log_tail()}")
        code = self.process.returncode
        self._close_log()
        return code

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
