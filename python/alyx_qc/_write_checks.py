"""The writes the page may ask the relay for, checked against the records as Alyx holds them.

"As Alyx holds them" is what the relay itself relayed: the workflows read the session and the
notes before they write (and read them again after), so the relay keeps the last answer it
relayed for each note and session of the widget's objects (``KnownRecords``) and checks a write
against it, with no extra request. Only a write on a record the relay has not seen yet makes it
read that record itself, in the kernel, first.

Comparing with the last relayed answer, not a fresh read, is also what the sign-off needs: two
reviewers signing off different keys at once each PATCH the ``json`` they read, and the other's
fresh key is not a change made by this page.
"""

from __future__ import annotations

import datetime
import json
import re
import threading
from typing import Any, Callable, Dict, Optional, Tuple

from ._scope import CRITICAL_INSERTION_TITLE, CRITICAL_SESSION_TITLE, FIGURE_TITLE, RelayRefused, RelayScope, note_title
from ._validation import check_content_type

__all__ = ["KnownRecords", "ReadFailed", "check_delete_note", "check_patch_note", "check_patch_session", "check_post_note"]

#: Longest note text the core writes (js/core/validation.ts, MAX_NOTE_TEXT_LENGTH).
MAX_NOTE_TEXT_LENGTH = 65_536
_NOTE_FIELDS = ("user", "content_type", "object_id", "text")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MISSING = object()

Fetch = Callable[[str], Tuple[int, Any]]
"""Reads a path of the Alyx in the kernel: its status and parsed JSON body (``None`` if none)."""


class ReadFailed(Exception):
    """The relay's own read of a record before a write got no usable answer: worth trying again."""


class KnownRecords:
    """The last answer the relay relayed for each note and session of the widget's objects."""

    def __init__(self, scope: RelayScope) -> None:
        self._scope = scope
        self._notes: Dict[str, dict] = {}
        self._sessions: Dict[str, Any] = {}
        self._lock = threading.Lock()

    def learn_note(self, note: object) -> None:
        if isinstance(note, dict) and isinstance(note.get("id"), str) and self._scope.has_object(note.get("object_id")):
            with self._lock:
                self._notes[note["id"]] = note

    def forget_note(self, note_id: str) -> None:
        with self._lock:
            self._notes.pop(note_id, None)

    def learn_session(self, eid: str, session: object) -> None:
        if isinstance(session, dict) and "json" in session and self._scope.has_object(eid):
            with self._lock:
                self._sessions[eid] = session["json"]

    def note(self, note_id: str, fetch: Fetch) -> Tuple[Optional[dict], int]:
        """The note as Alyx holds it, and the status of the read (200 when known already)."""
        with self._lock:
            known = self._notes.get(note_id)
        if known is not None:
            return known, 200
        status, body = fetch(f"/notes/{note_id}")
        if status == 200 and isinstance(body, dict):
            self.learn_note(body)
            return body, 200
        return None, status

    def session_json(self, eid: str, fetch: Fetch) -> Any:
        with self._lock:
            known = self._sessions.get(eid, _MISSING)
        if known is not _MISSING:
            return known
        status, body = fetch(f"/sessions/{eid}")
        if status != 200 or not isinstance(body, dict) or "json" not in body:
            raise ReadFailed(f"the relay could not read session {eid} to check the change (Alyx answered {status}).")
        self.learn_session(eid, body)
        return body["json"]


def _note_body(body: object, what: str, scope: RelayScope, username: str) -> dict:
    if not isinstance(body, dict) or sorted(body) != sorted(_NOTE_FIELDS):
        keys = sorted(body) if isinstance(body, dict) else type(body).__name__
        raise RelayRefused(f"{what} must have exactly the fields {', '.join(_NOTE_FIELDS)}, not {keys}.")
    if not all(isinstance(body[name], str) for name in _NOTE_FIELDS):
        raise RelayRefused(f"every field of {what} must be a string.")
    if body["user"] != username:
        raise RelayRefused(f"notes are written as {username!r}, the user this widget was created for, not {body['user'][:60]!r}.")
    if not scope.has_object(body["object_id"]):
        raise RelayRefused(f"{body['object_id'][:60]!r} is not an object of this widget.")
    try:
        check_content_type(body["content_type"])
    except ValueError:
        raise RelayRefused(f"{body['content_type'][:60]!r} is not an Alyx model name.") from None
    if len(body["text"]) > MAX_NOTE_TEXT_LENGTH:
        raise RelayRefused(f"the note text is {len(body['text'])} characters, over the limit of {MAX_NOTE_TEXT_LENGTH}.")
    return body


def _parsed(text: str) -> dict:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise RelayRefused("the note text is not the JSON of a QC note.") from None
    if not isinstance(parsed, dict):
        raise RelayRefused("the note text is not the JSON of a QC note.")
    return parsed


