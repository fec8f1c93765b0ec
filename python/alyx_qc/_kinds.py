"""The sign-off kinds, as the TypeScript core defines them (``js/core/sign-off-kinds.ts``).

The widget build writes them to ``static/kinds.json`` beside the bundles, so the reasons exist
once: a sign-off widget sends its page the one kind it shows (the page's bundle carries no table
of every kind), and ``nums=`` are checked in the cell against the real lists.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Tuple

_KINDS_FILE = Path(__file__).parent / "static" / "kinds.json"


@lru_cache(maxsize=1)
def _kinds_file() -> Dict[str, Any]:
    try:
        return json.loads(_KINDS_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"[alyx-qc] The widget's front end is not built ({_KINDS_FILE} is missing). In a source checkout, "
            "run `npm ci && npm run build:widget`; an installed alyx-qc wheel always includes it."
        ) from None


def sign_off_kind_names() -> Tuple[str, ...]:
    """The short names a sign-off kind is given by (``task``, ``raw-ephys``, ``raw_ephys``…)."""
    return tuple(_kinds_file()["aliases"])


def sign_off_kind(name: str) -> Dict[str, Any]:
    """The kind of this short name or ``signoff-*`` id, as the page's core reads it.

    A ``KeyError`` when there is none: ``check_sign_off_kind`` says what to pass instead.
    """
    data = _kinds_file()
    kind_id = name if name in data["kinds"] else data["aliases"][name]
    return data["kinds"][kind_id]
