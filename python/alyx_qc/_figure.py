"""The figure a reviewer judged, as the kernel holds it (issue 16, docs/figures.md).

``SignOff(..., figure=fig)`` and ``CriticalNote(..., figure=fig)`` take a matplotlib figure, PNG or
JPEG bytes, a path, or anything IPython displays as an image (``_repr_png_``/``_repr_jpeg_``, e.g. a
Pillow image). ``load_figure`` turns it into the bytes sent to Alyx, their type and SHA-256, and a
small PNG thumbnail for the page. The bytes stay in the kernel: the relay builds the multipart
request from them, and the page only ever gets the thumbnail.

Every problem is a ``FigureError`` raised when the widget is created, before anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple

from ._scope import CRITICAL_INSERTION_TITLE, CRITICAL_SESSION_TITLE, FIGURE_TITLE, RelayRefused, RelayScope, note_title

__all__ = [
    "Figure",
    "FigureError",
    "MAX_IMAGE_BYTES",
    "check_figure_post",
    "figure_image_path",
    "figure_note_text",
    "load_figure",
    "multipart_note",
    "perform_image_request",
]

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""The largest figure sent: 10 MiB, before any resizing (as the TypeScript core's ``MAX_IMAGE_BYTES``)."""

THUMBNAIL_SIZE = (320, 240)
"""The thumbnail's bounding box in pixels (aspect ratio kept, never enlarged)."""

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class FigureError(ValueError):
    """The figure cannot be attached; the message says what was wrong and what to pass instead."""


@dataclass(frozen=True)
class Figure:
    """A validated figure: the exact bytes uploaded, their type and digest, and a thumbnail."""

    data: bytes = field(repr=False)
    content_type: str
    """``image/png`` or ``image/jpeg``, from the bytes themselves."""
    sha256: str
    """SHA-256 of ``data``, lower-case hex: what the figure note's text names."""
    thumbnail: Optional[bytes] = field(default=None, repr=False)
    """A PNG at most ``THUMBNAIL_SIZE``; ``None`` when Pillow is not installed to make one."""

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def file_name(self) -> str:
        return "figure.png" if self.content_type == "image/png" else "figure.jpg"


def image_type(data: bytes) -> Optional[str]:
    """``image/png`` or ``image/jpeg`` from the first bytes; ``None`` for anything else."""
    if data.startswith(_PNG):
        return "image/png"
    if data.startswith(_JPEG):
        return "image/jpeg"
    return None


def load_figure(figure: Any) -> Figure:
    """The figure as bytes, type, digest and thumbnail; raises ``FigureError`` with what to fix."""
    data, source = _figure_bytes(figure)
    if len(data) > MAX_IMAGE_BYTES:
        raise FigureError(
            f"[alyx-qc] The figure ({source}) is {_megabytes(len(data))}, over the limit of {_megabytes(MAX_IMAGE_BYTES)}: "
            "save it smaller (a lower dpi, or JPEG) and pass that."
        )
    content_type = image_type(data)
    if content_type is None:
        raise FigureError(
            f"[alyx-qc] The figure ({source}) is not a PNG or JPEG image ({_describe(data)}): "
            'pass a matplotlib figure, or save the plot as PNG (fig.savefig("figure.png")) and pass the path or the bytes.'
        )
    return Figure(data=data, content_type=content_type, sha256=hashlib.sha256(data).hexdigest(), thumbnail=_thumbnail(data, source))


def plot_figure(data: bytes) -> Optional[Figure]:
    """A rendered plot (the review queue's) as the figure its sign-off attaches, without a
    thumbnail (the queue shows the plot itself); ``None`` when Alyx would not take it as a note's
    image (GIF, WebP, SVG, over the limit)."""
    content_type = image_type(data)
    if content_type is None or len(data) > MAX_IMAGE_BYTES:
        return None
    return Figure(data=data, content_type=content_type, sha256=hashlib.sha256(data).hexdigest())


def _figure_bytes(figure: Any) -> Tuple[bytes, str]:
    """The image bytes of whatever was passed, and a few words naming it for error messages."""
    if isinstance(figure, (bytes, bytearray, memoryview)):
        return bytes(figure), f"{len(figure)} bytes"
    if isinstance(figure, (str, os.PathLike)):
        return _read_path(Path(figure)), f"file {os.fspath(figure)!r}"
    if callable(getattr(figure, "savefig", None)):
        return _render_matplotlib(figure), "a matplotlib figure"
    for method, kind in (("_repr_png_", "PNG"), ("_repr_jpeg_", "JPEG")):
        if callable(getattr(figure, method, None)):
            return _from_repr(figure, method, kind), f"{type(figure).__name__}.{method}()"
    raise FigureError(
        f"[alyx-qc] figure= got a {type(figure).__module__}.{type(figure).__qualname__}, which is not an image: "
        "pass a matplotlib figure, PNG or JPEG bytes, a path to a .png/.jpg file, or an object IPython shows as an image."
    )


