"""The widget classes: traits for what the notebook sees, the relay for what the front end asks.

Nothing of the QC workflows is here: the front end runs them (the TypeScript core) and reports
through the traits. Python holds the credentials, in a private attribute that is not synced.
"""

from __future__ import annotations

import difflib
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional

import anywidget
import traitlets as t

from ._credentials import Credentials, resolve_credentials
from ._figure import load_figure
from ._kinds import sign_off_kind
from ._relay import Relay
from ._scope import RelayScope
from ._validation import (
    CRITICAL_REASON_COUNTS,
    check_content_type,
    check_flag,
    check_nums,
    check_sign_off_key,
    check_sign_off_kind,
    check_uuid4,
    sign_off_reason_count,
)

__all__ = ["CriticalNote", "SignOff"]

_STATIC = Path(__file__).parent / "static"
_CREDENTIAL_ARGS = ("alyx", "base_url", "token", "username")
_FIXED = ("mode", "target", "sign_off_key", "kind", "note_kind", "content_type", "gui_only", "base_url", "user", "figure", "figure_thumbnail")
#: How long a view has to take up ``submit()`` (say it started) before the widget reports that
#: none did. A kernel busy running cells reads the view's answer only between cells.
SUBMIT_ACK_SECONDS = 120.0
_MAX_VIEW_ID = 100


def _bundle_source(name: str) -> str:
    """The front end of one widget class: each ships only its own panel and workflow."""
    bundle = _STATIC / f"{name}.js"
    try:
        return bundle.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"[alyx-qc] The widget's front end is not built ({bundle} is missing). In a source checkout, "
            "run `npm ci && npm run build:widget`; an installed alyx-qc wheel always includes it."
        ) from None


def _check_options(cls_name: str, given: Dict[str, Any], allowed: List[str]) -> None:
    """Unknown keyword arguments fail at once, with the nearest spelling (lonboard style)."""
    for name in given:
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise TypeError(f"[alyx-qc] {cls_name}() got an unexpected keyword argument {name!r}.{hint} Valid ones: {', '.join(allowed)}.")


