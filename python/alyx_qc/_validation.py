"""Cheap checks on the constructor's arguments, so a typo fails in the cell that made it.

The TypeScript core checks the same things again before it sends anything (it is the reference);
these only move the error to where the user typed the value, as a ``ValueError``.
"""

from __future__ import annotations

import re

_UUID_ANY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)
_SIGN_OFF_KEY = re.compile(r"^_[A-Za-z0-9_]+$")

#: The sign-off kinds by their short names (the core also takes its ``signoff-*`` ids).
SIGN_OFF_KINDS = ("task", "passive", "video", "raw-ephys", "spike-sorting", "alignment")


def check_uuid4(value: object, what: str) -> str:
    """The UUID, lower-cased; a ``ValueError`` naming the fix unless it is a version-4 UUID."""
    text = str(value).strip()
    if not _UUID_ANY.match(text):
        raise ValueError(f'[alyx-qc] "{text[:60]}" is not a UUID. Pass the {what} as 36 characters like "2ffd3ed5-477e-4153-9af7-7fdad3c6946b".')
    if not _UUID_V4.match(text):
        raise ValueError(f'[alyx-qc] "{text}" is a version-{text[14]} UUID, but Alyx ids are version 4. Check that you copied the {what} from Alyx.')
    return text.lower()


def check_sign_off_key(value: object) -> str:
    """Keys go into a note title and a ``django=`` filter: ``_`` then letters, digits, underscores."""
    text = str(value)
    if not _SIGN_OFF_KEY.match(text):
        raise ValueError(
            f'[alyx-qc] "{text[:60]}" is not a sign-off key: it must start with "_" and hold only letters, digits and '
            'underscores, e.g. "_ephysChoiceWorld_00" or "_neuropixel_raw_probe00".'
        )
    return text


def check_sign_off_kind(value: object) -> str:
    text = str(value)
    short = text[len("signoff-"):] if text.startswith("signoff-") else text
    if short.replace("_", "-") not in SIGN_OFF_KINDS:
        raise ValueError(f'[alyx-qc] Unknown sign-off kind "{text[:60]}". Use one of: {", ".join(SIGN_OFF_KINDS)}.')
    return text
