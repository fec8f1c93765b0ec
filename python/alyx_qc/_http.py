"""Sending one request with a total deadline that an abort can also end, from another thread.

``requests``' timeouts are per socket read: a server that drips one byte a second (in its headers
or its body) holds a request for as long as it likes. Here every request gets a watch that knows
its connection; when the deadline passes or the page aborts, the watch shuts the socket down,
which ends the blocked read at once, and the request fails as timed out or aborted. The
connection pool is kept (keep-alive), so a watch only ever stops the connection while its own
request holds it.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Dict, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["Answer", "RequestAborted", "RequestTimedOut", "Watch", "new_session", "send"]

#: Largest answer read into memory (a thousand notes of 64 KB each).
MAX_ANSWER_BYTES = 64 << 20
_CONNECT_TIMEOUT = 5.0

_current = threading.local()


class RequestTimedOut(Exception):
    """The request did not finish within its deadline; its connection was closed."""


class RequestAborted(Exception):
    """The page gave up on the request; its connection was closed."""


class Watch:
    """One request's connection, so that its deadline or an abort can close it from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Optional[HTTPConnection] = None
        self.stopped: Optional[str] = None
        """``"timeout"`` or ``"aborted"`` once stopped."""
        self._done = False

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            stopped = self.stopped
        if stopped:
            _shut(connection)

    def stop(self, reason: str) -> None:
        """Ends the request now: its socket is shut down, so a blocked read returns at once."""
        with self._lock:
            if self.stopped or self._done:
                return
            self.stopped = reason
            connection = self._connection
        # Only while this request holds the connection: once back in the pool it is another's.
        if connection is not None and getattr(connection, "_alyx_qc_watch", None) is self:
            _shut(connection)

    def finish(self) -> None:
        with self._lock:
            self._done = True
            self._connection = None


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    try:
        # The plain socket's shutdown, also for TLS: SSLSocket.shutdown would drop its SSL state
        # under the thread reading from it.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Watched:
    """Tells the request's watch which connection it uses, each time one is used (urllib3 calls
    ``connect`` first for TLS, from ``request`` for plain HTTP, on the requesting thread)."""

    def _claim(self) -> None:
        watch = getattr(_current, "watch", None)
        self._alyx_qc_watch = watch
        if watch is not None:
            watch.attach(self)  # type: ignore[arg-type]

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._claim()
        return super().request(*args, **kwargs)  # type: ignore[misc]

    def connect(self):  # type: ignore[no-untyped-def]
        super().connect()  # type: ignore[misc]
        # Claimed after connecting, so that a watch stopped meanwhile shuts the new socket.
        self._claim()


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        manager = super().proxy_manager_for(*args, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def new_session() -> requests.Session:
    """A session whose requests can be stopped by their watch (see the module doc)."""
    session = requests.Session()
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Answer:
    """What Alyx answered: status, the headers, the body as text (UTF-8, as Alyx's JSON is), and
    as bytes (``content``: a figure's image, issue 16)."""

    def __init__(self, status: int, headers: Dict[str, str], text: str, content: bytes = b"") -> None:
        self.status, self.headers, self.text, self.content = status, headers, text, content


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    headers: Dict[str, str],
    data: Optional[bytes],
    deadline: float,
    watch: Watch,
) -> Answer:
    """Sends the request, never following a redirect, and reads the whole answer by ``deadline``
    (``time.monotonic()``); raises ``RequestTimedOut`` or ``RequestAborted`` when the watch ended it."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise RequestTimedOut()
    timer = threading.Timer(remaining, watch.stop, args=("timeout",))
    timer.daemon = True
    timer.start()
    _current.watch = watch
    try:
        # Never follow a redirect: it could take the token to another host.
        response = session.request(
            method, url, data=data, headers=headers, allow_redirects=False, stream=True,
            timeout=(min(_CONNECT_TIMEOUT, remaining), remaining),
        )
        try:
            chunks, size = [], 0
            for chunk in response.iter_content(64 << 10):
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise requests.RequestException(f"the answer is over {MAX_ANSWER_BYTES >> 20} MB")
                chunks.append(chunk)
            if watch.stopped:
                raise requests.RequestException("stopped")
        finally:
            response.close()
        headers_out = {name.lower(): value for name, value in response.headers.items()}
        content = b"".join(chunks)
        return Answer(response.status_code, headers_out, content.decode("utf-8", errors="replace"), content)
    except Exception:
        if watch.stopped == "aborted":
            raise RequestAborted() from None
        if watch.stopped == "timeout":
            raise RequestTimedOut() from None
        raise
    finally:
        _current.watch = None
        timer.cancel()
        watch.finish()
