"""The kernel side of the request relay.

A stock Alyx sends no CORS headers, so the widget's front end cannot call it from a notebook page,
and the token must stay in Python anyway. The front end sends each request here as a custom
message; the relay checks it, performs it with the user's token and answers with the same id.

It is not an open proxy: only the configured base URL, only the endpoints and methods alyx-qc's
workflows use, only their query parameters. Anything else is refused with a message saying what
and why. No answer ever holds the token.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Dict, Optional, Tuple
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from ._credentials import Credentials
from ._messages import AlyxRelayErrorMessage, AlyxRequestMessage, AlyxResponseMessage, RelayErrorCode

__all__ = ["Relay", "RelayRefused"]

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

# (path pattern, methods allowed, whether it is a list endpoint taking django/limit/offset)
_ENDPOINTS: Tuple[Tuple["re.Pattern[str]", frozenset, bool], ...] = (
    (re.compile(r"/notes"), frozenset({"GET", "POST"}), True),
    (re.compile(rf"/notes/{_UUID}"), frozenset({"GET", "PATCH", "DELETE"}), False),
    (re.compile(r"/sessions"), frozenset({"GET"}), True),
    (re.compile(rf"/sessions/{_UUID}"), frozenset({"GET", "PATCH"}), False),
    (re.compile(r"/insertions"), frozenset({"GET"}), True),
    (re.compile(rf"/insertions/{_UUID}"), frozenset({"GET"}), False),
)
_LIST_QUERY = frozenset({"django", "limit", "offset"})
_PASSED_HEADERS = ("content-type", "retry-after")
_MAX_BODY = 1 << 20
_WORKERS = 4

_executor: Optional[ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def _shared_executor() -> ThreadPoolExecutor:
    """A few threads for every widget in the kernel: requests never block the kernel itself."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="alyx-qc-relay")
        return _executor


class RelayRefused(Exception):
    """The request is not one the relay sends. The message says what was refused and why."""