def _read_path(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise FigureError(f"[alyx-qc] The figure path {str(path)!r} is a folder: pass the path of a .png or .jpg file.")
        # Refused before reading: a huge file is not loaded just to be turned down.
        if size > MAX_IMAGE_BYTES:
            raise FigureError(
                f"[alyx-qc] The figure file {str(path)!r} is {_megabytes(size)}, over the limit of {_megabytes(MAX_IMAGE_BYTES)}: "
                "save it smaller (a lower dpi, or JPEG)."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise FigureError(f"[alyx-qc] The figure file {str(path)!r} does not exist: check the path (relative paths start at {os.getcwd()!r}).") from None
    except PermissionError:
        raise FigureError(f"[alyx-qc] The figure file {str(path)!r} cannot be read (permission denied): copy it somewhere readable, or pass its bytes.") from None
    except OSError as error:
        raise FigureError(f"[alyx-qc] The figure file {str(path)!r} cannot be read ({error.strerror or error}): check the path.") from None


def _render_matplotlib(figure: Any) -> bytes:
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png")
    except Exception as error:  # noqa: BLE001 - whatever the plot raised, the reviewer must see it
        raise FigureError(
            f"[alyx-qc] The matplotlib figure failed to render ({type(error).__name__}: {_one_line(error)}): fix the plot, or save it yourself and pass the PNG."
        ) from error
    return buffer.getvalue()


def _from_repr(figure: Any, method: str, kind: str) -> bytes:
    """IPython's image repr: bytes, base64 text, or ``(data, metadata)``; ``None`` means "no image"."""
    try:
        value = getattr(figure, method)()
    except Exception as error:  # noqa: BLE001 - as for matplotlib
        raise FigureError(f"[alyx-qc] {type(figure).__name__}.{method}() failed ({type(error).__name__}: {_one_line(error)}): pass the image as PNG bytes instead.") from error
    if isinstance(value, tuple) and value:
        value = value[0]
    if isinstance(value, str):
        try:
            value = base64.b64decode(value, validate=True)
        except ValueError:
            value = value.encode("latin-1", "replace")
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise FigureError(f"[alyx-qc] {type(figure).__name__}.{method}() gave no {kind} image: pass the image as PNG bytes instead.")
    return bytes(value)


def _thumbnail(data: bytes, source: str) -> Optional[bytes]:
    """A small PNG for the page; also proves the image decodes (a truncated PNG is refused here)."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with matplotlib; without it the page shows no thumbnail
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise FigureError(
            f"[alyx-qc] The figure ({source}) starts like an image but cannot be decoded ({type(error).__name__}: {error}): save it again and pass that."
        ) from None
    return out.getvalue()


def _describe(data: bytes) -> str:
    if not data:
        return "it is empty"
    for magic, name in ((b"GIF8", "a GIF"), (b"%PDF", "a PDF"), (b"<svg", "SVG text"), (b"<?xml", "XML text"), (b"RIFF", "a RIFF file (WebP?)")):
        if data.startswith(magic):
            return f"it is {name}"
    return f"it starts with {data[:4].hex(' ')}"


def _one_line(error: BaseException) -> str:
    """An exception's message on one line (mathtext errors draw a caret under the formula)."""
    return " ".join(str(error).split())


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


# -- the relay's figure requests (docs/figures.md) ------------------------------------------------

_NOTE_FIELDS = ("user", "content_type", "object_id", "text")
_ENTRY_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOWER_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

Fetch = Callable[[str], Tuple[int, Any]]
"""Reads a path of the Alyx in the kernel: its status and parsed JSON body."""


def figure_note_text(verdict: Dict[str, str], sha256: str) -> str:
    """The figure note's text, byte for byte as the core's ``figureNoteText``: ``json.dumps`` of
    ``{"title", "sign_off_key", "entry", "sha256"}`` or ``{"title", "critical_note", "sha256"}``."""
    return json.dumps({"title": FIGURE_TITLE, **verdict, "sha256": sha256})


def check_figure_post(body: object, scope: RelayScope, username: str, figure: Optional[Figure], fetch: Fetch) -> Dict[str, str]:
    """The page's ``POST /notes`` of a figure note (titled ``FIGURE_TITLE``; the relay sends it
    here instead of ``check_post_note``): the note fields of a figure note naming a verdict of this
    widget, for the figure the kernel holds. Returns the fields to send beside the image.

    The page sends no bytes: the text must be exactly the figure note of the held figure (its
    SHA-256), of a sign-off entry ``<date>_<kernel user>`` of a scope key, or of a critical note
    on the same object of this widget (read in the kernel to check it).
    """
    if not scope.figures:
        raise RelayRefused("this widget attaches no figure.")
    if figure is None:
        raise RelayRefused("this widget holds no figure to attach (pass figure= when creating it).")
    if not isinstance(body, dict) or sorted(body) != sorted(_NOTE_FIELDS) or not all(isinstance(body[name], str) for name in _NOTE_FIELDS):
        raise RelayRefused(f"a figure note is asked for with exactly the string fields {', '.join(_NOTE_FIELDS)}.")
    if body["user"] != username:
        raise RelayRefused(f"notes are written as {username!r}, the user this widget was created for.")
    object_id = body["object_id"]
    if not scope.has_object(object_id):
        raise RelayRefused(f"{object_id[:60]!r} is not an object of this widget.")
    try:
        parsed = json.loads(body["text"])
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict) or parsed.get("title") != FIGURE_TITLE:
        raise RelayRefused(f"a figure note is titled {FIGURE_TITLE!r}.")
    if parsed.get("sha256") != figure.sha256:
        raise RelayRefused("the figure note names another image than the figure this widget holds.")
    if "critical_note" in parsed:
        verdict = {"critical_note": parsed["critical_note"]}
        _check_critical_verdict(verdict["critical_note"], object_id, body["content_type"], scope, fetch)
    else:
        key, entry = parsed.get("sign_off_key"), parsed.get("entry")
        verdict = {"sign_off_key": key, "entry": entry}
        if key not in scope.sign_off_keys:
            raise RelayRefused(f"this widget signs off only {', '.join(sorted(scope.sign_off_keys)) or 'no key'}, not {str(key)[:60]!r}.")
        suffix = f"_{username}"
        if not (isinstance(entry, str) and entry.endswith(suffix) and _ENTRY_DATE.fullmatch(entry[: -len(suffix)])):
            raise RelayRefused(f"a figure names the reviewer's own entry <date>_{username}, not {str(entry)[:60]!r}.")
        if body["content_type"] != "session":
            raise RelayRefused("a sign-off's figure goes on the session.")
    if body["text"] != figure_note_text(verdict, figure.sha256):
        raise RelayRefused("the figure note's text is not in the form alyx-qc writes (docs/figures.md).")
    return {name: body[name] for name in _NOTE_FIELDS}


def _check_critical_verdict(note_id: object, object_id: str, content_type: str, scope: RelayScope, fetch: Fetch) -> None:
    if not scope.critical:
        raise RelayRefused("this widget writes no critical note, so it attaches no figure to one.")
    if not isinstance(note_id, str) or not _LOWER_UUID.fullmatch(note_id):
        raise RelayRefused("a critical note's figure names the note's id, a lower-case UUID.")
    status, note = fetch(f"/notes/{note_id}")
    if status != 200 or not isinstance(note, dict):
        raise RelayRefused(f"the relay could not read critical note {note_id} to check it (Alyx answered {status}).")
    title = note_title(note.get("text"))
    if title not in (CRITICAL_SESSION_TITLE, CRITICAL_INSERTION_TITLE) or note.get("object_id") != object_id:
        raise RelayRefused(f"note {note_id} is not a critical note of {object_id}.")
    if (content_type == "probeinsertion") != (title == CRITICAL_INSERTION_TITLE):
        raise RelayRefused(f"the figure goes on the critical note's own object, not a {content_type[:40]!r}.")


def multipart_note(fields: Dict[str, str], figure: Figure) -> Tuple[bytes, str]:
    """The ``multipart/form-data`` body of the figure note and its content type (with the boundary):
    the note's fields, ``width=orig`` (Alyx keeps the bytes as sent) and the image with its type."""
    from urllib3 import encode_multipart_formdata  # requests' own dependency

    parts = [*fields.items(), ("width", "orig"), ("image", (figure.file_name, figure.data, figure.content_type))]
    return encode_multipart_formdata(parts)


def figure_image_path(note: object, scope: RelayScope, base_url: str) -> str:
    """The path under ``base_url`` of a figure note's image, for the kernel to read with the token:
    only a figure note of this widget's objects, only an image under this Alyx's ``/uploaded/``."""
    if not isinstance(note, dict) or note_title(note.get("text")) != FIGURE_TITLE or not scope.has_object(note.get("object_id")):
        raise RelayRefused("only the image of a figure note of this widget's objects is read.")
    image = note.get("image")
    prefix = f"{base_url}/uploaded/"
    if not isinstance(image, str) or not image.startswith(prefix) or "/../" in image or "?" in image or "#" in image:
        raise RelayRefused(f"the note's image is not a file under {prefix}, so it is not read with the token.")
    return image[len(base_url):]


def check_image_answer(status: int, data: bytes) -> str:
    """The image's content type when Alyx answered with PNG or JPEG bytes; a clear error otherwise."""
    if status != 200:
        raise FigureError(f"Alyx answered {status} for the figure's image.")
    content_type = image_type(data)
    if content_type is None:
        # Alyx 3.6.1's own /uploaded/ view answers with the file's path as text (Apache serves the files).
        raise FigureError(f"Alyx did not serve the image ({_describe(data)}): its /uploaded/ files may be served by another server.")
    return content_type


# -- the image read (called by the relay for the page's alyx-image-request) ---------------------

MAX_ID = 200


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _kernel_fetch(relay: Any, watch: Any) -> Fetch:
    def fetch(path: str) -> Tuple[int, Any]:
        answer = relay.send_from_kernel("GET", path, watch=watch)
        return answer.status, _json_or_none(answer.text) if answer.status == 200 else None

    return fetch


def _relay_error(relay: Any, request_id: str, code: str, message: str) -> Dict[str, Any]:
    token = relay.credentials.token()
    return {"type": "alyx-relay-error", "id": request_id, "code": code, "message": message.replace(token, "[token]") if token else message}


def _failure(relay: Any, request_id: str, what: str, error: Exception) -> Dict[str, Any]:
    """The relay-error message for what went wrong, by the relay's codes."""
    import requests

    from . import _http

    if isinstance(error, RelayRefused):
        return _relay_error(relay, request_id, "refused", f"{what} refused: {error}")
    if isinstance(error, _http.RequestTimedOut):
        return _relay_error(relay, request_id, "timeout", f"{what} got no whole answer from Alyx in time; the request was stopped.")
    if isinstance(error, _http.RequestAborted):
        return _relay_error(relay, request_id, "network", f"{what} was aborted.")
    if isinstance(error, requests.Timeout):
        return _relay_error(relay, request_id, "timeout", f"{what} got no answer from Alyx in time.")
    if isinstance(error, requests.RequestException):
        return _relay_error(relay, request_id, "network", f"{what} failed: {type(error).__name__}: {str(error)[:300]}")
    return _relay_error(relay, request_id, "internal", f"{what} failed in the kernel ({type(error).__name__}: {str(error)[:200]}); please report this.")


def perform_image_request(relay: Any, message: Dict[str, Any], watch: Any = None) -> Tuple[Dict[str, Any], list]:
    """``{"type": "alyx-image-request", "id", "note_id"}``: the image of a figure note of this
    widget's objects, read in the kernel with the token. Answers ``{"type": "alyx-image", "id",
    "content_type"}`` with the bytes as the one binary buffer, or a relay error (no buffer)."""
    request_id = str(message.get("id", ""))[:MAX_ID]
    note_id = message.get("note_id")
    what = f"the image of note {str(note_id)[:40]}"
    try:
        if not relay.scope.figures:
            raise RelayRefused("this widget shows no figures.")
        if not isinstance(note_id, str) or not _LOWER_UUID.fullmatch(note_id):
            raise RelayRefused("a figure note is named by its id, a lower-case UUID.")
        status, note = _kernel_fetch(relay, watch)(f"/notes/{note_id}")
        if status != 200:
            raise RelayRefused(f"Alyx answered {status} for note {note_id}.")
        path = figure_image_path(note, relay.scope, relay.credentials.base_url)
        answer = relay.send_from_kernel("GET", path, watch=watch)
        data = answer.content
        if len(data) > MAX_IMAGE_BYTES:
            raise FigureError(f"the image is over {_megabytes(MAX_IMAGE_BYTES)}.")
        content_type = check_image_answer(answer.status, data)
    except FigureError as error:
        return _relay_error(relay, request_id, "refused", f"{what}: {error}"), []
    except Exception as error:  # noqa: BLE001
        return _failure(relay, request_id, what, error), []
    return {"type": "alyx-image", "id": request_id, "content_type": content_type}, [data]
