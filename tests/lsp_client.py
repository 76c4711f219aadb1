"""A minimal LSP client for the tests: JSON-RPC over a real server's stdin/stdout."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any


class LspClient:
    """Runs ``command`` and speaks LSP to it: requests wait for their response, while
    notifications are kept in arrival order for ``wait_for``."""

    def __init__(self, command: list[str], cwd: str | None = None) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
        )
        self._next_id = 0
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self._messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _take(self, timeout: float) -> dict[str, Any]:
        message = self._messages.get(timeout=timeout)
        if "method" in message and "id" in message:  # a request from the server
            self._send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        return message

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self._next_id += 1
        number = self._next_id
        self._send({"id": number, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._take(max(deadline - time.monotonic(), 0.01))
            if message.get("id") == number and "method" not in message:
                assert "error" not in message, message["error"]
                return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, uri: str | None = None, timeout: float = 30) -> dict:
        """The next notification ``method`` (for ``uri``) not yet waited for."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.notifications):
                params = message.get("params") or {}
                if message["method"] == method and uri in (None, params.get("uri")):
                    del self.notifications[index]
                    return params
            self._take(max(deadline - time.monotonic(), 0.01))

    def drain(self, seconds: float) -> None:
        """Read what arrives during ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._take(left)
            except queue.Empty:
                return

    def close(self) -> int:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