def check_post_note(body: object, scope: RelayScope, username: str) -> None:
    """``POST /notes``: a QC note of this widget, as the kernel user, in the shape the core writes."""
    note = _note_body(body, "POST /notes", scope, username)
    title = note_title(note["text"])
    if title == FIGURE_TITLE:
        # The relay checks a figure note with check_figure_post (_figure.py), against the figure it holds.
        raise RelayRefused("a figure note is written only with the figure the kernel holds, not as a note of text.")
    if title not in scope.titles:
        raise RelayRefused(f"this widget writes only notes titled {', '.join(sorted(scope.titles)) or '(none)'}, not {str(title)[:80]!r}.")
    parsed = _parsed(note["text"])
    if title in (CRITICAL_SESSION_TITLE, CRITICAL_INSERTION_TITLE):
        expected = "probeinsertion" if title == CRITICAL_INSERTION_TITLE else None
        if (note["content_type"] == "probeinsertion") != (expected == "probeinsertion"):
            raise RelayRefused(f"a note titled {title!r} does not go on a {note['content_type']!r}.")
        if sorted(parsed) != ["reason_for_other", "reasons_selected", "title"]:
            raise RelayRefused("a critical note holds exactly title, reasons_selected and reason_for_other.")
        return
    # A sign-off note: created with the reviewer's own entries only (merges are PATCHes).
    if note["content_type"] != "session":
        raise RelayRefused(f"sign-off notes go on a session, not a {note['content_type']!r}.")
    suffix = f"_{username}"
    foreign = [key for key in parsed if key != "title" and not (key.endswith(suffix) and _DATE.fullmatch(key[: -len(suffix)]))]
    if foreign:
        raise RelayRefused(f"a new sign-off note holds only entries <date>_{username}, not {foreign[0][:60]!r}.")


def check_patch_note(note_id: str, body: object, scope: RelayScope, username: str, known: KnownRecords, fetch: Fetch) -> Optional[int]:
    """``PATCH /notes/<id>``: a merge into a sign-off note of a scope key, full body, title kept.

    Returns the status to answer instead of sending (the note is gone), or ``None`` to send.
    """
    note = _note_body(body, f"PATCH /notes/{note_id}", scope, username)
    held, status = known.note(note_id, fetch)
    if held is None:
        return _gone(note_id, status)
    title = note_title(held.get("text"))
    sign_off_titles = scope.titles - {CRITICAL_SESSION_TITLE, CRITICAL_INSERTION_TITLE, FIGURE_TITLE}
    if title not in sign_off_titles or not scope.has_object(held.get("object_id")):
        raise RelayRefused(f"note {note_id} is not a sign-off note of this widget's keys and objects: only those are changed.")
    if note["object_id"] != held.get("object_id") or note["content_type"] != "session":
        raise RelayRefused(f"note {note_id} stays on session {held.get('object_id')}.")
    if note_title(note["text"]) != title:
        raise RelayRefused(f"note {note_id} keeps its title {title!r}.")
    return None


def check_delete_note(note_id: str, scope: RelayScope, known: KnownRecords, fetch: Fetch) -> Optional[int]:
    """``DELETE /notes/<id>``: only a QC note (exact title) of this widget's objects; never a figure."""
    held, status = known.note(note_id, fetch)
    if held is None:
        return _gone(note_id, status)
    title = note_title(held.get("text"))
    if not scope.has_object(held.get("object_id")) or title not in scope.titles - {FIGURE_TITLE}:
        raise RelayRefused(
            f"note {note_id} is not a QC note of this widget (titled {', '.join(sorted(scope.titles - {FIGURE_TITLE}))} "
            "on its objects): only those are deleted."
        )
    return None


def _gone(note_id: str, status: int) -> int:
    if status == 404:
        return 404
    raise ReadFailed(f"the relay could not read note {note_id} to check it (Alyx answered {status}).")


def check_patch_session(eid: str, body: object, scope: RelayScope, username: str, known: KnownRecords, fetch: Fetch) -> None:
    """``PATCH /sessions/<eid>`` with exactly ``{"json": …}``: only this widget's checklist entries change,
    each to ``{"date": "YYYY-MM-DD", "user": <kernel user>}``; every other key as Alyx holds it."""
    if not isinstance(body, dict) or list(body) != ["json"] or not isinstance(body["json"], dict):
        raise RelayRefused('a session is changed only with exactly {"json": {...}}.')
    if not scope.sign_off_keys:
        raise RelayRefused("this widget signs off no checklist key, so it changes no session.")
    new = body["json"]
    old = known.session_json(eid, fetch)
    if old is None:
        old = {}
    if not isinstance(old, dict):
        raise RelayRefused(f"session {eid}'s json is not an object in Alyx; a sign-off would replace it.")
    try:
        changed = sorted(key for key in set(old) | set(new) if key != "sign_off_checklist" and not _same(old.get(key, _MISSING), new.get(key, _MISSING)))
        if changed:
            raise RelayRefused(f"only json.sign_off_checklist may change, not json.{changed[0][:60]}.")
        old_list = old.get("sign_off_checklist")
        new_list = new.get("sign_off_checklist")
        old_list = {} if old_list is None else old_list
        if not isinstance(old_list, dict) or not isinstance(new_list, dict):
            raise RelayRefused("json.sign_off_checklist must stay an object.")
        for key in set(old_list) | set(new_list):
            before, after = old_list.get(key, _MISSING), new_list.get(key, _MISSING)
            if _same(before, after):
                continue
            if key not in scope.sign_off_keys:
                raise RelayRefused(f"only the checklist entries {', '.join(sorted(scope.sign_off_keys))} may change, not {key[:60]!r}.")
            if not _sign_off_entry(after, username):
                raise RelayRefused(f'the checklist entry {key} is set to exactly {{"date": "YYYY-MM-DD", "user": "{username}"}}.')
    except RecursionError:
        raise RelayRefused("the session's json is nested too deeply to check.") from None


def _sign_off_entry(value: object, username: str) -> bool:
    if not isinstance(value, dict) or sorted(value) != ["date", "user"] or value["user"] != username:
        return False
    date = value["date"]
    if not isinstance(date, str) or not _DATE.fullmatch(date):
        return False
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        return False
    return True


def _same(a: object, b: object) -> bool:
    """JSON equality: ``1`` and ``1.0`` are one number (JavaScript writes both as 1), ``true`` is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
