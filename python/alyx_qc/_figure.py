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
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Tuple

__all__ = ["Figure", "FigureError", "MAX_IMAGE_BYTES", "load_figure"]

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
