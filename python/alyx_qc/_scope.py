"""What the page of one widget may ask the kernel relay for: its objects, its titles, its filters.

The page is untrusted (in Voila apps and dashboards the relay is the only wall), so the relay
accepts only the exact request forms the workflows send, scoped to the widget's own objects.
This module holds the scope and the read forms; ``_write_checks.py`` holds the writes.

Alyx's ``django=`` filter is passed to the ORM, which follows relations into other tables
(``user__auth_token__key__startswith,ab`` is accepted by Alyx 3.6.1), so any filter let through
is a yes/no oracle on tokens and password hashes: only fixed forms with UUIDs of the scope and
QC titles in fixed positions pass, compared as whole strings.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import AbstractSet, Optional

from ._validation import check_sign_off_key

__all__ = [
    "CRITICAL_INSERTION_TITLE",
    "CRITICAL_SESSION_TITLE",
    "FIGURE_TITLE",
    "RelayRefused",
    "RelayScope",
    "note_title",
    "sign_off_title",
]

CRITICAL_SESSION_TITLE = "=== EXPERIMENTER REASON(S) FOR MARKING THE SESSION AS CRITICAL ==="
CRITICAL_INSERTION_TITLE = "=== EXPERIMENTER REASON(S) FOR MARKING THE INSERTION AS CRITICAL ==="
#: The title of a figure note (docs/figures.md, issue 16).
FIGURE_TITLE = "=== QC FIGURE ==="

_LOWER_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The queue's id lists (``pyList`` in js/core/review-queue.ts): each UUID as a lower-case hex
#: integer of exactly 32 digits, which Alyx evaluates and Django's UUIDField reads as ``UUID(int=)``.
_UUID_LIST = re.compile(r"\[(0x[0-9a-f]{32}(?:,0x[0-9a-f]{32})*)\]")
_INTEGER = re.compile(r"[0-9]{1,9}")
MAX_LIMIT = 1000


class RelayRefused(Exception):
    """The request is not one the workflows send. The message says what was refused and why."""


def sign_off_title(key: str) -> str:
    """The title of a sign-off note, as ibllib writes it."""
    return f"=== SIGN-OFF NOTE FOR {key} ==="


def note_title(text: object) -> Optional[str]:
    """The ``title`` of a note's text parsed as JSON, or ``None`` when it has none.

    Exactly the parsed title, never "the text contains it": a discussion note quoting a
    critical note is not a critical note.
    """
    if not isinstance(text, str):
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    title = parsed.get("title") if isinstance(parsed, dict) else None
    return title if isinstance(title, str) else None


@dataclass(frozen=True)
class RelayScope:
    """What the page of one widget may ask the relay for."""

    objects: AbstractSet[str]
    """Lower-case UUIDs of the widget's session(s) or insertion."""
    sign_off_keys: AbstractSet[str] = frozenset()
    """Checklist keys the widget may sign off (SignOff, ReviewQueue)."""
    critical: bool = False
    """May write and replace critical notes on its objects (CriticalNote)."""
    session_filters: AbstractSet[str] = frozenset()
    """Exact extra ``django=`` values allowed on ``GET /sessions`` (the queue's pending look-ups,
    built in Python, never by the page)."""
    figures: bool = False
    """May write figure notes (issue 16) for its verdicts."""
    _titles: frozenset = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        objects = frozenset(self.objects)
        bad = sorted(item for item in objects if not isinstance(item, str) or not _LOWER_UUID.fullmatch(item))
        if bad or not objects:
            raise ValueError(f"[alyx-qc] RelayScope needs lower-case UUIDs as objects, not {bad[:3] or 'none'}.")
        keys = frozenset(check_sign_off_key(key) for key in self.sign_off_keys)
        for flag in ("critical", "figures"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"[alyx-qc] RelayScope's {flag} takes True or False, not {getattr(self, flag)!r}.")
        filters = frozenset(self.session_filters)
        if not all(isinstance(item, str) and item for item in filters):
            raise TypeError("[alyx-qc] RelayScope's session_filters are non-empty strings built in Python.")
        titles = {sign_off_title(key) for key in keys}
        if self.critical:
            titles |= {CRITICAL_SESSION_TITLE, CRITICAL_INSERTION_TITLE}
        if self.figures:
            titles.add(FIGURE_TITLE)
        # Frozen: set through object.__setattr__, as dataclasses do in their own __init__.
        object.__setattr__(self, "objects", objects)
        object.__setattr__(self, "sign_off_keys", keys)
        object.__setattr__(self, "session_filters", filters)
        object.__setattr__(self, "_titles", frozenset(titles))

    @property
    def titles(self) -> frozenset:
        """The QC titles this widget's notes may have."""
        return self._titles

    def has_object(self, value: object) -> bool:
        return isinstance(value, str) and value in self.objects

    # -- reads ------------------------------------------------------------------------------------

    def check_list_query(self, endpoint: str, query: "list[tuple[str, str]]") -> None:
        """Refuses a list query that is not one of the workflows' forms (see the relay contract)."""
        names = [name for name, _ in query]
        if len(names) != len(set(names)) or not set(names) <= {"django", "limit", "offset"}:
            raise RelayRefused(f"only django, limit and offset, once each, are sent to /{endpoint}, not {', '.join(names)}.")
        values = dict(query)
        for name in ("limit", "offset"):
            if name in values and not _INTEGER.fullmatch(values[name]):
                raise RelayRefused(f"{name} must be a whole number, not {values[name][:40]!r}.")
        if "limit" in values and not 1 <= int(values["limit"]) <= MAX_LIMIT:
            raise RelayRefused(f"limit must be 1 to {MAX_LIMIT}, not {values['limit']}.")
        django = values.get("django")
        if django is None:
            raise RelayRefused(f"/{endpoint} is only listed with a django= filter on this widget's objects.")
        if not self._django_allowed(endpoint, django):
            raise RelayRefused(
                f"django={django[:120]!r} is not a look-up the workflows make on /{endpoint}: only fixed forms "
                "naming this widget's objects and QC titles pass (other filters could read other tables)."
            )

    def _django_allowed(self, endpoint: str, django: str) -> bool:
        if endpoint in ("sessions", "insertions") and django.startswith("pk,"):
            return self.has_object(django[3:])
        if endpoint == "sessions":
            return django in self.session_filters or self._uuid_list(django, "pk__in,") is not None
        if endpoint != "notes":
            return False
        if django.startswith("object_id,"):
            return self.has_object(django[len("object_id,"):])
        if not django.startswith("text__icontains,"):
            return False
        rest = django[len("text__icontains,"):]
        # A title holds no comma, so the first ",object_id" ends it.
        title, separator, target = rest.partition(",object_id")
        if not separator or title not in self._titles:
            return False
        if target.startswith(","):
            return self.has_object(target[1:])
        return self._uuid_list(target, "__in,") is not None

    def _uuid_list(self, text: str, prefix: str) -> Optional[frozenset]:
        """The UUIDs of ``<prefix>[0x<32 hex>,0x<32 hex>,...]`` when every one is in scope, else ``None``."""
        if not text.startswith(prefix):
            return None
        match = _UUID_LIST.fullmatch(text[len(prefix):])
        if match is None:
            return None
        items = [str(uuid.UUID(hex=item[2:])) for item in match.group(1).split(",")]
        return frozenset(items) if all(self.has_object(item) for item in items) else None
