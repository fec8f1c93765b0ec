"""The kernel side of the request relay.

A stock Alyx sends no CORS headers, so the widget's page cannot call it from a notebook, and
the token must stay in Python anyway. The page sends each request here as a custom message; the
relay checks it, performs it with the user's token and answers with the same id.

The page is untrusted: in hosts that relay widget messages but run no page code in the kernel
(Voila, dashboards, a kernel holding a lab's service token) the relay is the only wall. So it
accepts only the exact request forms the workflows send (the relay contract, see ``_scope.py``
for the reads and ``_write_checks.py`` for the writes), on the widget's own objects, as the
kernel's user; anything else is refused with a message saying what and why. It never follows a
redirect, every request has a total deadline, an abort closes the request's connection, and each
widget has its own workers, so one stuck request or server starves no other widget. Every
request message gets an answer, and no answer holds the token.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import requests

from . import _http
from ._credentials import Credentials, InvalidToken, check_token_owner, owner_known, owner_query
from ._figure import Figure, check_figure_post, multipart_note, perform_image_request
from ._messages import AlyxRelayErrorMessage, AlyxResponseMessage, RelayErrorCode
from ._scope import FIGURE_TITLE, RelayRefused, RelayScope, note_title
from ._write_checks import KnownRecords, ReadFailed, check_delete_note, check_patch_note, check_patch_session, check_post_note

__all__ = ["Relay", "RelayRefused", "RelayScope"]

_LOWER_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_PATH = re.compile(rf"/(notes|sessions|insertions)(?:/({_LOWER_UUID}))?")
# Which methods each route takes: (endpoint, has an id) -> methods.
_METHODS = {
    ("notes", False): ("GET", "POST"),
    ("notes", True): ("GET", "PATCH", "DELETE"),
    ("sessions", False): ("GET",),
    ("sessions", True): ("GET", "PATCH"),
    ("insertions", False): ("GET",),
    ("insertions", True): ("GET",),
}
_PASSED_HEADERS = ("content-type", "retry-after")
_MAX_BODY = 1 << 20
_MAX_ID = 200
#: Requests of one widget in flight at once: the page sends at most three reads together, and
#: list pages four at a time. Each widget has its own, so a stuck one starves no other.
_WORKERS = 6
#: Requests of one widget waiting or in flight, beyond which new ones are refused at once.
_MAX_PENDING = 256


class _Route(NamedTuple):
    method: str
    endpoint: str
    record: Optional[str]
    """The UUID in the path, if any."""
    url: str
    """Rebuilt from the checked parts."""
    body: Any
    """The parsed JSON body of a POST or PATCH."""


class Relay:
    """Checks and performs the page's requests for one widget (see the module doc).

    ``perform`` answers one request message with a response or relay-error message, and never
    raises; ``start`` does it on one of the widget's workers and hands the answer to ``reply``,
    unless the page aborted the request meanwhile (which also stops it).
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        scope: RelayScope,
        session: Optional[requests.Session] = None,
        timeout: float = 25.0,
    ) -> None:
        self.credentials = credentials
        self.scope = scope
        self.figure: Optional[Figure] = None
        """The figure the widget holds (issue 16): the bytes a figure note is written with."""
        self.figures: Optional[Dict[str, Figure]] = None
        """The review queue's: each session's rendered plot by eid, in place of ``figure``."""
        self._session = session or _http.new_session()
        # The total time one relayed request may take: below the page's 30 s, so the kernel answers first.
        self._timeout = float(timeout)
        self._base = urlsplit(credentials.base_url)
        self._known = KnownRecords(scope)
        self._pending: Dict[str, Tuple["Future[None]", _http.Watch]] = {}
        self._aborted: set = set()
        self._lock = threading.Lock()
        self._owner_lock = threading.Lock()
        self._executor: Optional[ThreadPoolExecutor] = None
        self._closed = False

    # -- checking -------------------------------------------------------------------------------

    def check(self, method: object, url: object, body: object = None) -> str:
        """The URL to send, rebuilt from its checked parts; raises ``RelayRefused`` otherwise.
        Writes are checked further against the records (see ``perform``)."""
        return self._route(method, url, body).url

    def _route(self, method: object, url: object, body: object) -> _Route:
        base_url = self.credentials.base_url
        if not isinstance(url, str) or not isinstance(method, str):
            raise RelayRefused("the request has no method or URL.")
        try:
            parts = urlsplit(url)
            _port(parts)
        except ValueError:
            raise RelayRefused("the URL is not a valid URL.") from None
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
        match = _PATH.fullmatch(path)
        if match is None:
            raise RelayRefused(
                f"{path[:120]} is not an endpoint alyx-qc uses (only /notes, /sessions and /insertions, "
                "and their records by lower-case UUID); the relay is not a general proxy."
            )
        endpoint, record = match.group(1), match.group(2)
        methods = _METHODS[(endpoint, record is not None)]
        if method not in methods:
            raise RelayRefused(f"{method[:20]} {path} is not a request alyx-qc makes (allowed: {', '.join(methods)}).")
        query = parse_qsl(parts.query, keep_blank_values=True)
        if query and not (record is None and method == "GET"):
            raise RelayRefused(f"{method} {path} takes no query parameters.")
        if record is None and method == "GET":
            self.scope.check_list_query(endpoint, query)
        if record is not None and endpoint != "notes" and not self.scope.has_object(record):
            raise RelayRefused(f"{endpoint[:-1]} {record} is not an object of this widget.")
        parsed = None
        if method in ("POST", "PATCH"):
            if not isinstance(body, str) or len(body) > _MAX_BODY:
                raise RelayRefused(f"{method} {path} needs a JSON body under {_MAX_BODY} characters.")
            try:
                body.encode("utf-8")
            except UnicodeEncodeError:
                raise RelayRefused(f"the body of {method} {path} is not valid Unicode (a lone surrogate).") from None
            try:
                parsed = json.loads(body)
            except RecursionError:
                raise RelayRefused(f"the body of {method} {path} is nested too deeply to be a request alyx-qc makes.") from None
            except ValueError:
                raise RelayRefused(f"the body of {method} {path} is not JSON.") from None
            if not isinstance(parsed, dict):
                raise RelayRefused(f"the body of {method} {path} must be a JSON object.")
        elif body is not None:
            raise RelayRefused(f"{method} {path} takes no body.")
        rebuilt = f"{base_url}{path}" + (f"?{urlencode(query)}" if query else "")
        return _Route(method, endpoint, record, rebuilt, parsed)

    def _check_write(self, route: _Route, fetch: _http_fetch) -> Optional[int]:
        """Checks a write against the records; a status to answer instead of sending it, or ``None``."""
        user = self.credentials.username
        if route.endpoint == "notes" and route.method == "POST":
            check_post_note(route.body, self.scope, user)
        elif route.endpoint == "notes" and route.method == "PATCH":
            return check_patch_note(str(route.record), route.body, self.scope, user, self._known, fetch)
        elif route.endpoint == "notes" and route.method == "DELETE":
            return check_delete_note(str(route.record), self.scope, self._known, fetch)
        elif route.endpoint == "sessions" and route.method == "PATCH":
            check_patch_session(str(route.record), route.body, self.scope, user, self._known, fetch)
        return None

    # -- performing -----------------------------------------------------------------------------

    def perform(self, message: object, watch: Optional[_http.Watch] = None) -> "AlyxResponseMessage | AlyxRelayErrorMessage":
        """Checks and sends one request; the answer message (never raises, never holds the token)."""
        request_id = _message_id(message)
        try:
            return self._perform(request_id, message, watch or _http.Watch())
        except Exception as error:  # noqa: BLE001 - the page must get an answer, whatever happened
            return self._error(request_id, "internal", f"the relay failed ({type(error).__name__}: {str(error)[:200]}); please report this.")

    def _perform(self, request_id: str, message: object, watch: _http.Watch) -> "AlyxResponseMessage | AlyxRelayErrorMessage":
        if not isinstance(message, dict):
            return self._error(request_id, "refused", "the request message is not an object.")
        method, url, body = message.get("method"), message.get("url"), message.get("body")
        shown = f"{str(method)[:20]} {str(url)[:300]}"
        if not isinstance(message.get("id"), str) or len(message["id"]) > _MAX_ID:
            return self._error(request_id, "refused", f"{shown} refused: the request needs an id, a string of at most {_MAX_ID} characters.")
        if message.get("type") == "alyx-image-request":
            # Issue 16: a figure note's image, read with the token; the widget sends its bytes as the binary buffer.
            image, buffers = perform_image_request(self, message, watch)
            return {**image, "buffers": buffers} if buffers else image  # type: ignore[return-value]
        deadline = time.monotonic() + self._timeout
        try:
            route = self._route(method, url, body)
            self._ensure_owner(deadline, watch)
            fetch = _http_fetch(self, deadline, watch)
            content_type = None
            if _is_figure_note(route):
                data, content_type = self._figure_note(route.body, fetch)
            else:
                instead = self._check_write(route, fetch)
                if instead is not None:
                    return {"type": "alyx-response", "id": request_id, "status": instead, "headers": {"content-type": "application/json"}, "body": '{"detail": "Not found."}'}
                # The text as checked: Alyx (DRF) parses it with the same json module, so it reads what was checked.
                data = body.encode("utf-8") if route.body is not None else None
            answer = self._send(route.method, route.url, data, deadline, watch, content_type)
            self._learn(route, answer)
            self._check_answer(route, answer)
        except RelayRefused as refusal:
            return self._error(request_id, "refused", f"{shown} refused: {refusal}")
        except _http.RequestTimedOut:
            return self._error(request_id, "timeout", f"{shown} got no whole answer from Alyx within {self._timeout:g} s; the request was stopped.")
        except _http.RequestAborted:
            return self._error(request_id, "network", f"{shown} was aborted.")
        except requests.Timeout:
            return self._error(request_id, "timeout", f"{shown} got no answer from Alyx within {self._timeout:g} s.")
        except requests.RequestException as error:
            return self._error(request_id, "network", f"{shown} failed: {type(error).__name__}: {str(error)[:300]}")
        except (PermissionError, InvalidToken) as error:
            return self._error(request_id, "refused", f"{shown} refused: {error}")
        except ReadFailed as error:  # nothing was written: the page may try again
            return self._error(request_id, "network", f"{shown} was not sent: {error}")
        except ConnectionError as error:  # the owner check's answer was not Alyx's
            return self._error(request_id, "network", f"{shown} failed: {error}")
        return {
            "type": "alyx-response",
            "id": request_id,
            "status": answer.status,
            "headers": {name: answer.headers[name] for name in _PASSED_HEADERS if name in answer.headers},
            "body": self._scrub(answer.text),
        }

    def _figure_note(self, body: dict, fetch: _http_fetch) -> Tuple[bytes, str]:
        """The multipart body of the figure note the page asked for (issue 16, docs/figures.md).

        The page sends the note's four fields only, as JSON: it never holds the figure's bytes.
        The fields must be exactly the figure note of a verdict of this widget for the figure the
        kernel holds (``check_figure_post``); the image is those bytes, with ``width=orig``.
        """
        figure = self.figure
        if self.figures is not None:  # the review queue: the plot it rendered for the session named
            object_id = body.get("object_id")
            figure = self.figures.get(object_id) if isinstance(object_id, str) else None
        fields = check_figure_post(body, self.scope, self.credentials.username, figure, fetch)
        return multipart_note(fields, figure)  # type: ignore[arg-type]

    def send_from_kernel(self, method: str, path: str, *, watch: Optional[_http.Watch] = None) -> _http.Answer:
        """A request without a body that the kernel itself makes on this Alyx, with the token, the deadline, no redirects.

        Not a page request: nothing here is checked against the contract. For the figure images
        (issue 16), which the figure module reads in the kernel with the token: the page receives
        the bytes, never the token.
        """
        return self._send(method, f"{self.credentials.base_url}{path}", None, time.monotonic() + self._timeout, watch or _http.Watch())

    def start(self, message: object, reply: Callable[[dict], None]) -> None:
        """Performs the request on a worker of this widget, then ``reply(answer)`` unless it was aborted."""
        request_id = _message_id(message)
        watch = _http.Watch()

        def run() -> None:
            answer = self.perform(message, watch)
            with self._lock:
                self._pending.pop(request_id, None)
                if request_id in self._aborted:
                    self._aborted.discard(request_id)
                    return
            reply(answer)

        with self._lock:
            if self._closed:
                return
            flooded = len(self._pending) >= _MAX_PENDING or request_id in self._pending
            if not flooded and self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="alyx-qc-relay")
            if not flooded:
                self._pending[request_id] = (self._executor.submit(run), watch)  # type: ignore[union-attr]
        if flooded:
            # The workflows have a few requests in flight, each with its own id: a flood would
            # only queue up memory and threads' time.
            reply(self._error(request_id, "refused", f"refused: {_MAX_PENDING} requests are in flight already, or this id is."))

    def abort(self, request_id: str) -> None:
        """The page gave up on this request: drop it if not started, else stop it and do not answer it."""
        with self._lock:
            entry = self._pending.pop(request_id, None)
            if entry is None:
                return
            future, watch = entry
            if not future.cancel():
                self._aborted.add(request_id)
        watch.stop("aborted")

    def close(self) -> None:
        """Drops every request not yet started and stops those in flight, unanswered."""
        with self._lock:
            self._closed = True
            entries = list(self._pending.items())
            self._pending.clear()
            for request_id, (future, _) in entries:
                if not future.cancel():
                    self._aborted.add(request_id)
            executor, self._executor = self._executor, None
        for _, (_, watch) in entries:
            watch.stop("aborted")
        if executor is not None:
            executor.shutdown(wait=False)

    @property
    def pending_count(self) -> int:
        with self._lock:
            return len(self._pending)

    # -- helpers --------------------------------------------------------------------------------

    def _send(self, method: str, url: str, data: Optional[bytes], deadline: float, watch: _http.Watch, content_type: Optional[str] = None) -> _http.Answer:
        answer, used = self._send_once(method, url, data, deadline, watch, content_type)
        if answer.status == 403 and _invalid_token(answer.text) and self._token_changed(used):
            # ONE's client logged in again since the request was sent: try once with the new token.
            answer, _ = self._send_once(method, url, data, deadline, watch, content_type)
        return answer

    def _send_once(self, method: str, url: str, data: Optional[bytes], deadline: float, watch: _http.Watch, content_type: Optional[str]) -> Tuple[_http.Answer, Optional[str]]:
        headers = {"Accept": "application/json"}
        token = self.credentials.token()
        if token:
            headers["Authorization"] = f"Token {token}"
        if data is not None:
            headers["Content-Type"] = content_type or "application/json"
        return _http.send(self._session, method, url, headers=headers, data=data, deadline=deadline, watch=watch), token

    def _ensure_owner(self, deadline: float, watch: _http.Watch) -> None:
        """The owner check the widget could not make (Alyx unreachable then), once, before any request."""
        if self.credentials.owner_checked:
            return
        with self._owner_lock:
            if self.credentials.owner_checked:
                return
            token = self.credentials.token()
            if token is None or owner_known(self.credentials, token):
                return
            answer = self._send("GET", f"{self.credentials.base_url}{owner_query(token)}", None, deadline, watch)
            check_token_owner(self.credentials, answer.status, _json_or_none(answer.text) if answer.status == 200 else None, token)
            self.credentials.owner_checked = True

    def _learn(self, route: _Route, answer: _http.Answer) -> None:
        """Keeps what Alyx answered about the widget's notes and sessions (see ``_write_checks``)."""
        if route.method == "DELETE" and answer.status in (204, 404):
            self._known.forget_note(str(route.record))
            return
        if not 200 <= answer.status < 300 or route.endpoint == "insertions":
            return
        parsed = _json_or_none(answer.text)
        if route.endpoint == "sessions" and route.record is not None:
            self._known.learn_session(route.record, parsed)
        elif route.endpoint == "notes" and route.record is None and route.method == "GET":
            results = parsed.get("results") if isinstance(parsed, dict) else parsed
            for note in results if isinstance(results, list) else []:
                self._known.learn_note(note)
        elif route.endpoint == "notes":
            self._known.learn_note(parsed)

    def _check_answer(self, route: _Route, answer: _http.Answer) -> None:
        """``GET /notes/<id>`` is answered only for a note of this widget's objects."""
        if route.endpoint == "notes" and route.record is not None and route.method == "GET" and answer.status == 200:
            parsed = _json_or_none(answer.text)
            if not isinstance(parsed, dict) or not self.scope.has_object(parsed.get("object_id")):
                raise RelayRefused(f"note {route.record} is not on an object of this widget.")

    def _token_changed(self, used: Optional[str]) -> bool:
        return self.credentials.client is not None and self.credentials.token() not in (None, used)

    def _scrub(self, text: str) -> str:
        try:
            token = self.credentials.token()
        except (InvalidToken, PermissionError):
            token = None
        return _scrubbed(text, token) if token else text

    def _error(self, request_id: str, code: RelayErrorCode, message: str) -> AlyxRelayErrorMessage:
        return {"type": "alyx-relay-error", "id": request_id, "code": code, "message": self._scrub(message)}


