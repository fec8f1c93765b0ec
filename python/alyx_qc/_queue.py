"""The review queue: many sessions signed off in one widget, at the speed of reading their plots.

The front end (``js/widget/review-queue.ts``) loads the queue through the relay, shows each
session's plot and writes each sign-off with the core's workflow; Python holds the credentials,
makes the plots (``plot(eid)``, run in the kernel, sent as binary buffers) and hears the statuses
as messages. No per-session state is in a synced trait: the saved notebook stays the same size
however many sessions are reviewed, and what is done lives in Alyx (re-running the cell resumes).
"""

from __future__ import annotations

import io
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

import requests
import traitlets as t

from ._credentials import Credentials, resolve_credentials
from ._figure import Figure, plot_figure
from ._relay import Relay
from ._scope import MAX_LIMIT, RelayScope
from ._validation import check_flag, check_sign_off_key, check_sign_off_kind, check_uuid4, sign_off_reason_count
from ._widget import _CREDENTIAL_ARGS, _check_options, _QcWidget

__all__ = ["ReviewQueue", "check_session_filter", "loading_filters", "pending_filters"]

#: Sessions per ``__in`` request (``js/core/review-queue.ts`` QUEUE_BATCH, where the bytes are
#: counted: 200 hex ids keep the longest request line under 8190 bytes): the relay allows the
#: exact strings the front end sends, so both build them the same way.
QUEUE_BATCH = 200
#: Largest image sent to the page (a plot, not a movie).
MAX_PLOT_BYTES = 20 << 20

_STATUS_KEYS = ("eid", "subject", "start_time", "number", "task_protocol", "status", "signed_off_by", "signed_off_on", "reasons", "error")

# -- django filters ---------------------------------------------------------------------------------

