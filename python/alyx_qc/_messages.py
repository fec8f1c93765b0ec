"""The messages between the widget's front end and the kernel.

The Python twin of ``js/widget/relay-messages.ts``; keep the two in step. They travel as
anywidget custom messages (``model.send`` / ``Widget.send``), snake_case on the wire.
"""

from __future__ import annotations

import sys
from typing import Dict, List, Literal, Optional, Union

if sys.version_info >= (3, 11):
    from typing import NotRequired, TypedDict
else:  # pragma: no cover - exercised on older Pythons only
    from typing_extensions import NotRequired, TypedDict

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

RelayErrorCode = Literal["refused", "network", "timeout", "internal"]
"""Why the kernel sent no request or got no answer (see ``AlyxRelayErrorMessage``)."""


# Front end -> kernel


class AlyxRequestMessage(TypedDict):
    """Perform this request; the kernel checks it and adds the credentials. A ``POST /notes`` of a
    figure note (issue 16) is its four fields as JSON, no file: the kernel checks them against the
    figure it holds and posts that as multipart (``Relay._figure_note``)."""

    type: Literal["alyx-request"]
    id: str
    method: HttpMethod
    url: str
    body: NotRequired[str]


class AlyxAbortMessage(TypedDict):
    """The request was aborted or timed out in the front end: do not answer it."""

    type: Literal["alyx-abort"]
    id: str


class ViewsMessage(TypedDict):
    """How many views of the widget one front end (page load) shows now."""

    type: Literal["views"]
    frontend: str
    count: int


class SubmitStartedMessage(TypedDict):
    """The view took up the ``submit`` with this id (the widget stops waiting for one)."""

    type: Literal["submit-started"]
    id: str


class AlyxImageRequestMessage(TypedDict):
    """Read the image of a figure note of this widget's objects (issue 16)."""

    type: Literal["alyx-image-request"]
    id: str
    note_id: str


FrontendMessage = Union[AlyxRequestMessage, AlyxAbortMessage, ViewsMessage, SubmitStartedMessage, AlyxImageRequestMessage]


# Kernel -> front end


class AlyxResponseMessage(TypedDict):
    """Alyx's answer, whatever its status. Headers: only content-type and retry-after."""

    type: Literal["alyx-response"]
    id: str
    status: int
    headers: Dict[str, str]
    body: str


class AlyxRelayErrorMessage(TypedDict):
    """No response: ``refused`` (not a request the widget's workflow makes: see ``_scope.py``), ``network``,
    ``timeout`` or ``internal``. The message says what and why, never with the token."""

    type: Literal["alyx-relay-error"]
    id: str
    code: RelayErrorCode
    message: str


class SubmitChoice(TypedDict):
    reasons: NotRequired[List[str]]
    nums: NotRequired[str]
    other: Optional[str]


class SubmitMessage(TypedDict):
    """``widget.submit(...)``: the front end ``frontend`` runs the workflow."""

    type: Literal["submit"]
    frontend: str
    id: str
    choice: SubmitChoice
    with_note: NotRequired[bool]
    overwrite: NotRequired[bool]
    attach_figure: NotRequired[bool]


class AlyxImageMessage(TypedDict):
    """The image of a figure note: its bytes are the message's one binary buffer."""

    type: Literal["alyx-image"]
    id: str
    content_type: str


KernelMessage = Union[AlyxResponseMessage, AlyxRelayErrorMessage, SubmitMessage, AlyxImageMessage]