class _http_fetch:  # noqa: N801 - a small callable, named for what it does
    """The relay's own read of a record before a write: same deadline and watch as the write."""

    def __init__(self, relay: Relay, deadline: float, watch: _http.Watch) -> None:
        self._relay, self._deadline, self._watch = relay, deadline, watch

    def __call__(self, path: str) -> Tuple[int, Any]:
        answer = self._relay._send("GET", f"{self._relay.credentials.base_url}{path}", None, self._deadline, self._watch)
        return answer.status, _json_or_none(answer.text)


def _is_figure_note(route: _Route) -> bool:
    """``POST /notes`` of a note titled ``FIGURE_TITLE``: the kernel adds the image it holds."""
    return route.endpoint == "notes" and route.method == "POST" and note_title(route.body.get("text")) == FIGURE_TITLE


def _message_id(message: object) -> str:
    request_id = message.get("id") if isinstance(message, dict) else None
    return request_id[:_MAX_ID] if isinstance(request_id, str) else ""


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _scrubbed(text: str, token: str) -> str:
    """``text`` without the token: as it is, in any case, JSON- or URL-escaped, or in base64."""
    needles = {token, token.replace("/", "\\/"), quote(token, safe="")}
    raw = token.encode("ascii")
    for shift in range(3):
        # The token's base64 at each of the three alignments, without the characters it shares
        # with its neighbours.
        encoded = base64.b64encode(b"\0" * shift + raw).decode("ascii").rstrip("=")
        middle = encoded[(shift * 4 + 2) // 3: len(encoded) - 3]
        if len(middle) >= 16:
            needles.add(middle)
    pattern = "|".join(re.escape(needle) for needle in sorted(needles, key=len, reverse=True))
    return re.sub(pattern, "[token]", text, flags=re.IGNORECASE)


def _port(parts) -> Optional[int]:
    try:
        port = parts.port
    except ValueError:
        return -1
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return None if port == default else port


def _origin(parts) -> str:
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.scheme or parts.netloc else "a relative URL"


def _invalid_token(text: str) -> bool:
    return '"Invalid token."' in text
