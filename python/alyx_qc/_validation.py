"""Checks on the arguments typed in a cell, so a typo fails in the cell that made it.

The TypeScript core checks the same things again before it sends anything (it is the reference:
``js/core/validation.ts``, ``content-type.ts``, ``reasons.ts``); these move the error to where
the user typed the value. The kernel relay uses the same checks on what the page sends.
"""

from __future__ import annotations

import re
from typing import Optional

from ._kinds import sign_off_kind, sign_off_kind_names

_UUID_ANY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.IGNORECASE)
# Always with fullmatch: `$` would also match before a trailing newline.
_SIGN_OFF_KEY = re.compile(r"_[A-Za-z0-9_]+")
_MODEL_NAME = re.compile(r"[a-z][a-z0-9_]*")
_NUMS = re.compile(r"\s*[0-9]+\s*(?:,\s*[0-9]+\s*)*")

#: Longest sign-off key: it goes into a note title, a JSON key and a ``django=`` filter.
MAX_SIGN_OFF_KEY_LENGTH = 64
#: Longest model name given as ``content_type`` (Alyx's are short: ``probeinsertion`` is 14).
MAX_MODEL_NAME_LENGTH = 64

#: How many reasons each critical kind offers, "Other" included (js/core/critical-kinds.ts; ``gui``
#: the alignment GUI's subset): ``nums`` are 0-based indices into them, as in ibllib.
CRITICAL_REASON_COUNTS = {"session": 5, "insertion": 7, "gui": 5}


def _clip(text: str, limit: int = 60) -> str:
    """The value as an error quotes it: shortened, and control characters shown escaped."""
    shown = "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)
    return shown if len(shown) <= limit else f"{shown[:limit]}…"


def check_uuid4(value: object, what: str) -> str:
    """The UUID, lower-cased; a ``ValueError`` naming the fix unless it is a version-4 UUID."""
    if not isinstance(value, str):
        raise TypeError(f"[alyx-qc] The {what} must be a string of 36 characters, not {type(value).__name__}.")
    text = value.strip()
    if not _UUID_ANY.fullmatch(text):
        raise ValueError(f'[alyx-qc] "{_clip(text)}" is not a UUID. Pass the {what} as 36 characters like "2ffd3ed5-477e-4153-9af7-7fdad3c6946b".')
    if not _UUID_V4.fullmatch(text):
        raise ValueError(f'[alyx-qc] "{text}" is a version-{text[14]} UUID, but Alyx ids are version 4. Check that you copied the {what} from Alyx.')
    return text.lower()


def check_sign_off_key(value: object) -> str:
    """Keys go into a note title and a ``django=`` filter: ``_`` then letters, digits, underscores."""
    if not isinstance(value, str):
        raise TypeError(f"[alyx-qc] The sign-off key must be a string like \"_ephysChoiceWorld_00\", not {type(value).__name__}.")
    if not _SIGN_OFF_KEY.fullmatch(value):
        raise ValueError(
            f'[alyx-qc] "{_clip(value)}" is not a sign-off key: it must start with "_" and hold only letters, digits and '
            'underscores, e.g. "_ephysChoiceWorld_00" or "_neuropixel_raw_probe00".'
        )
    if len(value) > MAX_SIGN_OFF_KEY_LENGTH:
        raise ValueError(
            f"[alyx-qc] The sign-off key is {len(value)} characters long, over the limit of {MAX_SIGN_OFF_KEY_LENGTH}: "
            "pass the key from the session's sign_off_checklist."
        )
    return value


def check_sign_off_kind(value: object) -> str:
    """A sign-off kind's short name or ``signoff-*`` id, as given (the widget sends the page its kind)."""
    text = value if isinstance(value, str) else repr(value)
    try:
        sign_off_kind(text)
    except KeyError:
        raise ValueError(f'[alyx-qc] Unknown sign-off kind "{_clip(text)}". Use one of: {", ".join(sign_off_kind_names())}.') from None
    return text


def check_content_type(value: object) -> Optional[str]:
    """``None``, or a lower-case Alyx model name such as ``session``, ``probeinsertion``, ``subject``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f'[alyx-qc] content_type= takes a model name like "session", not {type(value).__name__}.')
    if not _MODEL_NAME.fullmatch(value) or len(value) > MAX_MODEL_NAME_LENGTH:
        raise ValueError(
            f"[alyx-qc] {_clip(value)!r} is not an Alyx model name: use a lower-case model such as "
            '"session", "probeinsertion" or "subject", or leave content_type out to have it found.'
        )
    return value


def check_flag(value: object, name: str) -> bool:
    """``True`` or ``False`` only: ``bool("False")`` is True, and ``overwrite="no"`` once deleted a note."""
    if value is True or value is False:
        return value
    raise TypeError(f"[alyx-qc] {name}= takes True or False, not {_clip(repr(value))}.")


def sign_off_reason_count(kind: str) -> int:
    """How many reasons the kind offers, "Other" included: ``nums`` are 0-based indices into them."""
    return len(sign_off_kind(kind)["reasons"])


def check_nums(value: object, counts: "tuple[int, ...]", what: str) -> str:
    """ibllib's reason numbers (``"1,3"``, 0-based), each below one of ``counts``' largest.

    ``what`` names the valid ranges for the message, e.g. "0 to 4".
    """
    if not isinstance(value, str):
        raise TypeError(f'[alyx-qc] nums= takes the reason numbers as a string like "1,3", not {type(value).__name__}.')
    if not _NUMS.fullmatch(value):
        raise ValueError(f'[alyx-qc] nums={_clip(value)!r} is not a list of reason numbers: give numbers {what} separated by commas, e.g. "1,3".')
    largest = max(counts) - 1
    for part in value.split(","):
        if int(part) > largest:
            raise ValueError(f"[alyx-qc] Reason number {part.strip()} in nums= is out of range: choose {what}.")
    return value