#: The session's own fields, and the few relations a reviewer filters on, that a pending look-up
#: may name. Anything else could reach other tables (users, tokens): Alyx follows every relation.
_FILTER_FIELDS = frozenset({
    "number", "start_time", "end_time", "task_protocol", "qc", "type", "n_trials", "n_correct_trials",
    "projects__name", "subject__nickname", "lab__name",
})
_DATE_FIELDS = frozenset({"start_time", "end_time"})
_DATE_PARTS = frozenset({"date", "year", "month", "day"})
_OPERATORS = frozenset({"exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "gt", "gte", "lt", "lte", "isnull"})
_LOOKUP = re.compile(r"[a-z_]+")
_VALUE = re.compile(r"[^\[\](){}'\"\\\n\r]*")


def _check_lookup(lookup: str) -> None:
    if not _LOOKUP.fullmatch(lookup):
        raise ValueError(f"[alyx-qc] {lookup!r} in django= is not a field look-up (lower-case letters and underscores).")
    parts = lookup.split("__")
    field = "__".join(parts[:2]) if "__".join(parts[:2]) in _FILTER_FIELDS else parts[0]
    rest = parts[len(field.split("__")):]
    if field not in _FILTER_FIELDS:
        raise ValueError(
            f"[alyx-qc] django= may not filter on {lookup!r}: only the session's own fields and {', '.join(sorted(_FILTER_FIELDS))} "
            "(a filter through other relations could read other tables, such as users and their tokens)."
        )
    if rest and field in _DATE_FIELDS and rest[0] in _DATE_PARTS:
        rest = rest[1:]
    if len(rest) > 1 or (rest and rest[0] not in _OPERATORS):
        raise ValueError(f"[alyx-qc] {lookup!r} in django= ends in a look-up the queue does not pass; use one of {', '.join(sorted(_OPERATORS))}.")


def check_session_filter(django: object) -> str:
    """The notebook user's own ``django=`` filter for a pending look-up, checked; ``""`` for none.

    Only ``field,value`` pairs on the session's own fields, ``projects__name``,
    ``subject__nickname``, ``lab__name`` and dates, with plain values (no lists, quotes or
    brackets, which Alyx's parser evaluates): the relay then allows exactly this filter.
    """
    if django is None:
        return ""
    if not isinstance(django, str):
        raise TypeError(f"[alyx-qc] django= takes a string like 'projects__name,ibl_neuropixel_brainwide_01', not {type(django).__name__}.")
    django = django.strip()
    if not django:
        return ""
    if len(django) > 500:
        raise ValueError("[alyx-qc] django= is longer than 500 characters: narrow the filter, or pass the eids.")
    if not _VALUE.fullmatch(django):
        raise ValueError(f"[alyx-qc] django={django[:60]!r} holds quotes, brackets or a newline, which Alyx would evaluate: give plain values (no lists).")
    items = django.split(",")
    if len(items) % 2:
        raise ValueError(f"[alyx-qc] django={django!r} is not 'field,value' pairs: it has {len(items)} comma-separated items.")
    for lookup in items[::2]:
        _check_lookup(lookup.strip())
    if any(item != item.strip() for item in items):
        raise ValueError("[alyx-qc] django= must not hold spaces around its commas.")
    return django


def pending_filters(key: str, django: str = "") -> Tuple[str, str]:
    """The pending look-ups (``js/core/review-queue.ts`` pendingFilters): the key null, the key absent."""
    extra = f",{django}" if django else ""
    return (f"json__sign_off_checklist__{key},None{extra}", f"json__sign_off_checklist__{key}__isnull,True{extra}")


def _py_list(eids: List[str]) -> str:
    """``[0x<32 hex>,...]``, as the core's ``pyList``: Alyx evaluates the list, and Django's
    UUIDField takes an int as ``UUID(int=...)``, in fewer URL bytes than quoted UUIDs."""
    return "[" + ",".join("0x" + eid.replace("-", "") for eid in eids) + "]"


def loading_filters(key: str, eids: List[str]) -> List[str]:
    """The extra ``GET /sessions`` filters the queue's loading sends (``queueFilters`` in the core):
    per batch of eids, the ones signed off. Alyx's session list has no ``json``, so Alyx is asked."""
    return [
        f"pk__in,{_py_list(eids[index:index + QUEUE_BATCH])},json__sign_off_checklist__{key}__user__isnull,False"
        for index in range(0, len(eids), QUEUE_BATCH)
    ]


# -- plots ------------------------------------------------------------------------------------------

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def _sniff(data: bytes) -> Optional[str]:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def plot_image(result: Any) -> Tuple[str, bytes]:
    """What ``plot(eid)`` returned as ``(mime type, bytes)``; raises ``TypeError`` when it is not an image.

    A matplotlib figure (saved as PNG, then closed so the notebook does not show it again), PNG,
    JPEG, GIF or WebP bytes, or anything IPython shows as an image (``_repr_png_``,
    ``_repr_jpeg_``, ``_repr_svg_``: ``IPython.display.Image``, plotly with kaleido, ...).
    """
    if hasattr(result, "savefig"):
        buffer = io.BytesIO()
        result.savefig(buffer, format="png", bbox_inches="tight")
        _close_figure(result)
        return "image/png", buffer.getvalue()
    if isinstance(result, (bytes, bytearray, memoryview)):
        data = bytes(result)
        mime = _sniff(data)
        if mime is None:
            raise TypeError(f"plot() returned {len(data)} bytes that are not a PNG, JPEG, GIF or WebP image.")
        return mime, data
    for method, mime in (("_repr_png_", "image/png"), ("_repr_jpeg_", "image/jpeg"), ("_repr_svg_", "image/svg+xml")):
        shown = getattr(result, method, None)
        data = shown() if callable(shown) else None
        if isinstance(data, tuple):  # (data, metadata), as IPython allows
            data = data[0]
        if isinstance(data, str):
            data = data.encode("utf-8")
        if isinstance(data, bytes) and data:
            return mime, data
    raise TypeError(
        f"plot() returned {type(result).__name__}, not an image: return a matplotlib figure, PNG or JPEG bytes, "
        "or anything IPython displays as an image (IPython.display.Image)."
    )


def _close_figure(figure: Any) -> None:
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close(figure)
        except Exception:  # noqa: BLE001 - a figure not made by pyplot has nothing to close
            pass


# -- the widget -------------------------------------------------------------------------------------


def _check_eids(eids: object) -> List[str]:
    if isinstance(eids, str) or not isinstance(eids, Iterable):
        raise TypeError("[alyx-qc] ReviewQueue() takes a list of session eids, e.g. ReviewQueue([eid1, eid2], ...); for one session use SignOff.")
    checked: List[str] = []
    for eid in eids:
        lower = check_uuid4(eid, "session eid")
        if lower not in checked:
            checked.append(lower)
    if not checked:
        raise ValueError("[alyx-qc] The review queue is empty: pass the eids of the sessions to review, or use ReviewQueue.pending(...).")
    return checked


class ReviewQueue(_QcWidget):
    """Reviews many sessions in one widget: their plots one after another, each signed off in Alyx.

    >>> from alyx_qc import ReviewQueue
    >>> ReviewQueue(eids, key="_ephysChoiceWorld_00", kind="task", alyx=one.alyx, plot=plot)  # doctest: +SKIP
    >>> ReviewQueue.pending(key="_ephysChoiceWorld_00", kind="task", alyx=one.alyx,
    ...                     django="projects__name,ibl_neuropixel_brainwide_01")          # doctest: +SKIP

    Keys (while the queue has focus): digits toggle reason N, ``o`` the Other text, Enter signs
    off and moves to the next due session at once (the write runs in the background), ←/→
    previous/next, ``s`` skips. What is done lives in Alyx: running the cell again shows the
    sessions signed off as done and starts at the first due one.

    Parameters
    ----------
    eids
        The sessions to review, in order.
    key, kind
        The sign-off checklist key and its kind, as for :class:`SignOff`.
    plot
        ``plot(eid)`` returning a matplotlib figure, PNG/JPEG bytes or anything IPython displays
        as an image; called in the kernel for the session shown and the next one. An exception
        shows in the queue for that session, and the review goes on. A PNG or JPEG plot is
        attached to the session's sign-off as its figure (docs/figures.md), unless the reviewer
        unticks "Attach this figure to the note" for that session.
    alyx, base_url, token, username
        As for :class:`SignOff`.
    """

    _bundle = "queue"

    eids = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    """The sessions of the queue, in order (lower-case eids). Fixed.

    - Type: list of str
    """

    has_plot = t.Bool(False).tag(sync=True)
    """Whether a ``plot`` callable was given. Fixed.

    - Type: bool
    """

    def __init__(
        self,
        eids: Iterable[str],
        key: str = "_ephysChoiceWorld_00",
        kind: str = "task",
        *,
        alyx: Any = None,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        username: Optional[str] = None,
        plot: Optional[Callable[[str], Any]] = None,
        **kwargs: Any,
    ) -> None:
        credentials: Optional[Credentials] = kwargs.pop("_credentials", None)
        _check_options("ReviewQueue", kwargs, ["eids", "key", "kind", *_CREDENTIAL_ARGS, "plot"])
        checked = _check_eids(eids)
        key, kind = check_sign_off_key(key), check_sign_off_kind(kind)
        if plot is not None and not callable(plot):
            raise TypeError(f"[alyx-qc] plot= takes a function plot(eid) returning an image, not {type(plot).__name__}.")
        credentials = credentials or resolve_credentials(alyx=alyx, base_url=base_url, token=token, username=username)
        # The page may read exactly this queue's sessions and notes, and sign off its key on them.
        # With a plot, the page may also ask the kernel to attach a session's rendered plot to its
        # sign-off as the figure note (docs/figures.md), and read those figures back.
        scope = RelayScope(objects=frozenset(checked), sign_off_keys=frozenset({key}), session_filters=frozenset(loading_filters(key, checked)), figures=plot is not None)
        relay = Relay(credentials, scope=scope)
        # Held in the kernel by eid: the page names a figure by its SHA-256, never sends bytes.
        self.__figures: Dict[str, Figure] = {}
        relay.figures = self.__figures
        self.__plot = plot
        self.__statuses: Optional[List[Dict[str, Any]]] = None
        super().__init__(credentials=credentials, scope=scope, relay=relay, mode="queue", target=checked[0], sign_off_key=key, kind=kind, eids=checked, has_plot=plot is not None)

    @classmethod
    def pending(
        cls,
        key: str = "_ephysChoiceWorld_00",
        kind: str = "task",
        *,
        alyx: Any = None,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        username: Optional[str] = None,
        django: Optional[str] = None,
        limit: int = 250,
        plot: Optional[Callable[[str], Any]] = None,
    ) -> "ReviewQueue":
        """The sessions whose sign-off for ``key`` is due (``null``) or absent, found by Alyx's JSON
        look-ups in the kernel, narrowed by your own ``django`` filter (e.g.
        ``"projects__name,ibl_neuropixel_brainwide_01"``: the session's own fields,
        ``projects__name``, ``subject__nickname``, ``lab__name`` and dates), at most ``limit``."""
        key, kind = check_sign_off_key(key), check_sign_off_kind(kind)
        extra = check_session_filter(django)
        if type(limit) is not int or not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"[alyx-qc] limit= takes a whole number from 1 to {MAX_LIMIT}, not {limit!r}.")
        credentials = resolve_credentials(alyx=alyx, base_url=base_url, token=token, username=username)
        found: List[str] = []
        for look_up in pending_filters(key, extra):
            for record in _list_sessions(credentials, look_up, limit):
                eid = str(record.get("id", "")).lower()
                if eid and eid not in found:
                    found.append(eid)
        if not found:
            where = f" with django={extra!r}" if extra else ""
            raise ValueError(f"[alyx-qc] No session is due for {key}{where}: nothing to review. Check the key and the filter.")
        return cls(found[:limit], key, kind, plot=plot, _credentials=credentials)

    # -- from the page ----------------------------------------------------------------------------

    def _dispatch(self, content: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "plot-request":
            self._send_plot(content.get("eid"))
        elif isinstance(content, dict) and content.get("type") == "queue-statuses":
            self._receive_statuses(content.get("statuses"))
        else:
            super()._dispatch(content)

    def _send_plot(self, eid: object) -> None:
        if not isinstance(eid, str) or eid not in self.eids:
            return
        if self.__plot is None:
            self.send({"type": "plot", "eid": eid, "error": "This queue has no plot function."})
            return
        try:
            mime, data = plot_image(self.__plot(eid))
            if len(data) > MAX_PLOT_BYTES:
                raise ValueError(f"the image is {len(data) >> 20} MB, over {MAX_PLOT_BYTES >> 20} MB: make a smaller figure.")
        except Exception as error:  # noqa: BLE001 - the user's plot failing must not stop the queue
            self.send({"type": "plot", "eid": eid, "error": f"plot({eid!r}) failed: {type(error).__name__}: {str(error)[:500]}"})
            return
        # A PNG or JPEG is what the sign-off may attach: the page gets its digest and size to name it.
        figure = plot_figure(data)
        if figure is not None:
            self.__figures[eid] = figure
        else:
            self.__figures.pop(eid, None)
        attachable = {} if figure is None else {"size": figure.size, "sha256": figure.sha256}
        # The image as a binary buffer of the message: never base64 in a trait, saved with the notebook.
        self.send({"type": "plot", "eid": eid, "mime": mime, **attachable}, buffers=[data])

    def _receive_statuses(self, statuses: object) -> None:
        if not isinstance(statuses, list):
            return
        rows = [{key: row.get(key) for key in _STATUS_KEYS} for row in statuses if isinstance(row, dict) and row.get("eid") in self.eids]
        self.__statuses = rows

    # -- for Python -------------------------------------------------------------------------------

    @property
    def statuses(self) -> List[Dict[str, Any]]:
        """Every session's status as the widget shows it: a list of dicts (``pandas.DataFrame(q.statuses)``).

        Keys: ``eid``, ``subject``, ``start_time``, ``number``, ``task_protocol``, ``status``
        (``due``, ``signed-off``, ``writing``, ``failed``, ``invalid``, or ``loading`` until the
        widget has loaded), ``signed_off_by``, ``signed_off_on``, ``reasons``, ``error``.
        """
        if self.__statuses is None:
            return [{**dict.fromkeys(_STATUS_KEYS), "eid": eid, "status": "loading", "reasons": []} for eid in self.eids]
        return [dict(row, reasons=list(row.get("reasons") or [])) for row in self.__statuses]

    def summary(self) -> Dict[str, Any]:
        """Counts of the statuses, and the header's words: ``14 of 40 signed off · 3 with reasons · 1 failed``."""
        rows = self.statuses
        count = {status: sum(1 for row in rows if row["status"] == status) for status in ("due", "signed-off", "writing", "failed", "invalid", "loading")}
        with_reasons = sum(1 for row in rows if row["status"] == "signed-off" and row["reasons"])
        parts = [f"{count['signed-off']} of {len(rows)} signed off", f"{with_reasons} with reasons"]
        parts += [f"{count[name]} {words}" for name, words in (("writing", "being written"), ("failed", "failed"), ("invalid", "cannot be signed off")) if count[name]]
        return {
            "total": len(rows),
            "signed_off": count["signed-off"],
            "with_reasons": with_reasons,
            "being_written": count["writing"],
            "failed": count["failed"],
            "due": count["due"],
            "invalid": count["invalid"],
            "text": " \u00b7 ".join(parts),
        }

    def submit(
        self,
        eid: str,
        reasons: Optional[List[str]] = None,
        *,
        nums: Optional[str] = None,
        other: Optional[str] = None,
        with_note: bool = True,
    ) -> None:
        """Signs off one session of the queue, as :meth:`SignOff.submit` does: reasons by text or
        by ibllib's ``nums``; none signs off the checklist only (the session is fine). The widget
        must be displayed; the outcome shows in the queue and in :attr:`statuses`."""
        eid = check_uuid4(eid, "session eid")
        if eid not in self.eids:
            raise ValueError(f"[alyx-qc] {eid} is not a session of this queue; add it to the eids, or use SignOff.")
        if reasons is None and nums is None:
            reasons = []
        self._submit(self._choice(reasons, nums, other, self), eid=eid, with_note=check_flag(with_note, "with_note"))

    def _reason_counts(self) -> "tuple[int, ...]":
        return (sign_off_reason_count(str(self.kind)),)

    def _reason_ranges(self) -> str:
        return f"from 0 to {sign_off_reason_count(str(self.kind)) - 1} for the {self.kind} sign-off"


def _list_sessions(credentials: Credentials, django: str, limit: int) -> List[Dict[str, Any]]:
    """One page of ``GET /sessions?django=...`` with the user's token, in the kernel."""
    token = credentials.token()
    headers = {"Accept": "application/json", **({"Authorization": f"Token {token}"} if token else {})}
    url = f"{credentials.base_url}/sessions"
    try:
        response = requests.get(url, params={"django": django, "limit": limit}, headers=headers, timeout=30, allow_redirects=False)
    except requests.RequestException as error:
        raise ConnectionError(f"[alyx-qc] The pending look-up could not reach {credentials.base_url}: {type(error).__name__}.") from None
    if response.status_code != 200:
        detail = response.text[:300].replace(token, "[token]") if token else response.text[:300]
        raise RuntimeError(f"[alyx-qc] GET {url}?django={django[:200]} failed with {response.status_code}: {detail}. Check the key and the django= filter.")
    body = response.json()
    return list(body.get("results", []) if isinstance(body, dict) else body)