class Relay:
    """Checks and performs the front end's requests for one widget.

    ``perform`` answers one request message with a response or relay-error message, and never
    raises; ``start`` does it on a worker thread and hands the answer to ``reply``, unless the
    front end aborted the request meanwhile.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        session: Optional[requests.Session] = None,
        timeout: Tuple[float, float] = (5.0, 25.0),
    ) -> None:
        self.credentials = credentials
        self._session = session or requests.Session()
        # Connect and read timeouts: below the front end's 30 s, so the kernel answers first.
        self._timeout = timeout
        self._base = urlsplit(credentials.base_url)
        self._pending: Dict[str, "Future[None]"] = {}
        self._aborted: set = set()
        self._lock = threading.Lock()

    # -- checking -------------------------------------------------------------------------------

    def check(self, method: object, url: object, body: object = None) -> str:
        """The URL to send, rebuilt from its checked parts; raises ``RelayRefused`` otherwise."""
        base_url = self.credentials.base_url
        if not isinstance(url, str) or not isinstance(method, str):
            raise RelayRefused("the request has no method or URL.")
        parts = urlsplit(url)
        if (parts.scheme.lower(), (parts.hostname or "").lower(), _port(parts)) != (
            self._base.scheme,
            (self._base.hostname or "").lower(),
            _port(self._base),
        ):
            raise RelayRefused(
                f"only the Alyx this widget was created for ({base_url}) is relayed, not {_origin(parts)}."
            )
        if parts.username or parts.password or parts.fragment:
            raise RelayRefused("the URL must not hold credentials or a fragment.")
        base_path = self._base.path.rstrip("/")
        if not parts.path.startswith(base_path + "/"):
            raise RelayRefused(f"{parts.path} is outside {base_url}.")
        path = parts.path[len(base_path):]
        if path.endswith("/") and len(path) > 1:
            path = path[:-1]
        endpoint = next((entry for entry in _ENDPOINTS if entry[0].fullmatch(path)), None)
        if endpoint is None:
            raise RelayRefused(
                f"{path} is not an endpoint alyx-qc uses (only /notes, /sessions and /insertions, "
                "and their records by UUID); the relay is not a general proxy."
            )
        pattern, methods, is_list = endpoint
        if method not in methods:
            raise RelayRefused(f"{method} {path} is not a request alyx-qc makes (allowed: {', '.join(sorted(methods))}).")
        query = parse_qsl(parts.query, keep_blank_values=True)
        if query and not (is_list and method == "GET"):
            raise RelayRefused(f"{method} {path} takes no query parameters.")
        names = [name for name, _ in query]
        unknown = sorted(set(names) - _LIST_QUERY)
        if unknown or len(names) != len(set(names)):
            raise RelayRefused(
                f"query parameter(s) {', '.join(unknown) or 'repeated'} refused; only django, limit and offset, once each."
            )
        if method in ("POST", "PATCH"):
            if not isinstance(body, str) or len(body) > _MAX_BODY:
                raise RelayRefused(f"{method} {path} needs a JSON body under {_MAX_BODY} characters.")
            try:
                parsed = json.loads(body)
            except ValueError:
                raise RelayRefused(f"the body of {method} {path} is not JSON.") from None
            if not isinstance(parsed, dict):
                raise RelayRefused(f"the body of {method} {path} must be a JSON object.")
        elif body is not None:
            raise RelayRefused(f"{method} {path} takes no body.")
        return f"{base_url}{path}" + (f"?{urlencode(query)}" if query else "")

    # -- performing -----------------------------------------------------------------------------

    def perform(self, message: AlyxRequestMessage) -> "AlyxResponseMessage | AlyxRelayErrorMessage":
        """Checks and sends one request; the answer message (never raises, never holds the token)."""
        request_id = str(message.get("id", ""))
        method = message.get("method")
        body = message.get("body")
        try:
            url = self.check(method, message.get("url"), body)
        except RelayRefused as refusal:
            return self._error(request_id, "refused", f"{method} {message.get('url')} refused: {refusal}")
        try:
            response, used = self._send(str(method), url, body)
            if response.status_code == 403 and _invalid_token(response) and self._token_changed(used):
                # ONE's client logged in again since the request was sent: try once with the new token.
                response, _ = self._send(str(method), url, body)
        except requests.Timeout:
            return self._error(request_id, "timeout", f"{method} {url} got no answer from Alyx within {self._timeout[1]:g} s.")
        except requests.RequestException as error:
            return self._error(request_id, "network", f"{method} {url} failed: {type(error).__name__}: {error}")
        except Exception as error:  # noqa: BLE001 - the front end must get an answer, whatever happened
            return self._error(
                request_id, "internal", f"the relay failed on {method} {url} ({type(error).__name__}: {error}); please report this."
            )
        headers = {name: response.headers[name] for name in _PASSED_HEADERS if name in response.headers}
        return {
            "type": "alyx-response",
            "id": request_id,
            "status": response.status_code,
            "headers": headers,
            "body": self._scrub(response.text),
        }

    def start(self, message: AlyxRequestMessage, reply: Callable[[dict], None]) -> None:
        """Performs the request on a worker thread, then ``reply(answer)`` unless it was aborted."""
        request_id = str(message.get("id", ""))

        def run() -> None:
            answer = self.perform(message)
            with self._lock:
                self._pending.pop(request_id, None)
                if request_id in self._aborted:
                    self._aborted.discard(request_id)
                    return
            reply(answer)

        with self._lock:
            self._pending[request_id] = _shared_executor().submit(run)

    def abort(self, request_id: str) -> None:
        """The front end gave up on this request: drop it if not started, else do not answer it."""
        with self._lock:
            future = self._pending.pop(request_id, None)
            if future is not None and not future.cancel():
                self._aborted.add(request_id)

    def close(self) -> None:
        """Drops every request not yet started; those in flight finish unanswered."""
        with self._lock:
            for request_id, future in list(self._pending.items()):
                if not future.cancel():
                    self._aborted.add(request_id)
            self._pending.clear()

    @property
    def pending_count(self) -> int:
        with self._lock:
            return len(self._pending)

    # -- helpers --------------------------------------------------------------------------------

    def _send(self, method: str, url: str, body: Optional[str]) -> Tuple[requests.Response, Optional[str]]:
        """The response, and the token it was sent with."""
        headers = {"Accept": "application/json"}
        token = self.credentials.token()
        if token:
            headers["Authorization"] = f"Token {token}"
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = body.encode("utf-8")
        # Never follow a redirect: it could take the token to another host.
        response = self._session.request(method, url, data=data, headers=headers, timeout=self._timeout, allow_redirects=False)
        # Alyx answers JSON, which is UTF-8 whatever the content-type says (or does not say).
        response.encoding = "utf-8"
        return response, token

    def _token_changed(self, used: Optional[str]) -> bool:
        return self.credentials.client is not None and self.credentials.token() not in (None, used)

    def _scrub(self, text: str) -> str:
        token = self.credentials.token()
        return text.replace(token, "[token]") if token else text

    def _error(self, request_id: str, code: RelayErrorCode, message: str) -> AlyxRelayErrorMessage:
        return {"type": "alyx-relay-error", "id": request_id, "code": code, "message": self._scrub(message)}


def _port(parts) -> Optional[int]:
    try:
        port = parts.port
    except ValueError:
        return -1
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return None if port == default else port


def _origin(parts) -> str:
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.scheme or parts.netloc else "a relative URL"


def _invalid_token(response: requests.Response) -> bool:
    return '"Invalid token."' in response.text