class _QcWidget(anywidget.AnyWidget):
    """What both widgets share: the synced state, the relay, ``submit`` from Python."""

    _bundle = ""
    """The front end's file in ``static/``, without ``.js``: set by each widget class."""

    @property
    def _esm(self) -> str:  # read by anywidget when the widget is created
        return _bundle_source(self._bundle)

    mode = t.Unicode().tag(sync=True)
    """``"signoff"`` or ``"critical"``. Fixed when the widget is created.

    - Type: str
    """

    target = t.Unicode().tag(sync=True)
    """The session eid (sign-off), or the session eid / insertion pid (critical note). Fixed.

    - Type: str
    """

    sign_off_key = t.Unicode(None, allow_none=True).tag(sync=True)
    """The sign-off checklist key, e.g. ``"_ephysChoiceWorld_00"`` (sign-off only). Fixed.

    - Type: str or None
    """

    kind = t.Unicode(None, allow_none=True).tag(sync=True)
    """The sign-off kind: ``task``, ``passive``, ``video``, ``raw-ephys``, ``spike-sorting`` or
    ``alignment`` (sign-off only). Fixed.

    - Type: str or None
    """

    note_kind = t.Dict(default_value=None, allow_none=True).tag(sync=True)
    """The sign-off kind as the page's core reads it: its id, label and reasons (sign-off only;
    from ``static/kinds.json``, so the page's bundle carries no table of every kind). Fixed.

    - Type: dict or None
    """

    content_type = t.Unicode(None, allow_none=True).tag(sync=True)
    """The Alyx model the note is attached to, when given explicitly (critical note only; by
    default the widget finds out whether the UUID is a session or an insertion). Fixed.

    - Type: str or None
    - Default: None
    """

    gui_only = t.Bool(False).tag(sync=True)
    """The alignment GUI's path: insertion only, its five reasons, existing notes replaced
    without asking (critical note only). Fixed.

    - Type: bool
    - Default: False
    """

    base_url = t.Unicode().tag(sync=True)
    """The Alyx this widget writes to. Fixed.

    - Type: str
    """

    user = t.Unicode().tag(sync=True)
    """The Alyx user the notes are written as (a name, not a secret). Fixed.

    - Type: str
    """

    selected = t.List(t.Unicode(), default_value=[]).tag(sync=True)
    """The reasons ticked, by their exact text. Set it to tick reasons in the widget.

    - Type: list of str
    - Default: []
    """

    other = t.Unicode(None, allow_none=True).tag(sync=True)
    """The free text for "Other", kept as typed; ``None`` when there is none.

    - Type: str or None
    - Default: None
    """

    status = t.Unicode("loading").tag(sync=True)
    """``loading`` the context from Alyx, ``idle``, ``pending`` (a write in flight), ``written``
    or ``failed`` (see ``error``). Set by the front end.

    - Type: str
    - Default: "loading"
    """

    error = t.Unicode("").tag(sync=True)
    """What went wrong when ``status`` is ``failed``; says what to do.

    - Type: str
    - Default: ""
    """

    last_written = t.Dict(default_value=None, allow_none=True).tag(sync=True)
    """The last write: ``status`` (``written``, or ``superseded`` when another reviewer's critical
    note landed first), ``note_id``, ``text`` (the note's exact text), ``checklist_entry``
    (sign-off: ``{"date", "user"}``), ``deleted_note_ids`` (critical overwrite) and, when a figure
    was attached, ``figure_note_id``.

    - Type: dict or None
    - Default: None
    """

    existing_notes = t.List(t.Dict(), default_value=[]).tag(sync=True)
    """The notes of the same title on the object now: ``id``, ``user``, ``date_time``, ``text``.

    - Type: list of dict
    - Default: []
    """

    figure = t.Dict(default_value=None, allow_none=True).tag(sync=True)
    """The figure given with ``figure=``, attached to the note as a note of its own (issue 16):
    ``content_type``, ``size`` (bytes) and ``sha256``. Its bytes stay in the kernel. Fixed.

    - Type: dict or None
    - Default: None
    """

    figure_thumbnail = t.Bytes(b"").tag(sync=True)
    """A small PNG of the figure, for the page (empty without a figure, or without Pillow). Fixed.

    - Type: bytes
    - Default: b""
    """

    def __init__(self, *, credentials: Credentials, scope: RelayScope, relay: Optional[Relay] = None, figure: Any = None, **traits: Any) -> None:
        _bundle_source(self._bundle)  # fail before anything is shown if the front end is missing
        # Checked and rendered first: a bad figure is an error in the cell, before anything is shown.
        held = None if figure is None else load_figure(figure)
        # Private and not a trait: never synced, never saved with the notebook.
        self.__credentials = credentials
        # The page may ask only for what this widget's workflow does, on its own object.
        self.__relay = relay or Relay(credentials, scope=scope)
        self.__relay.figure = held
        self.__frontends: Dict[str, int] = {}
        self.__frontends_lock = threading.Lock()
        # Submissions sent to a view and not yet taken up (id -> timer).
        self.__unacknowledged: Dict[str, threading.Timer] = {}
        self.__submit_count = 0
        # Displayed, but no front end has said so yet (cells run before the kernel reads the
        # front end's messages, e.g. "Run All"): submit() waits for the first view.
        self.__displayed = False
        self.__queued: List[Dict[str, Any]] = []
        self.__created = False
        super().__init__(
            base_url=credentials.base_url,
            user=credentials.username,
            figure=None if held is None else {"content_type": held.content_type, "size": held.size, "sha256": held.sha256},
            figure_thumbnail=b"" if held is None else held.thumbnail or b"",
            note_kind=sign_off_kind(traits["kind"]) if traits.get("kind") else None,
            **traits,
        )
        self.__created = True
        self.on_msg(self._handle_message)

    @t.validate(*_FIXED)
    def _keep_fixed(self, proposal: Any) -> Any:
        if self.__created and proposal["value"] != getattr(self, proposal["trait"].name):
            raise t.TraitError(
                f"[alyx-qc] {proposal['trait'].name} is fixed when the widget is created; create a new widget instead."
            )
        return proposal["value"]

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """A message from the page. Malformed ones are ignored (or, for requests, refused); none
        raises here: an exception would stop the comm handler for every later message."""
        try:
            self._dispatch(content)
        except Exception as error:  # noqa: BLE001 - see the docstring
            request_id = content.get("id") if isinstance(content, dict) else None
            if isinstance(content, dict) and content.get("type") == "alyx-request" and isinstance(request_id, str):
                self.send({"type": "alyx-relay-error", "id": request_id[:200], "code": "internal", "message": f"the kernel failed on this message ({type(error).__name__}); please report this."})

    def _dispatch(self, content: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "alyx-request":
            self.__relay.start(content, self.send)  # type: ignore[arg-type]
        elif kind == "alyx-image-request":
            # Issue 16: an image's bytes go as the message's binary buffer.
            self.__relay.start(content, lambda answer: self.send(answer, answer.pop("buffers", None)))
        elif kind == "alyx-abort":
            if isinstance(content.get("id"), str):
                self.__relay.abort(content["id"])
        elif kind == "submit-started":
            timer = self.__unacknowledged.pop(content.get("id"), None) if isinstance(content.get("id"), str) else None
            if timer is not None:
                timer.cancel()
        elif kind == "views":
            frontend, count = content.get("frontend"), content.get("count")
            # A view id is a short string and the count a whole number: anything else is not a view.
            if not isinstance(frontend, str) or not 0 < len(frontend) <= _MAX_VIEW_ID or type(count) is not int or count < 0:
                return
            with self.__frontends_lock:
                # Keyed by view id (the front end calls it "frontend"), the view shown last at the
                # end: submit() goes to it.
                self.__frontends.pop(frontend, None)
                if isinstance(count, int) and count > 0:
                    self.__frontends[frontend] = count
                queued, self.__queued = (self.__queued, []) if frontend in self.__frontends else ([], self.__queued)
            for message in queued:
                self._send_submit(message, frontend)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        self.__displayed = True
        return super()._repr_mimebundle_(**kwargs)

    def _submit(self, choice: Dict[str, Any], **options: Any) -> None:
        self.__submit_count += 1
        message = {"type": "submit", "id": f"s-{self.__submit_count}", "choice": choice, **options}
        with self.__frontends_lock:
            frontend = next(reversed(self.__frontends), None)
            if frontend is None and self.__displayed:
                self.__queued.append(message)
        if frontend is None and not self.__displayed:
            raise RuntimeError(
                f"[alyx-qc] {type(self).__name__}.submit() needs the widget on screen: the front end runs the "
                "workflow. Display it first (put it last in a cell, or display(widget)); for scripts without "
                "a notebook, use the alyx-qc command line."
            )
        self.status = "pending"
        self.error = ""
        if frontend is not None:
            self._send_submit(message, frontend)
        else:
            self._expect_view(message)

    def _send_submit(self, message: Dict[str, Any], frontend: str) -> None:
        """Sends the submission to a view, and bounds how long it may take to say it started."""
        self._expect_view(message, frontend)
        self.send({**message, "frontend": frontend})

    def _expect_view(self, message: Dict[str, Any], frontend: Optional[str] = None) -> None:
        def give_up() -> None:
            if self.__unacknowledged.pop(message["id"], None) is None:
                return
            with self.__frontends_lock:
                if message in self.__queued:
                    self.__queued.remove(message)
            # Queued: it is dropped, so nothing will be written. Sent: the view said nothing, so it
            # is not known to run it (a page may announce a view it does not have).
            where = f"the view it was sent to ({frontend}) did not say it started it" if frontend else "no view of the widget appeared, and it was dropped"
            self.status = "failed"
            self.error = (
                f"[alyx-qc] submit() was not taken up within {SUBMIT_ACK_SECONDS:g} s: {where}. "
                "Show the widget (run the cell that displays it), check existing_notes, then call submit() again."
            )

        previous = self.__unacknowledged.pop(message["id"], None)
        if previous is not None:
            previous.cancel()
        timer = threading.Timer(SUBMIT_ACK_SECONDS, give_up)
        timer.daemon = True
        self.__unacknowledged[message["id"]] = timer
        timer.start()

    @staticmethod
    def _choice(reasons: Optional[List[str]], nums: Optional[str], other: Optional[str], current: "_QcWidget") -> Dict[str, Any]:
        if reasons is not None and nums is not None:
            raise TypeError("[alyx-qc] Give the reasons by text (reasons=) or by number (nums=), not both.")
        if other is not None and not isinstance(other, str):
            raise TypeError(f"[alyx-qc] other= takes the free text as a string, not {type(other).__name__}.")
        if nums is not None:
            counts = current._reason_counts()
            what = current._reason_ranges()
            return {"nums": check_nums(nums, counts, what), "other": other}
        if reasons is None:
            # Nothing given: what is ticked in the widget now.
            return {"reasons": list(current.selected), "other": current.other if other is None else other}
        if isinstance(reasons, str):
            raise TypeError('[alyx-qc] reasons= takes a list of reason texts, e.g. ["Drift"]; for numbers use nums="1,3".')
        if not isinstance(reasons, (list, tuple)) or not all(isinstance(reason, str) for reason in reasons):
            raise TypeError('[alyx-qc] reasons= takes a list of reason texts, e.g. ["Drift"].')
        return {"reasons": list(reasons), "other": other}

    def _reason_counts(self) -> "tuple[int, ...]":
        """How many reasons the widget's kind may offer (``nums`` index them)."""
        raise NotImplementedError

    def _reason_ranges(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        """Closes the widget; requests to Alyx not yet answered are stopped."""
        relay = self.__dict__.get("_QcWidget__relay")
        if relay is not None:  # None when __init__ failed before the relay existed
            relay.close()
        for timer in list(self.__dict__.get("_QcWidget__unacknowledged", {}).values()):
            timer.cancel()
        super().close()


class SignOff(_QcWidget):
    """Signs off one part of a session's QC: the reasons, the note, the checklist entry.

    >>> from alyx_qc import SignOff
    >>> SignOff(eid, key="_ephysChoiceWorld_00", kind="task", alyx=one.alyx)  # doctest: +SKIP

    Parameters
    ----------
    eid
        The session's UUID.
    key
        The sign-off checklist key, e.g. ``"_ephysChoiceWorld_00"``, ``"_neuropixel_raw_probe00"``.
    kind
        ``task``, ``passive``, ``video``, ``raw-ephys``, ``spike-sorting`` or ``alignment``.
    alyx
        ONE's ``AlyxClient`` (``one.alyx``) or a ``ONE``: its URL, user and token are used.
    base_url, token, username
        Without ``alyx``: the Alyx URL with ``token`` and ``username``, or with ``username``
        alone to type the password (it is exchanged for a token and not kept).
    figure
        The plot the reviewer judged: a matplotlib figure, PNG/JPEG bytes, a path, or anything
        IPython shows as an image. It is attached as a note of its own that names this sign-off
        (docs/figures.md); the panel shows it with "Attach this figure to the note".
    """

    _bundle = "signoff"

    def __init__(
        self,
        eid: str,
        key: str,
        kind: str,
        *,
        alyx: Any = None,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        username: Optional[str] = None,
        figure: Any = None,
        **kwargs: Any,
    ) -> None:
        _check_options("SignOff", kwargs, ["eid", "key", "kind", *_CREDENTIAL_ARGS, "figure"])
        eid, key, kind = check_uuid4(eid, "session eid"), check_sign_off_key(key), check_sign_off_kind(kind)
        credentials = resolve_credentials(alyx=alyx, base_url=base_url, token=token, username=username)
        scope = RelayScope(objects=frozenset({eid}), sign_off_keys=frozenset({key}), figures=True)
        super().__init__(credentials=credentials, scope=scope, figure=figure, mode="signoff", target=eid, sign_off_key=key, kind=kind)

    def _reason_counts(self) -> "tuple[int, ...]":
        return (sign_off_reason_count(str(self.kind)),)

    def _reason_ranges(self) -> str:
        return f"from 0 to {sign_off_reason_count(str(self.kind)) - 1} for the {self.kind} sign-off"

    def submit(
        self,
        reasons: Optional[List[str]] = None,
        *,
        nums: Optional[str] = None,
        other: Optional[str] = None,
        with_note: bool = True,
        attach_figure: bool = True,
    ) -> None:
        """Signs off as if the reviewer ticked the reasons and pressed the button.

        Give the reasons by text, or by ibllib's numbers (``nums="1,3"``, 0-based); with
        neither, what is ticked in the widget is submitted. ``with_note=False`` only sets the
        checklist entry. The figure given with ``figure=`` is attached unless
        ``attach_figure=False``. The widget must be displayed (its front end runs the workflow); the
        write happens once the current cell has finished, and its outcome lands in ``status``,
        ``error`` and ``last_written`` (watch them with ``widget.observe``).
        """
        self._submit(self._choice(reasons, nums, other, self), with_note=check_flag(with_note, "with_note"), **({} if check_flag(attach_figure, "attach_figure") else {"attach_figure": False}))


class CriticalNote(_QcWidget):
    """Marks a session or a probe insertion as CRITICAL with a note of reasons.

    >>> from alyx_qc import CriticalNote
    >>> CriticalNote(pid, alyx=one.alyx)  # doctest: +SKIP

    Parameters
    ----------
    uuid
        A session eid or an insertion pid; which one is found out from Alyx.
    content_type
        The Alyx model, for a UUID that is neither (e.g. ``"subject"``).
    gui_only
        The alignment GUI's path: an insertion, its five reasons, existing notes replaced.
    alyx, base_url, token, username, figure
        As for :class:`SignOff`; the figure names the critical note.
    """

    _bundle = "critical"

    def __init__(
        self,
        uuid: str,
        *,
        alyx: Any = None,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        username: Optional[str] = None,
        content_type: Optional[str] = None,
        gui_only: bool = False,
        figure: Any = None,
        **kwargs: Any,
    ) -> None:
        _check_options("CriticalNote", kwargs, ["uuid", *_CREDENTIAL_ARGS, "content_type", "gui_only", "figure"])
        uuid = check_uuid4(uuid, "session eid or insertion pid")
        content_type = check_content_type(content_type)
        gui_only = check_flag(gui_only, "gui_only")
        credentials = resolve_credentials(alyx=alyx, base_url=base_url, token=token, username=username)
        super().__init__(
            credentials=credentials,
            scope=RelayScope(objects=frozenset({uuid}), critical=True, figures=True),
            figure=figure,
            mode="critical",
            target=uuid,
            content_type=content_type,
            gui_only=gui_only,
        )

    def _reason_counts(self) -> "tuple[int, ...]":
        if self.gui_only:
            return (CRITICAL_REASON_COUNTS["gui"],)
        if self.content_type == "probeinsertion":
            return (CRITICAL_REASON_COUNTS["insertion"],)
        if self.content_type is not None:
            return (CRITICAL_REASON_COUNTS["session"],)
        # Session or insertion is found out by the page; the page checks the exact range again.
        return (CRITICAL_REASON_COUNTS["session"], CRITICAL_REASON_COUNTS["insertion"])

    def _reason_ranges(self) -> str:
        session, insertion, gui = (CRITICAL_REASON_COUNTS[name] - 1 for name in ("session", "insertion", "gui"))
        if self.gui_only:
            return f"from 0 to {gui} (the alignment GUI's reasons)"
        if self.content_type == "probeinsertion":
            return f"from 0 to {insertion} for an insertion"
        if self.content_type is not None:
            return f"from 0 to {session}"
        return f"from 0 to {session} for a session, 0 to {insertion} for an insertion"

    def submit(
        self,
        reasons: Optional[List[str]] = None,
        *,
        nums: Optional[str] = None,
        other: Optional[str] = None,
        overwrite: bool = False,
        attach_figure: bool = True,
    ) -> None:
        """Writes the critical note as if the reviewer ticked the reasons and pressed the button.

        Reasons by text or ``nums`` as for :meth:`SignOff.submit`. When notes of the same title
        exist, nothing is written unless ``overwrite=True``, which replaces them (the new note is
        written first, then the old ones are deleted). Needs the widget displayed; the outcome
        lands in ``status``, ``error`` and ``last_written`` after the cell.
        """
        self._submit(self._choice(reasons, nums, other, self), overwrite=check_flag(overwrite, "overwrite"), **({} if check_flag(attach_figure, "attach_figure") else {"attach_figure": False}))
