"""Tiny real HTTP servers on loopback for the faults the development Alyx cannot produce: a
redirect at login, a server without ``/users``, a server that drips one byte a second. Each is
a stand-in for a misconfigured or hostile deployment, named as such in the tests; each records
what it received, so a test can tell whether a password or token reached it."""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable, List, Optional


class Server:
    """Answers every connection with ``respond(request_bytes, connection)``; records the requests."""

    def __init__(self, respond: Callable[[bytes, socket.socket], None]) -> None:
        self.received: List[bytes] = []
        self._respond = respond
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.closed_connections = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += connection.recv(65536)
                self.received.append(head + b"\r\n\r\n" + body)
                self._respond(head + b"\r\n\r\n" + body, connection)
            except OSError:
                self.closed_connections += 1

    def close(self) -> None:
        self._stop = True
        self._socket.close()


def answer(status: str, body: bytes = b"", headers: Optional[dict] = None) -> Callable[[bytes, socket.socket], None]:
    """Always the same answer."""

    def respond(_request: bytes, connection: socket.socket) -> None:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Content-Type: application/json", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    return respond


def drip(where: str = "body", seconds: float = 60.0) -> Callable[[bytes, socket.socket], None]:
    """One byte a second, for ``seconds``: in the status line and headers (``where="headers"``) or
    in the body. Stops (and counts the connection closed) as soon as the client closes it."""

    def respond(_request: bytes, connection: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        if where == "body":
            connection.sendall(head)
            head = b""
        payload = head + b"[" + b" " * 100000
        end = time.monotonic() + seconds
        for index in range(len(payload)):
            if time.monotonic() > end:
                return
            connection.sendall(payload[index:index + 1])
            time.sleep(1.0)

    return respond
